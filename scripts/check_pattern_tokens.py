#!/usr/bin/env python3
"""Check that ``pattern_words`` gives exactly the words of pattern's own tokenizer, sentence
by sentence, on UN General Debate speeches (and, with ``--benchmarks``, on the sentences of
the benchmarks in ../shared), and time both.

Why: ``stance.scoring.pattern_tokens`` replaces pattern's ``find_tokens`` on the analyser's
hot path, so it must agree on every real sentence, not only on the tests' examples. The
script prints the sentences checked, the mismatches (the first few shown), the share that
took the fast path (the rest went to pattern's tokenizer), and microseconds per sentence of
both, the best of ``--repeats`` rounds. Exit status 1 on any mismatch.

    python scripts/check_pattern_tokens.py [--sample 500] [--benchmarks]
    python scripts/check_pattern_tokens.py --sample 0      # every speech (about 1.46 M sentences)
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from benchmark_throughput import corpus_folder, read_documents, speech_files, spread  # noqa: E402

from stance.evaluate import read_directed_benchmark  # noqa: E402
from stance.scoring.pattern_tokens import fast_words, library_words, pattern_words  # noqa: E402
from stance.sentences import split_sentences  # noqa: E402

BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
SHOWN = 5
BATCH = 200  # speeches read, split and checked at a time: the whole corpus never sits in memory


def corpus_sentences(paths: list[Path]) -> Iterator[list[str]]:
    """The sentences of the speeches, a batch of speeches at a time."""
    for start in range(0, len(paths), BATCH):
        docs = read_documents(paths[start : start + BATCH])
        yield [d.text[a:b] for d in docs for a, b in split_sentences(d.text)]


def benchmark_sentences() -> Iterator[list[str]]:
    """The sentences of the directed-sentiment benchmark (as in the file, and with the entity
    brackets stripped, as stance scores them) and of the NYT editorial tone benchmark."""
    for name in ("train.tsv", "valid.tsv"):
        path = BENCHMARKS / "directed_sentiment" / name
        with path.open(encoding="utf-8", newline="") as handle:
            yield [row[0] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
        examples, _ = read_directed_benchmark(path)
        yield [e.text for e in examples]
    path = BENCHMARKS / "nyt_editorial_tone" / "dev.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        yield [row[2] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


class Tally:
    """Sentences checked, those on the fast path, mismatches, and the best time of each
    tokenizer per batch (summed over batches)."""

    def __init__(self, repeats: int):
        self.repeats = repeats
        self.checked = self.fast = 0
        self.mismatches: list[tuple[str, list[str], list[str]]] = []
        self.seconds = {"pattern find_tokens": 0.0, "pattern_words": 0.0}

    def add(self, sentences: list[str]) -> None:
        for text in sentences:
            expected, got = library_words(text), pattern_words(text)
            if got != expected:
                self.mismatches.append((text, got, expected))
            self.fast += fast_words(text) is not None
        self.checked += len(sentences)
        self.seconds["pattern find_tokens"] += best_of(self.repeats, library_words, sentences)
        self.seconds["pattern_words"] += best_of(self.repeats, pattern_words, sentences)

    def report(self, label: str) -> None:
        n = max(self.checked, 1)
        print(f"{label}: {self.checked:,} sentences checked, {len(self.mismatches)} mismatches")
        for text, got, expected in self.mismatches[:SHOWN]:
            print(f"  {text!r}\n    pattern_words: {got}\n    pattern:       {expected}")
        print(f"  fast path: {self.fast / n:.4%} of sentences (the rest went to pattern)")
        for name, seconds in self.seconds.items():
            print(f"  {name:<20} {seconds / n * 1e6:6.2f} µs per sentence (best of {self.repeats})")


def best_of(rounds: int, work: Callable[[str], object], sentences: list[str]) -> float:
    """Seconds of the fastest of ``rounds`` runs of ``work`` over the sentences."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in sentences:
            work(text)
        best = min(best, time.perf_counter() - started)
    return best


def check(label: str, batches: Iterable[list[str]], repeats: int) -> bool:
    tally = Tally(repeats)
    for sentences in batches:
        tally.add(sentences)
    tally.report(label)
    return not tally.mismatches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=500, help="speeches (0: all of them)")
    parser.add_argument("--repeats", type=int, default=3, help="timed rounds (best)")
    parser.add_argument("--corpus", type=Path, help="folder of speeches")
    parser.add_argument(
        "--benchmarks", action="store_true", help="also check the sentences of ../shared"
    )
    args = parser.parse_args(argv)
    folder = corpus_folder(args.corpus, Path(tempfile.gettempdir()) / "stance-bench-ungdc")
    files = speech_files(folder)
    chosen = files if args.sample <= 0 else spread(files, args.sample)
    label = f"UN General Debate, {len(chosen):,} speeches"
    ok = check(label, corpus_sentences(chosen), args.repeats)
    if args.benchmarks:
        if not BENCHMARKS.is_dir():
            print(f"error: no benchmarks at {BENCHMARKS}", file=sys.stderr)
            return 2
        ok = check("benchmarks", benchmark_sentences(), args.repeats) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
