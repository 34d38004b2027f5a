"""The convergence index and the summaries built on it (documents, parties, dyads, periods).

With C convergent and D divergent sentences, the convergence index is

    index = (C - D) / (C + D + 2)

which is the posterior mean of (2p - 1), p being the share of convergent sentences among the
polar ones, under a uniform prior on p. It lies in (-1, 1), is 0 with no polar sentences, and
one convergent sentence gives 1/3 rather than 1, so short documents do not swing to the ends.
Its interval is the 95% credible interval of the same posterior, Beta(C + 1, D + 1) for p
(percentiles of 1,000 draws, fixed seed): wide when few sentences take a side, whichever.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.random import default_rng

PRIOR = 2.0
DRAWS = 1000
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
def index_interval(convergent: int, divergent: int, seed: int = 0) -> tuple[float, float]:
    """95% credible interval of the index: the percentiles of 2p - 1 over draws of p from
    its posterior (see :func:`lean_draws`), whose mean the index is.

    Not a bootstrap over sentences: resampling sentences that all take one side gives the
    same index every time, an interval of width 0 that one sentence would "support" as surely
    as a thousand. The interval depends on the two counts alone and the seed is fixed, so it
    is cached: a corpus has many documents, speakers and dyads with the same small counts.
    """
    return percentile_interval(lean_draws(convergent, divergent, default_rng(seed)))


def lean_draws(convergent: int, divergent: int, rng: np.random.Generator) -> np.ndarray:
    """:data:`DRAWS` draws of 2p - 1, p the share of convergent among the polar sentences,
    from its posterior under a uniform prior, Beta(C + 1, D + 1); neutral sentences say
    nothing about p."""
    return 2 * rng.beta(convergent + 1, divergent + 1, size=DRAWS) - 1


def percentile_interval(values: np.ndarray) -> tuple[float, float]:
    """The central :data:`LEVEL` interval of ``values``, rounded as the reports show it."""
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
        "interval": list(index_interval(c, d)),
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
