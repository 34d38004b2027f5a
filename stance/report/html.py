"""The HTML pages: a document's report and the index of reports, from Jinja2 templates.

Everything from a document (text, title, id, source, party names) is untrusted. It reaches
the page only through Jinja2's autoescaping: highlighted sentences are handed to the template
as plain pieces of text, each escaped on its own, never as prepared markup. Links are only
made to report folders (quoted relative paths) and to ``http(s)`` source URLs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2

from .. import __version__
from ..analysis import DocumentAnalysis, SentenceResult
from ..scoring import Cue
from . import theme
from .figures import RenderedChart, listed_parties, source_order


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("stance", "report/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class Piece:
    """A run of a sentence's text; ``cue`` is set when the run is a cue word."""

    text: str
    cue: Cue | None = None

    @property
    def css(self) -> str:
        if self.cue is None:
            return ""
        return "cue-conv" if self.cue.effect > 0 else "cue-div" if self.cue.effect < 0 else "cue"

    @property
    def note(self) -> str:
        if self.cue is None:
            return ""
        rules = f"; rules: {', '.join(self.cue.modifiers)}" if self.cue.modifiers else ""
        return (
            f"{self.cue.term}: weight {self.cue.weight:+.1f}, effect {self.cue.effect:+.1f} "
            f"({self.cue.category.replace('_', ' ')}{rules})"
        )


def pieces(sentence: SentenceResult) -> list[Piece]:
    """The sentence cut at its cue spans (offsets into its text); overlapping cues are
    shown once, the first one winning."""
    text = sentence.text
    out: list[Piece] = []
    at = 0
    for cue in sorted(sentence.cues, key=lambda c: (c.start, -c.end)):
        start, end = max(cue.start, at), min(cue.end, len(text))
        if start >= end or cue.start < at:
            continue
        if start > at:
            out.append(Piece(text[at:start]))
        out.append(Piece(text[start:end], cue))
        at = end
    if at < len(text):
        out.append(Piece(text[at:]))
    return out


def safe_url(url: Any) -> str | None:
    """The URL when it is a plain web address, else None (shown as text, not linked)."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def lean(summary: dict[str, Any]) -> str:
    """A plain-words reading of the index, from its interval: which side it excludes."""
    low, high = summary["interval"]
    if summary["counts"]["convergence"] + summary["counts"]["divergence"] == 0:
        return "no sentence leans either way"
    if low > 0:
        return "convergence outweighs divergence"
    if high < 0:
        return "divergence outweighs convergence"
    return "no clear lean either way"


def who(analysis: DocumentAnalysis, sentence: SentenceResult) -> dict[str, Any] | None:
    if sentence.source is None and sentence.target is None:
        return None
    return {
        "source": sentence.source or "?",
        "target": sentence.target or "?",
        "arrow": "↔" if sentence.mutual else "→",
        "title": (
            f"{analysis.party_name(sentence.source) or 'unknown'} "
            f"{'and' if sentence.mutual else 'toward'} "
            f"{analysis.party_name(sentence.target) or 'unknown'}"
            f" (rule: {sentence.via})"
        ),
    }


def document_page(
    analysis: DocumentAnalysis, charts: Sequence[RenderedChart], files: Sequence[str]
) -> str:
    """A document's report page; ``files`` are the other files of its folder, to link."""
    meta = analysis.metadata
    sentences = [{"s": s, "pieces": pieces(s), "who": who(analysis, s)} for s in analysis.sentences]
    return (
        environment()
        .get_template("document.html")
        .render(
            title=meta.get("title") or analysis.document.id,
            meta=meta,
            url=safe_url(meta.get("url")),
            analysis=analysis,
            summary=analysis.summary,
            lean=lean(analysis.summary),
            parties=listed_parties(analysis),
            attributed=any(s.source or s.target for s in analysis.sentences),
            colors=theme.party_colors(source_order(analysis)),
            charts=charts,
            sentences=sentences,
            files=[{"name": name, "href": quote(name)} for name in files],
            version=__version__,
        )
    )


def index_page(entries: Sequence[dict[str, Any]]) -> str:
    """The index of every report folder, each entry as written by the report writer."""
    rows = []
    for entry in entries:
        folder = quote(entry["folder"]) + "/"
        href = folder + ("index.html" if "index.html" in entry["files"] else "")
        low, high = entry["interval"]
        rows.append({**entry, "href": href, "low": low, "high": high})
    return environment().get_template("index.html").render(entries=rows, version=__version__)
