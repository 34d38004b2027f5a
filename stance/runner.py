"""``stance run``: one scheduled cycle over a config's inputs, safe to repeat and to kill.

A run takes the run lock (a ``lockf`` lock on ``<database>.lock``: the kernel releases it when
the process dies, however it dies, and worker processes do not inherit it), marks runs left
``running`` by a killed process as ``interrupted``, reads every input, and analyses only the
documents that are new, changed, or not yet analysed with the current scorer version and
parties. Each worker analyses a document and writes its report (:mod:`stance.report`: a
hidden folder renamed into place); results, with the place of their report, are stored one
transaction per batch. Reports missing for any stored analysis are rebuilt from the database.
Last, the comparison report is rewritten for the latest period against the previous ones.
"""

from __future__ import annotations

import fcntl
import functools
import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .analysis import DocumentAnalysis
from .compare import Comparison, compare, corpus_from_store
from .compare_report import is_current, report_key, write_comparison_report
from .config import RunConfig
from .documents import Document
from .engine import AUTO_SERIAL_LIMIT, AnalyzerConfig, Engine, analyze_document, get_engine
from .errors import InputError, StanceError
from .report.paths import document_key, folder_name
from .report.writer import INDEX_FILE, sweep_leftovers, write_index, write_report
from .store import (
    BatchItem,
    Problem,
    Settings,
    SourceKey,
    Store,
    content_hash,
    parties_fingerprint,
)

DOCUMENTS = "documents"
REPORT_PAGE = INDEX_FILE
COMPARISON = "comparison"


class RunLocked(StanceError):
    """Another run holds the lock on this database."""


_HELD: set[Path] = set()
_HELD_GUARD = threading.Lock()


@contextmanager
def run_lock(database: Path) -> Iterator[Path]:
    """Hold the run lock of ``database`` for the block; :class:`RunLocked` if taken.

    ``lockf`` locks belong to the process: the kernel drops them when it dies, and forked
    workers do not inherit them, so a killed run never leaves the lock stuck. They do not
    exclude the same process, hence the set of locks this process holds.
    """
    path = Path(os.path.abspath(database.with_name(database.name + ".lock")))
    with _HELD_GUARD:
        if path in _HELD:
            raise RunLocked(f"{path}: a run in this process (pid {os.getpid()}) holds the lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise RunLocked(
                f"{path}: another stance run holds the lock (pid {holder}); try again when it ends"
            ) from None
        _HELD.add(path)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        with _HELD_GUARD:
            os.close(fd)
            _HELD.discard(path)


@dataclass
class RunOutcome:
    """What a run did: counts, problems, the comparison and its shifts."""

    run_id: int
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    interrupted: list[int] = field(default_factory=list)
    comparison: Comparison | None = None
    comparison_path: Path | None = None
    reports_written: int = 0
    comparison_written: bool = False
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == "error")

    @property
    def status(self) -> str:
        return "inputs_failed" if self.errors else "ok"

    @property
    def shifts(self) -> int:
        return len(self.comparison.shifts()) if self.comparison else 0

    def summary(self) -> str:
        """The one-line summary printed at the end of a run."""
        c = self.counts
        line = (
            f"run {self.run_id}: documents {c.get('new', 0)} new, {c.get('changed', 0)} changed, "
            f"{c.get('rescored', 0)} rescored, {c.get('skipped', 0)} skipped, "
            f"{c.get('failed', 0)} failed; {c.get('sentences', 0)} sentences analysed; "
        )
        comparison = self.comparison
        if comparison and comparison.previous:
            line += (
                f"{self.shifts} shift{'s' if self.shifts != 1 else ''} flagged "
                f"({comparison.latest} vs {comparison.previous})"
            )
        elif comparison and comparison.latest:
            line += f"no earlier period to compare {comparison.latest} with"
        else:
            line += "no dated document to compare"
        other = self.errors - c.get("failed", 0)
        if other > 0:
            line += f"; {other} other error{'s' if other != 1 else ''} (see above)"
        return line + f"; {self.seconds:.1f} s"


@dataclass(frozen=True)
class ReportJob:
    """What a worker needs to analyse a document and write its report: small, picklable."""

    config: AnalyzerConfig
    documents: str


@dataclass
class Reported:
    """A document analysed by a worker, with its report's folder or why it has none."""

    analysis: DocumentAnalysis
    folder: str
    error: str | None = None


def report_analysis(job: ReportJob, analysis: DocumentAnalysis) -> Reported:
    """Write one document's report (a whole folder or nothing); a failure is reported back,
    never raised, so one report cannot stop a run."""
    doc = analysis.document
    folder = folder_name(doc.id, document_key(doc))
    try:
        write_report(analysis, job.documents, folder)
    except OSError as exc:
        return Reported(analysis, folder, f"cannot write its report: {exc.strerror or exc}")
    except Exception as exc:
        return Reported(analysis, folder, f"cannot draw its report: {type(exc).__name__}: {exc}")
    return Reported(analysis, folder)


def analyse_and_report(job: ReportJob, item: Document | InputError) -> Reported | InputError:
    """The workers' task in a run: analyse one document, then write its report."""
    result = analyze_document(job.config, item)
    return result if isinstance(result, InputError) else report_analysis(job, result)


class Runner:
    """One run of a config. ``report`` is called with each problem as it is met."""

    def __init__(self, config: RunConfig, report: Callable[[Problem], None] = lambda p: None):
        self.config = config
        self.report = report
        analyzer = config.analyzer.build()
        self.settings = Settings(analyzer.version, parties_fingerprint(analyzer.party_set))
        self.names = {p.key: p.name for p in analyzer.parties} if config.parties else {}
        self.unwritten: set[str | None] = set()  # documents whose report failed in this run
        self.job = ReportJob(config.analyzer, str(config.output / DOCUMENTS))

    def run(self) -> RunOutcome:
        started = time.perf_counter()
        with run_lock(self.config.database), Store(self.config.database) as store:
            interrupted = store.mark_interrupted()
            outcome = RunOutcome(store.start_run(str(self.config.path)), interrupted=interrupted)
            try:
                documents = self.config.output / DOCUMENTS
                documents.mkdir(parents=True, exist_ok=True)
                for folder in (self.config.output, documents):  # what a killed run left
                    sweep_leftovers(folder, older_than=0)
                self._analyse(store, outcome)
                self._repair_reports(store, outcome)
                if outcome.reports_written or not (documents / INDEX_FILE).exists():
                    write_index(documents)
                self._compare(store, outcome)
            except KeyboardInterrupt:
                store.finish_run(outcome.run_id, "interrupted", message="stopped by the user")
                raise
            except BaseException as exc:
                store.finish_run(outcome.run_id, "failed", message=f"{type(exc).__name__}: {exc}")
                raise
            outcome.seconds = time.perf_counter() - started
            store.finish_run(
                outcome.run_id,
                outcome.status,
                shifts=outcome.shifts,
                comparison=str(outcome.comparison_path) if outcome.comparison_path else None,
            )
        return outcome

    # analysis ------------------------------------------------------------------------------

    def _analyse(self, store: Store, outcome: RunOutcome) -> None:
        known = store.sources()
        analysed = store.analysed_hashes(self.settings)
        pending: deque[tuple[SourceKey, str, str]] = deque()
        # Sources whose content is already on its way to a worker: they are stored once its
        # result is back, mapped to it as a later run would map them (analysed once per run).
        copies: dict[str, list[tuple[SourceKey, Document, str]]] = {}
        batch = _Batch()
        seen: dict[SourceKey, tuple[str | None, int | None]] = {}

        def problem(level: str, error: InputError | str, document: Document | None = None):
            if isinstance(error, InputError):
                p = Problem(level, error.path, error.message, error.line)
            else:
                where = document.path if document else None
                text = error.removeprefix(f"{document.where()}: ") if document else error
                p = Problem(level, where, text, document.line if document else None)
            batch.problems.append(p)
            outcome.problems.append(p)
            self.report(p)

        def work() -> Iterator[Document]:
            for item in self.config.documents():
                if isinstance(item, InputError):
                    problem("error", item)
                    batch.count("failed")
                    continue
                doc = item
                key = SourceKey(self.config.relative(doc.path or doc.id), _record(doc))
                if key in seen:
                    if seen[key] != (doc.path, doc.line):
                        problem("warning", f"duplicate id {doc.id!r}, record skipped", doc)
                    continue
                seen[key] = (doc.path, doc.line)
                warning = self.config.speaker.apply(doc)
                digest = content_hash(doc)
                before = known.get(key)
                if before == digest and digest in analysed:
                    batch.count("skipped")  # and its warnings were recorded when it was new
                    continue
                if warning:
                    problem("warning", warning, doc)
                state = "new" if before is None else "changed" if before != digest else "rescored"
                if digest in analysed:  # this content was analysed before: only remap
                    batch.items.append(BatchItem(key, digest, doc, None))
                    batch.count(state)
                    continue
                if digest in copies:  # the same text earlier in this run: wait for it
                    copies[digest].append((key, doc, state))
                    continue
                copies[digest] = []
                pending.append((key, digest, state))
                yield doc

        items = work()
        head = list(itertools.islice(items, AUTO_SERIAL_LIMIT + 1))
        task = functools.partial(analyse_and_report, self.job)
        with self._engine(len(head)) as engine:
            for result in engine.map(task, itertools.chain(head, items)):
                key, digest, state = pending.popleft()
                if isinstance(result, InputError):
                    problem("error", result)
                    batch.count("failed")
                    for _, doc, _ in copies.pop(digest):  # the same text fails the same way
                        problem("error", result.message, doc)
                        batch.count("failed")
                else:
                    analysis = result.analysis
                    for warning in analysis.warnings:
                        problem("warning", warning, analysis.document)
                    report = self._install(result, outcome, problem)
                    batch.items.append(BatchItem(key, digest, analysis.document, analysis, report))
                    batch.count(state)
                    batch.count("sentences", len(analysis.sentences))
                    analysed.add(digest)
                    for copy_key, doc, copy_state in copies.pop(digest):
                        batch.items.append(BatchItem(copy_key, digest, doc, None))
                        batch.count(copy_state)
                if len(batch.items) >= self.config.batch:
                    self._flush(store, batch, outcome)
            self._flush(store, batch, outcome)

    def _engine(self, count: int) -> Engine:
        few = count <= AUTO_SERIAL_LIMIT
        return get_engine(
            self.config.engine,
            self.config.jobs,
            inputs=count if few else None,
            scheduler=self.config.scheduler,
        )

    def _install(
        self, reported: Reported, outcome: RunOutcome, problem: Callable[..., None]
    ) -> str | None:
        """Where a report went; a failure (a full disk) is an error of the run, not a crash."""
        if reported.error:
            self.unwritten.add(reported.analysis.document.path)
            problem("error", reported.error, reported.analysis.document)
            return None
        outcome.reports_written += 1
        return f"{DOCUMENTS}/{reported.folder}"

    def _flush(self, store: Store, batch: _Batch, outcome: RunOutcome) -> None:
        """Store the batch, with its reports' places, in one transaction."""
        if not (batch.items or batch.problems or batch.counts):
            return
        store.store_batch(outcome.run_id, self.settings, batch.items, batch.problems, batch.counts)
        for name, value in batch.counts.items():
            outcome.counts[name] = outcome.counts.get(name, 0) + value
        batch.clear()

    def _repair_reports(self, store: Store, outcome: RunOutcome) -> None:
        """Rebuild, from the database, the reports that are missing (a deleted folder, a full
        disk, or a run killed before its reports were recorded)."""
        missing = [
            d.analysis_id
            for d in store.current_documents(self.settings)
            if (d.report is None or not (self.config.output / d.report).is_dir())
            and d.path not in self.unwritten  # failed in this run: the next run tries again
        ]
        if not missing:
            return
        problems: list[Problem] = []

        def problem(level: str, message: str, document: Document) -> None:
            p = Problem(level, document.path, message, document.line)
            problems.append(p)
            outcome.problems.append(p)
            self.report(p)

        written = []
        loaded = (store.load_analysis(i) for i in missing)
        task = functools.partial(report_analysis, self.job)
        with self._engine(len(missing)) as engine:
            for analysis_id, reported in zip(missing, engine.map(task, loaded), strict=True):
                report = self._install(reported, outcome, problem)
                if report is not None:
                    written.append((analysis_id, report))
        store.set_reports(written)
        if problems:
            store.store_batch(outcome.run_id, self.settings, [], problems)

    # comparison ----------------------------------------------------------------------------

    def _compare(self, store: Store, outcome: RunOutcome) -> None:
        def link(report: str | None) -> str | None:
            return f"../{quote(report)}/{REPORT_PAGE}" if report else None

        corpus = corpus_from_store(store, self.settings, self.config.period, link)
        comparison = compare(
            corpus,
            self.config.period.sort_key,
            self.config.parties_order,
            self.names,
            self.config.period.label,
        )
        outcome.comparison = comparison
        title = f"Comparison by {self.config.period.label}"
        if comparison.latest:
            title += f": {comparison.latest}"
            if comparison.previous:
                title += f" against {comparison.previous}"
        folder = self.config.output / COMPARISON
        outcome.comparison_path = folder / INDEX_FILE
        if not is_current(folder, report_key(comparison, title)):
            index = f"../{DOCUMENTS}/{INDEX_FILE}"
            write_comparison_report(comparison, folder, title, index)
            outcome.comparison_written = True


class _Batch:
    """What the next transaction stores."""

    def __init__(self) -> None:
        self.items: list[BatchItem] = []
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}

    def count(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value

    def clear(self) -> None:
        self.items, self.problems, self.counts = [], [], {}


def _record(doc: Document) -> str:
    """The record key inside a file: the id of a JSONL record, empty for a text file."""
    return doc.id if doc.line is not None else ""


def run(config: RunConfig, report: Callable[[Problem], None] = lambda p: None) -> RunOutcome:
    """Run ``config`` once (see :class:`Runner`)."""
    return Runner(config, report).run()
