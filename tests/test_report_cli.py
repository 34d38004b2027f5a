"""``stance report`` and ``stance demo`` through click's CliRunner (and a real terminal)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_samples import NO_PARTY, TALKS

from stance.cli import cli, example_paths
from stance.documents import iter_documents
from stance.errors import InputError


@pytest.fixture
def runner():
    return CliRunner()


def report_folders(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


def test_report_writes_a_folder_per_document_and_the_index(runner, write, tmp_path):
    talks = write("talks.txt", TALKS)
    quiet = write("quiet.txt", NO_PARTY)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["report", str(talks), str(quiet), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar outside a terminal
    assert f"2 reports written; index: {out / 'index.html'}" in result.stdout
    folders = report_folders(out)
    assert [p.name.rsplit("-", 1)[0] for p in folders] == ["quiet", "talks"]
    for folder in folders:
        assert (folder / "index.html").is_file() and (folder / "sentences.csv").is_file()
    index = (out / "index.html").read_text("utf-8")
    assert all(f'href="{p.name}/index.html"' in index for p in folders)


def test_report_formats_and_bad_formats(runner, write, tmp_path):
    talks = write("talks.txt", TALKS)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["report", str(talks), "--out", str(out), "--format", "json,svg"])
    assert result.exit_code == 0, result.output
    (folder,) = report_folders(out)
    assert {p.suffix for p in folder.iterdir()} == {".json", ".svg"}
    result = runner.invoke(cli, ["report", str(talks), "--out", str(out), "--format", "png,gif"])
    assert result.exit_code == 1
    assert "'gif'" in result.stderr and "choose from html,png,svg,pdf,json,csv" in result.stderr


def test_failed_inputs_are_listed_and_the_rest_reported(runner, write, tmp_path):
    talks = write("talks.txt", TALKS)
    empty = write("empty.txt", "")
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["report", str(empty), str(talks), str(tmp_path / "missing.txt"), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert f"error: {empty}: empty file" in result.stderr
    assert "missing.txt: no such file or folder" in result.stderr
    assert "2 inputs failed" in result.stderr
    assert len(report_folders(out)) == 1


def test_an_unwritable_output_folder_is_a_usage_error(runner, write, tmp_path):
    talks = write("talks.txt", TALKS)
    blocker = write("blocker", "a file where the output folder should be")
    for out in (blocker, blocker / "reports"):
        result = runner.invoke(cli, ["report", str(talks), "--out", str(out)])
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {out}: ")


def test_parties_speaker_and_jsonl_ids(runner, write, tmp_path):
    parties = write("p.toml", 'NOR = ["Norway", "Oslo"]\nISL = ["Iceland"]\n')
    jsonl = write(
        "batch.jsonl",
        "\n".join(
            json.dumps({"id": doc_id, "text": text, "date": "2024-01-0" + str(n)})
            for n, (doc_id, text) in enumerate(
                [("same", "We thank Iceland for its help."), ("same", "We condemn Iceland.")],
                start=1,
            )
        ),
    )
    out = tmp_path / "out"
    args = ["report", str(jsonl), "--parties", str(parties), "--speaker", "NOR", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    folders = report_folders(out)
    assert len(folders) == 2  # one id twice in a file: two folders, nothing overwritten
    labels = set()
    for folder in folders:
        analysis = json.loads((folder / "analysis.json").read_text("utf-8"))
        (sentence,) = analysis["sentences"]
        assert (sentence["source"], sentence["target"]) == ("NOR", "ISL")
        labels.add(sentence["label"])
    assert labels == {"convergence", "divergence"}


def test_processes_engine_writes_every_report(runner, write, tmp_path):
    paths = [str(write(f"d{i}.txt", TALKS)) for i in range(5)]
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["report", *paths, "--out", str(out), "--engine", "processes", "--jobs", "2"]
    )
    assert result.exit_code == 0, result.output
    assert len(report_folders(out)) == 5


def test_demo_writes_the_reports_of_the_examples(runner, tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    documents = [
        d for d in iter_documents(map(str, example_paths())) if not isinstance(d, InputError)
    ]
    assert len(report_folders(out)) == len(documents) >= 4
    assert result.stdout.splitlines()[-1] == f"open {out / 'index.html'}"
    assert "convergence index" in result.stdout
    index = (out / "index.html").read_text("utf-8")
    assert f"{len(documents)} documents" in index


def test_progress_bar_on_a_terminal_only(write, tmp_path):
    talks = write("talks.txt", TALKS)
    command = [sys.executable, "-c", "from stance.cli import main; main()", "report", str(talks)]
    leader, follower = pty.openpty()
    with os.fdopen(leader, "rb", buffering=0) as terminal:
        process = subprocess.run(
            [*command, "--out", str(tmp_path / "tty")],
            stderr=follower,
            stdout=subprocess.PIPE,
            timeout=120,
        )
        os.close(follower)
        shown = terminal.read(65536).decode("utf-8", "replace")
    assert process.returncode == 0
    assert "writing reports" in shown
    piped = subprocess.run(
        [*command, "--out", str(tmp_path / "pipe")], capture_output=True, text=True, timeout=120
    )
    assert piped.returncode == 0 and piped.stderr == ""


def test_the_same_document_given_twice_is_reported_and_counted_once(runner, write, tmp_path):
    talks = write("talks.txt", TALKS)
    out = tmp_path / "out"
    again = str(talks.parent / "." / talks.name)
    result = runner.invoke(cli, ["report", str(talks), again, str(talks.parent), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"1 report written; index: {out / 'index.html'}" in result.stdout
    assert result.stderr.count("the same document given again, reported once") == 2
    assert len(report_folders(out)) == 1
