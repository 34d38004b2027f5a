#!/usr/bin/env python3
"""Rebuild the stance model (``stance/data/stance_model.tsv.gz``) from ../shared's training split.

Why: the stance scorer is a multinomial logistic model over the sentence's terms (parties
masked), region-tagged words and a few dense features (cue lexicon by CAMEO group, VADER,
TextBlob). Its weights must be reproducible from data anyone with ../shared has, and chosen
without looking at the validation split, which is only for reporting
(``scripts/benchmark_accuracy.py``).

What it does:

1. reads ``../shared/benchmarks/directed_sentiment/train.tsv`` (entity brackets stripped,
   cut names completed, as ``stance evaluate --strip-brackets`` does), finds the two
   entities as the public API does (``parties={"A": [entity1], "B": [entity2]}``) and
   computes each sentence's features with the library's own functions;
2. maps the labels to five classes relative to the party named first (neutral; convergence
   or divergence, first toward second or second toward first);
3. features: TF-IDF of words and word pairs (min_df 2, at most 40,000, sublinear tf), TF-IDF
   of region-tagged words times 0.7, the dense features times 3;
4. chooses C among 3, 10, 30 by stratified 5-fold cross-validation on train (5-class
   macro-F1, vocabularies refitted in every fold); with the chosen C, runs the library's own
   scorer with each fold's model on its held-out sentences to compare where the direction
   comes from (the model, or attribution) and whether a polar label without a supporting cue
   becomes neutral;
5. refits on all of train and writes the model file with weights against neutral; then checks
   that the pure-Python runtime reproduces scikit-learn's ``predict_proba`` within 1e-6 on
   every validation row, from the file as written, and fails (writing nothing) if not.

Needs scikit-learn (training only). The data is read from ../shared, never copied.

    python scripts/train_stance_model.py            # writes stance/data/stance_model.tsv.gz
    python scripts/train_stance_model.py --dry-run  # cross-validation only
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model_files import have_sklearn, save_checked  # noqa: E402

from stance.analysis import Analyzer  # noqa: E402
from stance.attribution import Attribution  # noqa: E402
from stance.evaluate import (  # noqa: E402
    LABELS5,
    PARTY_A,
    PARTY_B,
    Example,
    predicted_direction,
    read_directed_benchmark,
    usable_party,
)
from stance.parties import Mention  # noqa: E402
from stance.scoring import CueLexicon, SentenceInput  # noqa: E402
from stance.scoring.features import STANCE_DENSE, StanceFeatures, stance_features  # noqa: E402
from stance.scoring.linear import LinearModel  # noqa: E402
from stance.scoring.stance import (  # noqa: E402
    CLASSES,
    DENSITY_SETTINGS,
    DIRECTION_FROM,
    LexiconStanceScorer,
    lexicon_cues,
    softmax,
)

SHARED = ROOT.parent / "shared"
BENCHMARK = SHARED / "benchmarks" / "directed_sentiment"
MODEL = ROOT / "stance" / "data" / "stance_model.tsv.gz"
C_GRID = (3.0, 10.0, 30.0)
WORDS_SCALE, REGIONS_SCALE, DENSE_SCALE = 1.0, 0.7, 3.0
MIN_DF, MAX_WORDS = 2, 40000
TOLERANCE = 1e-6
DENSITY_GRID = tuple(round(0.05 * i, 2) for i in range(20, 1, -1))  # 1.0 down to 0.1
PAK_USA = {"PAK": ["Pakistan", "Islamabad"], "USA": ["United States", "US", "Washington"]}
# The readings the scorer must keep (the guide's edge cases, docs/stance-guide.md in ../shared,
# and the package's documented examples): they set how hard the lexicon pulls.
GUIDE_CASES = (
    ("No agreement was reached on the border.", PAK_USA, "divergence"),
    ("The two sides failed to resolve their differences.", PAK_USA, "divergence"),
    ("They agreed not to let the dispute derail the talks.", PAK_USA, "convergence"),
    ("Both countries condemned the attack on the convoy.", PAK_USA, "convergence"),
    ("The US pledged $100 million in flood relief to Pakistan.", PAK_USA, "convergence"),
    ("Islamabad rejected Washington's offer of help.", PAK_USA, "divergence"),
    ("The weather in the capital was pleasant.", PAK_USA, "neutral"),
    ("Pakistan and the US agreed to expand trade.", PAK_USA, "convergence"),
    ("Officials in Delhi accused Islamabad of stalling.", None, "divergence"),
    ("The minister was delighted to announce that the embassy will close.", None, "divergence"),
)
# Benchmark classes (LABELS5 order) seen from the party named first, when that is party B.
SWAP = {0: 0, 1: 2, 2: 1, 3: 4, 4: 3}


def load(path: Path) -> list[Example]:
    examples, problems = read_directed_benchmark(path)
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    return examples


def sentence_input(example: Example, lexicon: CueLexicon) -> SentenceInput:
    """The sentence as ``stance.score_sentence(text, parties={"A": [e1], "B": [e2]})``
    gives it to the scorer."""
    parties = {
        key: [name]
        for key, name in ((PARTY_A, example.party_a), (PARTY_B, example.party_b))
        if usable_party(name)
    }
    mentions, attribution = Analyzer(parties or None).sentence_parts(example.text)
    return SentenceInput(example.text, lexicon, tuple(mentions), attribution)


def gold_class(example: Example) -> int:
    """The benchmark class (index into LABELS5)."""
    name = example.label if example.label == "neutral" else f"{example.label} {example.direction}"
    return LABELS5.index(name)


def first_is_b(features: StanceFeatures) -> bool:
    return features.first == PARTY_B


def relative(gold: int, features: StanceFeatures) -> int:
    """The class from the point of view of the party named first (index into CLASSES)."""
    return SWAP[gold] if first_is_b(features) else gold


def words_of(features: StanceFeatures) -> list[str]:
    return [t for t, n in features.counts.items() if ":" not in t for _ in range(n)]


def regions_of(features: StanceFeatures) -> list[str]:
    return [t for t, n in features.counts.items() if ":" in t for _ in range(n)]


class Design:
    """The vectorizers fitted on some training sentences, and the matrices they give."""

    def __init__(self, features: list[StanceFeatures]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.words = TfidfVectorizer(
            analyzer=words_of, min_df=MIN_DF, max_features=MAX_WORDS, sublinear_tf=True
        ).fit(features)
        self.regions = TfidfVectorizer(analyzer=regions_of, min_df=MIN_DF, sublinear_tf=True).fit(
            features
        )
        self.dense = list(STANCE_DENSE)

    def matrix(self, features: list[StanceFeatures]):
        from scipy.sparse import csr_matrix, hstack

        dense = np.array([[f.dense.get(k, 0.0) for k in self.dense] for f in features])
        return hstack(
            [
                self.words.transform(features) * WORDS_SCALE,
                self.regions.transform(features) * REGIONS_SCALE,
                csr_matrix(dense * DENSE_SCALE),
            ]
        ).tocsr()

    def linear_model(self, fitted) -> LinearModel:
        """The fitted classifier as the runtime's model: weights against neutral, block
        scales folded in."""
        assert list(fitted.classes_) == list(range(len(CLASSES)))
        coef = fitted.coef_[1:] - fitted.coef_[0]
        intercept = fitted.intercept_[1:] - fitted.intercept_[0]
        terms: dict[str, tuple[str, float, list[float]]] = {}
        column = 0
        for block, vectorizer, scale in (
            ("words", self.words, WORDS_SCALE),
            ("regions", self.regions, REGIONS_SCALE),
        ):
            names = vectorizer.get_feature_names_out()
            for i in np.argsort(names, kind="stable"):
                weights = coef[:, column + i] * scale
                terms[str(names[i])] = (block, float(vectorizer.idf_[i]), list(weights))
            column += len(names)
        dense = {name: list(coef[:, column + i] * DENSE_SCALE) for i, name in enumerate(self.dense)}
        return LinearModel(CLASSES[1:], list(intercept), terms, dense)


def fit(matrix, y, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000).fit(matrix, y)


def macro_f1(gold, predicted, labels) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0))


def three(classes) -> list[int]:
    return [0 if c == 0 else 1 if c in (1, 2) else 2 for c in classes]


def model_classes(probabilities: np.ndarray, features: list[StanceFeatures]) -> list[int]:
    """Benchmark classes from the relative probabilities (label by the three-class sums,
    direction by the larger of its two classes)."""
    out = []
    for p, f in zip(probabilities, features, strict=True):
        sums = (p[0], p[1] + p[2], p[3] + p[4])
        label = int(np.argmax(sums))
        best = 0 if label == 0 else (2 * label - 1) + int(p[2 * label] > p[2 * label - 1])
        out.append(SWAP[best] if first_is_b(f) else best)
    return out


@dataclass(frozen=True)
class Seen:
    """What the direction rule reads of a scored sentence (see ``predicted_direction``)."""

    mutual: bool
    source: str | None
    mentions: tuple[Mention, ...]


def scorer_classes(scorer: LexiconStanceScorer, inputs: list[SentenceInput]) -> list[int]:
    """Benchmark classes as the library's scorer (and evaluate's direction rule) give them."""
    out = []
    for sentence in inputs:
        score = scorer.score(sentence)
        attribution = score.attribution or sentence.attribution or Attribution()
        seen = Seen(attribution.mutual, attribution.source, sentence.mentions)
        direction = predicted_direction(seen, score.label)
        name = score.label if direction is None else f"{score.label} {direction}"
        out.append(LABELS5.index(name))
    return out


def cross_validate(features, inputs, y, gold, c_grid, seed):
    """Out-of-fold probabilities per C, and the fold models of each C (for the scorer)."""
    from sklearn.model_selection import StratifiedKFold

    folds = list(StratifiedKFold(5, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))
    probabilities = {c: np.zeros((len(y), len(CLASSES))) for c in c_grid}
    models: dict[float, list] = {c: [] for c in c_grid}
    for number, (train_idx, test_idx) in enumerate(folds, 1):
        design = Design([features[i] for i in train_idx])
        train_x = design.matrix([features[i] for i in train_idx])
        test_x = design.matrix([features[i] for i in test_idx])
        for c in c_grid:
            started = time.perf_counter()
            fitted = fit(train_x, y[train_idx], c)
            probabilities[c][test_idx] = fitted.predict_proba(test_x)
            models[c].append((test_idx, design.linear_model(fitted)))
            print(f"  fold {number} C {c:g}: {time.perf_counter() - started:.0f} s", flush=True)
    return probabilities, models


def compare_rules(
    models, inputs, gold, settings: dict[str, float]
) -> dict[tuple[str, bool], tuple[float, float]]:
    """3- and 5-class out-of-fold macro-F1 of the scorer for every direction rule, with and
    without the rule that a polar label needs a supporting cue."""
    results = {}
    for direction in DIRECTION_FROM:
        for require_cue in (True, False):
            predicted = np.zeros(len(gold), dtype=int)
            for test_idx, model in models:
                model.settings = settings
                scorer = LexiconStanceScorer(model, direction, require_cue)
                predicted[test_idx] = scorer_classes(scorer, [inputs[i] for i in test_idx])
            results[(direction, require_cue)] = (
                macro_f1(three(gold), three(predicted), [0, 1, 2]),
                macro_f1(gold, predicted, list(range(5))),
            )
            f3, f5 = results[(direction, require_cue)]
            cue = "needs a cue" if require_cue else "no cue rule"
            print(f"  direction from {direction:<11} {cue:<12} 3-class {f3:.4f}  5-class {f5:.4f}")
    return results


def guide_inputs(lexicon: CueLexicon) -> list[tuple[SentenceInput, str, bool]]:
    """Each guide case as the scorer sees it, its label, and whether it names a party."""
    out = []
    for text, parties, label in GUIDE_CASES:
        mentions, attribution = Analyzer(parties).sentence_parts(text)
        sentence = SentenceInput(text, lexicon, tuple(mentions), attribution)
        named = any(m.kind != "venue" for m in mentions)
        out.append((sentence, label, named))
    return out


def density_limits(model: LinearModel, cases) -> dict[str, float]:
    """The highest cue-density thresholds (the weakest pull of the lexicon) with which every
    guide case gets its label, for sentences naming a party and for the others."""
    chosen = {}
    for setting, named in zip(DENSITY_SETTINGS, (True, False), strict=True):
        mine = [(s, label) for s, label, n in cases if n == named]
        for limit in DENSITY_GRID:
            model.settings = {name: limit for name in DENSITY_SETTINGS}
            scorer = LexiconStanceScorer(model)
            if all(scorer.score(s).label == label for s, label in mine):
                chosen[setting] = limit
                break
        else:
            wrong = [s.text for s, label in mine if scorer.score(s).label != label]
            raise SystemExit(f"no cue-density threshold gets these guide cases right: {wrong}")
    model.settings = chosen
    return chosen


def check_runtime(
    model: LinearModel, fitted, design: Design, features: list[StanceFeatures]
) -> float:
    """Largest difference between the runtime's probabilities (``model``, as read from its
    file) and scikit-learn's, over ``features``."""
    expected = fitted.predict_proba(design.matrix(features))
    worst = 0.0
    for row, f in zip(expected, features, strict=True):
        got = softmax([0.0, *model.scores(f.counts, f.dense)])
        worst = max(worst, float(np.max(np.abs(np.array(got) - row))))
    return worst


def comments(c: float, cv: dict, examples: int, rules: dict, settings: dict) -> list[str]:
    f3, f5 = cv[c]
    lines = [
        "stance model: multinomial logistic regression, rebuilt by scripts/train_stance_model.py",
        f"trained on the directed_sentiment train split (../shared), {examples} sentences.",
        "Columns: block, feature, idf (TF-IDF blocks), then the weights toward each class in",
        "log-odds against neutral (neutral's weights are all 0). Classes: convergence or",
        "divergence held by the party named first toward the second, or the reverse.",
        "A sentence's log-odds = intercept + for each TF-IDF block (words, regions) the",
        "L2-normalised vector of (1 + ln count) * idf over the block's terms dotted with the",
        "weights + each dense feature times its weights. Parties are masked: enta (named first),",
        "entb (second), entx (others). words: words and word pairs; regions: words tagged",
        "pre: (before the first party), mid: (between), post: (after the second).",
        f"Block scales used in training, folded into the weights: words {WORDS_SCALE},",
        f"regions {REGIONS_SCALE}, dense {DENSE_SCALE}; min_df {MIN_DF}, at most {MAX_WORDS}",
        "words.",
        f"C = {c:g}, chosen by stratified 5-fold cross-validation on train among "
        + ", ".join(f"{k:g}" for k in cv)
        + ";",
        f"cross-validated macro-F1 with C = {c:g}: 3-class {f3:.4f}, 5-class {f5:.4f}.",
    ]
    lines += [
        "Settings: when the model reads a sentence as neutral and its lexicon cues (after the",
        "rules, violence left out) sum to at least cue_density_named (a party named) or",
        "cue_density_unnamed (none named) per word in size, the lexicon decides the label;",
        f"the highest thresholds that get the guide's cases right: {settings}.",
    ]
    for (direction, require_cue), (r3, r5) in rules.items():
        cue = "a polar label needs a cue" if require_cue else "no cue rule"
        lines.append(
            f"scorer, direction from {direction}, {cue}: 3-class {r3:.4f}, 5-class {r5:.4f}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=BENCHMARK, help="the benchmark folder")
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--c-grid", type=float, nargs="+", default=list(C_GRID))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dry-run", action="store_true", help="cross-validate, write nothing")
    args = parser.parse_args(argv)
    if not have_sklearn():
        return 1
    train_path, valid_path = args.data / "train.tsv", args.data / "valid.tsv"
    if not train_path.exists() or not valid_path.exists():
        print(f"no benchmark at {args.data}: it comes from ../shared", file=sys.stderr)
        return 1
    lexicon = CueLexicon.builtin()
    examples = load(train_path)
    inputs = [sentence_input(e, lexicon) for e in examples]
    features = [stance_features(s, lexicon_cues(s)) for s in inputs]
    gold = np.array([gold_class(e) for e in examples])
    y = np.array([relative(g, f) for g, f in zip(gold, features, strict=True)])
    print(f"{len(examples)} training sentences: {dict(sorted(Counter(y.tolist()).items()))}")
    probabilities, models = cross_validate(features, inputs, y, gold, args.c_grid, args.seed)
    cv = {}
    for c in args.c_grid:
        predicted = model_classes(probabilities[c], features)
        cv[c] = (
            macro_f1(three(gold), three(predicted), [0, 1, 2]),
            macro_f1(gold, predicted, list(range(5))),
        )
        print(f"C {c:g}: cv 3-class {cv[c][0]:.4f}, 5-class {cv[c][1]:.4f}")
    c = max(args.c_grid, key=lambda k: (cv[k][1], -k))
    print(f"chosen C {c:g}; refitting on all of train")
    design = Design(features)
    fitted = fit(design.matrix(features), y, c)
    model = design.linear_model(fitted)
    settings = density_limits(model, guide_inputs(lexicon))
    print(f"cue-density thresholds from the guide cases: {settings}")
    print("the scorer's rules, out of fold (each fold's model, the same thresholds):")
    rules = compare_rules(models[c], inputs, gold, settings)
    best = max(rules, key=lambda k: rules[k][1])
    default = LexiconStanceScorer(model)
    shipped = (default.direction, default.require_cue)
    print(f"best rules by 5-class macro-F1: {best}; the scorer's defaults: {shipped}")
    if args.dry_run:
        return 0
    valid_examples = load(valid_path)
    valid_inputs = [sentence_input(e, lexicon) for e in valid_examples]
    valid = [stance_features(s, lexicon_cues(s)) for s in valid_inputs]
    return save_checked(
        model,
        args.out,
        comments(c, cv, len(examples), rules, settings),
        lambda read: check_runtime(read, fitted, design, valid),
        TOLERANCE,
        f"{len(valid)} valid rows",
    )


if __name__ == "__main__":
    sys.exit(main())
