"""One look for every chart: the Okabe-Ito colour-blind-safe palette and matplotlib settings.

Labels always have the same colours (convergence bluish green, divergence vermillion, neutral
grey); parties take the remaining Okabe-Ito colours in a fixed order, so a party keeps its
colour across the charts of a report.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

CONVERGENCE = "#009E73"  # bluish green
DIVERGENCE = "#D55E00"  # vermillion
NEUTRAL = "#B8B8B8"
LABEL_COLORS = {"convergence": CONVERGENCE, "neutral": NEUTRAL, "divergence": DIVERGENCE}

PARTY_PALETTE = ("#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#000000")
"""Okabe-Ito without yellow, too faint on white for thin bars."""
OTHER_PARTIES = "#7A7A7A"
NO_PARTY = "#CFCFCF"
INK = "#222222"
MUTED = "#5A5A5A"

DPI = 144
"""Pixels per inch of the PNGs: 1.5 device pixels per CSS pixel, crisp on high-DPI screens."""
CSS_DPI = 96

RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 10,
    "axes.labelsize": 10,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#888888",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#E6E6E6",
    "grid.linewidth": 0.8,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "text.color": INK,
    "figure.facecolor": "white",
    "figure.constrained_layout.w_pad": 0.12,  # inches of margin around a chart
    "figure.constrained_layout.h_pad": 0.08,
    "savefig.facecolor": "white",
    "hatch.color": "white",
    "hatch.linewidth": 1.2,
    "svg.fonttype": "path",  # exact on any viewer, with or without DejaVu Sans
    "pdf.fonttype": 3,  # Type 42 embedding (font subsetting) makes a PDF four times slower
    "svg.hashsalt": "stance",
}


def party_colors(keys: Iterable[str]) -> dict[str, str]:
    """A colour per party key, in the given order; parties past the palette share grey."""
    return {
        key: PARTY_PALETTE[i] if i < len(PARTY_PALETTE) else OTHER_PARTIES
        for i, key in enumerate(dict.fromkeys(keys))
    }


MAX_LABEL = 40
MAX_KEY = 16
"""A party key longer than this is cut where a label appends it to a name."""


@functools.cache
def _font() -> FT2Font:
    return FT2Font(font_manager.findfont(FontProperties(family=RC["font.family"])))


@functools.cache
def drawable(char: str) -> bool:
    """Whether the theme's font has a glyph for ``char``; matplotlib draws a box and warns
    for each one it lacks (no CJK or emoji font is installed with DejaVu Sans)."""
    return char.isspace() or _font().get_char_index(ord(char)) != 0


def party_label(name: str, key: str) -> str:
    """A party's name for a chart, or its key when the font cannot draw the name."""
    return name if all(drawable(c) for c in name) else key


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def suffixed(text: str, suffix: str, limit: int = MAX_LABEL) -> str:
    """``text`` shortened so that it and ``suffix`` (a key, a count) fit in ``limit``
    characters: the suffix is never the part cut off."""
    return shorten(text, limit - len(suffix)) + suffix


def plain(text: str, limit: int = MAX_LABEL) -> str:
    """Text for a chart label, shown as written (``$`` would otherwise start mathtext), cut
    short so a long name from a document or a config cannot squeeze the chart, and with any
    character the font lacks replaced by "?" rather than drawn as a box."""
    text = "".join(c if drawable(c) else "?" for c in shorten(text, limit))
    return text.replace("$", r"\$")
