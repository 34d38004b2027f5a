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
* the cue lexicon with its rules; the stance model's features, and its weighted sum with the
  probabilities, labels and directions that follow; the tone model (negation-marked words,
  features, weighted sum);
* the stance scorer's whole ``score_many`` with the libraries and cues already computed, and
  building the result rows;
* ``analyze`` again beside ``analyze`` without the learned models (see ``without``),
  and the share of the time the models take; and beside ``analyze`` with the scorers
  stance had before the accuracy work (see ``earlier_scores``): the share of the time the
  accuracy work takes, the models and the rules around them together. Then the same for
  ``analyze`` with each document's JSONL lines written out, as ``stance score`` does (the
  models' labels and cues also make the output longer). These run in ``--shares`` pairs of
  rounds, with and without, alternating which goes first; the share is the median over the
  pairs, and the spread of the pairs is printed below the table;
* with ``--parts``, the same for each part of the models left out alone (the tone model,
  the stance model, the learned cues of polar sentences): what each costs inside the
  pipeline, among the other stages, rather than run on its own as above.

    python scripts/profile_stages.py [--sample 40] [--repeats 3] [--shares 9] [--parts]
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from benchmark_throughput import (  # noqa: E402
    Rounds,
    alternate,
    corpus_folder,
    read_documents,
    speech_files,
    spread,
    spread_text,
)

import stance  # noqa: E402
import stance.scoring.stance as stance_module  # noqa: E402
from stance.analysis import SentenceResult  # noqa: E402
from stance.cli import jsonl_text  # noqa: E402
from stance.scoring.base import Score, SentenceInput, polarity_label  # noqa: E402
from stance.scoring.features import (  # noqa: E402
    StanceFeatures,
    negation_marked_words,
    stance_features,
    tone_matrix,
)
from stance.scoring.linear import TermEffects  # noqa: E402
from stance.scoring.stance import Prediction, lexicon_cues  # noqa: E402


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
    parser.add_argument(
        "--shares", type=int, default=9, help="paired rounds for the models' share (median)"
    )
    parser.add_argument(
        "--parts", action="store_true", help="also the share of each part of the models"
    )
    parser.add_argument("--corpus", type=Path, help="folder of speeches")
    args = parser.parse_args(argv)
    folder = corpus_folder(args.corpus, Path(tempfile.gettempdir()) / "stance-bench-ungdc")
    docs = read_documents(spread(speech_files(folder), args.sample))
    analyzer = stance.Analyzer()
    score_sentences = analyzer._results
    documents: list[list[SentenceInput]] = []  # the scorers' inputs, document by document

    def capture(sentences: list[SentenceInput]) -> list[SentenceResult]:
        documents.append(sentences)
        return score_sentences(sentences)

    def blank(sentences: list[SentenceInput]) -> list[SentenceResult]:
        return [SentenceResult(s.text, "neutral", 0.0, 0.0, 0.0, 0.0, 0.0) for s in sentences]

    analyzer._results = capture  # type: ignore[method-assign]
    for doc in docs:
        analyzer.analyze(doc)
    n = sum(map(len, documents))

    def fresh() -> list[list[SentenceInput]]:
        """New inputs (nothing computed yet) for the captured sentences."""
        return [
            [SentenceInput(s.text, s.lexicon, s.mentions, s.attribution, s.states) for s in doc]
            for doc in documents
        ]

    def time_it(work: Callable[[], object]) -> float:
        return best_of(args.repeats, n, work)

    def each(work: Callable[[SentenceInput], object]) -> Callable[[], object]:
        """Fresh inputs, then ``work`` on every sentence (time it, minus ``inputs_only``)."""
        return lambda: [work(s) for doc in fresh() for s in doc]

    def libraries(sentence: SentenceInput) -> None:
        sentence.vader  # noqa: B018 (the property does the work)
        sentence.textblob  # noqa: B018

    rows: list[tuple[str, float]] = []
    analyzer._results = score_sentences  # type: ignore[method-assign]
    rows.append(("analyze, whole", time_it(lambda: [analyzer.analyze(d) for d in docs])))
    analyzer._results = blank  # type: ignore[method-assign]
    rows.append(
        (
            "  document level (no sentence scored)",
            time_it(lambda: [analyzer.analyze(d) for d in docs]),
        )
    )
    analyzer._results = score_sentences  # type: ignore[method-assign]
    inputs_only = time_it(fresh)
    rows.append(
        (
            "  scoring the sentences, whole",
            time_it(lambda: [score_sentences(doc) for doc in fresh()]) - inputs_only,
        )
    )
    rows.append(("    VADER + TextBlob", time_it(each(libraries)) - inputs_only))
    rows.append(("    cue lexicon and rules", time_it(each(lambda s: s.cues)) - inputs_only))
    ready = fresh()
    for sentence in (s for doc in ready for s in doc):
        libraries(sentence)
        sentence.cues  # noqa: B018
    scorer = analyzer.stance
    rows.append(
        (
            "    stance scorer, libraries and cues given",
            time_it(lambda: [scorer.score_many(doc) for doc in ready]),
        )
    )
    found = [[lexicon_cues(s) for s in doc] for doc in ready]
    pairs = [list(zip(doc, cues, strict=True)) for doc, cues in zip(ready, found, strict=True)]
    rows.append(
        (
            "      stance model features",
            time_it(lambda: [stance_features(s, f) for doc in pairs for s, f in doc]),
        )
    )
    features = [[stance_features(s, f) for s, f in doc] for doc in pairs]
    rows.append(
        (
            "      stance model weights",
            time_it(lambda: [scorer._predictions(doc) for doc in features]),
        )
    )
    tone = scorer.tone
    rows.append(("      tone model, whole", time_it(lambda: [tone.values(doc) for doc in ready])))
    sentences = [s for doc in ready for s in doc]
    rows.append(
        (
            "        negation-marked words",
            time_it(lambda: [negation_marked_words(s.pattern_words) for s in sentences]),
        )
    )
    rows.append(("        tone features", time_it(lambda: [tone_matrix(doc) for doc in ready])))
    model = tone.model
    marked = [[negation_marked_words(s.pattern_words) for s in doc] for doc in ready]
    dense = [tone_matrix(doc) for doc in ready]

    def tone_weights() -> None:
        for words, values in zip(marked, dense, strict=True):
            model.batch_of(*model.term_rows(words), values)

    rows.append(("        tone weights", time_it(tone_weights)))
    rows.append(
        (
            "    sentence results, scores given",
            time_it(lambda: [score_sentences(doc) for doc in ready])
            - time_it(lambda: [scorer.score_many(doc) for doc in ready]),
        )
    )

    def analyze_all() -> None:
        for doc in docs:
            analyzer.analyze(doc)

    def score_to_jsonl() -> None:
        for doc in docs:
            jsonl_text(analyzer.analyze(doc))

    shares: list[tuple[str, list[float]]] = []  # (what was measured, the share in each pair)
    # The captured inputs above are many live objects; every full garbage collection would
    # walk them all, in whichever round it falls. Frozen, they are left out of collections.
    gc.collect()
    gc.freeze()
    try:
        for label, work in (("analyze", analyze_all), ("analyze and JSONL lines", score_to_jsonl)):
            whole, less, paired = paired_share(work, without(analyzer, work, PARTS), n, args.shares)
            shares.append((f"{label}: the models'", paired))
            rows += [
                (f"{label}, whole (median)", statistics.median(whole.wall) / n * 1e6),
                (f"{label}, without the learned models", statistics.median(less.wall) / n * 1e6),
                ("  the learned models' share, %", statistics.median(paired)),
            ]
            _, earlier, paired = paired_share(work, before_accuracy(analyzer, work), n, args.shares)
            shares.append((f"{label}: the accuracy work's", paired))
            before = statistics.median(earlier.wall) / n * 1e6
            rows += [
                (f"{label}, before the accuracy work", before),
                ("  the accuracy work's share, %", statistics.median(paired)),
            ]
        for part in PARTS if args.parts else ():
            alone = without(analyzer, analyze_all, {part})
            _, _, paired = paired_share(analyze_all, alone, n, args.shares)
            shares.append((f"analyze, {part}:", paired))
            rows.append((f"  {part}, share of analyze, %", statistics.median(paired)))
    finally:
        gc.unfreeze()
    print(
        f"{len(docs)} speeches, {n:,} sentences; microseconds per sentence, best of {args.repeats}"
    )
    for label, value in rows:
        print(f"{label:<50} {value:7.1f}")
    print()
    for label, paired in shares:
        share = spread_text(paired, "{:.1f}")
        print(f"{label} share in {len(paired)} paired rounds, %: {share}")
    return 0


def paired_share(
    work: Callable[[], None], less: Callable[[], None], count: int, pairs: int
) -> tuple[Rounds, Rounds, list[float]]:
    """``work`` and ``less`` (the same work with something left out) in ``pairs`` pairs of
    rounds, alternating which goes first, so that a slow spell of a shared machine hits both
    sides of a pair and not one side's best round; with the share of ``work``'s time that
    ``less`` saves in each pair, %."""
    whole, lesser = Rounds(work, count), Rounds(less, count)
    alternate(pairs, whole.measure, lesser.measure)
    return whole, lesser, [100 * (1 - w / h) for h, w in zip(whole.wall, lesser.wall, strict=True)]


PARTS = ("the tone model", "the stance model", "the learned cues")


def without(
    analyzer: stance.Analyzer, work: Callable[[], None], parts: Collection[str]
) -> Callable[[], None]:
    """``work`` (which runs ``analyzer``) with ``parts`` of the learned models left out
    (see ``PARTS``). Without the tone model the tone is 0. Without the stance model it reads
    every sentence as neutral without computing its features, so the cue lexicon's rules
    alone decide (the rules tuned with the model, which leave more sentences neutral than
    the scorer before the accuracy work did: see :func:`earlier_scores`), and there are no
    learned cues. Without the learned cues, a polar label stands on the lexicon's cues
    alone. Timing only: the labels differ."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"no such part: {', '.join(sorted(unknown))}")
    scorer = analyzer.stance
    neutral = [-50.0] * len(scorer.model.outputs)

    def no_features(sentence: SentenceInput, cues: tuple) -> StanceFeatures:
        keys = [*dict.fromkeys(m.key for m in sentence.mentions if m.kind != "venue"), None, None]
        return StanceFeatures(first=keys[0], second=keys[1])

    def no_predictions(features: list) -> tuple[list[Prediction], TermEffects]:
        bounds = [0] * (len(features) + 1)
        empty = TermEffects([], bounds, np.empty(0, int), np.empty(0), np.empty((0, 4)))
        return Prediction.many(np.array([neutral for _ in features]).reshape(-1, 4)), empty

    patches: list[tuple[object, str, object]] = []
    if "the tone model" in parts:
        patches.append((scorer.tone, "values", lambda sentences: [0.0] * len(sentences)))
    if "the stance model" in parts:
        patches += [
            (scorer, "_predictions", no_predictions),
            (stance_module, "stance_features", no_features),
        ]
    if "the learned cues" in parts:
        patches.append((scorer, "_learned", lambda *_: ()))

    return patched(work, patches)


def patched(
    work: Callable[[], None], patches: list[tuple[object, str, object]]
) -> Callable[[], None]:
    """``work`` run with each (object, attribute, value) of ``patches`` set, and put back."""

    def run() -> None:
        saved = [(target, name, getattr(target, name)) for target, name, _ in patches]
        for target, name, value in patches:
            setattr(target, name, value)
        try:
            work()
        finally:
            for target, name, value in saved:
                setattr(target, name, value)

    return run


# The scorers of commit 1c746e8, before the accuracy work, with the weights of its
# data/model.json ("rules-1"): the tone a fixed mix of VADER and TextBlob; the stance the cue
# lexicon's effects (after its rules) and the tone through tanh, polar beyond the threshold,
# and a sentence without cues neutral.
EARLIER_TONE = {"vader": 0.6, "textblob": 0.4}
EARLIER_STANCE = {"cue_scale": 0.1, "tone_weight": 0.25, "gain": 2.0, "threshold": 0.2}
EARLIER_NO_CUE_TONE = 0.1


def earlier_scores(sentences: Sequence[SentenceInput]) -> list[Score]:
    """The stance scores stance gave before the accuracy work (see ``EARLIER_STANCE``)."""
    SentenceInput.prepare(sentences)
    p = EARLIER_STANCE
    scores = []
    for sentence in sentences:
        mix = EARLIER_TONE["vader"] * sentence.vader["compound"]
        tone = max(-1.0, min(1.0, mix + EARLIER_TONE["textblob"] * sentence.textblob[0]))
        cues = lexicon_cues(sentence)
        if not cues:
            scores.append(Score(EARLIER_NO_CUE_TONE * tone, "neutral", (), {"tone": tone}))
            continue
        total = sum(cue.effect for cue in cues)
        value = math.tanh(p["gain"] * (p["cue_scale"] * total + p["tone_weight"] * tone))
        label = polarity_label(value, p["threshold"], "convergence", "divergence")
        scores.append(Score(value, label, cues, {"tone": tone, "cues": total}))
    return scores


def before_accuracy(analyzer: stance.Analyzer, work: Callable[[], None]) -> Callable[[], None]:
    """``work`` (which runs ``analyzer``) with the stance scorer scoring as it did before the
    accuracy work (:func:`earlier_scores`). Timing only: the labels differ."""
    return patched(work, [(analyzer.stance, "score_many", earlier_scores)])


if __name__ == "__main__":
    sys.exit(main())
