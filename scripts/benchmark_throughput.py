#!/usr/bin/env python3
"""Throughput of stance on the UN General Debate Corpus: the four figures of the scale issue.

1. overhead: ``stance.analyze`` sentences/s in one process, divided by the rate of VADER and
   TextBlob alone on the same sentences, called as a user would
   (``SentimentIntensityAnalyzer().polarity_scores(s)`` and ``TextBlob(s).sentiment``);
2. parallel: the ``processes`` engine with ``--jobs`` workers against the serial engine, end to
   end (reading the files, starting the pool, getting every analysis back in order);
3. corpus: every speech scored by ``stance score --format jsonl`` into a file, with the wall
   time and the peak memory (RSS summed over the process tree, sampled every 0.2 s; PSS too,
   which counts pages shared by the forked workers once);
4. dask: the sample of 2. through a local Dask cluster of ``--jobs`` single-threaded worker
   processes, against the processes engine (cluster start-up timed separately).

The machine may be shared, so every figure is the median of ``--repeats`` rounds, and the rounds
of the two things compared alternate (A B, B A, ...) so that a burst of load hits both.

The corpus: ``--corpus DIR`` (a folder of speeches), else ``/tmp/ungdc/TXT`` when present, else
``../shared/corpora/ungdc/ungdc-1946-2024.tar.xz`` unpacked once into ``--cache``. The sample is
``--sample`` speeches spread evenly over the sorted file list (all sessions, 1946 on).

Run from the repository root, in an environment with stance installed (``pip install -e
'.[dask]'``)::

    python scripts/benchmark_throughput.py                    # all four, about 6 minutes
    python scripts/benchmark_throughput.py --skip-corpus      # 1, 2 and 4
    python scripts/benchmark_throughput.py --only overhead --sample 60 --repeats 3
    python scripts/benchmark_throughput.py --only corpus --corpus-limit 2000

Linux only for the memory figures (they read /proc).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import stance
from stance.documents import Document, iter_documents
from stance.engine import AnalyzerConfig, DaskEngine, Engine, ProcessEngine, analyze_all
from stance.errors import InputError
from stance.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent
TARBALL = ROOT.parent / "shared" / "corpora" / "ungdc" / "ungdc-1946-2024.tar.xz"
UNPACKED = Path("/tmp/ungdc/TXT")
SECTIONS = ("overhead", "parallel", "corpus", "dask")
TARGETS = {"ratio": 0.8, "speedup": 1.7, "wall": 360.0, "memory": 1024.0}
MIB = 1024 * 1024


# corpus ------------------------------------------------------------------------------------


def corpus_folder(given: Path | None, cache: Path) -> Path:
    """The folder of speeches: given, already unpacked, or unpacked now from the tarball."""
    if given is not None:
        if not given.is_dir():
            sys.exit(f"error: {given}: no such folder")
        return given
    if UNPACKED.is_dir():
        return UNPACKED
    folder, done = cache / "TXT", cache / ".unpacked"
    if done.exists():
        return folder
    if not TARBALL.exists():
        sys.exit(f"error: no corpus: give --corpus, or put the UNGDC tarball at {TARBALL}")
    print(f"unpacking {TARBALL.name} into {cache} (once) ...", file=sys.stderr)
    cache.mkdir(parents=True, exist_ok=True)
    with tarfile.open(TARBALL, "r:xz") as archive:
        archive.extractall(cache, filter="data")
    done.touch()
    return folder


def speech_files(folder: Path) -> list[Path]:
    """The speeches, skipping hidden files as stance does (the tarball has a stray
    ``.DS_Store-to-UTF-8.txt``)."""
    return sorted(
        path
        for path in folder.rglob("*.txt")
        if not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def spread(files: list[Path], count: int) -> list[Path]:
    """``count`` files evenly spread over the list (every session, not just the first)."""
    if count >= len(files):
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def read_documents(paths: Iterable[Path]) -> list[Document]:
    return [d for d in iter_documents(paths) if isinstance(d, Document)]


# timing ------------------------------------------------------------------------------------


@dataclass
class Rounds:
    """Timed rounds of one workload: wall and CPU seconds per round. CPU counts this process
    and the children that ended within the round (a process pool closed at its end)."""

    func: Callable[[], object]
    work: int
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def measure(self) -> None:
        cpu, wall = _cpu_seconds(), time.perf_counter()
        self.func()
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(_cpu_seconds() - cpu)

    def rate(self) -> float:
        """Median work per wall second."""
        return self.work / statistics.median(self.wall)

    def rates(self) -> list[float]:
        return [self.work / w for w in self.wall]


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def alternate(repeats: int, first: Callable[[], None], second: Callable[[], None]) -> None:
    """Run two measures ``repeats`` times each, swapping which goes first every round."""
    for index in range(repeats):
        pair = (first, second) if index % 2 == 0 else (second, first)
        for measure in pair:
            measure()


def paired_ratios(numerator: Rounds, denominator: Rounds) -> list[float]:
    return [a / b for a, b in zip(numerator.rates(), denominator.rates(), strict=True)]


def spread_text(values: list[float], fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(min(values))}..{fmt.format(max(values))}"


# the four measures -------------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    value: str
    target: str = ""
    met: bool | None = None


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    processes_rate: float | None = None

    def add(self, measure: str, value: str, target: str = "", met: bool | None = None) -> None:
        self.rows.append(Row(measure, value, target, met))
        print(f"  {measure}: {value}", file=sys.stderr)


def measure_overhead(docs: list[Document], repeats: int, report: Report) -> None:
    from textblob import TextBlob
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sentences = [d.text[s:e] for d in docs for s, e in split_sentences(d.text)]
    vader = SentimentIntensityAnalyzer()

    def libraries() -> None:
        for sentence in sentences:
            vader.polarity_scores(sentence)
            TextBlob(sentence).sentiment  # noqa: B018 (the property does the work)

    def pipeline() -> None:
        for doc in docs:
            stance.analyze(doc)

    analysed = sum(len(stance.analyze(d).sentences) for d in docs)  # also warms up
    assert analysed == len(sentences), "the baseline must see the sentences stance scores"
    libraries()
    base, ours = Rounds(libraries, len(sentences)), Rounds(pipeline, len(sentences))
    alternate(repeats, base.measure, ours.measure)
    ratios = paired_ratios(ours, base)
    cpu_ratio = statistics.median(b / o for b, o in zip(base.cpu, ours.cpu, strict=True))
    ratio = statistics.median(ratios)
    report.add("1. VADER + TextBlob alone, one process", f"{base.rate():,.0f} sentences/s")
    report.add("1. stance.analyze, one process", f"{ours.rate():,.0f} sentences/s")
    report.add(
        "1. overhead ratio (stance / libraries)",
        f"{ratio:.2f} (rounds {spread_text(ratios)}; CPU time {cpu_ratio:.2f})",
        f">= {TARGETS['ratio']}",
        ratio >= TARGETS["ratio"],
    )


def engine_rounds(engine: Callable[[], Engine], paths: list[Path], sentences: int) -> Rounds:
    """Rounds that read ``paths`` and get every analysis back from ``engine()`` (an engine,
    or a factory of a fresh one per round, closed at the end of the round)."""
    config = AnalyzerConfig()

    def run() -> None:
        with engine() as current:
            found = list(analyze_all(config, iter_documents(paths), current))
        failed = [a for a in found if isinstance(a, InputError)]
        assert not failed, failed[0]
        count = sum(len(a.sentences) for a in found if not isinstance(a, InputError))
        assert count == sentences, (count, sentences)

    return Rounds(run, sentences)


def measure_parallel(
    paths: list[Path], sentences: int, jobs: int, repeats: int, report: Report
) -> None:
    AnalyzerConfig().build()  # as `stance score` does: forked workers inherit it
    serial = engine_rounds(Engine, paths, sentences)
    pool = engine_rounds(lambda: ProcessEngine(jobs), paths, sentences)
    alternate(repeats, serial.measure, pool.measure)
    ratios = paired_ratios(pool, serial)
    speedup = pool.rate() / serial.rate()
    report.processes_rate = pool.rate()
    report.add("2. serial engine", f"{serial.rate():,.0f} sentences/s")
    report.add(f"2. processes engine, {jobs} jobs", f"{pool.rate():,.0f} sentences/s")
    report.add(
        "2. speed-up (processes / serial)",
        f"{speedup:.2f}x (paired rounds {spread_text(ratios)})",
        f">= {TARGETS['speedup']}x",
        speedup >= TARGETS["speedup"],
    )
    extra = statistics.median(pool.cpu) / statistics.median(serial.cpu) - 1
    report.add(
        "2. CPU cost of going parallel",
        f"{extra:+.0%} CPU seconds for the same work (parent and workers, whatever the load)",
    )


def measure_dask(
    paths: list[Path], sentences: int, jobs: int, repeats: int, report: Report
) -> None:
    start = time.perf_counter()
    cluster = DaskEngine(jobs=jobs)
    startup = time.perf_counter() - start
    try:
        # The cluster stays up between rounds: a shared Engine that the round must not close.
        dask = engine_rounds(lambda: _Borrowed(cluster), paths, sentences)
        pool = engine_rounds(lambda: ProcessEngine(jobs), paths, sentences)
        dask.measure()  # the first round builds an analyzer in each worker: not counted
        dask.wall.clear()
        alternate(repeats, dask.measure, pool.measure)
    finally:
        cluster.close()
    ratio = dask.rate() / pool.rate()
    report.add(
        f"4. dask LocalCluster, {jobs} worker processes",
        f"{dask.rate():,.0f} sentences/s (cluster start {startup:.1f} s, not counted)",
    )
    report.add(f"4. processes engine, {jobs} jobs, same rounds", f"{pool.rate():,.0f} sentences/s")
    report.add(
        "4. dask / processes",
        f"{ratio:.2f}x (paired rounds {spread_text(paired_ratios(dask, pool))})",
    )


class _Borrowed(Engine):
    """An engine used through another's map, left open when the round ends."""

    def __init__(self, engine: Engine):
        self.map = engine.map  # type: ignore[method-assign]


def _spin(seconds: float) -> int:
    """Pure-Python work for about ``seconds``: how many loop steps were done."""
    steps, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        for _ in range(10_000):
            steps += 1
    return steps


def available_parallelism(jobs: int, seconds: float = 2.0) -> float:
    """How many times the work of one process ``jobs`` processes get done in the same time
    on this machine right now: 2.0 on an idle 2-core machine, less when others use it."""
    alone = _spin(seconds)
    with ProcessEngine(jobs) as engine:
        together = sum(engine.map(_spin, [seconds] * jobs))
    return together / alone


# whole corpus ------------------------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants, from the parent ids in /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, ()))
    return tree


def memory_of(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) in bytes summed over ``pids``."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith(("Rss:", "Pss:")):
                        kib = int(line.split()[1]) * 1024
                        if line.startswith("Rss:"):
                            rss += kib
                        else:
                            pss += kib
        except OSError:
            continue
    return rss, pss


class MemorySampler(threading.Thread):
    """Samples the memory of a process tree until stopped; keeps the peaks."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = self.samples = self.most_processes = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            pids = process_tree(self.pid)
            rss, pss = memory_of(pids)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.most_processes = max(self.most_processes, len(pids))
            self.samples += 1
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def limited_corpus(files: list[Path], folder: Path, limit: int, scratch: Path) -> Path:
    """A folder of links to the first ``limit`` speeches, for a shorter corpus run."""
    target = scratch / "corpus"
    for file in files[:limit]:
        link = target / file.relative_to(folder)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(file)
    return target


def measure_corpus(
    folder: Path, files: list[Path], jobs: int, limit: int | None, out_dir: Path, report: Report
) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="stance-bench-", dir=out_dir))
    source = limited_corpus(files, folder, limit, scratch) if limit else folder
    output = scratch / "scores.jsonl"
    command = [
        *(sys.executable, "-c", "from stance.cli import main; main()"),
        *("score", str(source), "--format", "jsonl", "--engine", "processes"),
        *("--jobs", str(jobs)),
    ]
    shown = f"stance score {source} --format jsonl --engine processes --jobs {jobs} > {output}"
    print(f"  running: {shown}", file=sys.stderr)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
        sampler = MemorySampler(process.pid)
        sampler.start()
        _, errors = process.communicate()
        sampler.stop()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    failed = [line for line in errors.decode(errors="replace").splitlines() if line]
    if process.returncode not in (0, 2):
        sys.exit(f"error: stance score exited {process.returncode}:\n" + "\n".join(failed[-5:]))
    sentences, documents, size = count_output(output)
    cores = os.cpu_count() or 1
    report.add(
        "3. whole corpus scored to JSONL",
        f"{documents:,} speeches, {sentences:,} sentences, {size / MIB:,.0f} MiB of JSONL",
    )
    report.add(
        "3. wall time",
        f"{wall:,.0f} s ({sentences / wall:,.0f} sentences/s; CPU {cpu:,.0f} s = "
        f"{cpu / wall:.2f} of {cores} cores busy)",
        f"< {TARGETS['wall']:.0f} s",
        wall < TARGETS["wall"],
    )
    peak = sampler.peak_rss / MIB
    report.add(
        "3. peak memory, process tree",
        f"RSS {peak:,.0f} MiB (PSS {sampler.peak_pss / MIB:,.0f} MiB; "
        f"{sampler.most_processes} processes, {sampler.samples} samples)",
        f"< {TARGETS['memory']:.0f} MiB",
        peak < TARGETS["memory"],
    )
    report.notes.append(f"corpus run: {shown}")
    if failed:
        report.notes.append(f"corpus run stderr ({len(failed)} lines), last: {failed[-1]}")
    output.unlink()
    for link in sorted(scratch.rglob("*"), reverse=True):
        link.rmdir() if link.is_dir() and not link.is_symlink() else link.unlink()
    scratch.rmdir()


def count_output(path: Path) -> tuple[int, int, int]:
    """Sentences (lines), documents and bytes of a JSONL score file."""
    sentences = 0
    documents: set[bytes] = set()
    with path.open("rb") as handle:
        for line in handle:
            sentences += 1
            # "document" is the first key stance writes: no need to parse every line.
            documents.add(line[: line.index(b'", "path"')])
    return sentences, len(documents), path.stat().st_size


# table -------------------------------------------------------------------------------------


def print_table(report: Report, header: list[str]) -> None:
    rows = [("measure", "median", "target", "met")]
    for r in report.rows:
        met = "" if r.met is None else ("yes" if r.met else "NO")
        rows.append((r.measure, r.value, r.target, met))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print("\n".join(header))
    print()
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    for note in report.notes:
        print(f"note: {note}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="folder of speeches (default: see above)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "stance-bench-ungdc",
        help="where to unpack the tarball when no unpacked corpus is found",
    )
    parser.add_argument("--sample", type=int, default=150, help="speeches for 1, 2 and 4")
    parser.add_argument("--repeats", type=int, default=5, help="rounds per measure (median)")
    parser.add_argument("--jobs", type=int, default=2, help="workers for 2, 3 and 4")
    parser.add_argument("--corpus-limit", type=int, help="score only the first N speeches in 3")
    parser.add_argument(
        "--out-dir", type=Path, default=Path(tempfile.gettempdir()), help="scratch space for 3"
    )
    parser.add_argument("--only", action="append", choices=SECTIONS, help="run only these")
    for section in SECTIONS:
        parser.add_argument(f"--skip-{section}", action="store_true", help=f"skip {section}")
    args = parser.parse_args(argv)
    chosen = [
        s for s in SECTIONS if (not args.only or s in args.only) and not getattr(args, f"skip_{s}")
    ]

    folder = corpus_folder(args.corpus, args.cache)
    files = speech_files(folder)
    sample = spread(files, args.sample)
    docs = read_documents(sample)
    sentences = sum(len(split_sentences(d.text)) for d in docs)
    words = sum(len(d.text.split()) for d in docs)
    report = Report()
    load = os.getloadavg()
    header = [
        f"stance {stance.__version__} throughput on {folder} ({len(files):,} speeches)",
        f"sample: {len(docs)} speeches spread over the corpus, {sentences:,} sentences, "
        f"{words:,} words; {args.repeats} rounds per measure, medians",
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average at start {load[0]:.1f}",
    ]
    print("\n".join(header), file=sys.stderr)
    if "parallel" in chosen or "dask" in chosen:
        report.add(
            f"0. machine now: {args.jobs} busy processes get",
            f"{available_parallelism(args.jobs):.2f}x the work of one (a pure-Python loop)",
        )
    if "overhead" in chosen:
        measure_overhead(docs, args.repeats, report)
    if "parallel" in chosen:
        measure_parallel(sample, sentences, args.jobs, args.repeats, report)
    if "corpus" in chosen:
        measure_corpus(folder, files, args.jobs, args.corpus_limit, args.out_dir, report)
    if "dask" in chosen:
        measure_dask(sample, sentences, args.jobs, args.repeats, report)
    if "parallel" in chosen or "dask" in chosen:
        report.add(
            f"0. machine at the end: {args.jobs} busy processes get",
            f"{available_parallelism(args.jobs):.2f}x the work of one",
        )
    header.append(f"load average at end {os.getloadavg()[0]:.1f}")
    print_table(report, header)


if __name__ == "__main__":
    main()
