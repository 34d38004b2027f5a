"""Write failures during a run: a full disk while writing reports, an unusable output folder."""

import errno
import json
import pathlib
import sqlite3

import matplotlib.figure
import pytest
from click.testing import CliRunner
from history_corpus import write_config, write_doc

from stance.cli import EXIT_INPUTS_FAILED, EXIT_OK, EXIT_RUN_FAILED, cli


@pytest.fixture
def project(tmp_path):
    incoming = tmp_path / "incoming"
    write_doc(incoming, "a.txt", 6, 1, 1, date="2024-01-10")
    write_doc(incoming, "b.txt", 1, 6, 1, date="2024-02-10")
    path = write_config(tmp_path, period='"month"')
    assert CliRunner().invoke(cli, ["run", "--config", str(path)]).exit_code == EXIT_OK
    return tmp_path, path


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def visible(folder: pathlib.Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_disk_full_while_writing_a_document_report(project, monkeypatch):
    folder, path = project
    documents = folder / "reports" / "documents"
    (old_folder,) = [p for p in documents.iterdir() if p.name.startswith("b-")]
    old_report = (old_folder / "analysis.json").read_bytes()
    before = visible(documents)
    write_doc(folder / "incoming", "b.txt", 0, 9, 0, date="2024-02-10")
    original = pathlib.Path.write_text

    def write_text(self, *args, **kwargs):
        if self.parent.name.startswith(".tmp-") and self.name == "analysis.json":
            disk_full()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", write_text)
    result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_INPUTS_FAILED
    assert "b.txt: cannot write its report: No space left on device" in result.stderr
    assert "1 changed" in result.stdout and "1 other error (see above)" in result.stdout
    assert (old_folder / "analysis.json").read_bytes() == old_report  # the previous report
    assert visible(documents) == before  # nothing half-written
    monkeypatch.setattr(pathlib.Path, "write_text", original)
    repaired = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert repaired.exit_code == EXIT_OK and "2 skipped" in repaired.stdout
    data = json.loads((old_folder / "analysis.json").read_text(encoding="utf-8"))
    assert data["summary"]["counts"]["divergence"] == 9


def test_disk_full_while_writing_the_comparison(project, monkeypatch):
    folder, path = project
    comparison = folder / "reports" / "comparison"
    old = {p.name: p.read_bytes() for p in comparison.iterdir()}
    write_doc(folder / "incoming", "c.txt", 0, 5, 0, date="2024-03-10")
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", disk_full)
    result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_RUN_FAILED
    assert result.stderr.strip() == "error: the run failed: No space left on device"
    assert {p.name: p.read_bytes() for p in comparison.iterdir()} == old
    assert visible(folder / "reports") == ["comparison", "documents"]
    db = sqlite3.connect(folder / "stance.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    status, message = db.execute("SELECT status, message FROM runs ORDER BY id DESC").fetchone()
    assert status == "failed" and "No space left on device" in message
    assert db.execute("SELECT count(*) FROM analyses").fetchone()[0] == 3  # c.txt is stored
    monkeypatch.undo()
    again = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert again.exit_code == EXIT_OK and "3 skipped" in again.stdout
    assert json.loads((comparison / "comparison.json").read_text())["latest"] == "2024-03"


def test_an_output_folder_that_cannot_be_created(project):
    folder, path = project
    blocker = folder / "blocked"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    path.write_text('output = "blocked/reports"\n' + text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_RUN_FAILED
    assert result.stderr.startswith(f"error: the run failed: {blocker / 'reports'}")
    assert len(result.stderr.strip().splitlines()) == 1
    listing = CliRunner().invoke(cli, ["history", "--config", str(path)])
    assert listing.stdout.splitlines()[1].split()[3] == "failed"
