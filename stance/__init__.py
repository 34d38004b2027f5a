"""stance: tone and convergence/divergence stance of diplomatic and political text.

>>> import stance
>>> r = stance.score_sentence("Pakistan and the US agreed to expand trade.",
...                           parties={"PAK": ["Pakistan"], "USA": ["US", "United States"]})
>>> r.label, r.source, r.target, r.mutual
('convergence', 'PAK', 'USA', True)
"""

from __future__ import annotations

__version__ = "0.1.0"

import functools
import os
from typing import Any

from .analysis import (
    Analyzer,
    DocumentAnalysis,
    PartiesLike,
    PartyInfo,
    SentenceResult,
    as_party_set,
)
from .documents import Document, iter_documents, load_document, load_documents
from .errors import InputError, StanceError
from .parties import Party, PartySet
from .scoring import CueLexicon, available, get_scorer


@functools.lru_cache(maxsize=64)
def _analyzer(parties: PartySet | None, lexicon: Any, speaker: str | None) -> Analyzer:
    return Analyzer(parties, lexicon, speaker)


def _lexicon_key(lexicon: Any) -> Any:
    return os.fspath(lexicon) if isinstance(lexicon, os.PathLike) else lexicon


def score_sentence(
    text: str,
    parties: PartiesLike = None,
    speaker: str | None = None,
    lexicon: CueLexicon | str | os.PathLike[str] | None = None,
) -> SentenceResult:
    """Tone, stance and attribution of one sentence (the text is not split).

    ``parties``: ``{"PAK": ["Pakistan", "Islamabad"], ...}``, a TOML path, a
    :class:`PartySet`, or None for the built-in country gazetteer.
    """
    analyzer = _analyzer(as_party_set(parties), _lexicon_key(lexicon), None)
    return analyzer.score_sentence(text, speaker=speaker)


def analyze(
    text_or_path_or_document: str | os.PathLike[str] | Document,
    parties: PartiesLike = None,
    speaker: str | None = None,
    date: Any = None,
    lexicon: CueLexicon | str | os.PathLike[str] | None = None,
) -> DocumentAnalysis:
    """Analyse a document: every sentence scored and attributed, plus a summary."""
    analyzer = _analyzer(as_party_set(parties), _lexicon_key(lexicon), None)
    return analyzer.analyze(text_or_path_or_document, speaker=speaker, date=date)


__all__ = [
    "Analyzer",
    "CueLexicon",
    "Document",
    "DocumentAnalysis",
    "InputError",
    "Party",
    "PartyInfo",
    "PartySet",
    "SentenceResult",
    "StanceError",
    "__version__",
    "analyze",
    "available",
    "get_scorer",
    "iter_documents",
    "load_document",
    "load_documents",
    "score_sentence",
]
