"""``stance history`` and ``stance compare --config`` only read the history database: they
change nothing, refuse a database that is not stance's or not of this schema, and read beside
a run that is writing."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from history_corpus import FILENAME_DATES, quarterly_corpus, write_config

from stance.cli import EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE, cli
from stance.store import MIGRATIONS, SCHEMA_VERSION, Store


def fingerprint(path):
    """The bytes and modification time of a file, to show a command left it alone."""
    return path.read_bytes(), path.stat().st_mtime_ns


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def history(tmp_path):
    """A project after one run: its config and its database."""
    quarterly_corpus(tmp_path)
    config = write_config(tmp_path, FILENAME_DATES, period='"quarter"')
    assert invoke("run", "--config", config).exit_code == EXIT_OK
    return config, tmp_path / "stance.db"


def test_reading_commands_leave_a_read_only_database_as_it_is(history, tmp_path):
    config, db = history
    before = fingerprint(db)
    out = tmp_path / "elsewhere"
    db.chmod(0o444)
    tmp_path.chmod(0o555)  # as root this does not stop writes: the fingerprint does
    try:
        listing = invoke("history", "--db", db)
        one = invoke("history", "--config", config, "--run", 1)
        compared = invoke("compare", "2024-Q1", "2024-Q3", "--config", config, "--out", out)
    finally:
        tmp_path.chmod(0o755)
        db.chmod(0o644)
    assert listing.exit_code == EXIT_OK, listing.output
    _, first = listing.stdout.splitlines()
    assert first.split()[0] == "1" and first.split()[3] == "ok"
    assert one.exit_code == EXIT_OK and one.stdout.startswith("run 1: ok")
    assert compared.exit_code == EXIT_OK, compared.output
    assert (out / "index.html").is_file()
    assert fingerprint(db) == before


def test_reading_commands_refuse_a_database_that_is_not_stances(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    empty = tmp_path / "empty.db"
    empty.touch()
    for path in (other, junk, empty):
        before = fingerprint(path)
        result = invoke("history", "--db", path)
        assert result.exit_code == EXIT_USAGE
        assert result.stderr == f"error: {path}: not a stance history database\n"
        assert fingerprint(path) == before
    conn = sqlite3.connect(other)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["customers"]
    conn.close()
    assert not (tmp_path / "other.db-wal").exists()


def test_compare_and_run_refuse_a_database_that_is_not_stances(tmp_path):
    quarterly_corpus(tmp_path)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    before = fingerprint(other)
    config = write_config(tmp_path, FILENAME_DATES, period='"quarter"', database='"other.db"')
    compared = invoke("compare", "2024-Q1", "2024-Q2", "--config", config)
    assert compared.exit_code == EXIT_USAGE
    assert compared.stderr == f"error: {other}: not a stance history database\n"
    run = invoke("run", "--config", config)
    assert run.exit_code == EXIT_RUN_FAILED
    assert f"{other}: not a stance history database" in run.stderr
    assert fingerprint(other) == before


def test_reading_commands_do_not_migrate_an_older_database(tmp_path):
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    conn.close()
    before = fingerprint(old)
    result = invoke("history", "--db", old)
    assert result.exit_code == EXIT_USAGE
    assert result.stderr == (
        f"error: {old}: database schema version 1 is older than this stance's "
        f"({SCHEMA_VERSION}); the next stance run upgrades it\n"
    )
    assert fingerprint(old) == before
    with Store(old) as store:  # what a run does
        assert store.schema_version == SCHEMA_VERSION
    assert invoke("history", "--db", old).stdout == "no runs yet\n"


def test_reading_commands_refuse_a_newer_database_and_a_missing_one(tmp_path):
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = fingerprint(newer)
    result = invoke("history", "--db", newer)
    assert result.exit_code == EXIT_USAGE and "newer than this stance" in result.stderr
    assert fingerprint(newer) == before
    with pytest.raises(Exception, match="newer than this stance"):
        Store(newer)  # a run refuses it too, before changing anything
    assert fingerprint(newer) == before
    missing = tmp_path / "missing.db"
    result = invoke("history", "--db", missing)
    assert result.exit_code == EXIT_USAGE
    assert result.stderr == (
        f"error: {missing}: no history database here (no run has been made yet)\n"
    )
    assert not missing.exists()


def test_history_reads_beside_a_run_that_is_writing(history):
    """A run holds a write transaction (WAL mode): history shows the last commit at once."""
    config, db = history
    with Store(db) as writer:
        writer.db.execute("BEGIN IMMEDIATE")
        writer.db.execute(
            "INSERT INTO runs (started_at, status, pid) VALUES ('2030-01-01', 'running', 1)"
        )
        during = invoke("history", "--config", config, "--format", "json")
        writer.db.execute("COMMIT")
        after = invoke("history", "--config", config, "--format", "json")
    assert during.exit_code == EXIT_OK, during.output
    assert [r["id"] for r in json.loads(during.stdout)] == [1]
    assert [(r["id"], r["status"]) for r in json.loads(after.stdout)] == [
        (2, "running"),
        (1, "ok"),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_history_reads_a_database_in_a_read_only_folder_without_its_wal(history, tmp_path):
    _, db = history
    assert not (tmp_path / "stance.db-wal").exists()
    tmp_path.chmod(0o555)
    try:
        result = invoke("history", "--db", db)
    finally:
        tmp_path.chmod(0o755)
    assert result.exit_code == EXIT_OK, result.output
    assert not (tmp_path / "stance.db-wal").exists()


def read_only_mounts() -> bool:
    """Whether this process may bind-mount a folder read-only in its own mount namespace."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not read_only_mounts(), reason="needs root and unshare --mount")
def test_history_reads_a_database_on_a_read_only_file_system(history, tmp_path):
    """The folder mounted read-only, as a backup copy or a shared volume may be: SQLite cannot
    create the WAL index there, and nothing can be writing, so the file is read as it is."""
    _, db = history
    assert not (tmp_path / "stance.db-wal").exists()
    folder = str(tmp_path)
    script = (
        f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" && '
        f'exec "{sys.executable}" -m stance history --db "{db}"'
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    result = subprocess.run(
        ["unshare", "--mount", "sh", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stdout.splitlines()[1].split()[0] == "1"
