"""Scheduled runs through the library and the CLI: idempotence, changes, rescoring, bad inputs,
reports, the lock."""

import json
import os
import re
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner
from history_corpus import FILENAME_DATES, quarterly_corpus, write_config, write_doc

from stance.cli import EXIT_INPUTS_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE, cli
from stance.config import load_config
from stance.report.writer import TEMP_PREFIX
from stance.runner import RunLocked, run, run_lock
from stance.store import Store
from stance.summary import convergence_index


@pytest.fixture
def project(tmp_path):
    periods = quarterly_corpus(tmp_path)
    config = write_config(tmp_path, FILENAME_DATES, period='"quarter"')
    return tmp_path, config, periods


def table_counts(path):
    with Store(path) as store:
        return store.counts()


def test_first_run_analyses_everything_and_second_does_nothing(project):
    folder, path, periods = project
    config = load_config(path)
    first = run(config)
    assert first.counts["new"] == 6 and first.counts.get("skipped", 0) == 0
    assert first.errors == 0 and first.status == "ok"
    before = table_counts(config.database)
    assert first.comparison_written
    files = {p: p.stat().st_mtime_ns for p in (folder / "reports").rglob("*")}
    second = run(config)
    assert second.counts == {"skipped": 6}
    after = table_counts(config.database)
    assert after == {**before, "runs": before["runs"] + 1}
    assert before["documents"] == before["analyses"] == before["sources"] == 6
    assert second.reports_written == 0 and not second.comparison_written
    assert {p: p.stat().st_mtime_ns for p in (folder / "reports").rglob("*")} == files
    assert second.summary().split("; ")[-2] == first.summary().split("; ")[-2]  # same shifts
    assert [p.period for p in second.comparison.groups[0].points] == list(periods)


def test_comparison_of_a_run_matches_hand_counts(project):
    _, path, periods = project
    outcome = run(load_config(path))
    overall = outcome.comparison.groups[0]
    assert overall.key == "all"
    for point in overall.points:
        c, d, n = periods[point.period]
        assert (point.counts["convergence"], point.counts["divergence"]) == (c, d)
        assert point.counts["neutral"] == n
        assert point.index == round(convergence_index(c, d), 4)
    latest = overall.latest.index_change
    assert latest.previous == "2024-Q2" and latest.shift and latest.delta < 0
    assert "shift" in outcome.summary() and "2024-Q3 vs 2024-Q2" in outcome.summary()
    assert [g.key for g in outcome.comparison.groups] == ["all", "PAK–IND", "PAK", "IND"]


def test_a_changed_file_is_analysed_again(project):
    folder, path, _ = project
    config = load_config(path)
    run(config)
    write_doc(folder / "incoming", "jul.txt", 9, 0, 0, date="July 3, 2024")
    outcome = run(config)
    assert outcome.counts == {"changed": 1, "skipped": 5, "sentences": 9}
    with Store(config.database) as store:
        counts = store.counts()
        assert counts["documents"] == 7 and counts["sources"] == 6
        current = {d.doc_id: d for d in store.current_documents(run_settings(config))}
    assert current["jul"].summary["counts"]["convergence"] == 9
    q3 = outcome.comparison.groups[0].latest
    assert (q3.counts["convergence"], q3.counts["divergence"]) == (10, 9)


def run_settings(config):
    from stance.runner import Runner

    return Runner(config).settings


def test_a_new_scorer_version_rescores_every_document(project):
    folder, path, _ = project
    run(load_config(path))
    (folder / "extra.toml").write_text('[cues]\n"water-sharing" = 3\n', encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    path.write_text('lexicon = "extra.toml"\n' + text, encoding="utf-8")
    config = load_config(path)
    outcome = run(config)
    assert outcome.counts["rescored"] == 6 and "skipped" not in outcome.counts
    with Store(config.database) as store:
        counts = store.counts()
        versions = store.db.execute("SELECT count(DISTINCT scorer_version) FROM analyses")
        assert versions.fetchone()[0] == 2
    assert counts["documents"] == 6 and counts["analyses"] == 12
    assert run(config).counts == {"skipped": 6}


def test_bad_inputs_are_recorded_against_the_run(project):
    folder, path, _ = project
    incoming = folder / "incoming"
    (incoming / "binary.txt").write_bytes(b"\x00\x01\x02garbage\x00")
    (incoming / "empty.txt").write_text("   \n", encoding="utf-8")
    (incoming / "feed.jsonl").write_text(
        '{"id": "ok-1", "date": "2024-09-01", "text": "Pakistan and India agreed to trade."}\n'
        "{not json\n"
        '{"id": "no-text"}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_INPUTS_FAILED
    assert "4 failed" in result.stdout and "7 new" in result.stdout
    assert "binary.txt: binary file" in result.stderr
    assert "feed.jsonl:2: malformed JSON" in result.stderr
    with Store(folder / "stance.db") as store:
        (record,) = store.runs()
        assert record.status == "inputs_failed" and record.counts["failed"] == 4
        errors = [p for p in store.run_problems(record.id) if p.level == "error"]
    where = sorted((os.path.basename(p.path), p.line) for p in errors)
    assert where == [
        ("binary.txt", None),
        ("empty.txt", None),
        ("feed.jsonl", 2),
        ("feed.jsonl", 3),
    ]
    assert all(p.reason for p in errors)
    shown = CliRunner().invoke(cli, ["history", "--config", str(path), "--run", str(record.id)])
    assert shown.exit_code == 0 and "missing 'text'" in shown.stdout
    assert "4 errors" in shown.stdout


def test_warnings_are_recorded_but_do_not_fail(project):
    _, path, _ = project
    outcome = run(load_config(path))
    warnings = [p for p in outcome.problems if p.level == "warning"]
    # jan, feb, apr, jul: their names do not match the date pattern
    assert len(warnings) == 4 and outcome.errors == 0
    assert all("does not match the speaker pattern" in p.reason for p in warnings)


def test_reports_are_written_and_rebuilt_when_missing(project):
    folder, path, _ = project
    config = load_config(path)
    run(config)
    documents = sorted(p for p in (folder / "reports" / "documents").iterdir() if p.is_dir())
    assert len(documents) == 6
    data = json.loads((documents[0] / "analysis.json").read_text(encoding="utf-8"))
    assert data["sentences"]
    for leftover in documents[1:3]:
        for file in leftover.iterdir():
            file.unlink()
        leftover.rmdir()
    (folder / "reports" / "documents" / f"{TEMP_PREFIX}half-written").mkdir()
    outcome = run(config)
    assert outcome.reports_written == 2 and outcome.counts == {"skipped": 6}
    rebuilt = json.loads((documents[1] / "analysis.json").read_text(encoding="utf-8"))
    assert rebuilt["sentences"] and rebuilt["metadata"]["id"]
    names = sorted(p.name for p in (folder / "reports" / "documents").iterdir())
    assert names == sorted([*(p.name for p in documents), "index.html"])


def test_comparison_links_point_at_document_reports(project):
    folder, path, _ = project
    run(load_config(path))
    comparison = folder / "reports" / "comparison"
    data = json.loads((comparison / "comparison.json").read_text(encoding="utf-8"))
    links = [d["report"] for d in data["documents"]]
    assert len(links) == 6
    for link in links:
        assert link.startswith("../documents/")
        assert (comparison / link).is_file()
    html = (comparison / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{link}"' in html for link in links)


def test_a_killed_runs_record_is_marked_interrupted(project):
    _, path, _ = project
    config = load_config(path)
    with Store(config.database) as store:
        killed = store.start_run(str(path))
    outcome = run(config)
    assert outcome.interrupted == [killed]
    with Store(config.database) as store:
        assert store.run(killed).status == "interrupted"
    listing = CliRunner().invoke(cli, ["history", "--config", str(path)])
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert "interrupted" in lines[2] and "ok" in lines[1]


def test_a_second_run_refuses_while_the_lock_is_held(project):
    _, path, _ = project
    config = load_config(path)
    with run_lock(config.database):
        with pytest.raises(RunLocked, match="holds the lock"):
            run(config)
        result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_LOCKED
    assert f"(pid {os.getpid()}) holds the lock" in result.stderr
    assert not config.database.exists()  # the refused runs touched nothing
    assert CliRunner().invoke(cli, ["run", "--config", str(path)]).exit_code == EXIT_OK


HOLD_LOCK = """
import sys, time
from pathlib import Path
from stance.runner import run_lock
with run_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_run_refuses_while_another_process_holds_the_lock(project):
    folder, path, _ = project
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(folder / "stance.db")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = CliRunner().invoke(cli, ["run", "--config", str(path)])
        assert result.exit_code == EXIT_LOCKED
        assert f"another stance run holds the lock (pid {holder.pid})" in result.stderr
        assert not (folder / "stance.db").exists()
    finally:
        holder.kill()
        holder.wait()
    # killed holder: the kernel released its lock
    assert CliRunner().invoke(cli, ["run", "--config", str(path)]).exit_code == EXIT_OK


def test_two_runs_started_together(tmp_path):
    """Both start at once: one works, the other refuses at once with its exit code."""
    incoming = tmp_path / "incoming"
    for i in range(12):
        write_doc(incoming, f"d{i:02d}.txt", 20, 20, 10, date=f"2024-{1 + i % 12:02d}-10")
    path = write_config(tmp_path, period='"quarter"')
    command = [sys.executable, "-m", "stance", "run", "--config", str(path)]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    procs.append(
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    )
    results = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [EXIT_OK, EXIT_LOCKED], results
    refused = next(err for p, (_, err) in zip(procs, results, strict=True) if p.returncode)
    assert "another stance run holds the lock" in refused and len(refused.splitlines()) == 1
    db = sqlite3.connect(tmp_path / "stance.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*), min(status) FROM runs").fetchone() == (1, "ok")
    assert db.execute("SELECT count(*) FROM analyses").fetchone()[0] == 12


def test_cli_run_prints_one_summary_line(project):
    folder, path, _ = project
    result = CliRunner().invoke(cli, ["run", "--config", str(path), "--quiet"])
    assert result.exit_code == EXIT_OK, result.output
    summary, report = result.stdout.splitlines()
    assert re.fullmatch(
        r"run 1: documents 6 new, 0 changed, 0 rescored, 0 skipped, 0 failed; "
        r"48 sentences analysed; [1-9]\d* shifts? flagged \(2024-Q3 vs 2024-Q2\); \d+\.\d s",
        summary,
    ), summary
    assert report == f"comparison report: {folder / 'reports' / 'comparison' / 'index.html'}"
    assert result.stderr == ""


def test_cli_run_config_errors_exit_1(tmp_path):
    path = tmp_path / "stance.toml"
    path.write_text('inputs = ["in"]\nperiod = "decade"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith(f"error: {path}:2: unknown period 'decade'")
    missing = CliRunner().invoke(cli, ["run", "--config", str(tmp_path / "none.toml")])
    assert missing.exit_code == EXIT_USAGE and "no such config file" in missing.stderr


def test_history_lists_runs_as_table_and_json(project):
    folder, path, _ = project
    runner = CliRunner()
    empty = runner.invoke(cli, ["history", "--config", str(path)])
    assert empty.exit_code == EXIT_USAGE and "no run has been made yet" in empty.stderr
    runner.invoke(cli, ["run", "--config", str(path)])
    runner.invoke(cli, ["run", "--config", str(path)])
    table = runner.invoke(cli, ["history", "--db", str(folder / "stance.db")])
    assert table.exit_code == 0
    header, second, first = table.stdout.splitlines()
    assert header.split()[:2] == ["run", "started"]
    assert second.split()[0] == "2" and first.split()[0] == "1"
    data = json.loads(
        runner.invoke(cli, ["history", "--config", str(path), "--format", "json"]).stdout
    )
    assert [(r["id"], r["new"], r["skipped"], r["status"]) for r in data] == [
        (2, 0, 6, "ok"),
        (1, 6, 0, "ok"),
    ]
    assert data[1]["shifts"] >= 1 and data[1]["comparison"].endswith("index.html")
    one = json.loads(
        runner.invoke(
            cli, ["history", "--config", str(path), "--run", "1", "--format", "json"]
        ).stdout
    )
    assert one["id"] == 1 and len(one["problems"]) == 4
    unknown = runner.invoke(cli, ["history", "--config", str(path), "--run", "9"])
    assert unknown.exit_code == EXIT_USAGE and "no run 9" in unknown.stderr


def test_duplicate_sources_and_copies_are_stored_once(tmp_path):
    incoming = tmp_path / "incoming"
    original = write_doc(incoming, "a.txt", 3, 1, date="2024-01-01")
    (incoming / "copy").mkdir()
    (incoming / "copy" / "a.txt").write_bytes(original.read_bytes())
    path = write_config(tmp_path, inputs='["incoming/", "incoming/*.txt"]')
    outcome = run(load_config(path))
    assert outcome.counts["new"] == 2 and outcome.errors == 0
    with Store(tmp_path / "stance.db") as store:
        counts = store.counts()
    assert counts["sources"] == 2 and counts["documents"] == 1 and counts["analyses"] == 1
    assert len(outcome.comparison.documents) == 1


def stored_labels(db_path):
    db = sqlite3.connect(db_path)
    rows = db.execute(
        "SELECT d.doc_id, s.idx, s.label, round(s.score, 6), s.source, s.target FROM sentences s "
        "JOIN analyses a ON a.id = s.analysis_id JOIN documents d ON d.id = a.document_id "
        "ORDER BY d.doc_id, s.idx"
    ).fetchall()
    db.close()
    return rows


def test_a_run_on_a_local_dask_cluster_stores_what_a_serial_run_does(tmp_path):
    pytest.importorskip("distributed")
    serial, dask = tmp_path / "serial", tmp_path / "dask"
    for folder, engine in ((serial, "serial"), (dask, "dask")):
        quarterly_corpus(folder)
        path = write_config(folder, f'[engine]\nname = "{engine}"\njobs = 2\n', period='"quarter"')
        result = CliRunner().invoke(cli, ["run", "--config", str(path)])
        assert result.exit_code == EXIT_OK, result.output
        assert "6 new" in result.stdout
    assert stored_labels(dask / "stance.db") == stored_labels(serial / "stance.db")
    assert len(list((dask / "reports" / "documents").glob("*/index.html"))) == 6


def test_an_unreachable_scheduler_fails_the_run(project):
    folder, path, _ = project
    text = path.read_text(encoding="utf-8").replace(
        '[engine]\nname = "serial"', '[engine]\nname = "dask"\nscheduler = "tcp://127.0.0.1:9"'
    )
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_RUN_FAILED
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    with Store(folder / "stance.db") as store:
        (record,) = store.runs()
    assert record.status == "failed" and "Dask scheduler" in record.message


@pytest.mark.parametrize("engine", ["serial", "processes", "dask"])
def test_the_same_text_twice_in_one_run_is_analysed_once(tmp_path, engine):
    """A copy met in the run that analyses its text is mapped to that analysis, as a copy met
    in a later run is: no second analysis, no unrecorded report, honest counts."""
    if engine == "dask":
        pytest.importorskip("distributed")
    incoming = tmp_path / "incoming"
    original = write_doc(incoming, "a.txt", 6, 4, 1, date="2024-01-01")
    (incoming / "a_copy.txt").write_bytes(original.read_bytes())
    write_doc(incoming, "b.txt", 5, 5, 2, date="2024-02-01")
    path = write_config(tmp_path, f'[engine]\nname = "{engine}"\njobs = 2\n', period='"month"')
    config = load_config(path)

    def check(outcome, state):
        assert outcome.counts == {state: 3, "sentences": 23} and outcome.errors == 0
        with Store(config.database) as store:
            (record,) = store.runs(1)
            reports = {
                row[0]
                for row in store.db.execute("SELECT report FROM analyses WHERE report IS NOT NULL")
            }
            sentences = store.db.execute(
                "SELECT sum(sentence_count) FROM analyses WHERE run_id = ?", (record.id,)
            ).fetchone()[0]
        assert record.counts["sentences"] == sentences == 23
        documents = tmp_path / "reports" / "documents"
        folders = {f"documents/{p.name}" for p in documents.iterdir() if p.is_dir()}
        assert folders == reports and len(folders) == 2
        index = (documents / "index.html").read_text(encoding="utf-8")
        linked = {f"documents/{h.split('/')[0]}" for h in re.findall(r'href="([^"]+)"', index)}
        assert linked <= reports | {"documents/index.html"}
        assert len(outcome.comparison.documents) == 2

    check(run(config), "new")
    counts = table_counts(config.database)
    assert (counts["documents"], counts["analyses"], counts["sources"]) == (2, 2, 3)
    # A new scorer version: every source is rescored, and the copy still follows its original.
    (tmp_path / "extra.toml").write_text('[cues]\n"water-sharing" = 3\n', encoding="utf-8")
    path.write_text('lexicon = "extra.toml"\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    config = load_config(path)
    check(run(config), "rescored")
    assert table_counts(config.database)["analyses"] == 4


def test_a_year_in_the_file_name_sets_the_period_over_the_header_date(tmp_path):
    incoming = tmp_path / "incoming"
    write_doc(incoming, "PAK_78_2023.txt", 4, 2, date="2024-05-01")
    write_doc(incoming, "IND_79_2024.txt", 2, 4, date="2024-06-01")
    speaker = (
        '[speaker]\nrule = "filename"\n'
        "pattern = '(?P<speaker>[A-Z]{3})_(?P<session>\\d+)_(?P<year>\\d{4})'\n"
    )
    path = write_config(tmp_path, speaker, period='"year"')
    result = CliRunner().invoke(cli, ["run", "--config", str(path)])
    assert result.exit_code == EXIT_OK, result.output
    assert "flagged (2024 vs 2023)" in result.stdout
    assert result.stderr == (
        f"warning: {incoming / 'PAK_78_2023.txt'}: the header's date 2024-05-01 contradicts "
        "the file name (year 2023); the file name's is used\n"
    )
    with Store(tmp_path / "stance.db") as store:
        dates = dict(store.db.execute("SELECT doc_id, date FROM documents"))
    assert dates == {"PAK_78_2023": None, "IND_79_2024": "2024-06-01"}
