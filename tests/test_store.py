import sqlite3

import pytest

import stance
from stance.documents import document_from_text
from stance.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    BatchItem,
    Problem,
    Settings,
    SourceKey,
    Store,
    StoreError,
    content_hash,
    parties_fingerprint,
)

SETTINGS = Settings("test-version", "gazetteer")


def analysed(text: str, doc_id: str = "doc", path: str = "doc.txt"):
    doc = document_from_text(text, id=doc_id, path=path)
    return doc, stance.analyze(doc)


def item(doc, analysis, record=""):
    return BatchItem(SourceKey(doc.path, record), content_hash(doc), doc, analysis)


def test_new_database_is_wal_and_at_the_latest_schema(tmp_path):
    with Store(tmp_path / "h" / "stance.db") as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.integrity_check() == "ok"


def test_migrates_a_version_1_database_keeping_its_rows(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO runs (started_at, ended_at, status, new) VALUES ('2024-01-01', "
        "'2024-01-01', 'ok', 3)"
    )
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 2
        (old,) = store.runs()
        assert old.counts["new"] == 3 and old.shifts is None and old.comparison is None
        columns = {row[1] for row in store.db.execute("PRAGMA table_info(analyses)")}
        assert "report" in columns
        store.finish_run(old.id, "ok", shifts=2, comparison="reports/comparison")
        assert store.run(old.id).shifts == 2


def test_refuses_a_newer_schema_and_a_file_that_is_not_a_database(tmp_path):
    newer = tmp_path / "newer.db"
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer than this stance"):
        Store(newer)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        Store(junk)


def test_an_analysis_round_trips_through_the_database(tmp_path, examples):
    doc = stance.load_document(examples["pakistan-us-trade-talks"])
    analysis = stance.analyze(doc)
    settings = Settings(analysis.scorer_version, "gazetteer")
    with Store(tmp_path / "s.db") as store:
        run = store.start_run("cfg")
        ((analysis_id, _),) = store.store_batch(run, settings, [item(doc, analysis)])
        loaded = store.load_analysis(analysis_id)
    assert loaded.to_dict() == analysis.to_dict()
    assert [s.text for s in loaded.sentences] == [s.text for s in analysis.sentences]


def test_storing_the_same_document_twice_keeps_one_copy(tmp_path):
    doc, analysis = analysed("India and China agreed to expand trade.")
    with Store(tmp_path / "s.db") as store:
        run = store.start_run(None)
        first = store.store_batch(run, SETTINGS, [item(doc, analysis)])
        again = store.store_batch(run, SETTINGS, [item(doc, analysis), item(doc, analysis)])
        other = store.store_batch(run, Settings("v2", "gazetteer"), [item(doc, analysis)])
        counts = store.counts()
    assert len(first) == 1 and again == [] and len(other) == 1
    assert counts["documents"] == 1 and counts["sources"] == 1 and counts["analyses"] == 2
    assert counts["sentences"] == 2 * len(analysis.sentences)


def test_text_that_looks_like_sql_is_stored_as_text(tmp_path):
    hostile = "x'); DROP TABLE documents; --"
    doc, analysis = analysed(f"Pakistan said {hostile} and India agreed.", doc_id=hostile)
    problem = Problem("error", hostile, hostile, 1)
    with Store(tmp_path / "s.db") as store:
        run = store.start_run(hostile)
        ((analysis_id, _),) = store.store_batch(
            run, SETTINGS, [item(doc, analysis, record=hostile)], [problem]
        )
        assert store.load_analysis(analysis_id).document.id == hostile
        assert store.run_problems(run) == [problem]
        assert store.run(run).config == hostile
        assert store.counts()["documents"] == 1


def test_a_failing_batch_stores_nothing(tmp_path):
    doc, analysis = analysed("India and China agreed to expand trade.")
    with Store(tmp_path / "s.db") as store:
        run = store.start_run(None)
        with pytest.raises(ValueError, match="unknown run counter"):
            store.store_batch(run, SETTINGS, [item(doc, analysis)], counts={"bogus": 1})
        assert store.counts()["documents"] == 0 and store.counts()["analyses"] == 0


def test_runs_left_running_are_marked_interrupted(tmp_path):
    with Store(tmp_path / "s.db") as store:
        killed = store.start_run(None)
        done = store.start_run(None)
        store.finish_run(done, "ok")
        assert store.mark_interrupted() == [killed]
        assert store.run(killed).status == "interrupted" and store.run(killed).ended_at
        assert store.run(done).status == "ok"
        with pytest.raises(ValueError):
            store.finish_run(done, "exploded")


def test_a_changed_source_points_to_the_new_document(tmp_path):
    old, old_analysis = analysed("India and China agreed to expand trade.")
    new, new_analysis = analysed("India and China quarrelled over the border.")
    with Store(tmp_path / "s.db") as store:
        run = store.start_run(None)
        store.store_batch(run, SETTINGS, [item(old, old_analysis)])
        store.store_batch(run, SETTINGS, [item(new, new_analysis)])
        assert store.sources() == {SourceKey("doc.txt"): content_hash(new)}
        current = store.current_documents(SETTINGS)
        assert [d.summary["sentences"] for d in current] == [len(new_analysis.sentences)]
        assert store.counts()["documents"] == 2
        assert store.analysed_hashes(SETTINGS) == {content_hash(old), content_hash(new)}


def test_fingerprints():
    assert parties_fingerprint(None) == "gazetteer"
    one = stance.PartySet.from_mapping({"PAK": ["Pakistan"], "IND": ["India"]})
    two = stance.PartySet.from_mapping({"PAK": ["Pakistan", "Islamabad"], "IND": ["India"]})
    assert parties_fingerprint(one) != parties_fingerprint(two)
    a = document_from_text("date: 2024-01-01\n\nSame text.", id="a", path="a.txt")
    b = document_from_text("date: 2024-01-01\n\nSame text.", id="b", path="b/b.txt")
    c = document_from_text("date: 2024-01-02\n\nSame text.", id="a", path="a.txt")
    assert content_hash(a) == content_hash(b) != content_hash(c)
