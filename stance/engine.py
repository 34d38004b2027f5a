"""Engines run one task per document: serially, in a pool of processes, or (later) on Dask.

Every engine has the same :meth:`Engine.map`: results come back in input order, and items are
consumed lazily with a bounded number in flight, so memory does not grow with the corpus.
Workers rebuild their :class:`~stance.analysis.Analyzer` from a small picklable
:class:`AnalyzerConfig`, once per process.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from .analysis import Analyzer, DocumentAnalysis
from .documents import Document
from .errors import InputError, StanceError

T = TypeVar("T")
R = TypeVar("R")

ENGINES = ("auto", "serial", "processes")
AUTO_SERIAL_LIMIT = 4


@dataclass(frozen=True)
class AnalyzerConfig:
    """What a worker needs to build the same analyzer: party and lexicon files, speaker."""

    parties: str | None = None
    lexicon: str | None = None
    speaker: str | None = None

    def build(self) -> Analyzer:
        return _analyzer(self)


@functools.lru_cache(maxsize=8)
def _analyzer(config: AnalyzerConfig) -> Analyzer:
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


class Engine:
    """Runs ``func`` over ``items`` and yields the results in input order."""

    name = "serial"
    jobs = 1

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield func(item)

    def close(self) -> None:
        """Release workers; the engine cannot be used afterwards."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ProcessEngine(Engine):
    """A pool of worker processes; at most ``jobs * window`` items are in flight at once."""

    name = "processes"

    def __init__(self, jobs: int | None = None, window: int = 4):
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.window = window
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            context = multiprocessing.get_context(method)
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context)
        return self._pool

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pool = self._executor()
        pending: deque[Future[R]] = deque()
        limit = self.jobs * self.window
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def get_engine(name: str = "auto", jobs: int | None = None, inputs: int | None = None) -> Engine:
    """An engine by name. ``auto`` is serial for a handful of inputs, processes otherwise."""
    if name == "auto":
        few = inputs is not None and inputs <= AUTO_SERIAL_LIMIT
        name = "serial" if few or jobs == 1 else "processes"
    if name == "serial":
        return Engine()
    if name == "processes":
        return ProcessEngine(jobs)
    raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")


def analyze_all(
    config: AnalyzerConfig, items: Iterable[Document | InputError], engine: Engine
) -> Iterator[DocumentAnalysis | InputError]:
    """Every document analysed by ``engine``, in input order; failures as InputErrors."""
    return engine.map(functools.partial(analyze_document, config), items)
