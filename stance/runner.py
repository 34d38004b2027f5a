"""``stance run``: one scheduled cycle over a config's inputs, safe to repeat and to kill.

A run takes the run lock (a ``lockf`` lock on ``<database>.lock``: the kernel releases it when
the process dies, however it dies, and worker processes do not inherit it), marks runs left
``running`` by a killed process as ``interrupted``, reads every input, and analyses only the
documents that are new, changed, or not yet analysed with the current scorer version and
parties. Results are stored one transaction per batch; each document's report is written to a
hidden folder and renamed into place. Reports missing for any stored analysis (a run killed
between its commit and its report) are rebuilt from the database. Last, the comparison
report is rewritten for the latest period against the previous ones.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import itertools
import json
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .analysis import DocumentAnalysis
from .compare import Comparison, compare, corpus_from_store
from .compare_report import (
    atomic_folder,
    is_current,
    remove_leftovers,
    report_key,
    write_comparison_report,
)
from .config import RunConfig
from .documents import Document
from .engine import AUTO_SERIAL_LIMIT, AnalyzerConfig, Engine, analyze_document, get_engine
from .errors import InputError, StanceError
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
REPORT_PAGE = "analysis.json"
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
        return line


def document_folder_name(analysis: DocumentAnalysis) -> str:
    """A safe, unique folder name for a document's report: its id made safe plus a hash."""
    doc = analysis.document
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", doc.id).strip("-.")[:80] or "document"
    digest = hashlib.sha256(f"{doc.path}\0{doc.id}".encode()).hexdigest()[:8]
    return f"{safe}-{digest}"


@dataclass
class Rendered:
    """An analysis and the files of its report, made in a worker; the driver installs them
    (so a worker never writes to the output folder itself)."""

    analysis: DocumentAnalysis
    folder: str
    files: dict[str, bytes]
    error: str | None = None


def render_report(analysis: DocumentAnalysis) -> Rendered:
    """The files of one document's report.

    Until the reports package lands this is the analysis as JSON.
    """
    folder = document_folder_name(analysis)
    try:
        data = json.dumps(analysis.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
    except Exception as exc:  # one document's report must not stop the run
        return Rendered(analysis, folder, {}, f"{type(exc).__name__}: {exc}")
    return Rendered(analysis, folder, {"analysis.json": data})


def analyse_and_render(config: AnalyzerConfig, item: Document | InputError) -> Any:
    """The worker's task: analyse a document and render its report."""
    result = analyze_document(config, item)
    return result if isinstance(result, InputError) else render_report(result)


def install_report(rendered: Rendered, documents: Path) -> str:
    """Put a rendered report in place under ``documents``, whole; its path from the output."""
    with atomic_folder(documents / rendered.folder) as temp:
        for name, data in rendered.files.items():
            (temp / name).write_bytes(data)
    return f"{DOCUMENTS}/{rendered.folder}"


class Runner:
    """One run of a config. ``report`` is called with each problem as it is met."""

    def __init__(self, config: RunConfig, report: Callable[[Problem], None] = lambda p: None):
        self.config = config
        self.report = report
        analyzer = config.analyzer.build()
        self.settings = Settings(analyzer.version, parties_fingerprint(analyzer.party_set))
        self.names = {p.key: p.name for p in analyzer.parties} if config.parties else {}
        self.unwritten: set[str | None] = set()  # documents whose report failed in this run

    def run(self) -> RunOutcome:
        started = time.perf_counter()
        with run_lock(self.config.database), Store(self.config.database) as store:
            interrupted = store.mark_interrupted()
            remove_leftovers(self.config.output)
            remove_leftovers(self.config.output / DOCUMENTS)
            outcome = RunOutcome(store.start_run(str(self.config.path)), interrupted=interrupted)
            try:
                (self.config.output / DOCUMENTS).mkdir(parents=True, exist_ok=True)
                self._analyse(store, outcome)
                self._repair_reports(store, outcome)
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
                pending.append((key, digest, state))
                yield doc

        items = work()
        head = list(itertools.islice(items, AUTO_SERIAL_LIMIT + 1))
        task = functools.partial(analyse_and_render, self.config.analyzer)
        with self._engine(len(head)) as engine:
            for result in engine.map(task, itertools.chain(head, items)):
                key, digest, state = pending.popleft()
                if isinstance(result, InputError):
                    problem("error", result)
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
                if len(batch.items) >= self.config.batch:
                    self._flush(store, batch, outcome)
            self._flush(store, batch, outcome)

    def _engine(self, count: int) -> Engine:
        few = count <= AUTO_SERIAL_LIMIT
        return get_engine(self.config.engine, self.config.jobs, inputs=count if few else None)

    def _install(
        self, rendered: Rendered, outcome: RunOutcome, problem: Callable[..., None]
    ) -> str | None:
        """Install a report; a failure (a full disk) is an error of the run, not a crash."""
        document = rendered.analysis.document
        if rendered.error:
            self.unwritten.add(document.path)
            problem("error", f"cannot render its report: {rendered.error}", document)
            return None
        try:
            report = install_report(rendered, self.config.output / DOCUMENTS)
        except OSError as exc:
            self.unwritten.add(document.path)
            problem("error", f"cannot write its report: {exc.strerror or exc}", document)
            return None
        outcome.reports_written += 1
        return report

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
        with self._engine(len(missing)) as engine:
            for analysis_id, rendered in zip(
                missing, engine.map(render_report, loaded), strict=True
            ):
                report = self._install(rendered, outcome, problem)
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
        outcome.comparison_path = folder / "index.html"
        if not is_current(folder, report_key(comparison, title)):
            write_comparison_report(comparison, folder, title)
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
