"""The figures of a report: which charts, at what size, fed from which part of an analysis,
and their files.

Figures are made with :class:`matplotlib.figure.Figure` directly (no pyplot state), so
workers can draw many without leaking figures. Each chart is drawn and laid out once and
saved in every format from that one drawing; the PNG bytes serve both the ``.png`` file and
the image embedded in the HTML page.
"""

from __future__ import annotations

import base64
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..analysis import DocumentAnalysis, PartyInfo
from ..parties import PartySet
from ..summary import summarize
from . import charts, theme

CHART_FORMATS = ("png", "svg", "pdf")
WIDTH = 8.0
MAX_PARTY_ROWS = 8
MAX_INDEX_ROWS = 6
NO_SOURCE = "no source party"
_METADATA = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


def source_order(analysis: DocumentAnalysis) -> list[str]:
    """Source parties, most prominent first: the dyad, then by sentences they are source of."""
    counted = Counter(s.source for s in analysis.sentences if s.source is not None)
    return [*analysis.dyad, *(key for key, _ in counted.most_common() if key not in analysis.dyad)]


def listed_parties(analysis: DocumentAnalysis) -> list[PartyInfo]:
    """The parties a report lists: those mentioned, and those a sentence has as source or
    target although never named (a speaker given in the header or on the command line).
    The built-in gazetteer names the latter, as it names mentioned parties."""
    involved = [k for s in analysis.sentences for k in (s.source, s.target) if k is not None]
    listed = [p for p in analysis.parties if p.mentions or p.key in involved]
    known = {p.key for p in analysis.parties}
    gazetteer = PartySet.gazetteer() if analysis.party_source == "gazetteer" else None
    for key in dict.fromkeys(k for k in involved if k not in known):
        listed.append(PartyInfo(key, (gazetteer.name(key) if gazetteer else None) or key))
    return listed


def party_names(analysis: DocumentAnalysis) -> dict[str, str]:
    """Each party's name for the charts: its key when the font cannot draw the name."""
    return {
        p.key: theme.party_label(p.name, p.key)
        for p in [*analysis.parties, *listed_parties(analysis)]
    }


def _key(key: str) -> str:
    return theme.shorten(key, theme.MAX_KEY)


def party_rows(analysis: DocumentAnalysis) -> list[tuple[str, dict[str, Any]]]:
    """Rows of the by-party chart: each source party's summary, then the unattributed ones."""
    by_source = analysis.summary["by_source"]
    if not by_source:
        return []
    names = party_names(analysis)
    keys = [key for key in source_order(analysis) if key in by_source]
    shown, rest = keys[:MAX_PARTY_ROWS], set(keys[MAX_PARTY_ROWS:])
    rows = [
        (theme.suffixed(names.get(key, _key(key)), f" ({_key(key)})"), by_source[key])
        for key in shown
    ]
    if rest:
        others = [s for s in analysis.sentences if s.source in rest]
        rows.append((f"{len(rest)} other parties", summarize(others)))
    unattributed = [s for s in analysis.sentences if s.source is None]
    if unattributed:
        rows.append((NO_SOURCE, summarize(unattributed)))
    return rows


def index_rows(analysis: DocumentAnalysis) -> list[charts.IndexRow]:
    """The document's convergence index, then the most prominent source parties'."""
    summary = analysis.summary
    rows = [
        charts.IndexRow(
            "whole document",
            summary["convergence_index"],
            tuple(summary["interval"]),
            summary["sentences"],
        )
    ]
    names = party_names(analysis)
    for key in [k for k in source_order(analysis) if k in summary["by_source"]][:MAX_INDEX_ROWS]:
        part = summary["by_source"][key]
        rows.append(
            charts.IndexRow(
                theme.suffixed(
                    names.get(key, _key(key)),
                    " as source",
                    theme.MAX_LABEL - len(f" ({part['sentences']})"),  # the chart appends it
                ),
                part["convergence_index"],
                tuple(part["interval"]),
                part["sentences"],
            )
        )
    return rows


def _draw_headline(analysis: DocumentAnalysis, ax: Axes) -> Axes:
    return charts.convergence_headline(index_rows(analysis), ax)


def _draw_along(analysis: DocumentAnalysis, ax: Axes) -> Axes:
    colors = theme.party_colors(source_order(analysis))
    return charts.stance_along_document(analysis.sentences, ax, colors, party_names(analysis))


def _draw_by_party(analysis: DocumentAnalysis, ax: Axes) -> Axes:
    return charts.stance_by_party(party_rows(analysis), ax)


def _draw_drivers(analysis: DocumentAnalysis, ax: Axes) -> Axes:
    return charts.cue_drivers(charts.cue_totals(analysis.sentences), ax)


def _draw_agreement(analysis: DocumentAnalysis, ax: Axes) -> Axes:
    return charts.scorer_agreement(analysis.sentences, ax)


@dataclass(frozen=True)
class ChartSpec:
    """A chart of the report: its file name, what it shows (alt text), how to draw it, size."""

    slug: str
    caption: str
    draw: Callable[[DocumentAnalysis, Axes], Axes]
    size: Callable[[DocumentAnalysis], tuple[float, float]]


CHARTS = (
    ChartSpec(
        "convergence-index",
        "The document's convergence index with its 95% credible interval, and each source party's.",
        _draw_headline,
        lambda a: (WIDTH, 1.5 + 0.42 * len(index_rows(a))),
    ),
    ChartSpec(
        "stance-along-the-document",
        "The stance score of each sentence in reading order: bars up lean toward convergence, "
        "bars down toward divergence; colour shows the source party, hatching a mutual "
        "statement.",
        _draw_along,
        lambda a: (WIDTH, 3.6),
    ),
    ChartSpec(
        "stance-by-party",
        "For each source party, how many of its sentences are divergent, neutral and "
        "convergent, with its mean tone.",
        _draw_by_party,
        lambda a: (WIDTH, 1.9 + 0.45 * max(1, len(party_rows(a)))),
    ),
    ChartSpec(
        "what-drove-it",
        "The cue words with the strongest summed effect toward convergence and divergence.",
        _draw_drivers,
        lambda a: (
            WIDTH,
            1.3 + 0.3 * max(2, len(charts.strongest_cues(charts.cue_totals(a.sentences)))),
        ),
    ),
    ChartSpec(
        "scorer-agreement",
        "The tone of each sentence by VADER against TextBlob; dots far from the diagonal are "
        "sentences on which the two tone scorers disagree.",
        _draw_agreement,
        lambda a: (5.6, 5.6),
    ),
)


@dataclass
class RenderedChart:
    """A drawn chart: its files by format, and its size in CSS pixels for the page."""

    slug: str
    caption: str
    width: int
    height: int
    files: dict[str, bytes] = field(default_factory=dict)

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.files["png"]).decode("ascii")


def draw_chart(spec: ChartSpec, analysis: DocumentAnalysis) -> Figure:
    """The figure of one chart, drawn at the PNG's resolution (text layouts are cached per
    renderer and resolution, so the first save reuses them); it is laid out when first saved."""
    with matplotlib.rc_context(theme.RC):
        figure = Figure(figsize=spec.size(analysis), dpi=theme.DPI, layout="constrained")
        spec.draw(analysis, figure.add_subplot())
    return figure


def save_figure(figure: Figure, fmt: str) -> bytes:
    """The figure as PNG, SVG or PDF bytes, without timestamps so equal input gives equal
    files. The first save lays the figure out (constrained layout); the layout is then
    frozen, so that each later save draws the figure once."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(theme.RC):
        figure.savefig(buffer, format=fmt, dpi=theme.DPI, metadata=_METADATA[fmt])
    figure.set_layout_engine(None)  # not "none": with any engine set, every save draws twice
    return buffer.getvalue()


def render_charts(analysis: DocumentAnalysis, formats: Sequence[str]) -> list[RenderedChart]:
    """Every chart of the report in each of ``formats`` (a subset of :data:`CHART_FORMATS`)."""
    rendered = []
    for spec in CHARTS:
        figure = draw_chart(spec, analysis)
        width, height = figure.get_size_inches()
        chart = RenderedChart(
            spec.slug, spec.caption, round(width * theme.CSS_DPI), round(height * theme.CSS_DPI)
        )
        for fmt in formats:
            chart.files[fmt] = save_figure(figure, fmt)
        rendered.append(chart)
    return rendered
