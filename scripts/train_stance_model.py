#!/usr/bin/env python3
"""Rebuild the stance model (``stance/data/model.json``) from ../shared's training split.

Why: the stance scorer weighs lexicon cues, tone, structure and a few learned terms with a
small multinomial logistic model. Its weights must be reproducible from data anyone with
../shared has, and chosen without looking at the validation split (that one is only for
reporting, see ``scripts/benchmark_accuracy.py``).

What it does:

1. reads ``../shared/benchmarks/directed_sentiment/train.tsv`` (brackets stripped, cut names
   completed) and computes every sentence's features with the library's own code
   (:func:`stance.scoring.features.sentence_features`), so training and scoring agree;
2. keeps as candidate terms the term keys seen in at least ``--min-df`` training sentences;
   terms enter the fit scaled down by ``--term-scale``, which regularises them harder than
   the lexicon, tone and structure features;
3. chooses the L2 strength C and the pruning threshold (terms whose weights all stay below
   it are dropped) by stratified 5-fold cross-validation on train, on 3-class macro-F1,
   preferring the sparser model when two are within 0.005; then shifts the two intercepts
   to the values that maximise the cross-validated macro-F1 (the classes are unbalanced);
4. refits on all of train and writes the weights with neutral as the reference class: every
   feature and term gets [toward convergence, toward divergence] in log-odds.

Needs scikit-learn (``pip install scikit-learn``; only this script uses it). The training
data is read from ../shared and never copied into the repository.

    python scripts/train_stance_model.py            # writes stance/data/model.json
    python scripts/train_stance_model.py --dry-run  # prints the cross-validation only
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance import score_sentence  # noqa: E402
from stance.evaluate import (  # noqa: E402
    PARTY_A,
    PARTY_B,
    Example,
    read_directed_benchmark,
    usable_party,
)
from stance.scoring import CueLexicon  # noqa: E402
from stance.scoring.features import FEATURES, Features, sentence_features  # noqa: E402
from stance.scoring.stance import input_from_result, lexicon_cues  # noqa: E402

SHARED = ROOT.parent / "shared"
TRAIN = SHARED / "benchmarks" / "directed_sentiment" / "train.tsv"
MODEL = ROOT / "stance" / "data" / "model.json"
CLASSES = ("neutral", "convergence", "divergence")
C_GRID = (0.3, 1.0, 3.0)
PRUNE_GRID = (0.0, 0.05, 0.1)
OFFSET_GRID = np.round(np.arange(-1.0, 1.01, 0.1), 2)


def load(path: Path) -> list[Example]:
    examples, problems = read_directed_benchmark(path)
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    return examples


def featurize(example: Example) -> Features:
    """The features the scorer computes for this sentence (parties A and B as given)."""
    parties = {
        key: [name]
        for key, name in ((PARTY_A, example.party_a), (PARTY_B, example.party_b))
        if usable_party(name)
    }
    result = score_sentence(example.text, parties=parties or None)
    sentence = input_from_result(result, CueLexicon.builtin())
    return sentence_features(sentence, lexicon_cues(sentence))


def design(features: list[Features], min_df: int, term_scale: float):
    """The sparse design matrix: dense features first, then the candidate terms."""
    from scipy.sparse import csr_matrix

    counts = Counter(key for f in features for key in f.terms)
    terms = sorted(key for key, n in counts.items() if n >= min_df)
    names = list(FEATURES) + terms
    column = {name: i for i, name in enumerate(names)}
    rows, cols, vals = [], [], []
    for i, f in enumerate(features):
        for name, value in f.values.items():
            if value and name in column:
                rows.append(i)
                cols.append(column[name])
                vals.append(value)
        for key in f.terms:
            if key in column:
                rows.append(i)
                cols.append(column[key])
                vals.append(term_scale)
    matrix = csr_matrix((vals, (rows, cols)), shape=(len(features), len(names)))
    return matrix, names


def fit(matrix, y, c: float):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, tol=1e-4)
    return model.fit(matrix, y)


def reference_weights(model, n_dense: int, term_scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Weights against neutral (rows: convergence, divergence); terms rescaled to 1.0."""
    coef = model.coef_[1:] - model.coef_[0]
    coef[:, n_dense:] *= term_scale
    intercept = model.intercept_[1:] - model.intercept_[0]
    return coef, intercept


def logits(matrix, coef: np.ndarray, intercept: np.ndarray, n_dense: int, term_scale: float):
    """Log-odds of (neutral, convergence, divergence) with the terms back at 1.0."""
    from scipy.sparse import diags

    scale = np.ones(matrix.shape[1])
    scale[n_dense:] = 1.0 / term_scale
    scores = np.asarray((matrix @ diags(scale)) @ coef.T) + intercept
    return np.column_stack([np.zeros(len(scores)), scores])


def pruned(coef: np.ndarray, n_dense: int, threshold: float) -> np.ndarray:
    out = coef.copy()
    small = np.abs(out[:, n_dense:]).max(axis=0) < threshold
    out[:, n_dense:][:, small] = 0.0
    return out


def macro_f1(y, predicted) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, predicted, average="macro", labels=[0, 1, 2]))


def cross_validate(matrix, y, n_dense: int, term_scale: float, seed: int, c_grid):
    """Cross-validated logits for every (C, prune) pair."""
    from sklearn.model_selection import StratifiedKFold

    folds = list(StratifiedKFold(5, shuffle=True, random_state=seed).split(matrix, y))
    out = {}
    for c in c_grid:
        scores = {p: np.zeros((len(y), 3)) for p in PRUNE_GRID}
        for train_idx, test_idx in folds:
            model = fit(matrix[train_idx], y[train_idx], c)
            coef, intercept = reference_weights(model, n_dense, term_scale)
            for p in PRUNE_GRID:
                scores[p][test_idx] = logits(
                    matrix[test_idx], pruned(coef, n_dense, p), intercept, n_dense, term_scale
                )
        for p in PRUNE_GRID:
            out[(c, p)] = scores[p]
            print(f"  C {c:<5} prune {p:<5} cv macro-F1 {macro_f1(y, scores[p].argmax(1)):.4f}")
    return out


def best_offsets(scores: np.ndarray, y) -> tuple[float, float, float]:
    best = (macro_f1(y, scores.argmax(1)), 0.0, 0.0)
    for dc in OFFSET_GRID:
        for dd in OFFSET_GRID:
            shifted = scores + np.array([0.0, dc, dd])
            f1 = macro_f1(y, shifted.argmax(1))
            if f1 > best[0] + 1e-9:
                best = (f1, float(dc), float(dd))
    return best


def write_model(path: Path, coef, intercept, names, n_dense, about: dict) -> int:
    existing = json.loads(path.read_text(encoding="utf-8"))
    features = {
        name: [round(float(coef[0, i]), 4), round(float(coef[1, i]), 4)]
        for i, name in enumerate(names[:n_dense])
    }
    terms = {
        name: [round(float(coef[0, i]), 4), round(float(coef[1, i]), 4)]
        for i, name in enumerate(names)
        if i >= n_dense and (coef[0, i] or coef[1, i])
    }
    stance = {
        "about": about.pop("description"),
        "trained": about,
        "min_cue": 0.3,
        "prior": existing["stance"]["prior"],
        "intercept": {
            "convergence": round(float(intercept[0]), 4),
            "divergence": round(float(intercept[1]), 4),
        },
        "features": features,
        "terms": terms,
    }
    model = {
        "version": existing["version"],
        "about": existing["about"],
        "tone": existing["tone"],
        "stance": stance,
    }
    path.write_text(_dump(model), encoding="utf-8")
    return len(terms)


def _dump(model: dict) -> str:
    """JSON with one feature or term per line, so the file reads (and diffs) line by line."""
    lines = ["{"]
    items = list(model.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if key == "stance":
            lines.append('  "stance": {')
            parts = list(value.items())
            for j, (name, part) in enumerate(parts):
                end = "," if j < len(parts) - 1 else ""
                if name in ("features", "terms"):
                    lines.append(f"    {json.dumps(name)}: {{")
                    entries = list(part.items())
                    for k, (term, weights) in enumerate(entries):
                        sep = "," if k < len(entries) - 1 else ""
                        lines.append(
                            f"      {json.dumps(term, ensure_ascii=False)}: "
                            f"{json.dumps(weights)}{sep}"
                        )
                    lines.append(f"    }}{end}")
                else:
                    lines.append(f"    {json.dumps(name)}: {json.dumps(part)}{end}")
            lines.append(f"  }}{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, default=TRAIN)
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--term-scale", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--c-grid", type=float, nargs="+", default=list(C_GRID), help="L2 strengths to try"
    )
    parser.add_argument("--dry-run", action="store_true", help="cross-validate, write nothing")
    args = parser.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("this script needs scikit-learn: pip install scikit-learn", file=sys.stderr)
        return 1
    if not args.train.exists():
        print(f"no training data at {args.train}: it comes from ../shared", file=sys.stderr)
        return 1
    examples = load(args.train)
    y = np.array([CLASSES.index(e.label) for e in examples])
    print(f"{len(examples)} training sentences: {dict(Counter(e.label for e in examples))}")
    features = [featurize(e) for e in examples]
    matrix, names = design(features, args.min_df, args.term_scale)
    n_dense = len(FEATURES)
    print(f"{n_dense} features, {len(names) - n_dense} candidate terms")
    scores = cross_validate(matrix, y, n_dense, args.term_scale, args.seed, args.c_grid)
    best_f1 = max(macro_f1(y, s.argmax(1)) for s in scores.values())
    close = [k for k, s in scores.items() if macro_f1(y, s.argmax(1)) >= best_f1 - 0.005]
    c, prune = max(close, key=lambda k: (k[1], -k[0]))
    f1, dc, dd = best_offsets(scores[(c, prune)], y)
    print(f"chosen: C {c}, prune {prune}, intercept shifts {dc:+.1f} {dd:+.1f}: cv {f1:.4f}")
    if args.dry_run:
        return 0
    model = fit(matrix, y, c)
    coef, intercept = reference_weights(model, n_dense, args.term_scale)
    coef = pruned(coef, n_dense, prune)
    intercept = intercept + np.array([dc, dd])
    about = {
        "description": (
            "Multinomial logistic model, neutral as reference: each feature and term has "
            "[toward convergence, toward divergence] in log-odds against neutral. Learned "
            "terms that fire with |convergence - divergence| >= min_cue are shown as cues."
        ),
        "data": "directed_sentiment train split (../shared), brackets stripped",
        "sentences": len(examples),
        "C": c,
        "term_scale": args.term_scale,
        "min_df": args.min_df,
        "prune": prune,
        "intercept_shift": [dc, dd],
        "cv_macro_f1": round(f1, 4),
    }
    kept = write_model(args.out, coef, intercept, names, n_dense, about)
    print(f"wrote {args.out}: {n_dense} features, {kept} terms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
