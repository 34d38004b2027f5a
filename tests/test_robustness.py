"""Bad input, one case at a time: a clear one-line message naming the file (and line), the
rest of the batch goes on, the exit code says something failed, nothing partial is left."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.documents import MAX_DOCUMENT_BYTES, iter_documents

GOOD = "Pakistan and India agreed to reopen the border crossing. Talks will resume in May."


def score(*args: str, input: str | None = None):
    result = CliRunner().invoke(cli, ["score", "--format", "jsonl", *args], input=input)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    return result, records, errors


def one_line_naming(errors: list[str], path, line: int | None = None) -> str:
    (error,) = errors
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    assert where in error and "\n" not in error
    return error


@pytest.fixture
def good(write):
    return write("good.txt", GOOD)


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50, "binary"),
        ("latin1.txt", "Caf\xe9 diplomacy.".encode("latin-1"), "not valid UTF-8"),
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \n\t \r\n  ", "empty file"),
    ],
)
def test_unreadable_content_is_reported_and_the_batch_goes_on(write, good, name, content, reason):
    bad = write(name, content)
    result, records, errors = score(str(bad), str(good))
    assert result.exit_code == 2
    assert reason in one_line_naming(errors, bad)
    assert {r["document"] for r in records} == {"good"} and len(records) == 2


def test_a_50_mb_file_is_refused_without_being_read(write, good):
    big = write("big.txt", b"")
    with big.open("wb") as handle:
        handle.write(b"The talks went on. " * (50_000_000 // 19 + 1))
    assert big.stat().st_size > 50_000_000 > MAX_DOCUMENT_BYTES
    result, records, errors = score(str(big), str(good))
    assert result.exit_code == 2
    error = one_line_naming(errors, big)
    assert "50.0 MB" in error and "--max-mb" in error
    assert {r["document"] for r in records} == {"good"}


def test_the_size_limit_can_be_raised(write):
    doc = write("medium.txt", "Pakistan praised India. " * 50_000)  # 1.2 MB
    result, _, errors = score(str(doc), "--max-mb", "1")
    assert result.exit_code == 2 and "1.2 MB" in errors[0]
    result, records, _ = score(str(doc), "--max-mb", "2")
    assert result.exit_code == 0 and len(records) == 50_000


def test_a_200000_character_line_without_punctuation_is_bounded(write):
    doc = write("run-on.txt", "word " * 40_000)
    result, records, errors = score(str(doc))
    assert result.exit_code == 0 and not errors
    assert len(records) >= 200 and all(len(r["text"]) <= 1000 for r in records)


def test_a_document_without_sentence_terminators(write):
    doc = write("no-stops.txt", "Pakistan and India agreed to talk\nthe border stays open\n")
    result, records, _ = score(str(doc))
    assert result.exit_code == 0 and records
    assert "".join(r["text"] for r in records).replace(" ", "") == (
        "PakistanandIndiaagreedtotalk\ntheborderstaysopen".replace(" ", "")
    )


@pytest.mark.parametrize(
    "text",
    [
        "La France et l'Allemagne ont signé un accord de coopération. Les relations sont bonnes.",
        "中国和印度同意恢复边境谈判。双方表示满意。",
        "اتفقت باكستان والهند على استئناف المحادثات. الجانبان راضيان.",
        "Россия и Украина не достигли соглашения.",
    ],
)
def test_documents_in_other_languages_are_scored_without_error(write, text):
    doc = write("other.txt", text)
    result, records, errors = score(str(doc))
    assert result.exit_code == 0 and not errors and records
    for r in records:
        assert -1 <= r["score"] <= 1 and -1 <= r["tone"] <= 1


def test_zero_width_and_bidirectional_characters_are_removed(write):
    text = "Paki\u200bstan praised India\u2019s \u202eresolve\u202c and the \ufeffUS\u2060 agreed."
    doc = write("invisible.txt", text)
    (item,) = list(iter_documents([doc]))
    assert item.text == "Pakistan praised India’s resolve and the US agreed."
    result, records, _ = score(str(doc))
    assert result.exit_code == 0
    assert {"PAK", "IND", "USA"} <= set(records[0]["parties"])


def test_a_header_with_an_impossible_date_is_a_warning(write):
    doc = write("feb30.txt", "date: 2023-02-30\ntitle: Talks\n\nPakistan and India agreed.")
    result, records, errors = score(str(doc))
    assert result.exit_code == 0 and not errors
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and str(doc) in warnings[0] and "2023-02-30" in warnings[0]
    assert records[0]["date"] is None


def test_jsonl_with_a_malformed_line_and_a_missing_text(write):
    jsonl = write(
        "feed.jsonl",
        '{"id": "a", "text": "Pakistan thanked India."}\n'
        '{"id": "b", "text": "unterminated\n'
        '{"id": "c", "title": "no text"}\n'
        '{"id": "d", "text": "India thanked Pakistan."}\n',
    )
    result, records, errors = score(str(jsonl))
    assert result.exit_code == 2
    assert [r["document"] for r in records] == ["a", "d"]
    assert len(errors) == 2
    assert f"{jsonl}:2:" in errors[0] and "malformed JSON" in errors[0]
    assert f"{jsonl}:3:" in errors[1] and "missing 'text'" in errors[1]


@pytest.mark.parametrize(
    "content, message, line",
    [
        ('PAK = ["Pakistan"]\nIND = ["India",\n', "TOML syntax error", 2),
        ('PAK = ["Pakistan", ""]\n', "empty alias", None),
        ('PAK = ["Pakistan", "P"]\n', "single letter", None),
        ('PAK = ["Pakistan", "South Asia"]\nIND = ["India", "south asia"]\n', "both", None),
    ],
)
def test_bad_party_files_are_usage_errors(write, good, content, message, line):
    parties = write("parties.toml", content)
    result, records, _ = score(str(good), "--parties", str(parties))
    assert result.exit_code == 1 and records == []
    (error,) = [x for x in result.stderr.splitlines() if x.strip()]
    assert message in error and str(parties) in error
    if line is not None:
        assert f"{parties}:{line}:" in error


def test_an_unknown_speaker_is_a_usage_error(good):
    result, records, _ = score(str(good), "--speaker", "ATLANTIS")
    assert result.exit_code == 1 and records == [] and "unknown speaker" in result.stderr


def test_a_nonexistent_path(good, tmp_path):
    missing = tmp_path / "nowhere" / "doc.txt"
    result, records, errors = score(str(missing), str(good))
    assert result.exit_code == 2 and "no such file" in one_line_naming(errors, missing)
    assert {r["document"] for r in records} == {"good"}


def test_an_unreadable_file():
    """Run as an unprivileged user where the tests run as root (root reads anything)."""
    folder = Path(tempfile.mkdtemp(prefix="stance-unreadable-"))
    try:
        folder.chmod(0o755)
        locked, good = folder / "locked.txt", folder / "good.txt"
        locked.write_text(GOOD, encoding="utf-8")
        good.write_text(GOOD, encoding="utf-8")
        locked.chmod(0)
        command = [sys.executable, "-m", "stance", "score", "--format", "jsonl"]
        command += [str(locked), str(good)]
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("running as root without setpriv: cannot drop privileges")
            command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        env = {**os.environ, "HOME": str(folder), "MPLCONFIGDIR": str(folder)}
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder)
        assert done.returncode == 2, done.stderr
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert "permission denied" in one_line_naming(errors, locked)
        assert {json.loads(line)["document"] for line in done.stdout.splitlines()} == {"good"}
    finally:
        shutil.rmtree(folder)


def test_an_output_folder_that_cannot_be_written(write, good, tmp_path):
    blocker = write("not-a-folder", "a file where the output folder should be")
    result = CliRunner().invoke(cli, ["report", str(good), "--out", str(blocker / "reports")])
    assert result.exit_code == 1
    (error,) = [x for x in result.stderr.splitlines() if x.strip()]
    assert error.startswith("error:") and str(blocker) in error
    assert blocker.read_text() == "a file where the output folder should be"


def test_a_jsonl_record_with_an_unpaired_surrogate_fails_alone(write, tmp_path):
    jsonl = write(
        "feed.jsonl",
        '{"id": "sur", "text": "Pakistan praised \\ud800 India."}\n'
        '{"id": "ok", "text": "Pakistan praised India."}\n',
    )
    result, records, errors = score(str(jsonl))
    assert result.exit_code == 2 and [r["document"] for r in records] == ["ok"]
    assert "unpaired surrogate" in one_line_naming(errors, jsonl, 1)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", "--out", str(out), str(jsonl)])
    assert result.exit_code == 2 and "internal error" not in result.stderr


def test_a_file_name_that_is_not_utf8_is_reported_on(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"Pakistan praised India.\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", "--out", str(out), str(folder)])
    assert result.exit_code == 0, result.stderr
    (analysis,) = out.glob("*/analysis.json")
    meta = json.loads(analysis.read_text(encoding="utf-8"))["metadata"]
    assert meta["id"] == "caf\ufffd" and meta["path"].endswith("caf\ufffd.txt")


def test_file_names_cannot_forge_messages_and_text_cannot_drive_the_terminal(write):
    forged = write("a\nerror: fake.txt: forged.txt", b"")
    escape = write("escape.txt", "Pakistan praised India. \x1b]0;pwned\x07 Talks went on.")
    result = CliRunner().invoke(cli, ["score", str(forged), str(escape)])
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {forged.parent}/a\\nerror: fake.txt: forged.txt: empty file"]
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b]0;pwned\\x07" in result.stdout
    _, records, _ = score(str(escape))
    assert "\x1b]0;pwned\x07" in records[1]["text"]


def test_jsonl_on_standard_input_may_start_with_a_byte_order_mark():
    stdin = '\ufeff{"id": "x", "text": "Pakistan praised India."}\n'
    result, records, _ = score("-", input=stdin)
    assert result.exit_code == 0 and [r["document"] for r in records] == ["x"]


def test_standard_input_is_read_only_up_to_the_limit(write):
    big = write("big.txt", "Pakistan praised India. " * 200_000)  # 4.8 MB
    with big.open("rb") as stdin:
        result = CliRunner().invoke(cli, ["score", "--max-mb", "1", "-"], input=stdin)
        position = stdin.tell()
    assert result.exit_code == 2 and "<stdin>: over the 1 MB limit" in result.stderr
    assert position <= 1_100_000


def test_jsonl_on_standard_input_is_limited_per_document(write):
    record = json.dumps({"text": "Pakistan praised India. " * 20_000})  # 0.5 MB each
    lines = [record] * 5 + ['{"text": "' + "x" * 1_500_000 + '"}', '{"id": "last", "text": "Yes."}']
    feed = write("feed.jsonl", "\n".join(lines) + "\n")
    with feed.open("rb") as stdin:
        result = CliRunner().invoke(
            cli, ["score", "--format", "csv", "--max-mb", "1", "-"], input=stdin
        )
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: <stdin>:6: over the 1 MB limit for one document; split it, or raise the limit "
        "with --max-mb"
    ]
    documents = {row.split(",")[0] for row in result.stdout.splitlines()[1:]}
    assert documents == {f"stdin-{n}" for n in range(1, 6)} | {"last"}
