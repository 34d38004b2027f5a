"""Scorers behind one interface: list them, pick one by name, compare them.

>>> from stance.scoring import available, get_scorer
>>> sorted(available())
['stance', 'textblob', 'tone', 'vader']
"""

from __future__ import annotations

from .base import Cue, Score, Scorer, SentenceInput
from .lexicon import CueLexicon, CueMatch
from .stance import LexiconStanceScorer
from .tone import CombinedToneScorer, TextBlobScorer, VaderScorer

SCORERS: dict[str, type[Scorer]] = {
    cls.name: cls for cls in (VaderScorer, TextBlobScorer, CombinedToneScorer, LexiconStanceScorer)
}


def available() -> dict[str, str]:
    """Scorer names and what each one measures."""
    return {name: f"{cls.kind}: {cls.description}" for name, cls in SCORERS.items()}


def get_scorer(name: str) -> Scorer:
    """A scorer by name; raises KeyError naming the choices when unknown."""
    try:
        return SCORERS[name]()
    except KeyError:
        raise KeyError(f"unknown scorer {name!r}; choose from {', '.join(SCORERS)}") from None


__all__ = [
    "SCORERS",
    "CombinedToneScorer",
    "Cue",
    "CueLexicon",
    "CueMatch",
    "LexiconStanceScorer",
    "Score",
    "Scorer",
    "SentenceInput",
    "TextBlobScorer",
    "VaderScorer",
    "available",
    "get_scorer",
]
