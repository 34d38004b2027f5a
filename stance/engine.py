"""Engines run one task per document: serially, in a pool of processes, or on a Dask cluster.

Every engine has the same two ways to run a function over items: :meth:`Engine.map` yields the
results in input order, :meth:`Engine.map_unordered` yields ``(position, result)`` pairs as
they complete. Items are consumed lazily with a bounded number in flight, so memory does not
grow with the corpus. Workers rebuild their :class:`~stance.analysis.Analyzer` from a small
picklable :class:`AnalyzerConfig`, once per process.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import socket
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .analysis import Analyzer, DocumentAnalysis
from .documents import Document
from .errors import InputError, StanceError

T = TypeVar("T")
R = TypeVar("R")

ENGINES = ("auto", "serial", "processes", "dask")
AUTO_SERIAL_LIMIT = 4
DASK_INSTALL = "pip install 'stance-toolkit[dask]'"
LOCAL_DASK_WORKERS = 2


class EngineError(StanceError):
    """An engine that cannot start: a missing optional dependency, an unreachable scheduler."""


@dataclass(frozen=True)
class AnalyzerConfig:
    """What a worker needs to build the same analyzer: party and lexicon files, speaker."""

    parties: str | None = None
    lexicon: str | None = None
    speaker: str | None = None

    def build(self) -> Analyzer:
        """The analyzer, built once per process while its files stay as they are: an edited
        party or lexicon file is read again (a long-lived process would keep the old one)."""
        return _analyzer(self, _stamp(self.parties), _stamp(self.lexicon))


def _stamp(path: str | None) -> tuple[int, int] | None:
    """When a file last changed, and its size: part of the cache key of what was built from it."""
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None  # building the analyzer reports it
    return info.st_mtime_ns, info.st_size


@functools.lru_cache(maxsize=8)
def _analyzer(config: AnalyzerConfig, *stamps: tuple[int, int] | None) -> Analyzer:
    """``stamps`` (see :func:`_stamp`) only key the cache."""
    return Analyzer(config.parties, config.lexicon, config.speaker)


def analyze_document(config: AnalyzerConfig, item: Document | InputError) -> Any:
    """Analyse one document; a failure comes back as an :class:`InputError`, not a crash."""
    if isinstance(item, InputError):
        return item
    try:
        return config.build().analyze(item)
    except StanceError as exc:
        return InputError(item.where(), str(exc))
    except Exception as exc:  # one bad document must not stop a batch
        last = traceback.extract_tb(exc.__traceback__)[-1]
        detail = f"{type(exc).__name__}: {exc} ({os.path.basename(last.filename)}:{last.lineno})"
        return InputError(item.where(), f"internal error while analysing: {detail}")


@dataclass
class Rendered:
    """A document analysed and already written out by a worker: only text travels back."""

    id: str
    text: str
    sentences: int
    warnings: list[str] = field(default_factory=list)


def render_document(
    config: AnalyzerConfig,
    render: Callable[[DocumentAnalysis], str],
    item: Document | InputError,
) -> Rendered | InputError:
    """Analyse one document and ``render`` it in the worker (``render`` must be picklable).

    Sending back the rendered text instead of the analysis spares the parent process from
    unpickling every sentence and cue, which on two cores competes with the workers.
    """
    result = analyze_document(config, item)
    if isinstance(result, InputError):
        return result
    return Rendered(result.document.id, render(result), len(result.sentences), result.warnings)


class Engine:
    """Runs ``func`` over ``items`` in this process."""

    name = "serial"
    jobs = 1

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """The results of ``func`` on each item, in input order."""
        for item in items:
            yield func(item)

    def map_unordered(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        """``(position in items, result)`` pairs, as soon as each result is ready."""
        yield from enumerate(self.map(func, items))

    def close(self) -> None:
        """Release workers; the engine cannot be used afterwards."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _FutureEngine(Engine):
    """An engine that submits each item as a task; at most ``jobs * window`` are in flight."""

    window = 4

    def _submit(self, func: Callable[[T], R], item: T) -> Any:
        """Start ``func(item)``; returns a future with ``.result()``."""
        raise NotImplementedError

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: deque[Any] = deque()
        limit = self.jobs * self.window
        for item in items:
            pending.append(self._submit(func, item))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class ProcessEngine(_FutureEngine):
    """A pool of worker processes; at most ``jobs * window`` items are in flight at once."""

    name = "processes"

    def __init__(self, jobs: int | None = None, window: int = 4):
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.window = window
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork lets workers inherit what the parent already loaded (gazetteer, lexicons).
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            context = multiprocessing.get_context(method)
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context)
        return self._pool

    def _submit(self, func: Callable[[T], R], item: T) -> Future[R]:
        return self._executor().submit(func, item)

    def map_unordered(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        pending: dict[Future[R], int] = {}
        limit = self.jobs * self.window
        for index, item in enumerate(items):
            pending[self._submit(func, item)] = index
            if len(pending) >= limit:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                yield from ((pending.pop(f), f.result()) for f in done)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            yield from ((pending.pop(f), f.result()) for f in done)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class DaskEngine(_FutureEngine):
    """Tasks on a Dask cluster: an existing scheduler (``tcp://host:8786``) or a LocalCluster.

    The local cluster has ``jobs`` worker processes (default 2) of one thread each; an existing
    cluster has the workers it has. At most ``window`` tasks per worker thread are in flight.
    Workers need stance installed; each worker process builds its analyzer once, on its first
    task.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, jobs: int | None = None, window: int = 4):
        distributed = _import_distributed()
        self.window = window
        self.scheduler = scheduler
        self._cluster = None
        if scheduler:
            _check_reachable(scheduler)
            try:
                self._client = distributed.Client(scheduler, set_as_default=False)
            except (OSError, ValueError) as exc:
                raise EngineError(f"cannot use the Dask scheduler at {scheduler}: {exc}") from None
        else:
            self._cluster = distributed.LocalCluster(
                n_workers=jobs or LOCAL_DASK_WORKERS,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # No dashboard, and the scheduler's small HTTP server on a free local port.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            )
            self._client = distributed.Client(self._cluster, set_as_default=False)
        # In-flight tasks are sized on the worker threads there are now (at least one).
        self.jobs = max(1, sum(self._client.nthreads().values()))

    def _submit(self, func: Callable[[T], R], item: T) -> Any:
        return self._client.submit(func, item, pure=False)

    def map_unordered(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        from distributed import as_completed

        positions: dict[str, int] = {}
        running = as_completed(loop=self._client.loop)
        limit = self.jobs * self.window
        for index, item in enumerate(items):
            future = self._submit(func, item)
            positions[future.key] = index
            running.add(future)
            if running.count() >= limit:
                future = next(running)
                yield positions.pop(future.key), future.result()
        for future in running:
            yield positions.pop(future.key), future.result()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise EngineError(f"the dask engine needs Dask: {DASK_INSTALL}") from None
    return distributed


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast, in one line, when nothing listens at a scheduler address."""
    from distributed.comm.addressing import get_address_host_port

    try:
        host, port = get_address_host_port(address)
    except ValueError as exc:
        raise EngineError(f"bad Dask scheduler address {address!r}: {exc}") from None
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise EngineError(f"cannot reach the Dask scheduler at {address}: {reason}") from None


def get_engine(
    name: str = "auto",
    jobs: int | None = None,
    inputs: int | None = None,
    scheduler: str | None = None,
) -> Engine:
    """An engine by name. ``auto`` is dask when a scheduler is given, serial for a handful of
    inputs, processes otherwise."""
    if name == "auto" and scheduler:
        name = "dask"
    elif name == "auto":
        few = inputs is not None and inputs <= AUTO_SERIAL_LIMIT
        name = "serial" if few or jobs == 1 else "processes"
    if scheduler and name != "dask":
        raise ValueError(f"a scheduler address needs the dask engine, not {name!r}")
    if name == "serial":
        return Engine()
    if name == "processes":
        return ProcessEngine(jobs)
    if name == "dask":
        return DaskEngine(scheduler, jobs)
    raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")


def analyze_all(
    config: AnalyzerConfig, items: Iterable[Document | InputError], engine: Engine
) -> Iterator[DocumentAnalysis | InputError]:
    """Every document analysed by ``engine``, in input order; failures as InputErrors."""
    return engine.map(functools.partial(analyze_document, config), items)
