"""The comparison report: charts, a self-contained HTML page and JSON, in the reports' look.

Chart functions take data and an ``ax``, draw, and return the ``ax``; figures, the theme, the
page frame and the atomic folder writes are those of :mod:`stance.report`, so a comparison
looks like the documents' reports and is, like them, complete or absent. Everything from
documents (ids, titles, sentences, party names, period values) reaches the page only through
the templates' autoescaping, and links are only ever relative paths.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import __version__
from .compare import MIN_SENTENCES, Comparison, Group, Point
from .report import theme
from .report.charts import legend_below, message
from .report.figures import save_figure
from .report.html import environment
from .report.theme import CONVERGENCE, DIVERGENCE, INK, MAX_LABEL, MUTED, plain
from .report.writer import install_folder

SHIFT = theme.PARTY_PALETTE[1]  # orange: rings around the periods that shifted
BAND = "#9DB8CC"
MAX_TICKS = 14
MAX_TICK = 12
WIDTH = 8.0
DATA_FILE = "comparison.json"
PAGE_FILE = "index.html"


def period_chart(points: Sequence[Point], ax: Axes, measure: str = "index") -> Axes:
    """A measure per period with its 95% band; periods that shifted from the previous one
    ringed. The background is green where the measure leans positive, vermillion below 0."""
    xs = range(len(points))
    if measure == "index":
        values = [p.index if p.index is not None else float("nan") for p in points]
        bands = [p.interval for p in points]
        changes = [p.index_change for p in points]
        ax.set_ylim(-1, 1)
        ax.set_ylabel("convergence index")
    else:
        values = [p.mean_tone if p.mean_tone is not None else float("nan") for p in points]
        bands = [p.tone_interval for p in points]
        changes = [p.tone_change for p in points]
        ax.set_ylabel("mean tone")
    low = [b[0] if b else v for b, v in zip(bands, values, strict=True)]
    high = [b[1] if b else v for b, v in zip(bands, values, strict=True)]
    ax.axhspan(0, 1, color=CONVERGENCE, alpha=0.05, linewidth=0)
    ax.axhspan(-1, 0, color=DIVERGENCE, alpha=0.05, linewidth=0)
    ax.axhline(0, color=MUTED, linewidth=0.8)
    ax.fill_between(xs, low, high, color=BAND, alpha=0.5, linewidth=0, label="95% interval")
    ax.plot(xs, values, color=INK, marker="o", markersize=3.5, linewidth=1.4, label=measure)
    shifted = [i for i, c in enumerate(changes) if c is not None and c.shift]
    if shifted:
        ax.scatter(
            shifted,
            [values[i] for i in shifted],
            s=90,
            facecolors="none",
            edgecolors=SHIFT,
            linewidths=2,
            zorder=3,
            label="shift from the previous period",
        )
    if measure != "index":
        finite = [v for v in low + high if v == v]
        span = max([0.1, *(abs(v) for v in finite)]) * 1.15
        ax.set_ylim(-span, span)
    _period_ticks(ax, [p.period for p in points])
    ax.set_xlabel("period")
    legend_below(ax, ncol=3)
    return ax


def _period_ticks(ax: Axes, labels: list[str]) -> None:
    step = max(1, -(-len(labels) // MAX_TICKS))
    ticks = list(range(0, len(labels), step))
    ax.set_xticks(
        ticks, [plain(labels[i], MAX_TICK) for i in ticks], rotation=45 if len(labels) > 6 else 0
    )
    ax.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))


def change_chart(groups: Sequence[Group], ax: Axes, measure: str = "index") -> Axes:
    """The latest change of each group, with its 95% interval. Green bars go up, vermillion
    down; solid bars are shifts, pale ones are within the interval or not tested."""
    rows = []
    for group in groups:
        change = group.latest.index_change if measure == "index" else group.latest.tone_change
        if change is not None:
            rows.append((group.title, change))
    if not rows:
        return message(ax, "Nothing to compare yet: the latest period has no predecessor.")
    ys = list(range(len(rows)))
    for y, (_, change) in zip(ys, rows, strict=True):
        colour = CONVERGENCE if change.delta > 0 else DIVERGENCE
        ax.barh(y, change.delta, color=colour, alpha=1.0 if change.shift else 0.3, height=0.6)
        if change.interval is not None:
            ax.plot(change.interval, [y, y], color=INK, linewidth=1.3)
    ax.axvline(0, color=MUTED, linewidth=0.8)
    ax.set_yticks(ys, [plain(title) for title, _ in rows])
    ax.invert_yaxis()
    name = "convergence index" if measure == "index" else "mean tone"
    ax.set_xlabel(f"change in {name} (bar) and its 95% interval (line)")
    return ax


def _png(figure: Figure) -> bytes:
    return save_figure(figure, "png")


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=theme.DPI, layout="constrained")


def group_charts(group: Group) -> tuple[bytes, bytes]:
    """The index and tone charts of one group, as PNG."""
    title = plain(group.title, 2 * MAX_LABEL)
    files = []
    for measure, name in (("index", "convergence index"), ("tone", "mean tone")):
        with matplotlib.rc_context(theme.RC):
            figure = _figure(WIDTH, 3.2)
            ax = period_chart(group.points, figure.add_subplot(), measure)
            ax.set_title(f"{title}: {name} by period")
        files.append(_png(figure))
    return files[0], files[1]


def overview_chart(comparison: Comparison, measure: str) -> bytes:
    """The latest change of every group, as PNG."""
    with matplotlib.rc_context(theme.RC):
        figure = _figure(WIDTH, 1.4 + 0.38 * len(comparison.groups))
        ax = change_chart(comparison.groups, figure.add_subplot(), measure)
        what = "convergence index" if measure == "index" else "mean tone"
        ax.set_title(f"Change in {what}, {comparison.latest} against {comparison.previous}")
    return _png(figure)


def relative_href(value: str | None) -> str | None:
    """A link only when it is relative (no scheme, no host, no absolute path)."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith(("/", "\\")):
        return None
    return value


def report_key(comparison: Comparison, title: str) -> str:
    """A fingerprint of what a report shows: the same key means the same report."""
    data = json.dumps([__version__, title, comparison.to_dict()], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def is_current(folder: Path, key: str) -> bool:
    """Whether the report in ``folder`` was written from the same data (see report_key)."""
    try:
        data = json.loads((folder / DATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return data.get("key") == key and (folder / PAGE_FILE).is_file()


def report_files(comparison: Comparison, title: str, index: str | None = None) -> dict[str, bytes]:
    """Every file of the report: the page, the JSON and the charts. ``index`` is a relative
    link to the documents' index page, when there is one."""
    files: dict[str, bytes] = {}
    images: dict[str, str] = {}
    if comparison.previous:
        for measure in ("index", "tone"):
            files[f"change-{measure}.png"] = overview_chart(comparison, measure)
    for number, group in enumerate(comparison.groups):
        for measure, data in zip(("index", "tone"), group_charts(group), strict=True):
            files[f"group-{number}-{measure}.png"] = data
    for name, data in files.items():
        images[name] = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    record = comparison.to_dict()
    record["title"] = title
    record["key"] = report_key(comparison, title)
    files[DATA_FILE] = (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    page = (
        environment()
        .get_template("comparison.html")
        .render(
            title=title,
            comparison=comparison,
            images=images,
            relative_href=relative_href,
            index=relative_href(index),
            min_sentences=MIN_SENTENCES,
            version=__version__,
        )
    )
    files[PAGE_FILE] = page.encode("utf-8")
    return files


def write_comparison_report(
    comparison: Comparison, folder: Path, title: str, index: str | None = None
) -> Path:
    """Write the report into ``folder``, replacing an older one whole; returns the page."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    install_folder(folder.parent, folder.name, report_files(comparison, title, index))
    return folder / PAGE_FILE
