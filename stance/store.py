"""The history database: documents, their analyses, sentence results and runs, in one SQLite file.

Why it looks like this:

* A document is identified by a hash of its content (text and metadata), so a file that did not
  change is never analysed twice, and a changed file (same path, new hash) is a new document.
  ``sources`` maps each place a document is read from (a path, plus the record id inside a
  JSONL file) to the document currently found there.
* An analysis belongs to a document *and* the settings that produced it (the scorer version
  and a fingerprint of the parties), unique together, so re-scoring happens exactly when the
  scoring changes and a document is stored once however often a run is repeated or killed.
* Every write is a transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) in WAL mode with full
  syncs: a run killed at any point leaves the database as it was after its last commit.
* The schema has a version (``PRAGMA user_version``) and a list of migration steps; opening
  an older database upgrades it, opening a newer one is refused, and so is a database that
  is not stance's (its tables are left alone).
* ``stance history`` and ``stance compare`` open it read-only (``mode=ro``): they change
  nothing, read beside a run that is writing, and never migrate.

All SQL is parameterised; nothing from a document is ever spliced into a statement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analysis import DocumentAnalysis, PartyInfo, SentenceResult
from .documents import Document
from .errors import StanceError
from .parties import Mention, PartySet
from .scoring import Cue

RUN_STATUSES = ("running", "ok", "inputs_failed", "failed", "interrupted")
COUNTERS = ("new", "changed", "rescored", "skipped", "failed", "sentences")

MIGRATIONS: tuple[str, ...] = (
    # 1: documents, where they are read from, analyses per settings, sentences, runs.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL
            CHECK (status IN ('running', 'ok', 'inputs_failed', 'failed', 'interrupted')),
        pid INTEGER,
        config TEXT,
        new INTEGER NOT NULL DEFAULT 0,
        changed INTEGER NOT NULL DEFAULT 0,
        rescored INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        sentences INTEGER NOT NULL DEFAULT 0,
        message TEXT
    );
    CREATE TABLE run_errors (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        level TEXT NOT NULL CHECK (level IN ('error', 'warning')),
        path TEXT,
        line INTEGER,
        reason TEXT NOT NULL
    );
    CREATE INDEX run_errors_by_run ON run_errors(run_id);
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        doc_id TEXT NOT NULL,
        path TEXT,
        date TEXT,
        speaker TEXT,
        title TEXT,
        metadata TEXT NOT NULL,
        text TEXT NOT NULL,
        first_run INTEGER REFERENCES runs(id)
    );
    CREATE TABLE sources (
        path TEXT NOT NULL,
        record TEXT NOT NULL DEFAULT '',
        document_id INTEGER NOT NULL REFERENCES documents(id),
        run_id INTEGER REFERENCES runs(id),
        PRIMARY KEY (path, record)
    );
    CREATE INDEX sources_by_document ON sources(document_id);
    CREATE TABLE analyses (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        scorer_version TEXT NOT NULL,
        parties_hash TEXT NOT NULL,
        run_id INTEGER REFERENCES runs(id),
        dyad TEXT NOT NULL,
        party_source TEXT NOT NULL,
        parties TEXT NOT NULL,
        summary TEXT NOT NULL,
        warnings TEXT NOT NULL,
        sentence_count INTEGER NOT NULL,
        UNIQUE (document_id, scorer_version, parties_hash)
    );
    CREATE TABLE sentences (
        analysis_id INTEGER NOT NULL REFERENCES analyses(id),
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        label TEXT NOT NULL,
        score REAL NOT NULL,
        tone REAL NOT NULL,
        vader REAL NOT NULL,
        polarity REAL NOT NULL,
        subjectivity REAL NOT NULL,
        source TEXT,
        target TEXT,
        mutual INTEGER NOT NULL,
        via TEXT,
        parties TEXT NOT NULL,
        cues TEXT NOT NULL,
        mentions TEXT NOT NULL,
        PRIMARY KEY (analysis_id, idx)
    ) WITHOUT ROWID;
    """,
    # 2: where each analysis's report was written, and what each run's comparison found.
    """
    ALTER TABLE analyses ADD COLUMN report TEXT;
    ALTER TABLE runs ADD COLUMN shifts INTEGER;
    ALTER TABLE runs ADD COLUMN comparison TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
TABLES = frozenset({"runs", "run_errors", "documents", "sources", "analyses", "sentences"})


class StoreError(StanceError):
    """The history database cannot be used (newer schema, not a database, not writable)."""


@dataclass(frozen=True)
class Settings:
    """What an analysis depends on besides the document: the scoring and the parties."""

    scorer_version: str
    parties_hash: str


def parties_fingerprint(parties: PartySet | None) -> str:
    """A short hash of the parties and every alias (``gazetteer`` for the built-in one)."""
    if parties is None:
        return "gazetteer"
    digest = hashlib.sha256()
    for party in parties:
        aliases = [(a.text, a.kind, a.case_sensitive) for a in party.aliases]
        digest.update(json.dumps([party.key, party.name, aliases]).encode())
    return digest.hexdigest()[:12]


def content_hash(doc: Document) -> str:
    """A hash of what the analysis reads: the text and the metadata (not where it was found)."""
    meta = {k: v for k, v in doc.metadata.items() if k not in ("id", "path", "line")}
    payload = json.dumps([doc.text, meta], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class SourceKey:
    """Where a document is read from: a file path, and the record id inside a JSONL file."""

    path: str
    record: str = ""

    def __str__(self) -> str:
        return f"{self.path}#{self.record}" if self.record else self.path


@dataclass
class Problem:
    """A bad input or a warning, recorded against the run that met it."""

    level: str
    path: str | None
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass
class RunRecord:
    id: int
    started_at: str
    ended_at: str | None
    status: str
    pid: int | None
    config: str | None
    counts: dict[str, int]
    message: str | None
    shifts: int | None
    comparison: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "status": self.status,
            "pid": self.pid,
            "config": self.config,
            **self.counts,
            "shifts": self.shifts,
            "comparison": self.comparison,
            "message": self.message,
        }


@dataclass
class StoredDocument:
    """A document of the current corpus with its analysis under the current settings."""

    document_id: int
    analysis_id: int
    doc_id: str
    path: str | None
    date: str | None
    title: str | None
    metadata: dict[str, Any]
    report: str | None
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchItem:
    """One document to store: where it was read, its hash, its analysis (None when the same
    content was analysed before and only the source now points to it) and where its report
    was written."""

    source: SourceKey
    content_hash: str
    document: Document
    analysis: DocumentAnalysis | None
    report: str | None = None


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """The history database. ``Store(path)`` creates and migrates it as needed;
    ``Store(path, readonly=True)`` only reads an existing one of the current schema."""

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False):
        self.path = Path(path)
        try:
            if readonly:
                self.db = _connect_readonly(self.path)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the history database: {exc}") from None
        try:
            version = self._version()
            if readonly and version == 0:
                raise StoreError(f"{self.path}: not a stance history database")
            if readonly and version < SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: database schema version {version} is older than this "
                    f"stance's ({SCHEMA_VERSION}); the next stance run upgrades it"
                )
            if not readonly:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = FULL")
                self.db.execute("PRAGMA foreign_keys = ON")
                self.migrate()
        except BaseException as exc:
            self.db.close()
            if isinstance(exc, sqlite3.DatabaseError):
                raise self._error(exc) from None
            raise

    def _error(self, exc: sqlite3.DatabaseError) -> StoreError:
        if str(exc) == "file is not a database":
            return StoreError(f"{self.path}: not a stance history database")
        return StoreError(f"{self.path}: cannot use the history database: {exc}")

    def _version(self) -> int:
        """The schema version, checked before anything is changed: a newer schema, or a
        database that is not stance's (other tables, or a version without stance's tables),
        is refused as it is. An empty database is version 0, ready to be created."""
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: database schema version {version} is newer than this stance "
                f"understands ({SCHEMA_VERSION}); upgrade stance"
            )
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master")}
        if (version == 0 and tables) or (version > 0 and not TABLES.issubset(tables)):
            raise StoreError(f"{self.path}: not a stance history database")
        return version

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: everything inside commits together or not at all."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # schema --------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self, target: int = SCHEMA_VERSION) -> None:
        """Apply the missing migration steps, each in its own transaction (the version was
        checked on opening)."""
        current = self.schema_version
        for version in range(current + 1, target + 1):
            with self.transaction() as db:
                for statement in _statements(MIGRATIONS[version - 1]):
                    db.execute(statement)
                # PRAGMA takes no parameters; the version is an int from our own list.
                db.execute(f"PRAGMA user_version = {int(version)}")

    def integrity_check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    # runs ----------------------------------------------------------------------------------

    def mark_interrupted(self) -> list[int]:
        """Runs still marked running: their process died (the caller holds the run lock)."""
        with self.transaction() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM runs WHERE status = 'running'")]
            db.execute(
                "UPDATE runs SET status = 'interrupted', ended_at = ?, "
                "message = 'the run was killed or crashed before it finished' "
                "WHERE status = 'running'",
                (now(),),
            )
        return ids

    def start_run(self, config: str | None) -> int:
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (started_at, status, pid, config) VALUES (?, 'running', ?, ?)",
                (now(), os.getpid(), config),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(
        self,
        run_id: int,
        status: str,
        message: str | None = None,
        shifts: int | None = None,
        comparison: str | None = None,
    ) -> None:
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET status = ?, ended_at = ?, message = ?, shifts = ?, "
                "comparison = ? WHERE id = ?",
                (status, now(), message, shifts, comparison, run_id),
            )

    def runs(self, limit: int | None = None) -> list[RunRecord]:
        """Past runs, the latest first."""
        rows = self.db.execute(
            "SELECT * FROM runs ORDER BY id DESC LIMIT ?", (-1 if limit is None else limit,)
        )
        return [_run_record(row, rows.description) for row in rows]

    def run(self, run_id: int) -> RunRecord | None:
        cursor = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,))
        row = cursor.fetchone()
        return _run_record(row, cursor.description) if row else None

    def run_problems(self, run_id: int) -> list[Problem]:
        rows = self.db.execute(
            "SELECT level, path, reason, line FROM run_errors WHERE run_id = ? ORDER BY id",
            (run_id,),
        )
        return [Problem(*row) for row in rows]

    # documents -----------------------------------------------------------------------------

    def sources(self) -> dict[SourceKey, str]:
        """Every known source and the content hash of the document currently found there."""
        rows = self.db.execute(
            "SELECT s.path, s.record, d.content_hash FROM sources s "
            "JOIN documents d ON d.id = s.document_id"
        )
        return {SourceKey(path, record): digest for path, record, digest in rows}

    def analysed_hashes(self, settings: Settings) -> set[str]:
        """Content hashes of the documents analysed under ``settings``."""
        rows = self.db.execute(
            "SELECT d.content_hash FROM documents d JOIN analyses a ON a.document_id = d.id "
            "WHERE a.scorer_version = ? AND a.parties_hash = ?",
            (settings.scorer_version, settings.parties_hash),
        )
        return {row[0] for row in rows}

    def store_batch(
        self,
        run_id: int,
        settings: Settings,
        items: Sequence[BatchItem],
        problems: Sequence[Problem] = (),
        counts: dict[str, int] | None = None,
    ) -> list[tuple[int, DocumentAnalysis]]:
        """Store a batch in one transaction; returns the analyses it added, with their ids.

        A document or analysis that is already stored (the same content seen twice) is
        kept as it is: unique constraints make storing idempotent.
        """
        added: list[tuple[int, DocumentAnalysis]] = []
        with self.transaction() as db:
            for item in items:
                document_id = self._document_id(db, item, run_id)
                if item.analysis is not None:
                    analysis_id = self._insert_analysis(
                        db, document_id, run_id, settings, item.analysis, item.report
                    )
                    if analysis_id is not None:
                        added.append((analysis_id, item.analysis))
                db.execute(
                    "INSERT INTO sources (path, record, document_id, run_id) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (path, record) DO UPDATE SET document_id = excluded.document_id, "
                    "run_id = excluded.run_id WHERE document_id != excluded.document_id",
                    (item.source.path, item.source.record, document_id, run_id),
                )
            db.executemany(
                "INSERT INTO run_errors (run_id, level, path, line, reason) VALUES (?, ?, ?, ?, ?)",
                [(run_id, p.level, p.path, p.line, p.reason) for p in problems],
            )
            for name, value in (counts or {}).items():
                if name not in COUNTERS:
                    raise ValueError(f"unknown run counter {name!r}")
                # The column name comes from COUNTERS, never from input.
                db.execute(f"UPDATE runs SET {name} = {name} + ? WHERE id = ?", (value, run_id))
        return added

    def _document_id(self, db: sqlite3.Connection, item: BatchItem, run_id: int) -> int:
        doc = item.document
        meta = doc.metadata
        db.execute(
            "INSERT INTO documents (content_hash, doc_id, path, date, speaker, title, metadata, "
            "text, first_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (content_hash) DO NOTHING",
            (
                item.content_hash,
                doc.id,
                doc.path,
                meta["date"],
                doc.speaker,
                doc.title,
                json.dumps(meta, ensure_ascii=False, default=str),
                doc.text,
                run_id,
            ),
        )
        row = db.execute(
            "SELECT id FROM documents WHERE content_hash = ?", (item.content_hash,)
        ).fetchone()
        return int(row[0])

    def _insert_analysis(
        self,
        db: sqlite3.Connection,
        document_id: int,
        run_id: int,
        settings: Settings,
        analysis: DocumentAnalysis,
        report: str | None,
    ) -> int | None:
        row = db.execute(
            "INSERT INTO analyses (document_id, scorer_version, parties_hash, run_id, dyad, "
            "party_source, parties, summary, warnings, sentence_count, report) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (document_id, scorer_version, parties_hash) DO NOTHING RETURNING id",
            (
                document_id,
                settings.scorer_version,
                settings.parties_hash,
                run_id,
                json.dumps(list(analysis.dyad)),
                analysis.party_source,
                json.dumps([p.to_dict() for p in analysis.parties], ensure_ascii=False),
                json.dumps(analysis.summary, ensure_ascii=False),
                json.dumps(list(analysis.warnings), ensure_ascii=False),
                len(analysis.sentences),
                report,
            ),
        ).fetchone()
        if row is None:
            return None
        analysis_id = int(row[0])
        db.executemany(
            "INSERT INTO sentences (analysis_id, idx, start, end, label, score, tone, vader, "
            "polarity, subjectivity, source, target, mutual, via, parties, cues, mentions) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_sentence_row(analysis_id, s) for s in analysis.sentences],
        )
        return analysis_id

    def set_reports(self, reports: Iterable[tuple[int, str]]) -> None:
        """Record where the reports of analyses were written (relative to the output)."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE analyses SET report = ? WHERE id = ?",
                [(report, analysis_id) for analysis_id, report in reports],
            )

    def current_documents(self, settings: Settings) -> list[StoredDocument]:
        """The documents now found at the known sources, analysed under ``settings``.

        A document whose file changed is replaced by its new content; one seen at two
        places counts once.
        """
        rows = self.db.execute(
            "SELECT d.id, a.id, d.doc_id, d.path, d.date, d.title, d.metadata, a.report, "
            "a.summary FROM documents d JOIN analyses a ON a.document_id = d.id "
            "WHERE a.scorer_version = ? AND a.parties_hash = ? "
            "AND d.id IN (SELECT document_id FROM sources) ORDER BY d.date, d.doc_id, d.id",
            (settings.scorer_version, settings.parties_hash),
        )
        return [
            StoredDocument(
                did, aid, doc_id, path, date, title, json.loads(meta), report, json.loads(summ)
            )
            for did, aid, doc_id, path, date, title, meta, report, summ in rows
        ]

    def sentence_rows(self, analysis_ids: Sequence[int]) -> Iterator[tuple]:
        """``(analysis_id, idx, label, score, tone, source, target)`` of the given analyses."""
        for chunk_start in range(0, len(analysis_ids), 500):
            chunk = list(analysis_ids[chunk_start : chunk_start + 500])
            marks = ",".join("?" * len(chunk))
            yield from self.db.execute(
                "SELECT analysis_id, idx, label, score, tone, source, target FROM sentences "
                f"WHERE analysis_id IN ({marks}) ORDER BY analysis_id, idx",
                chunk,
            )

    def sentence_text(self, analysis_id: int, index: int) -> str:
        """The text of one stored sentence, sliced from its document's text."""
        row = self.db.execute(
            "SELECT substr(d.text, s.start + 1, s.end - s.start) FROM sentences s "
            "JOIN analyses a ON a.id = s.analysis_id JOIN documents d ON d.id = a.document_id "
            "WHERE s.analysis_id = ? AND s.idx = ?",
            (analysis_id, index),
        ).fetchone()
        return row[0] if row else ""

    def load_analysis(self, analysis_id: int) -> DocumentAnalysis:
        """A stored analysis rebuilt as a :class:`DocumentAnalysis` (to re-render a report)."""
        row = self.db.execute(
            "SELECT d.doc_id, d.path, d.metadata, d.text, a.scorer_version, a.dyad, "
            "a.party_source, a.parties, a.summary, a.warnings FROM analyses a "
            "JOIN documents d ON d.id = a.document_id WHERE a.id = ?",
            (analysis_id,),
        ).fetchone()
        if row is None:
            raise KeyError(f"no analysis {analysis_id}")
        doc_id, path, meta, text, version, dyad, party_source, parties, summary, warnings = row
        document = _document(doc_id, path, json.loads(meta), text)
        document.warnings = json.loads(warnings)
        sentences = [
            _sentence_result(text, r)
            for r in self.db.execute(
                "SELECT idx, start, end, label, score, tone, vader, polarity, subjectivity, "
                "source, target, mutual, via, parties, cues, mentions FROM sentences "
                "WHERE analysis_id = ? ORDER BY idx",
                (analysis_id,),
            )
        ]
        return DocumentAnalysis(
            document,
            sentences,
            [PartyInfo(**p) for p in json.loads(parties)],
            tuple(json.loads(dyad)),
            json.loads(summary),
            version,
            party_source,
        )

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (for summaries and tests)."""
        tables = ("documents", "sources", "analyses", "sentences", "runs", "run_errors")
        # Table names come from the fixed tuple above.
        return {t: self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write. ``mode=ro`` keeps SQLite's locking, so it reads the
    last commit of a run that is writing (WAL), but it needs the WAL's ``-shm`` index, which
    it creates if it can; in a read-only folder with no write-ahead log, where no run can be
    writing, the file is read as ``immutable`` instead."""
    if not path.is_file():
        raise StoreError(f"{path}: no history database here (no run has been made yet)")
    uri = Path(os.path.abspath(path)).as_uri()
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=30)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        db.close()
        if Path(f"{path}-wal").exists():
            raise
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _run_record(row: tuple, description: Any) -> RunRecord:
    data = dict(zip([d[0] for d in description], row, strict=True))
    return RunRecord(
        id=data["id"],
        started_at=data["started_at"],
        ended_at=data["ended_at"],
        status=data["status"],
        pid=data["pid"],
        config=data["config"],
        counts={name: data[name] for name in COUNTERS},
        message=data["message"],
        shifts=data.get("shifts"),
        comparison=data.get("comparison"),
    )


def _sentence_row(analysis_id: int, s: SentenceResult) -> tuple:
    cues = [
        [c.term, c.text, c.start, c.end, c.weight, c.category, c.effect, list(c.modifiers)]
        for c in s.cues
    ]
    mentions = [[m.key, m.start, m.end, m.text, m.kind] for m in s.mentions]
    return (
        analysis_id,
        s.index,
        s.start,
        s.end,
        s.label,
        s.score,
        s.tone,
        s.vader,
        s.textblob_polarity,
        s.textblob_subjectivity,
        s.source,
        s.target,
        int(s.mutual),
        s.via,
        json.dumps(list(s.parties)),
        json.dumps(cues, ensure_ascii=False),
        json.dumps(mentions, ensure_ascii=False),
    )


def _sentence_result(text: str, row: tuple) -> SentenceResult:
    idx, start, end, label, score, tone, vader, polarity, subjectivity = row[:9]
    source, target, mutual, via, parties, cues, mentions = row[9:]
    return SentenceResult(
        text=text[start:end],
        label=label,
        score=score,
        tone=tone,
        vader=vader,
        textblob_polarity=polarity,
        textblob_subjectivity=subjectivity,
        source=source,
        target=target,
        mutual=bool(mutual),
        parties=tuple(json.loads(parties)),
        cues=tuple(
            Cue(term, ctext, cs, ce, weight, category, effect, tuple(mods))
            for term, ctext, cs, ce, weight, category, effect, mods in json.loads(cues)
        ),
        via=via,
        index=idx,
        start=start,
        end=end,
        mentions=tuple(Mention(*m) for m in json.loads(mentions)),
    )


def _document(doc_id: str, path: str | None, meta: dict[str, Any], text: str) -> Document:
    known = ("id", "path", "date", "title", "source", "speaker", "line")
    date = dt.date.fromisoformat(meta["date"]) if meta.get("date") else None
    return Document(
        id=doc_id,
        text=text,
        path=path,
        date=date,
        title=meta.get("title"),
        source=meta.get("source"),
        speaker=meta.get("speaker"),
        line=meta.get("line"),
        extra={k: v for k, v in meta.items() if k not in known},
    )
