"""The comparison report: charts (matplotlib, Agg), a self-contained HTML page and JSON.

Chart functions take data and an ``ax``, draw, and return the ``ax``. The page is rendered
from a Jinja2 template file with autoescaping: document text, ids and party names are
untrusted and only ever appear as text. The report folder is written to a hidden temporary
folder and renamed into place, so it is either complete or absent.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from jinja2 import Environment, FileSystemLoader, select_autoescape
from matplotlib.axes import Axes

from . import __version__
from .compare import Comparison, Group, Point

TEMPLATES = Path(__file__).with_name("compare_templates")
CONVERGENCE = "#0072B2"
DIVERGENCE = "#D55E00"
NEUTRAL = "#999999"
ACCENT = "#E69F00"
LINE = "#333333"
MAX_TICKS = 14
DPI = 110


def plain(text: str) -> str:
    """Text for a chart label shown as written (a ``$`` would start matplotlib's mathtext)."""
    return text.replace("$", r"\$")


def period_chart(points: Sequence[Point], ax: Axes, measure: str = "index") -> Axes:
    """A measure per period with its 95% band; shifts from the previous period ringed."""
    xs = range(len(points))
    if measure == "index":
        values = [p.index if p.sentences else float("nan") for p in points]
        bands = [p.interval if p.sentences else None for p in points]
        changes = [p.index_change for p in points]
        ax.set_ylim(-1, 1)
        ax.set_ylabel("convergence index")
    else:
        values = [p.mean_tone if p.sentences else float("nan") for p in points]
        bands = [p.tone_interval for p in points]
        changes = [p.tone_change for p in points]
        ax.set_ylabel("mean tone")
    low = [b[0] if b else v for b, v in zip(bands, values, strict=True)]
    high = [b[1] if b else v for b, v in zip(bands, values, strict=True)]
    ax.axhline(0, color=NEUTRAL, linewidth=0.8)
    ax.fill_between(xs, low, high, color=CONVERGENCE, alpha=0.2, linewidth=0, label="95% band")
    ax.plot(xs, values, color=CONVERGENCE, marker="o", markersize=4, label=measure)
    shifted = [i for i, c in enumerate(changes) if c is not None and c.shift]
    if shifted:
        ax.scatter(
            shifted,
            [values[i] for i in shifted],
            s=110,
            facecolors="none",
            edgecolors=ACCENT,
            linewidths=2,
            zorder=3,
            label="shift",
        )
    _period_ticks(ax, [p.period for p in points])
    ax.set_xlabel("period")
    ax.legend(loc="best", fontsize="small", frameon=False)
    return ax


def _period_ticks(ax: Axes, labels: list[str]) -> None:
    step = max(1, -(-len(labels) // MAX_TICKS))
    ticks = list(range(0, len(labels), step))
    ax.set_xticks(ticks, [plain(labels[i]) for i in ticks], rotation=45 if len(labels) > 6 else 0)
    ax.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))


def change_chart(groups: Sequence[Group], ax: Axes, measure: str = "index") -> Axes:
    """The latest change of each group with its interval; shifts in the accent colour."""
    rows = []
    for group in groups:
        change = group.latest.index_change if measure == "index" else group.latest.tone_change
        if change is not None:
            rows.append((group.title, change))
    ys = list(range(len(rows)))
    for y, (_, change) in zip(ys, rows, strict=True):
        colour = ACCENT if change.shift else (NEUTRAL if change.interval is None else LINE)
        ax.barh(y, change.delta, color=colour, height=0.6)
        if change.interval is not None:
            low, high = change.interval
            ax.plot([low, high], [y, y], color=LINE, linewidth=1.5)
    ax.axvline(0, color=NEUTRAL, linewidth=0.8)
    ax.set_yticks(ys, [plain(title) for title, _ in rows])
    ax.invert_yaxis()
    ax.set_xlabel("change (bar) and its 95% interval (line)")
    if not rows:
        ax.text(
            0.5, 0.5, "only one period so far", ha="center", va="center", transform=ax.transAxes
        )
    return ax


def group_figure(group: Group) -> plt.Figure:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6), dpi=DPI)
    title = plain(group.title)
    period_chart(group.points, left, "index").set_title(f"{title}: convergence index")
    period_chart(group.points, right, "tone").set_title(f"{title}: mean tone")
    fig.tight_layout()
    return fig


def overview_figure(comparison: Comparison) -> plt.Figure:
    height = 1.2 + 0.35 * len(comparison.groups)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, height), dpi=DPI)
    change_chart(comparison.groups, left, "index").set_title("Change in the convergence index")
    change_chart(comparison.groups, right, "tone").set_title("Change in mean tone")
    right.set_yticks(right.get_yticks(), [""] * len(right.get_yticks()))
    fig.tight_layout()
    return fig


@contextmanager
def atomic_folder(final: Path) -> Iterator[Path]:
    """Yield a hidden temporary folder; on success it replaces ``final`` in one rename."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".tmp-{final.name}-{os.getpid()}")
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    try:
        yield temp
        if final.exists():
            old = final.with_name(f".old-{final.name}-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
            temp.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            temp.rename(final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the hidden temporary folders a killed run left behind."""
    removed = []
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.is_dir() and entry.name.startswith((".tmp-", ".old-")):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def relative_href(value: str | None) -> str | None:
    """A link only when it is relative (no scheme, no host, no absolute path)."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith(("/", "\\")):
        return None
    return value


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["relative_href"] = relative_href
    return env


def report_key(comparison: Comparison, title: str) -> str:
    """A fingerprint of what a report shows: the same key means the same report."""
    data = json.dumps([__version__, title, comparison.to_dict()], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def is_current(folder: Path, key: str) -> bool:
    """Whether the report in ``folder`` was written from the same data (see report_key)."""
    try:
        data = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return data.get("key") == key and (folder / "index.html").is_file()


def write_comparison_report(comparison: Comparison, folder: Path, title: str) -> Path:
    """Write ``index.html``, ``comparison.json`` and the charts (PNG) to ``folder``."""
    with atomic_folder(folder) as temp:
        images: dict[str, str] = {}
        figures = [("overview", overview_figure(comparison))]
        figures += [(f"group-{i}", group_figure(g)) for i, g in enumerate(comparison.groups)]
        for name, figure in figures:
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png")
            plt.close(figure)
            (temp / f"{name}.png").write_bytes(buffer.getvalue())
            images[name] = base64.b64encode(buffer.getvalue()).decode("ascii")
        data = comparison.to_dict()
        data["title"] = title
        data["key"] = report_key(comparison, title)
        (temp / "comparison.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        page = (
            _environment()
            .get_template("comparison.html")
            .render(title=title, comparison=comparison, images=images)
        )
        (temp / "index.html").write_text(page, encoding="utf-8")
    return folder / "index.html"
