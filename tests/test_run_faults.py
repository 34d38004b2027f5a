"""Write failures during a run: a full disk while writing reports, an unusable output folder."""

import contextlib
import errno
import json
import pathlib
import sqlite3
import subprocess

import pytest
from click.testing import CliRunner
from history_corpus import write_config, write_doc

from stance import runner
from stance.cli import EXIT_INPUTS_FAILED, EXIT_OK, EXIT_RUN_FAILED, cli
from stance.report.writer import TEMP_PREFIX


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
    for method in ("write_text", "write_bytes"):
        original = getattr(pathlib.Path, method)

        def full(self, *args, _original=original, **kwargs):
            if self.parent.parent.name == "documents" and self.parent.name.startswith(TEMP_PREFIX):
                disk_full()
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, method, full)
    result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_INPUTS_FAILED
    assert "b.txt: cannot write its report: No space left on device" in result.stderr
    assert "1 changed" in result.stdout and "1 other error (see above)" in result.stdout
    assert (old_folder / "analysis.json").read_bytes() == old_report  # the previous report
    assert visible(documents) == before  # nothing half-written
    monkeypatch.undo()
    repaired = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert repaired.exit_code == EXIT_OK and "2 skipped" in repaired.stdout
    data = json.loads((old_folder / "analysis.json").read_text(encoding="utf-8"))
    assert data["summary"]["counts"]["divergence"] == 9


def test_disk_full_while_writing_the_comparison(project, monkeypatch):
    folder, path = project
    comparison = folder / "reports" / "comparison"
    old = {p.name: p.read_bytes() for p in comparison.iterdir()}
    write_doc(folder / "incoming", "c.txt", 0, 5, 0, date="2024-03-10")
    original = pathlib.Path.write_bytes

    def write_bytes(self, *args, **kwargs):
        if self.parent.parent.name == "reports" and self.parent.name.startswith(TEMP_PREFIX):
            disk_full()  # the comparison folder (document reports are under reports/documents)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
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


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs, where mounting is allowed (root); skipped elsewhere."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def fill(folder: pathlib.Path) -> pathlib.Path:
    """Fill the file system of ``folder`` to the last byte."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for size in (65536, 1):
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * size)
    return filler


def test_a_really_full_disk(tmp_path, small_disk):
    incoming = tmp_path / "incoming"
    write_doc(incoming, "a.txt", 6, 1, 1, date="2024-01-10")
    write_doc(incoming, "b.txt", 1, 6, 1, date="2024-02-10")
    path = write_config(tmp_path, period='"month"', output=f'"{small_disk / "reports"}"')
    assert CliRunner().invoke(cli, ["run", "--config", str(path)]).exit_code == EXIT_OK
    reports = small_disk / "reports"
    before = {p: p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    write_doc(incoming, "b.txt", 0, 9, 0, date="2024-02-10")
    write_doc(incoming, "c.txt", 0, 4, 0, date="2024-03-10")
    filler = fill(small_disk)
    result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_RUN_FAILED
    assert "cannot write its report: No space left on device" in result.stderr
    assert result.stderr.strip().endswith("error: the run failed: No space left on device")
    after = {p: p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    assert after == before  # every earlier report intact, nothing half-written left
    filler.unlink()
    again = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert again.exit_code == EXIT_OK, again.output
    assert "3 skipped" in again.stdout
    comparison = json.loads((reports / "comparison" / "comparison.json").read_text())
    assert comparison["latest"] == "2024-03" and len(comparison["documents"]) == 3
    db = sqlite3.connect(tmp_path / "stance.db")
    assert db.execute("SELECT count(*) FROM analyses WHERE report IS NULL").fetchone() == (0,)


def test_a_report_that_cannot_be_rendered_is_an_error_of_the_run(project, monkeypatch):
    folder, path = project
    write_doc(folder / "incoming", "c.txt", 2, 2, 0, date="2024-03-10")
    real = runner.write_report

    def broken(analysis, *args, **kwargs):
        if analysis.document.id == "c":
            raise ValueError("bad label")
        return real(analysis, *args, **kwargs)

    monkeypatch.setattr(runner, "write_report", broken)
    result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_INPUTS_FAILED
    assert "c.txt: cannot draw its report: ValueError: bad label" in result.stderr
    assert "1 new" in result.stdout
    monkeypatch.undo()
    again = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert again.exit_code == EXIT_OK and "3 skipped" in again.stdout
    assert len([p for p in (folder / "reports" / "documents").iterdir() if p.is_dir()]) == 3
