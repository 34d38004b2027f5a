import datetime as dt

import pytest

from stance.documents import document_from_text, iter_documents, load_document, parse_date
from stance.errors import InputError


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023-07-13", dt.date(2023, 7, 13)),
        ("2023/7/3", dt.date(2023, 7, 3)),
        ("July 13, 2023", dt.date(2023, 7, 13)),
        ("Jul. 13 2023", dt.date(2023, 7, 13)),
        ("13 July 2023", dt.date(2023, 7, 13)),
        ("13th of July, 2023", dt.date(2023, 7, 13)),
        ("Sept 3, 2021", dt.date(2021, 9, 3)),
        ("2023-02-30", None),
        ("yesterday", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_inline_header_takes_the_date_out_of_the_body():
    doc = document_from_text(" date 2023-07-13 Special envoys met in Geneva. They talked.")
    assert doc.date == dt.date(2023, 7, 13)
    assert doc.text == "Special envoys met in Geneva. They talked."
    assert doc.body_offset == len(" date 2023-07-13 ")


def test_header_lines_before_a_blank_line():
    text = "title: Talks\ndate: July 13, 2023\nspeaker: PAK\nsource: wire\n\nBody one. Body two."
    doc = document_from_text(text, id="x")
    assert (doc.title, doc.speaker, doc.source) == ("Talks", "PAK", "wire")
    assert doc.date == dt.date(2023, 7, 13)
    assert doc.text == "Body one. Body two."
    assert text[doc.body_offset :] == doc.text


def test_header_lines_win_over_the_inline_form():
    doc = document_from_text("date: 2023-07-13\ntitle: Two lines\n\nBody.")
    assert doc.title == "Two lines" and doc.text == "Body."


def test_text_without_header_is_left_alone():
    text = "Dates matter: 2023-07-13 was a Thursday."
    doc = document_from_text(text)
    assert doc.text == text and doc.date is None


def test_unparseable_date_is_a_warning_naming_the_file(write):
    path = write("bad-date.txt", "date: 2023-02-30\n\nThe talks went well.")
    doc = load_document(path)
    assert doc.date is None
    assert doc.warnings and str(path) in doc.warnings[0] and "2023-02-30" in doc.warnings[0]


def test_bom_is_tolerated(write):
    path = write("bom.txt", "\ufeffdate: 2024-01-02\n\nHello there.".encode())
    doc = load_document(path)
    assert doc.date == dt.date(2024, 1, 2) and doc.text == "Hello there."


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\t\n", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("latin1.txt", "Caf\u00e9 talks.\nM\u00fcnchen.".encode("latin-1"), "not valid UTF-8"),
        ("header-only.txt", b"date: 2024-01-01\n\n", "no text"),
    ],
)
def test_bad_files_are_errors_naming_the_file(write, name, content, message):
    path = write(name, content)
    (item,) = list(iter_documents([path]))
    assert isinstance(item, InputError)
    assert str(path) in str(item) and message in str(item)
    assert "\n" not in str(item)


def test_invalid_utf8_names_the_line(write):
    path = write("bad.txt", b"line one\nline two\nline \xff three\n")
    (item,) = list(iter_documents([path]))
    assert isinstance(item, InputError) and item.line == 3


def test_encoding_option_reads_other_encodings(write):
    path = write("latin1.txt", "Caf\u00e9 diplomacy in M\u00fcnchen.".encode("latin-1"))
    (doc,) = list(iter_documents([path], encoding="latin-1"))
    assert doc.text == "Caf\u00e9 diplomacy in M\u00fcnchen."


def test_folder_is_read_recursively_and_bad_files_do_not_stop_it(write, tmp_path):
    write("corpus/a.txt", "First document.")
    write("corpus/sub/b.txt", "Second document.")
    write("corpus/sub/c.txt", b"")
    write("corpus/notes.csv", "ignored,file")
    write("corpus/.hidden.txt", "hidden")
    items = list(iter_documents([tmp_path / "corpus"]))
    docs = [i for i in items if not isinstance(i, InputError)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [d.id for d in docs] == ["a", "sub/b"]
    assert len(errors) == 1 and "c.txt" in str(errors[0])


def test_jsonl_documents_and_line_errors(write):
    path = write(
        "docs.jsonl",
        '{"id": "a", "text": "Alpha text.", "date": "2024-05-01", "speaker": "PAK"}\n'
        "\n"
        '{"id": "b", "text": "Beta text."\n'
        '{"id": "c"}\n'
        '["not", "an", "object"]\n'
        '{"text": "No id here.", "title": "T", "extra": 5}\n',
    )
    items = list(iter_documents([path]))
    assert [type(i).__name__ for i in items] == [
        "Document",
        "InputError",
        "InputError",
        "InputError",
        "Document",
    ]
    first, malformed, missing, not_object, last = items
    assert first.id == "a" and first.date == dt.date(2024, 5, 1) and first.speaker == "PAK"
    assert malformed.line == 3 and "malformed JSON" in str(malformed)
    assert missing.line == 4 and "missing 'text'" in str(missing)
    assert not_object.line == 5
    assert last.id == "docs-6" and last.title == "T" and last.extra == {"extra": 5}
    assert str(path) in str(malformed)


def test_missing_path_is_an_error():
    (item,) = list(iter_documents(["/no/such/file.txt"]))
    assert isinstance(item, InputError) and "no such file" in str(item)


def test_documents_are_read_lazily(write):
    path = write("one.txt", "One.")
    iterator = iter_documents([path, "/no/such/file.txt"])
    assert next(iterator).id == "one"
