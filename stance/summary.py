"""The convergence index and the summaries built on it (documents, parties, dyads, periods).

With C convergent and D divergent sentences, the convergence index is

    index = (C - D) / (C + D + 2)

which is the posterior mean of (2p - 1), p being the share of convergent sentences among the
polar ones, under a uniform prior on p. It lies in (-1, 1), is 0 with no polar sentences, and
one convergent sentence gives 1/3 rather than 1, so short documents do not swing to the ends.
Its interval is a percentile bootstrap over sentences (1,000 resamples, fixed seed).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.random import default_rng

PRIOR = 2.0
RESAMPLES = 1000
LEVEL = 0.95
LABELS = ("convergence", "neutral", "divergence")


class Labelled(Protocol):
    label: str
    tone: float
    score: float


def convergence_index(convergent: float, divergent: float) -> float:
    """(C - D) / (C + D + 2): shrunk toward 0 when there are few polar sentences."""
    return (convergent - divergent) / (convergent + divergent + PRIOR)


@functools.lru_cache(maxsize=4096)
def index_interval(
    convergent: int, divergent: int, neutral: int, seed: int = 0
) -> tuple[float, float]:
    """95% bootstrap interval of the index, resampling the sentences with replacement.

    The interval depends on the three counts alone and the seed is fixed, so it is cached:
    a corpus has many documents, speakers and dyads with the same small counts.
    """
    n = convergent + divergent + neutral
    if n == 0:
        return (0.0, 0.0)
    rng = default_rng(seed)
    draws = rng.multinomial(n, [convergent / n, divergent / n, neutral / n], size=RESAMPLES)
    values = (draws[:, 0] - draws[:, 1]) / (draws[:, 0] + draws[:, 1] + PRIOR)
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return (round(float(low), 4), round(float(high), 4))


def summarize(results: Sequence[Labelled]) -> dict[str, Any]:
    """Counts by label, mean tone and score, and the convergence index with its interval."""
    counts = dict.fromkeys(LABELS, 0)
    tone = score = 0.0
    for r in results:
        counts[r.label] += 1
        tone += r.tone
        score += r.score
    n = len(results)
    c, d = counts["convergence"], counts["divergence"]
    return {
        "sentences": n,
        "counts": counts,
        "mean_tone": round(tone / n, 4) if n else 0.0,
        "mean_score": round(score / n, 4) if n else 0.0,
        "convergence_index": round(convergence_index(c, d), 4),
        "interval": list(index_interval(c, d, counts["neutral"])),
    }


def dyad_key(first: str, second: str) -> str:
    """The name of an undirected pair of parties: ``PAK–USA`` in the given order."""
    return f"{first}–{second}"


def group_summaries(
    results: Sequence[Any], dyad_order: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Summaries per source party and per dyad (a pair, both directions and mutual)."""
    order = {key: i for i, key in enumerate(dyad_order)}
    by_source: dict[str, list[Any]] = {}
    by_dyad: dict[str, list[Any]] = {}
    for r in results:
        if r.source is None:
            continue
        by_source.setdefault(r.source, []).append(r)
        if r.target is not None and r.target != r.source:
            pair = sorted((r.source, r.target), key=lambda k: (order.get(k, len(order)), k))
            by_dyad.setdefault(dyad_key(*pair), []).append(r)
    return (
        {key: summarize(rs) for key, rs in by_source.items()},
        {key: summarize(rs) for key, rs in by_dyad.items()},
    )
