"""A run killed with SIGKILL mid-way: the next run repairs everything.

The kill point is chosen from outside, as an operator would: the test polls the database
until some analyses are committed (or waits a seeded random time) and then kills the process.
"""

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from history_corpus import write_config, write_doc

from stance.cli import EXIT_OK

DOCUMENTS = 16


def make_project(folder: Path, engine: str) -> Path:
    incoming = folder / "incoming"
    for i in range(DOCUMENTS):
        month = 1 + i % 12
        write_doc(
            incoming, f"doc{i:02d}.txt", 20 + i, 20, 10, date=f"2024-{month:02d}-0{1 + i % 9}"
        )
    return write_config(
        folder,
        f'[engine]\nname = "{engine}"\njobs = 2\nbatch = 3\n',
        period='"quarter"',
    )


def start(config: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "stance", "run", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so its workers can be cleaned up
    )


def stored_analyses(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM analyses").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # the schema is not there yet


def wait_for(predicate, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, "the run ended before the kill point"
        assert time.monotonic() < deadline, "kill point not reached"
        time.sleep(0.005)


def check_visible_reports(output: Path) -> None:
    """Every visible report folder is complete (hidden temporary folders are not visible)."""
    documents = output / "documents"
    if documents.exists():
        for folder in documents.iterdir():
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            entry = json.loads((folder / "report.json").read_text(encoding="utf-8"))
            assert sorted(entry["files"]) == sorted(p.name for p in folder.iterdir())
            assert json.loads((folder / "analysis.json").read_text(encoding="utf-8"))["sentences"]
            assert (folder / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    comparison = output / "comparison"
    if comparison.exists():
        assert (comparison / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
        json.loads((comparison / "comparison.json").read_text(encoding="utf-8"))


def check_repaired(folder: Path) -> None:
    db = sqlite3.connect(folder / "stance.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == DOCUMENTS
    per_document = db.execute(
        "SELECT count(*) FROM analyses GROUP BY document_id HAVING count(*) != 1"
    ).fetchall()
    assert per_document == []
    assert db.execute("SELECT count(*) FROM analyses").fetchone()[0] == DOCUMENTS
    expected, stored = db.execute(
        "SELECT (SELECT sum(sentence_count) FROM analyses), (SELECT count(*) FROM sentences)"
    ).fetchone()
    assert expected == stored
    assert db.execute("SELECT count(*) FROM analyses WHERE report IS NULL").fetchone()[0] == 0
    statuses = [row[0] for row in db.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses[0] == "interrupted" and statuses[-1] == "ok"
    assert "running" not in statuses
    reports = folder / "reports" / "documents"
    assert len([p for p in reports.iterdir() if p.is_dir() and p.name[0] != "."]) == DOCUMENTS
    assert not [p for p in reports.iterdir() if p.name.startswith(".")]
    check_visible_reports(folder / "reports")


def rerun(config: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stance", "run", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert "0 failed" in result.stdout


@pytest.mark.parametrize("after", [1, 12])
def test_killed_after_some_batches_the_next_run_repairs(tmp_path, after):
    config = make_project(tmp_path, "serial")
    proc = start(config)
    try:
        wait_for(lambda: stored_analyses(tmp_path / "stance.db") >= after, proc)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    db = sqlite3.connect(tmp_path / "stance.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT status FROM runs").fetchall() == [("running",)]
    db.close()
    check_visible_reports(tmp_path / "reports")
    rerun(config)
    check_repaired(tmp_path)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_at_a_random_moment_the_next_run_repairs(tmp_path, seed):
    """A seeded random point: after some number of stored analyses, plus a random delay."""
    rng = random.Random(seed)
    after = rng.randrange(0, DOCUMENTS * 2 // 3)
    delay = rng.uniform(0.0, 0.3)
    config = make_project(tmp_path, "serial")
    db = tmp_path / "stance.db"
    proc = start(config)
    try:
        wait_for(lambda: db.exists() and stored_analyses(db) >= after, proc)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    check_visible_reports(tmp_path / "reports")
    rerun(config)
    check_repaired(tmp_path)


def test_killed_parent_with_live_workers_does_not_keep_the_lock(tmp_path):
    """Only the run process is killed; its pool workers may linger, but the lock is the
    run's own and the kernel released it, so the next run goes ahead."""
    config = make_project(tmp_path, "processes")
    proc = start(config)
    try:
        wait_for(lambda: stored_analyses(tmp_path / "stance.db") >= 3, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        rerun(config)
        check_repaired(tmp_path)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the orphaned workers
