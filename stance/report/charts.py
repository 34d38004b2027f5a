"""The report's charts. Each function takes data and an ``ax``, draws, and returns the ``ax``.

They never create figures or write files (see :mod:`stance.report.figures`), so they can be
reused on any axes and tested by inspecting what they drew. Text that comes from documents or
party files goes through :func:`~stance.report.theme.plain` so a ``$`` stays a dollar sign.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from ..analysis import SentenceResult
from . import theme
from .theme import CONVERGENCE, DIVERGENCE, LABEL_COLORS, MUTED, plain

LABEL_THRESHOLD = 0.2
"""The stance scorer's label threshold, drawn as the neutral band (see the README)."""
MAX_BARS = 100
DISAGREEMENT = 0.25
MUTUAL_HATCH = "///"
DRIVERS = 8
SENTENCE_WORDS = {"divergence": "divergent", "neutral": "neutral", "convergence": "convergent"}
OTHER = "\x00other"
"""The group of parties past the palette (no party key holds a NUL character)."""
MIN_LABELLED_SHARE = 0.08
"""A segment of the by-party bars gets its count written in it from this share of the axis."""
SENTENCE_TICKS = 20
"""Up to this many sentences, each one is a tick on the along-the-document axis."""
LEGEND_DROP = 36
"""Points between the bottom of the axes and a legend under it: room for ticks and label."""
LEGEND_INDENT = 45
"""Points of tick labels and axis label left of the axes a legend starts at."""
TICK_PAD = 12
"""Points between y tick labels and the axes: tick length and padding."""
SIDE_LABELS = 60
"""Points right of the axes taken by side texts ("convergence", "mean tone", intervals)."""


def message(ax: Axes, text: str) -> Axes:
    """An empty chart that says why it is empty, instead of blank axes."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, color=MUTED, fontsize=11)
    return ax


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """The width of ``text`` in points in the theme's font, known before any layout."""
    font = FontProperties(family=theme.RC["font.family"], size=size, weight=weight)
    return float(TextToPath().get_text_width_height_descent(text, font, ismath=False)[0])


def room(ax: Axes, beside: float = 0.0) -> float:
    """Points across the figure that the axes and whatever starts at their left edge may
    take, when ``beside`` points of labels stand left of the axes. Constrained layout cannot
    fit anything wider: it collapses the axes and warns."""
    margins = 2 * 72 * theme.RC["figure.constrained_layout.w_pad"] + SIDE_LABELS
    return ax.figure.bbox.width * 72 / ax.figure.dpi - margins - beside


def fit_title(ax: Axes, title: str, beside: float) -> None:
    """The title, on as many lines as it needs to fit right of labels ``beside`` points wide."""
    size = float(theme.RC["axes.titlesize"])
    weight = theme.RC["axes.titleweight"]
    lines: list[str] = []
    for word in title.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(joined, size, weight) <= room(ax, beside):
            lines[-1] = joined
        else:
            lines.append(word)
    ax.set_title("\n".join(lines))


def fit_title_beside_labels(ax: Axes, title: str, labels: Sequence[str]) -> None:
    """The title fitted right of the y tick ``labels`` (the axes start after them)."""
    size = float(theme.RC["ytick.labelsize"])
    widest = max((text_width(label, size) for label in labels), default=0.0)
    fit_title(ax, title, widest + TICK_PAD)


def legend_below(ax: Axes, ncol: int, **kwargs: Any) -> None:
    """A legend under the x-axis label, a fixed distance below the axes whatever their height,
    in at most ``ncol`` columns: fewer when long labels would not fit across the figure."""
    labels = [h.get_label() for h in kwargs.get("handles", ax.get_legend_handles_labels()[0])]
    size = float(theme.RC["legend.fontsize"])
    handle = (kwargs.get("handlelength", 2.0) + 0.8) * size  # + handletextpad
    widest = max((text_width(label, size) for label in labels), default=0.0) + handle
    while ncol > 1 and ncol * widest + (ncol - 1) * 2.0 * size > room(ax, LEGEND_INDENT):
        ncol -= 1
    below = ax.transAxes + ScaledTranslation(0, -LEGEND_DROP / 72, ax.figure.dpi_scale_trans)
    ax.legend(loc="upper left", bbox_to_anchor=(0, 0), bbox_transform=below, ncol=ncol, **kwargs)


def stance_along_document(
    sentences: Sequence[SentenceResult],
    ax: Axes,
    colors: Mapping[str, str],
    names: Mapping[str, str] | None = None,
    max_bars: int = MAX_BARS,
) -> Axes:
    """One bar per sentence in reading order, up for convergence and down for divergence,
    coloured by the source party (grey when there is none), hatched for mutual statements.

    Past ``max_bars`` sentences, consecutive sentences share a bar: each party's part of it is
    its sentences' summed score divided by the number of sentences in the bar (the last bar
    may hold fewer), so a bar is the mean score of its sentences and stays within [-1, 1].
    """
    ax.set_title("Stance of each sentence, in reading order")
    if not sentences:
        return message(ax, "The document has no sentences.")
    names = names or {}
    n = len(sentences)
    size = math.ceil(n / max_bars)
    bins = math.ceil(n / size)
    first = np.arange(bins) * size + 1
    last = np.minimum(first + size - 1, n)
    held = last - first + 1
    up: dict[tuple[str | None, bool], np.ndarray] = defaultdict(lambda: np.zeros(bins))
    down: dict[tuple[str | None, bool], np.ndarray] = defaultdict(lambda: np.zeros(bins))
    for i, s in enumerate(sentences):
        group = (_color_group(s.source, colors), s.mutual)
        up[group][i // size] += max(s.score, 0.0) / held[i // size]
        down[group][i // size] += min(s.score, 0.0) / held[i // size]
    centres = (first + last) / 2
    widths = 0.8 * held
    order = {key: i for i, key in enumerate([*colors, OTHER, None])}
    groups = sorted(set(up) | set(down), key=lambda g: (order.get(g[0], len(order)), g[1]))
    for values, stack in ((up, np.zeros(bins)), (down, np.zeros(bins))):
        for group in groups:
            heights = values[group]
            drawn = heights != 0
            if not drawn.any():
                continue
            ax.bar(
                centres[drawn],
                heights[drawn],
                bottom=stack[drawn],
                width=widths[drawn],
                color=_group_color(group[0], colors),
                hatch=MUTUAL_HATCH if group[1] else None,
                linewidth=0,
            )
            stack += heights
    ax.axhline(0, color=MUTED, linewidth=0.8)
    if size == 1:
        ax.axhspan(-LABEL_THRESHOLD, LABEL_THRESHOLD, color="#F2F2F2", zorder=0, linewidth=0)
        ax.set_xlabel("sentence number (the shaded band is neutral: |score| < 0.2)")
        ax.set_ylabel("stance score")
    else:
        ax.set_title(f"Stance along the document, {size} sentences per bar")
        ax.set_xlabel(f"sentence number ({n} sentences, {size} per bar)")
        ax.set_ylabel(f"mean stance score per {size} sentences")
    ax.set_xlim(0.5 - 0.1 * size, n + 0.5 + 0.1 * size)
    ax.set_ylim(-1.05, 1.05)
    ax.set_yticks([-1, -0.5, 0, 0.5, 1])
    if n <= SENTENCE_TICKS:
        ax.set_xticks(range(1, n + 1))  # a locator would put 0.8 and 1.6 on a short axis
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=SENTENCE_TICKS))
    ax.grid(axis="x", visible=False)
    ax.text(1.005, 0.98, "convergence", transform=ax.transAxes, color=CONVERGENCE, va="top")
    ax.text(1.005, 0.02, "divergence", transform=ax.transAxes, color=DIVERGENCE, va="bottom")
    legend_below(ax, 4, handles=_party_legend(groups, colors, names), handlelength=1.6)
    return ax


def _color_group(source: str | None, colors: Mapping[str, str]) -> str | None:
    if source is None:
        return None
    return source if colors.get(source, theme.OTHER_PARTIES) != theme.OTHER_PARTIES else OTHER


def _group_color(key: str | None, colors: Mapping[str, str]) -> str:
    if key is None:
        return theme.NO_PARTY
    return colors.get(key, theme.OTHER_PARTIES)


def _party_legend(
    groups: Sequence[tuple[str | None, bool]], colors: Mapping[str, str], names: Mapping[str, str]
) -> list[Patch]:
    """Legend entries: each party drawn, other parties, no party, and the mutual hatching."""
    handles = []
    for key in dict.fromkeys(g[0] for g in groups):
        if key is None:
            label = "no source party"
        elif key == OTHER:
            label = "other parties"
        else:
            label = plain(names.get(key, key))
        handles.append(Patch(color=_group_color(key, colors), label=label))
    if any(mutual for _, mutual in groups):
        handles.append(
            Patch(facecolor=MUTED, hatch=MUTUAL_HATCH, linewidth=0, label="mutual statement")
        )
    return handles


def stance_by_party(rows: Sequence[tuple[str, Mapping[str, Any]]], ax: Axes) -> Axes:
    """For each source party, its divergent, neutral and convergent sentences as diverging
    stacked bars centred on the neutral ones, with the party's mean tone beside them.

    ``rows`` pairs a row label with a summary from :func:`stance.summary.summarize`.
    """
    title = "Whose sentences lean which way: sentences by source party"
    ax.set_title(title)
    if not rows:
        return message(ax, "No sentence of this document is attributed to a party.")
    y = np.arange(len(rows))[::-1]
    counts = {label: np.array([r[1]["counts"][label] for r in rows]) for label in LABEL_COLORS}
    half = counts["neutral"] / 2
    lefts = {
        "divergence": -half - counts["divergence"],
        "neutral": -half,
        "convergence": half,
    }
    bar_labels = {}
    for label in ("divergence", "neutral", "convergence"):
        bars = ax.barh(
            y,
            counts[label],
            left=lefts[label],
            color=LABEL_COLORS[label],
            height=0.6,
            label=SENTENCE_WORDS[label],
        )
        bar_labels[label] = bars
    extent = max(
        1.0, float(np.max(np.maximum(half + counts["divergence"], half + counts["convergence"])))
    )
    ax.set_xlim(-extent * 1.08, extent * 1.08)
    for label, bars in bar_labels.items():
        wide = counts[label] >= extent * MIN_LABELLED_SHARE
        text = [str(c) if shown else "" for c, shown in zip(counts[label], wide, strict=True)]
        ink = theme.INK if label == "neutral" else "white"
        ax.bar_label(bars, labels=text, label_type="center", fontsize=9, color=ink)
    labels = [plain(label) for label, _ in rows]
    ax.set_yticks(y, labels)
    fit_title_beside_labels(ax, title, labels)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):g}"))
    ax.set_xlabel("sentences (divergent to the left, convergent to the right)")
    ax.axvline(0, color=MUTED, linewidth=0.8)
    ax.grid(axis="y", visible=False)
    side = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(1.02, len(rows) - 0.45, "mean tone", transform=side, color=MUTED, fontsize=9)
    for row_y, (_, summary) in zip(y, rows, strict=True):
        ax.text(1.02, row_y, f"{summary['mean_tone']:+.2f}", transform=side, va="center")
    legend_below(ax, 3)
    return ax


def scorer_agreement(sentences: Sequence[SentenceResult], ax: Axes, annotate: int = 3) -> Axes:
    """VADER compound against TextBlob polarity, one dot per sentence, with the diagonal
    where they agree; the sentences where they disagree most are numbered."""
    ax.set_title("Tone by two scorers: VADER against TextBlob")
    if not sentences:
        return message(ax, "The document has no sentences.")
    line = np.linspace(-1, 1, 2)
    ax.fill_between(
        line,
        line - DISAGREEMENT,
        line + DISAGREEMENT,
        color="#EFEFEF",
        linewidth=0,
        label=f"agree within {DISAGREEMENT}",
    )
    ax.plot(line, line, color=MUTED, linewidth=0.8, linestyle="--")
    vader = np.array([s.vader for s in sentences])
    textblob = np.array([s.textblob_polarity for s in sentences])
    labels = np.array([s.label for s in sentences])
    markers = {"convergence": "o", "neutral": "s", "divergence": "D"}
    for label, color in LABEL_COLORS.items():
        chosen = labels == label
        if chosen.any():
            ax.scatter(
                vader[chosen],
                textblob[chosen],
                s=36,
                marker=markers[label],
                color=color,
                edgecolor="white",
                linewidth=0.6,
                alpha=0.9,
                label=f"{label} ({int(chosen.sum())})",
                zorder=3,
            )
    gap = np.abs(vader - textblob)
    # sentences scored alike share a dot, so they share one label instead of overprinting
    numbered: dict[tuple[float, float], list[int]] = defaultdict(list)
    for i in np.argsort(-gap, kind="stable")[:annotate]:
        if gap[i] > DISAGREEMENT:
            at = (round(float(vader[i]), 2), round(float(textblob[i]), 2))
            numbered[at].append(sentences[i].index + 1)
    for (x, y), numbers in numbered.items():
        ax.annotate(
            ", ".join(f"#{number}" for number in sorted(numbers)),
            (x, y),
            xytext=(5, 4),
            textcoords="offset points",
            fontsize=8,
            color=MUTED,
        )
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1])
    ax.set_yticks([-1, -0.5, 0, 0.5, 1])
    ax.set_aspect("equal")
    ax.set_xlabel("VADER compound (negative … positive)")
    ax.set_ylabel("TextBlob polarity (negative … positive)")
    ax.legend(loc="upper left", fontsize=8)
    return ax


LEARNED = "learned"
"""The category of the model's learned cues, whose term masks the party ("entb of")."""


@dataclass(frozen=True)
class CueTotal:
    """One lexicon term over a document: its summed effect and how it was written."""

    term: str
    text: str
    effect: float
    count: int


def cue_totals(sentences: Sequence[SentenceResult]) -> list[CueTotal]:
    """Every cue term of the document with its summed effect, strongest convergence first.

    A learned cue's term masks the party it was found with, so learned cues are grouped by
    the text as written: "China of" and "India of" are two bars, never one labelled with
    the party that only some of its cues had.
    """
    effects: dict[tuple[str, str], float] = defaultdict(float)
    forms: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for s in sentences:
        for cue in s.cues:
            text = cue.text.lower()
            group = (cue.term, text if cue.category == LEARNED else "")
            effects[group] += cue.effect
            forms[group][text] += 1
    totals = [
        CueTotal(group[0], forms[group].most_common(1)[0][0], effect, sum(forms[group].values()))
        for group, effect in effects.items()
    ]
    return sorted(totals, key=lambda t: (-t.effect, t.text))


def strongest_cues(totals: Sequence[CueTotal], top: int = DRIVERS) -> list[CueTotal]:
    """The ``top`` strongest convergence cues, then the ``top`` strongest divergence cues,
    from totals sorted as :func:`cue_totals` sorts them."""
    return [t for t in totals if t.effect > 0][:top] + [t for t in totals if t.effect < 0][-top:]


def cue_drivers(totals: Sequence[CueTotal], ax: Axes, top: int = DRIVERS) -> Axes:
    """The ``top`` strongest convergence and divergence cues, by summed effect."""
    title = "What drove it: the strongest cue words, by summed effect"
    ax.set_title(title)
    strongest = strongest_cues(totals, top)
    if not strongest:
        return message(
            ax, "No cue word from the lexicon in this document: every sentence is neutral."
        )
    y = np.arange(len(strongest))[::-1]
    effects = np.array([t.effect for t in strongest])
    bars = ax.barh(
        y,
        effects,
        color=[CONVERGENCE if e > 0 else DIVERGENCE for e in effects],
        height=0.65,
    )
    values = [f"{e:+.1f}".replace("-", "\N{MINUS SIGN}") for e in effects]  # as on the axis
    ax.bar_label(bars, labels=values, padding=3, fontsize=8, color=MUTED)
    labels = [plain(t.text) + (f"  ×{t.count}" if t.count > 1 else "") for t in strongest]
    ax.set_yticks(y, labels)
    fit_title_beside_labels(ax, title, labels)
    pad = 0.3 * float(np.max(np.abs(effects)))
    ax.set_xlim(min(0.0, effects.min()) - pad, max(0.0, effects.max()) + pad)
    ax.set_ylim(-0.6, len(strongest) - 0.4)
    ax.axvline(0, color=MUTED, linewidth=0.8)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("summed effect: lexicon weight after rules (negation, hedges …), over all uses")
    return ax


@dataclass(frozen=True)
class IndexRow:
    """A convergence index to show: the document's or a source party's."""

    label: str
    index: float
    interval: tuple[float, float]
    sentences: int


def convergence_headline(rows: Sequence[IndexRow], ax: Axes) -> Axes:
    """The convergence index with its 95% credible interval: the document first, in bold,
    then each source party, on the index's full scale from -1 to +1."""
    title = "Convergence index, with its 95% interval"
    ax.set_title(title)
    if not rows:
        return message(ax, "Nothing to summarise.")
    ax.axvspan(-1, 0, color=DIVERGENCE, alpha=0.07, linewidth=0)
    ax.axvspan(0, 1, color=CONVERGENCE, alpha=0.07, linewidth=0)
    ax.axvline(0, color=MUTED, linewidth=0.8)
    y = np.arange(len(rows))[::-1]
    side = blended_transform_factory(ax.transAxes, ax.transData)
    for row_y, row in zip(y, rows, strict=True):
        first = row is rows[0]
        low, high = row.interval
        ax.errorbar(
            row.index,
            row_y,
            xerr=[[max(0.0, row.index - low)], [max(0.0, high - row.index)]],
            fmt="o",
            color=theme.INK if first else MUTED,
            markersize=9 if first else 6,
            elinewidth=2.2 if first else 1.4,
            capsize=5 if first else 3,
        )
        ax.text(
            1.02,
            row_y,
            f"{row.index:+.2f}  [{low:+.2f}, {high:+.2f}]",
            transform=side,
            va="center",
            fontweight="bold" if first else "normal",
        )
    labels = [theme.suffixed(plain(r.label), f" ({r.sentences})") for r in rows]
    ax.set_yticks(y, labels)
    ax.get_yticklabels()[0].set_fontweight("bold")
    fit_title_beside_labels(ax, title, labels)
    top = len(rows) - 0.1
    ax.set_ylim(-0.7, top)
    ax.set_xlim(-1, 1)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1])
    ax.grid(axis="y", visible=False)
    ax.text(-0.98, top, "← divergence", color=DIVERGENCE, va="top", fontsize=9)
    ax.text(0.98, top, "convergence →", color=CONVERGENCE, va="top", ha="right", fontsize=9)
    ax.set_xlabel("convergence index (number of sentences in brackets)")
    return ax
