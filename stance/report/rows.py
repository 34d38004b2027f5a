"""The CSV form of sentence results: ``stance score --format csv`` and ``sentences.csv``."""

from __future__ import annotations

from typing import Any

from ..analysis import SentenceResult

CSV_COLUMNS = (
    "document",
    "index",
    "start",
    "end",
    "label",
    "score",
    "tone",
    "vader",
    "textblob_polarity",
    "textblob_subjectivity",
    "source",
    "target",
    "mutual",
    "via",
    "parties",
    "cues",
    "text",
)


def csv_row(document_id: str, s: SentenceResult) -> list[Any]:
    """The CSV row of one sentence, in :data:`CSV_COLUMNS` order."""
    return [
        document_id,
        s.index,
        s.start,
        s.end,
        s.label,
        f"{s.score:.4f}",
        f"{s.tone:.4f}",
        f"{s.vader:.4f}",
        f"{s.textblob_polarity:.4f}",
        f"{s.textblob_subjectivity:.4f}",
        s.source or "",
        s.target or "",
        str(s.mutual).lower(),
        s.via or "",
        ";".join(s.parties),
        ";".join(f"{c.text}:{c.effect:+.1f}" for c in s.cues),
        s.text,
    ]
