"""Report folders: their files, atomic replacement, the index, and untrusted text."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from report_samples import HOSTILE, HOSTILE_ID, HOSTILE_TITLE, PARTIES, no_party, talks

import stance
from stance.documents import document_from_text
from stance.errors import InputError
from stance.report import figures, html, writer
from stance.report.rows import CSV_COLUMNS

CHARTS = [
    "convergence-index",
    "stance-along-the-document",
    "stance-by-party",
    "what-drove-it",
    "scorer-agreement",
]


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.iterdir() if p.name.startswith(writer.TEMP_PREFIX)]


def test_a_report_folder_holds_every_default_file(tmp_path):
    analysis = talks()
    entry = writer.write_report(analysis, tmp_path, "talks-0")
    folder = tmp_path / "talks-0"
    expected = {f"{c}.png" for c in CHARTS} | {
        "index.html",
        "analysis.json",
        "sentences.csv",
        "report.json",
    }
    assert {p.name for p in folder.iterdir()} == expected
    assert set(entry["files"]) == expected
    assert json.loads((folder / "analysis.json").read_text("utf-8")) == json.loads(
        json.dumps(analysis.to_dict())
    )
    rows = list(csv.reader(io.StringIO((folder / "sentences.csv").read_text("utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 1 + len(analysis.sentences)
    assert rows[3][CSV_COLUMNS.index("label")] == "divergence"
    assert (folder / "stance-by-party.png").read_bytes().startswith(b"\x89PNG")
    assert entry["convergence_index"] == analysis.summary["convergence_index"]
    assert entry["title"] == "Harbour talks" and entry["date"] == "2024-06-02"
    assert not leftovers(tmp_path)


def test_write_report_creates_the_output_folder_and_refuses_paths_as_names(tmp_path):
    writer.write_report(talks(), tmp_path / "new" / "reports", "talks", ("json",))
    assert (tmp_path / "new" / "reports" / "talks" / "analysis.json").is_file()
    for bad in ("../escape", "a/b", "", ".", "..", ".hidden", "/abs"):
        with pytest.raises(ValueError, match="not a plain folder name"):
            writer.write_report(talks(), tmp_path, bad, ("json",))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new"]


def test_formats_choose_the_files(tmp_path):
    entry = writer.write_report(talks(), tmp_path, "doc", ("svg", "pdf", "json"))
    names = set(entry["files"])
    assert names == {f"{c}.svg" for c in CHARTS} | {f"{c}.pdf" for c in CHARTS} | {
        "analysis.json",
        "report.json",
    }
    assert (tmp_path / "doc" / "what-drove-it.pdf").read_bytes().startswith(b"%PDF")


def test_parse_formats():
    assert writer.parse_formats("csv, HTML,png") == ("html", "png", "csv")
    with pytest.raises(ValueError, match="'gif'"):
        writer.parse_formats("png,gif")
    with pytest.raises(ValueError):
        writer.parse_formats(" , ")


def test_a_newer_report_replaces_the_older_one_whole(tmp_path):
    writer.write_report(talks(), tmp_path, "doc")
    writer.write_report(no_party(), tmp_path, "doc", ("json",))
    folder = tmp_path / "doc"
    assert {p.name for p in folder.iterdir()} == {"analysis.json", "report.json"}
    assert json.loads((folder / "report.json").read_text("utf-8"))["title"] == "A quiet harbour"
    assert not leftovers(tmp_path)


def test_a_failed_write_leaves_the_old_report_untouched(tmp_path):
    writer.write_report(talks(), tmp_path, "doc")
    before = {p.name: p.read_bytes() for p in (tmp_path / "doc").iterdir()}
    with pytest.raises(OSError):
        writer.install_folder(tmp_path, "doc", {"a.txt": b"new", "no/such/dir.txt": b"x"})
    assert {p.name: p.read_bytes() for p in (tmp_path / "doc").iterdir()} == before
    assert not leftovers(tmp_path)


def test_report_folders_are_complete_or_absent_after_kill_9(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(40):
        (corpus / f"doc{i:02}.txt").write_text(talks().document.text, encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from stance.cli import main; main()", "report"]
    process = subprocess.Popen(
        [*command, str(corpus), "--out", str(out), "--engine", "serial", "--format", "png,json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("doc*"))) < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    folders = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert 3 <= len(folders) < 40, "the run was not killed half-way"
    for folder in folders:
        entry = json.loads((folder / "report.json").read_text("utf-8"))
        assert sorted(p.name for p in folder.iterdir()) == sorted(entry["files"])
        assert all((folder / name).stat().st_size > 0 for name in entry["files"])
    writer.sweep_leftovers(out, older_than=0)
    assert not leftovers(out)
    assert len(writer.read_entries(out)) == len(folders)


def test_the_index_lists_the_reports_of_earlier_runs(tmp_path):
    writer.write_report(talks(), tmp_path, "talks-1")
    writer.write_index(tmp_path)
    writer.write_report(no_party(), tmp_path, "quiet-2", ("json",))
    index = writer.write_index(tmp_path)
    entries = writer.read_entries(tmp_path)
    assert [e["folder"] for e in entries] == ["quiet-2", "talks-1"]  # newest date first
    page = index.read_text("utf-8")
    assert 'href="talks-1/index.html"' in page and 'href="quiet-2/"' in page
    assert "Harbour talks" in page and "A quiet harbour" in page
    assert "2 documents" in page and "none mentioned" in page
    assert not leftovers(tmp_path)


def test_the_index_skips_what_is_not_a_report(tmp_path):
    writer.write_report(talks(), tmp_path, "good")
    (tmp_path / "notes").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "report.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "tampered").mkdir()
    entry = json.loads((tmp_path / "good" / "report.json").read_text("utf-8"))
    entry["convergence_index"] = "1; background: url(http://example.invalid)"
    (tmp_path / "tampered" / "report.json").write_text(json.dumps(entry), encoding="utf-8")
    assert [e["folder"] for e in writer.read_entries(tmp_path)] == ["good"]


def test_old_temporary_folders_are_swept_fresh_ones_kept(tmp_path):
    old = tmp_path / f"{writer.TEMP_PREFIX}old"
    fresh = tmp_path / f"{writer.TEMP_PREFIX}fresh"
    old.mkdir()
    fresh.mkdir()
    an_hour_ago = time.time() - writer.STALE_SECONDS - 60
    os.utime(old, (an_hour_ago, an_hour_ago))
    writer.prepare_output(tmp_path)
    assert not old.exists() and fresh.exists()


def test_an_output_folder_that_cannot_be_written_is_one_clear_error(tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="exists and is not a folder") as error:
        writer.prepare_output(a_file)
    assert "\n" not in str(error.value) and str(a_file) in str(error.value)
    with pytest.raises(InputError, match="cannot write reports here"):
        writer.prepare_output(a_file / "reports")


def test_a_document_without_parties_gets_a_report_that_says_so(tmp_path):
    entry = writer.write_report(no_party(), tmp_path, "quiet")
    page = (tmp_path / "quiet" / "index.html").read_text("utf-8")
    assert "No party is mentioned in this document" in page
    assert entry["parties"] == [] and {f"{c}.png" for c in CHARTS} <= set(entry["files"])


def test_untrusted_text_never_becomes_markup(tmp_path):
    doc = document_from_text(
        HOSTILE, id=HOSTILE_ID, title=HOSTILE_TITLE, source="<b>wire</b>", url="javascript:alert(1)"
    )
    analysis = stance.analyze(doc, parties=PARTIES)
    assert any(s.cues for s in analysis.sentences)
    writer.write_report(analysis, tmp_path, "hostile")
    writer.write_index(tmp_path)
    for page in (tmp_path / "hostile" / "index.html", tmp_path / "index.html"):
        text = page.read_text("utf-8")
        assert "<script" not in text.lower() and not re.search(r"<[^>]*\bonerror", text)
        assert "<img src=x" not in text and 'href="javascript:' not in text
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;Talks" in text
    text = (tmp_path / "hostile" / "index.html").read_text("utf-8")
    assert "&lt;b&gt;wire&lt;/b&gt;" in text and "javascript:alert(1)" in text  # shown, not linked


def test_cue_highlighting_keeps_the_sentence_text():
    for sentence in talks().sentences:
        pieces = html.pieces(sentence)
        assert "".join(p.text for p in pieces) == sentence.text
        assert [p.text for p in pieces if p.cue] == [c.text for c in sentence.cues]
        assert all(p.cue.start < p.cue.end for p in pieces if p.cue)


def test_http_urls_are_links_others_are_text():
    assert html.safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for url in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//x", 5):
        assert html.safe_url(url) is None


def test_the_lean_reads_the_interval():
    summary = talks().summary
    assert summary["interval"][0] < 0 < summary["interval"][1]
    assert html.lean(summary) == "no clear lean either way"
    assert html.lean(no_party().summary) == "no sentence leans either way"


def test_a_speaker_who_is_never_named_is_listed_as_a_party(tmp_path):
    analysis = stance.analyze("speaker: PAK\n\nWe welcome the talks. We condemn the attack.\n")
    assert {s.source for s in analysis.sentences} == {"PAK"}
    entry = writer.write_report(analysis, tmp_path, "speech")
    assert entry["parties"] == [{"key": "PAK", "name": "Pakistan", "mentions": 0}]
    saved = json.loads((tmp_path / "speech" / writer.ENTRY_FILE).read_text("utf-8"))
    assert saved["parties"] == entry["parties"]
    page = (tmp_path / "speech" / "index.html").read_text("utf-8")
    assert "No party is mentioned" not in page and "none has a source" not in page
    assert "Pakistan (PAK), not named in the text" in page
    assert [label for label, _ in figures.party_rows(analysis)] == ["Pakistan (PAK)"]
    writer.write_index(tmp_path)
    assert "none mentioned" not in (tmp_path / "index.html").read_text("utf-8")
