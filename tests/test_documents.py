import datetime as dt
import json
import os
import tracemalloc

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


@pytest.mark.parametrize(
    "text",
    [
        "2023-07-13T10:00:00Z",
        "2023-07-13 10:00",
        "2023-07-13T10:00:00+05:00",
        "2023-07-13T23:30:00-08:00",
        "2023-07-13T10:00:00.123Z",
    ],
)
def test_iso_date_times_give_the_date_as_written(text):
    assert parse_date(text) == dt.date(2023, 7, 13)


def test_date_times_in_header_lines_the_inline_form_and_jsonl(write):
    header = document_from_text("date: 2023-07-13T10:00:00Z\ntitle: T\n\nBody.")
    inline = document_from_text(" date 2023-07-13T10:00:00+05:00 Envoys met. They talked.")
    path = write("t.jsonl", '{"text": "Envoys met.", "date": "2023-07-13T23:30:00-08:00"}\n')
    (record,) = iter_documents([path])
    for doc in (header, inline, record):
        assert doc.date == dt.date(2023, 7, 13) and not doc.warnings
    assert inline.text == "Envoys met. They talked."


def test_inline_header_with_a_colon_keeps_the_rest_of_the_line():
    text = (
        "date: 2023-07-13 Special Assistant Malik said trade would grow.\n"
        "The US ambassador praised Islamabad.\n"
    )
    doc = document_from_text(text)
    assert doc.date == dt.date(2023, 7, 13) and not doc.warnings
    assert doc.text.startswith("Special Assistant Malik said trade would grow.\nThe US")
    assert text[doc.body_offset :] == doc.text


def test_a_header_line_with_more_than_a_date_followed_by_header_lines_is_a_header():
    doc = document_from_text("date: 2023-07-13 (Thursday)\ntitle: Talks\n\nBody.")
    assert doc.title == "Talks" and doc.text == "Body." and doc.date is None
    assert "unparseable date" in doc.warnings[0]


def test_unknown_header_fields_are_kept_when_the_block_is_a_header():
    text = "category: news\ndate: 2023-07-13\ntitle: India criticizes China\n\nThe two met."
    doc = document_from_text(text)
    assert doc.date == dt.date(2023, 7, 13) and doc.title == "India criticizes China"
    assert doc.text == "The two met." and doc.extra == {"category": "news"}
    assert document_from_text("Category: news\ntitle: T").extra == {"category": "news"}


@pytest.mark.parametrize(
    "text",
    [
        "Washington: The US said talks would go on.\n\nMore later.",
        "Washington: The US said talks would go on.\nIslamabad: Pakistan agreed.\n\nMore.",
        "category: news\ntitle: T\nThe body starts here without a blank line.",
    ],
)
def test_body_lines_with_a_colon_are_not_a_header(text):
    doc = document_from_text(text)
    assert "washington" not in doc.extra and "category" not in doc.extra
    assert doc.text.startswith(("Washington:", "category:"))


def test_crlf_and_cr_only_headers_are_read():
    for newline in ("\r\n", "\r"):
        text = newline.join(["category: news", "date: 2023-07-13", "", "Body."])
        doc = document_from_text(text)
        assert doc.date == dt.date(2023, 7, 13) and doc.text == "Body."


def test_jsonl_path_and_line_fields_cannot_override_where_a_document_came_from(write):
    path = write(
        "feed.jsonl",
        '{"id": "n", "text": "Talks.", "path": "/etc/passwd", "line": 99999, "tag": "x"}\n',
    )
    (doc,) = iter_documents([path])
    meta = doc.metadata
    assert meta["path"] == str(path) and meta["line"] == 1 and meta["tag"] == "x"
    assert len(doc.warnings) == 2 and all(w.startswith(f"{path}:1: field") for w in doc.warnings)
    header = document_from_text("title: T\npath: /etc/passwd\n\nBody.", path="real.txt")
    assert header.metadata["path"] == "real.txt" and header.warnings


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_jsonl_non_finite_numbers_are_malformed_json(write, constant):
    path = write(
        "feed.jsonl",
        f'{{"id": "n", "text": "Talks.", "score": {constant}}}\n{{"id": "ok", "text": "Fine."}}\n',
    )
    error, doc = iter_documents([path])
    assert isinstance(error, InputError) and error.line == 1 and "malformed JSON" in str(error)
    assert doc.id == "ok"


@pytest.mark.parametrize(
    "line, where",
    [
        (r'{"id": "s", "text": "Pakistan praised \ud800 India."}', "'text'"),
        (r'{"id": "s", "text": "ok", "title": "\udfff"}', "'title'"),
        (r'{"id": "s", "text": "ok", "meta": {"tags": ["a", "\ud83d"]}}', "'meta'"),
        (r'{"id": "s", "text": "ok", "\udc80": 1}', "a field name"),
    ],
)
def test_jsonl_unpaired_surrogates_are_an_error_for_that_record(write, line, where):
    path = write("feed.jsonl", line + '\n{"id": "ok", "text": "Fine \\ud83d\\ude00."}\n')
    error, doc = iter_documents([path])
    assert isinstance(error, InputError) and error.line == 1
    assert "unpaired surrogate" in str(error) and str(error).endswith(f" in {where}")
    assert doc.id == "ok" and doc.text == "Fine \U0001f600."


def test_file_names_that_are_not_utf8_are_read_and_named_printably(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"Talks went on.")
    (doc,) = iter_documents([folder])
    assert doc.text == "Talks went on."
    assert doc.id == "caf\ufffd" and doc.path.endswith("caf\ufffd.txt")
    json.dumps(doc.metadata).encode("utf-8")


def test_control_characters_in_file_names_are_escaped_in_messages(tmp_path):
    path = tmp_path / "a\nerror: fake.txt: forged\x1b[31m.txt"
    path.write_bytes(b"")
    (error,) = iter_documents([path])
    assert "\n" not in str(error) and "\x1b" not in str(error)
    assert "a\\nerror: fake.txt: forged\\x1b[31m.txt: empty file" in str(error)


def test_the_binary_check_applies_to_single_byte_encodings(write):
    path = write("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    for encoding in ("latin-1", "cp1252", "ascii"):
        (error,) = iter_documents([path], encoding=encoding)
        assert isinstance(error, InputError) and "binary" in str(error)
    utf16 = write("utf16.txt", "Talks went on.".encode("utf-16"))
    (doc,) = iter_documents([utf16], encoding="utf-16")
    assert doc.text == "Talks went on."


def test_a_device_without_a_size_is_read_only_up_to_the_limit():
    (error,) = iter_documents(["/dev/zero"], max_bytes=1000)
    assert isinstance(error, InputError) and "over the 0.001 MB limit" in str(error)


def test_an_over_long_jsonl_line_is_skipped_without_being_held(write):
    path = write(
        "feed.jsonl",
        b'{"id": "a", "text": "First."}\n'
        + b'{"id": "big", "text": "'
        + b"x" * 20_000_000
        + b'"}\n'
        + b'{"id": "c", "text": "Last."}\n',
    )
    tracemalloc.start()
    try:
        first, error, last = iter_documents([path], max_bytes=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (first.id, last.id, last.line) == ("a", "c", 3)
    assert isinstance(error, InputError) and error.line == 2 and "limit" in str(error)
    assert peak < 5_000_000


def test_a_high_limit_is_not_set_aside_for_a_short_document(tmp_path):
    # read(n) reserves n bytes before reading: --max-mb 100000 failed on a 1 kB file.
    path = tmp_path / "short.txt"
    path.write_text("Pakistan praised India.\n", encoding="utf-8")
    tracemalloc.start()
    try:
        (doc,) = list(iter_documents([path], max_bytes=10**9))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert doc.text.startswith("Pakistan praised India.")
    assert peak < 10**7
