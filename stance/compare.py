"""Periods and shifts: how the convergence index and the tone move from one period to the next.

For every period, and within it for all sentences, each dyad and each source party, the
convergence index and its interval are those of :mod:`stance.summary` (the same index and
posterior as for documents). Mean tone comes with a normal-approximation interval
(mean +/- 1.96 standard errors).

A change from the previous period is flagged as a **shift** when both periods have at least
:data:`MIN_SENTENCES` sentences in the group and the 95% interval of the change excludes 0:

* index: 2p - 1 is drawn from each period's posterior independently, as in
  :func:`stance.summary.index_interval` (1,000 draws each, fixed seed); the interval is the
  2.5th and 97.5th percentiles of ``later - earlier`` over the draws. A bootstrap over
  sentences flagged a "shift" between 10 convergent sentences and 11 (width-0 intervals);
  the posterior of a one-sided period is as wide as its few sentences warrant;
* tone: ``mean(later) - mean(earlier) +/- 1.96 * sqrt(s1^2/n1 + s2^2/n2)`` (Welch).

Sentences are treated as independent draws, so a shift means "more than sentence-by-sentence
sampling noise explains", not more. The sentences that moved the index most are the latest
period's sentences labelled in the direction of the change, strongest first, each with its
leave-one-out effect on the period's index.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

from .analysis import DocumentAnalysis
from .config import PeriodRule
from .store import Settings, Store
from .summary import (
    LEVEL,
    convergence_index,
    dyad_key,
    lean_draws,
    percentile_interval,
    summarize,
)

MIN_SENTENCES = 10
MOVERS = 5
Z = NormalDist().inv_cdf(0.5 + LEVEL / 2)


@dataclass(slots=True)
class SentenceRow:
    """One sentence as a comparison needs it; ``document`` indexes the corpus documents."""

    label: str
    tone: float
    score: float
    source: str | None
    target: str | None
    document: int
    index: int


@dataclass
class DocumentRef:
    """A document of the comparison: what the report shows and links to."""

    id: str
    period: str
    date: str | None = None
    title: str | None = None
    report: str | None = None
    convergence_index: float | None = None
    sentences: int = 0
    analysis_id: int | None = None


@dataclass
class Corpus:
    """Documents with their periods and sentence rows, and a way to fetch a sentence's text
    (texts are fetched only for the few sentences a report shows)."""

    documents: list[DocumentRef]
    rows: list[SentenceRow]
    text: Callable[[int, int], str]
    left_out: int = 0

    def select(self, periods: Sequence[str]) -> Corpus:
        """The documents of the given periods only."""
        keep = [i for i, d in enumerate(self.documents) if d.period in periods]
        position = {old: new for new, old in enumerate(keep)}
        rows = [
            SentenceRow(r.label, r.tone, r.score, r.source, r.target, position[r.document], r.index)
            for r in self.rows
            if r.document in position
        ]
        documents = [self.documents[i] for i in keep]
        return Corpus(documents, rows, lambda p, index: self.text(keep[p], index), self.left_out)


@dataclass
class Change:
    """The change of one measure from the previous period, with its interval."""

    measure: str
    previous: str
    delta: float
    interval: tuple[float, float] | None
    shift: bool
    note: str

    @property
    def direction(self) -> str:
        if self.measure == "index":
            return "toward convergence" if self.delta > 0 else "toward divergence"
        return "warmer" if self.delta > 0 else "cooler"


@dataclass
class Point:
    """One group in one period. A group with no sentences in the period has no index, interval
    or tone (None): an index of 0 would read as a balance of convergence and divergence."""

    period: str
    sentences: int
    counts: dict[str, int]
    index: float | None
    interval: tuple[float, float] | None
    mean_tone: float | None
    tone_interval: tuple[float, float] | None
    index_change: Change | None = None
    tone_change: Change | None = None


@dataclass
class Mover:
    """A sentence of the latest period that pushed the index in the direction it moved."""

    document: DocumentRef
    index: int
    text: str
    label: str
    score: float
    source: str | None
    target: str | None
    effect: float


@dataclass
class Group:
    """A series over the periods: all sentences, a dyad, or a source party."""

    key: str
    kind: str
    title: str
    points: list[Point]
    movers: list[Mover] = field(default_factory=list)

    @property
    def latest(self) -> Point:
        return self.points[-1]

    def shifts(self) -> list[Change]:
        """Shifts flagged in the latest period."""
        return [c for c in (self.latest.index_change, self.latest.tone_change) if c and c.shift]


@dataclass
class Comparison:
    period_by: str
    periods: list[str]
    groups: list[Group]
    documents: list[DocumentRef]
    names: dict[str, str] = field(default_factory=dict)
    left_out: int = 0

    @property
    def latest(self) -> str | None:
        return self.periods[-1] if self.periods else None

    @property
    def previous(self) -> str | None:
        return self.periods[-2] if len(self.periods) > 1 else None

    def shifts(self) -> list[tuple[Group, Change]]:
        """Every shift flagged for the latest period against the previous one."""
        return [(g, c) for g in self.groups for c in g.shifts()]

    def to_dict(self) -> dict[str, Any]:
        def mover(m: Mover) -> dict[str, Any]:
            data = asdict(m)
            data["document"] = m.document.id
            data["report"] = m.document.report
            return data

        return {
            "period_by": self.period_by,
            "periods": self.periods,
            "latest": self.latest,
            "previous": self.previous,
            "shifts": [
                {
                    "group": g.key,
                    "measure": c.measure,
                    "delta": c.delta,
                    "interval": c.interval,
                    "direction": c.direction,
                }
                for g, c in self.shifts()
            ],
            "groups": [
                {
                    "key": g.key,
                    "kind": g.kind,
                    "title": g.title,
                    "points": [asdict(p) for p in g.points],
                    "movers": [mover(m) for m in g.movers],
                }
                for g in self.groups
            ],
            "documents": [asdict(d) for d in self.documents],
            "left_out": self.left_out,
        }


def index_change_interval(
    before: dict[str, int], after: dict[str, int], seed: int = 0
) -> tuple[float, float]:
    """95% interval of the change of the index, ``after`` against ``before``: percentiles of
    the difference of independent draws from the two periods' posteriors (see
    :func:`stance.summary.index_interval`)."""
    rng = np.random.default_rng(seed)
    earlier = lean_draws(before["convergence"], before["divergence"], rng)
    later = lean_draws(after["convergence"], after["divergence"], rng)
    return percentile_interval(later - earlier)


def tone_interval(tones: Sequence[float]) -> tuple[float, float] | None:
    """Mean tone +/- 1.96 standard errors; None with fewer than two sentences."""
    if len(tones) < 2:
        return None
    mean = sum(tones) / len(tones)
    half = Z * _sd(tones) / math.sqrt(len(tones))
    return (round(mean - half, 4), round(mean + half, 4))


def _sd(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def tone_change_interval(before: Sequence[float], after: Sequence[float]) -> tuple[float, float]:
    """Welch interval of ``mean(after) - mean(before)``."""
    delta = sum(after) / len(after) - sum(before) / len(before)
    half = Z * math.sqrt(_sd(before) ** 2 / len(before) + _sd(after) ** 2 / len(after))
    return (round(delta - half, 4), round(delta + half, 4))


def _change(
    measure: str, previous: str, earlier: list[SentenceRow], later: list[SentenceRow], delta: float
) -> Change:
    delta = round(delta, 4)
    if min(len(earlier), len(later)) < MIN_SENTENCES:
        note = f"fewer than {MIN_SENTENCES} sentences in a period: not tested"
        return Change(measure, previous, delta, None, False, note)
    if measure == "index":
        interval = index_change_interval(_counts(earlier), _counts(later))
    else:
        interval = tone_change_interval([r.tone for r in earlier], [r.tone for r in later])
    shift = interval[0] > 0 or interval[1] < 0
    note = "interval excludes 0: shift" if shift else "interval includes 0: no shift"
    return Change(measure, previous, delta, interval, shift, note)


def _counts(rows: Iterable[SentenceRow]) -> dict[str, int]:
    counts = {"convergence": 0, "neutral": 0, "divergence": 0}
    for r in rows:
        counts[r.label] += 1
    return counts


def _point(period: str, rows: list[SentenceRow]) -> Point:
    s = summarize(rows)
    if not rows:
        return Point(period, 0, s["counts"], None, None, None, None)
    return Point(
        period=period,
        sentences=s["sentences"],
        counts=s["counts"],
        index=s["convergence_index"],
        interval=tuple(s["interval"]),  # type: ignore[arg-type]
        mean_tone=s["mean_tone"],
        tone_interval=tone_interval([r.tone for r in rows]),
    )


def group_rows(
    rows: Iterable[SentenceRow], order: Sequence[str]
) -> dict[tuple[str, str], list[SentenceRow]]:
    """Rows by group: ``("all", "")``, ``("dyad", "PAK–USA")``, ``("source", "PAK")``.

    A dyad takes the sentences with a source and a different target, in both directions and
    mutual; its parties are named in ``order`` (the config's party order), else by key.
    """
    rank = {key: i for i, key in enumerate(order)}
    groups: dict[tuple[str, str], list[SentenceRow]] = {("all", ""): []}
    for r in rows:
        groups[("all", "")].append(r)
        if r.source is None:
            continue
        groups.setdefault(("source", r.source), []).append(r)
        if r.target is not None and r.target != r.source:
            pair = sorted((r.source, r.target), key=lambda k: (rank.get(k, len(rank)), k))
            groups.setdefault(("dyad", dyad_key(*pair)), []).append(r)
    return groups


def compare(
    corpus: Corpus,
    period_order: Callable[[str], Any] = str,
    party_order: Sequence[str] = (),
    names: dict[str, str] | None = None,
    period_by: str = "period",
) -> Comparison:
    """The comparison of the corpus's periods (documents without a period are left out).

    Periods that ``period_order`` ranks alike are ordered by name: the order, and so the
    latest period, never depends on the order of a set.
    """
    periods = sorted({d.period for d in corpus.documents}, key=lambda p: (period_order(p), p))
    by_period: dict[str, list[SentenceRow]] = {p: [] for p in periods}
    for row in corpus.rows:
        by_period[corpus.documents[row.document].period].append(row)
    grouped = {p: group_rows(rows, party_order) for p, rows in by_period.items()}
    keys = sorted(
        {k for g in grouped.values() for k in g},
        key=lambda k: (("all", "dyad", "source").index(k[0]), _party_rank(k[1], party_order)),
    )
    names = names or {}
    groups = []
    for kind, key in keys:
        points: list[Point] = []
        # the period just before, when the group has sentences in it: its rows, index and tone
        previous: tuple[str, list[SentenceRow], float, float] | None = None
        for period in periods:
            rows = grouped[period].get((kind, key), [])
            point = _point(period, rows)
            points.append(point)
            if point.index is None or point.mean_tone is None:
                previous = None
                continue
            if previous is not None:
                before_period, before, index, tone = previous
                point.index_change = _change(
                    "index", before_period, before, rows, point.index - index
                )
                point.tone_change = _change(
                    "tone", before_period, before, rows, point.mean_tone - tone
                )
            previous = (period, rows, point.index, point.mean_tone)
        group = Group(key or "all", kind, _title(kind, key, names), points)
        if periods:
            group.movers = movers(corpus, grouped[periods[-1]].get((kind, key), []), points[-1])
        groups.append(group)
    documents = sorted(corpus.documents, key=lambda d: (period_order(d.period), d.date or "", d.id))
    return Comparison(period_by, periods, groups, documents, names, corpus.left_out)


def _party_rank(key: str, order: Sequence[str]) -> tuple:
    first = key.split("–")[0]
    return (order.index(first) if first in order else len(order), key)


def _title(kind: str, key: str, names: dict[str, str]) -> str:
    if kind == "all":
        return "All sentences"
    if kind == "dyad":
        return "Between " + " and ".join(names.get(k, k) for k in key.split("–"))
    return f"Said by {names.get(key, key)}"


def movers(corpus: Corpus, rows: list[SentenceRow], point: Point) -> list[Mover]:
    """The latest period's sentences that pushed the index the way it moved, strongest first."""
    change = point.index_change
    if change is None or change.delta == 0 or point.index is None:
        return []
    label = "convergence" if change.delta > 0 else "divergence"
    c, d = point.counts["convergence"], point.counts["divergence"]
    without = convergence_index(c - 1, d) if label == "convergence" else convergence_index(c, d - 1)
    effect = round(point.index - without, 4)
    chosen = sorted((r for r in rows if r.label == label), key=lambda r: -abs(r.score))[:MOVERS]
    result = []
    for r in chosen:
        doc = corpus.documents[r.document]
        text = corpus.text(r.document, r.index)
        result.append(Mover(doc, r.index, text, r.label, r.score, r.source, r.target, effect))
    return result


def corpus_from_store(
    store: Store,
    settings: Settings,
    period: PeriodRule,
    link: Callable[[str | None], str | None] = lambda report: None,
) -> Corpus:
    """The current documents of the history database, each in its period."""
    documents: list[DocumentRef] = []
    positions: dict[int, int] = {}
    left_out = 0
    for stored in store.current_documents(settings):
        label = period.of(stored.metadata)
        if label is None:
            left_out += 1
            continue
        positions[stored.analysis_id] = len(documents)
        documents.append(
            DocumentRef(
                id=stored.doc_id,
                period=label,
                date=stored.date,
                title=stored.title,
                report=link(stored.report),
                convergence_index=stored.summary.get("convergence_index"),
                sentences=stored.summary.get("sentences", 0),
                analysis_id=stored.analysis_id,
            )
        )
    rows = [
        SentenceRow(label, tone, score, source, target, positions[aid], idx)
        for aid, idx, label, score, tone, source, target in store.sentence_rows(list(positions))
    ]

    def text(position: int, index: int) -> str:
        return store.sentence_text(documents[position].analysis_id or 0, index)

    return Corpus(documents, rows, text, left_out)


def corpus_from_analyses(
    labelled: Iterable[tuple[str, DocumentAnalysis]],
    link: Callable[[DocumentAnalysis], str | None] = lambda analysis: None,
) -> Corpus:
    """A corpus from analyses in memory, each with the period (or side) it belongs to."""
    documents: list[DocumentRef] = []
    analyses: list[DocumentAnalysis] = []
    rows: list[SentenceRow] = []
    for label, analysis in labelled:
        position = len(documents)
        documents.append(
            DocumentRef(
                id=analysis.document.id,
                period=label,
                date=analysis.metadata["date"],
                title=analysis.document.title,
                report=link(analysis),
                convergence_index=analysis.summary["convergence_index"],
                sentences=len(analysis.sentences),
            )
        )
        analyses.append(analysis)
        rows.extend(
            SentenceRow(s.label, s.tone, s.score, s.source, s.target, position, s.index)
            for s in analysis.sentences
        )
    return Corpus(documents, rows, lambda position, index: analyses[position].sentences[index].text)
