"""Report folder names are one safe path component, stable, and never shared."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stance.documents import Document
from stance.report.paths import MAX_STEM, FolderNamer, document_key, folder_name

SAFE = re.compile(r"\A[^\W_][\w.-]*-[0-9a-f]{8}\Z")
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10))} | {
    f"LPT{i}" for i in range(10)
}


def assert_safe(name: str, out: Path) -> None:
    assert SAFE.match(name), name
    assert os.path.basename(name) == name and ".." not in name.split("-")[0]
    assert name.split(".")[0].upper() not in WINDOWS_DEVICES
    assert len(name.encode("utf-8")) <= 255
    assert (out / name).resolve().parent == out.resolve()


@pytest.mark.parametrize(
    ("doc_id", "stem"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("/abs/path", "abs-path"),
        ("C:\\Windows\\system32", "C-Windows-system32"),
        ("CON", "CON"),
        ("", "document"),
        ("..", "document"),
        (".hidden", "hidden"),
        ("．．／etc", "etc"),  # full-width dots and slash: NFKC makes them ../
        ("Ελλάδα–Türkiye 会谈", "Ελλάδα-Türkiye-会谈"),
        ("a" * 5000, "a" * MAX_STEM),
        ("pakistan-us-2023-07-13", "pakistan-us-2023-07-13"),
    ],
)
def test_unsafe_ids_become_one_safe_component(tmp_path, doc_id, stem):
    name = folder_name(doc_id, f"/corpus/{doc_id}.txt#{doc_id}")
    assert name.rsplit("-", 1)[0] == stem
    assert_safe(name, tmp_path)


@given(st.text(max_size=300))
def test_any_id_gives_a_safe_name(doc_id):
    assert_safe(folder_name(doc_id, doc_id), Path("/out"))


def test_same_name_in_two_folders_does_not_clash(tmp_path):
    first = Document(id="statement", text="x", path=str(tmp_path / "a" / "statement.txt"))
    second = Document(id="statement", text="x", path=str(tmp_path / "b" / "statement.txt"))
    namer = FolderNamer()
    assert namer(first) != namer(second)
    assert namer(first).startswith("statement-") and namer(second).startswith("statement-")


def test_the_same_document_keeps_its_folder_across_runs(tmp_path, monkeypatch):
    path = tmp_path / "talks.txt"
    doc = Document(id="talks", text="x", path=str(path))
    name = FolderNamer()(doc)
    monkeypatch.chdir(tmp_path)
    relative = Document(id="talks", text="x", path="talks.txt")
    assert document_key(relative) == document_key(doc)
    assert FolderNamer()(relative) == name


def test_a_repeated_id_in_one_jsonl_file_gets_its_own_folder():
    lines = [Document(id="dup", text="x", path="/c/s.jsonl", line=n) for n in (1, 2, 3)]
    namer = FolderNamer()
    assert len({namer(doc) for doc in lines}) == 3


def test_standard_input_has_a_name_too():
    doc = Document(id="stdin", text="x", path="<stdin>")
    assert FolderNamer()(doc).startswith("stdin-")
