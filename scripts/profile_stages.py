#!/usr/bin/env python3
"""Where one process spends its time per sentence, stage by stage, on UN General Debate speeches.

Why: the overhead figure of ``benchmark_throughput.py`` says how much slower stance is than
VADER and TextBlob alone, not why. This script times each stage of the pipeline on its own,
over the sentences of ``--sample`` speeches (the sentences, mentions and attributions are
captured from a real ``Analyzer.analyze`` run, then every stage is re-run on them), and
prints microseconds per sentence, the best of ``--repeats`` rounds:

* the whole ``analyze`` and the document-level part of it (splitting, party matching,
  attribution, summaries: everything except scoring the sentences);
* VADER and TextBlob as the pipeline calls them (once per sentence, shared by the scorers);
* the cue lexicon with its rules; the stance model's features and its weighted sum; the tone
  model (negation-marked words, features, weighted sum);
* the stance scorer's whole ``score`` with the libraries and cues already computed.

    python scripts/profile_stages.py [--sample 40] [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from benchmark_throughput import (  # noqa: E402
    corpus_folder,
    read_documents,
    speech_files,
    spread,
)

import stance  # noqa: E402
from stance.analysis import SentenceResult  # noqa: E402
from stance.parties import Mention  # noqa: E402
from stance.scoring.base import SentenceInput  # noqa: E402
from stance.scoring.features import negation_marked, stance_features, tone_dense  # noqa: E402
from stance.scoring.stance import lexicon_cues  # noqa: E402


def best_of(rounds: int, count: int, work: Callable[[], object]) -> float:
    """Microseconds per item of the fastest of ``rounds`` runs of ``work``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best / count * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=40, help="speeches, spread over the corpus")
    parser.add_argument("--repeats", type=int, default=3, help="rounds per stage (best)")
    parser.add_argument("--corpus", type=Path, help="folder of speeches")
    args = parser.parse_args(argv)
    folder = corpus_folder(args.corpus, Path(tempfile.gettempdir()) / "stance-bench-ungdc")
    docs = read_documents(spread(speech_files(folder), args.sample))
    analyzer = stance.Analyzer()
    score_sentence = analyzer._score
    captured: list[tuple] = []

    def capture(text, mentions, attribution, offset):
        captured.append((text, mentions, attribution, offset))
        return score_sentence(text, mentions, attribution, offset)

    def blank(text, mentions, attribution, offset):
        return SentenceResult(text, "neutral", 0.0, 0.0, 0.0, 0.0, 0.0)

    analyzer._score = capture
    for doc in docs:
        analyzer.analyze(doc)
    n = len(captured)

    def fresh(item: tuple) -> SentenceInput:
        text, mentions, attribution, offset = item
        relative = tuple(
            Mention(m.key, m.start - offset, m.end - offset, m.text, m.kind) for m in mentions
        )
        return SentenceInput(text, analyzer.lexicon, relative, attribution, analyzer.parties.states)

    def time_it(work: Callable[[], object]) -> float:
        return best_of(args.repeats, n, work)

    def libraries() -> None:
        for item in captured:
            sentence = fresh(item)
            sentence.vader  # noqa: B018 (the property does the work)
            sentence.textblob  # noqa: B018

    rows: list[tuple[str, float]] = []
    analyzer._score = score_sentence
    rows.append(("analyze, whole", time_it(lambda: [analyzer.analyze(d) for d in docs])))
    analyzer._score = blank
    rows.append(
        (
            "  document level (no sentence scored)",
            time_it(lambda: [analyzer.analyze(d) for d in docs]),
        )
    )
    analyzer._score = score_sentence
    rows.append(
        ("  scoring a sentence, whole", time_it(lambda: [score_sentence(*c) for c in captured]))
    )
    inputs_only = time_it(lambda: [fresh(c) for c in captured])
    rows.append(("    VADER + TextBlob", time_it(libraries) - inputs_only))
    rows.append(
        (
            "    cue lexicon and rules",
            time_it(lambda: [fresh(c).cues for c in captured]) - inputs_only,
        )
    )
    sentences = [fresh(c) for c in captured]
    for sentence in sentences:
        sentence.vader, sentence.textblob, sentence.cues  # noqa: B018
    found = [lexicon_cues(s) for s in sentences]
    rows.append(
        (
            "    stance scorer, libraries and cues given",
            time_it(lambda: [analyzer.stance.score(s) for s in sentences]),
        )
    )
    rows.append(
        (
            "      stance model features",
            time_it(lambda: [stance_features(s, f) for s, f in zip(sentences, found, strict=True)]),
        )
    )
    features = [stance_features(s, f) for s, f in zip(sentences, found, strict=True)]
    model = analyzer.stance.model
    rows.append(
        (
            "      stance model weights",
            time_it(lambda: [model.scores(f.counts, f.dense) for f in features]),
        )
    )
    tone = analyzer.stance.tone
    rows.append(("      tone model, whole", time_it(lambda: [tone.value(s) for s in sentences])))
    rows.append(
        (
            "        negation-marked words",
            time_it(lambda: [negation_marked(s.text) for s in sentences]),
        )
    )
    rows.append(("        tone features", time_it(lambda: [tone_dense(s) for s in sentences])))
    marked = [negation_marked(s.text) for s in sentences]
    dense = [tone_dense(s) for s in sentences]
    rows.append(
        (
            "        tone weights",
            time_it(lambda: [tone.model.scores(m, d) for m, d in zip(marked, dense, strict=True)]),
        )
    )
    print(
        f"{len(docs)} speeches, {n:,} sentences; microseconds per sentence, best of {args.repeats}"
    )
    for label, value in rows:
        print(f"{label:<46} {value:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
