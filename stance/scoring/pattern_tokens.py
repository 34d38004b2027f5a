"""The words TextBlob's pattern sentiment analyser assesses in a text, found about five times
faster than pattern's own tokenizer.

Why: for a string, ``sentiment(text)`` first runs pattern's ``find_tokens`` (about half its
cost) and then assesses the lower-cased words of the result. ``sentiment`` also takes a list
of words, so ``sentiment(pattern_words(text))`` gives the same polarity, subjectivity and
assessments for a fraction of the work.

How pattern splits a text (textblob 0.20.1, the analyser's default arguments): straight and
curly quotes always stand alone and ``n't`` is cut from its verb; within each white-space
separated chunk, the punctuation marks that lead it and those that trail it are split off
one by one, and a trailing period too unless the chunk is an abbreviation (``U.S.``,
``Mr.``, ``e.g.``); marks inside a chunk stay (``3.5``, ``U.S.-led``). One regular
expression cuts the text into runs of plain words and those marks; the final ``split`` and
``lower`` happen in one go over the joined pieces.

The rare inputs this does not follow go to pattern's own tokenizer, so the result is always
exactly the same: two or more periods ending a chunk (``...``), the literal text
``END-OF-SENTENCE`` (pattern's paragraph marker), and anything pattern's ``(!)`` and emoticon
rules could rewrite (such as ``: (`` or ``8 )``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

QUOTES = "“”‘’'\""
CONSONANTS = "bcdfghjklmnpqrstvwxz"


@dataclass(frozen=True)
class _Rules:
    """The compiled expressions, built once from textblob's own punctuation, abbreviation,
    contraction and emoticon tables."""

    pieces: re.Pattern[str]
    trailing_dots: re.Pattern[str]
    rewritten: re.Pattern[str]
    quotes: re.Pattern[str]
    contractions: tuple[tuple[str, str], ...]
    marker: str
    library: Callable[[str], list[str]]


def pattern_words(text: str) -> list[str]:
    """The lower-cased words pattern's analyser assesses for ``text``, in order: equal to
    ``[w.lower() for w in " ".join(find_tokens(text)).split()]`` with its tokenizer."""
    words = fast_words(text)
    return library_words(text) if words is None else words


def fast_words(text: str) -> list[str] | None:
    """The words found without pattern's tokenizer, or None for the rare text left to it."""
    rules = _rules()
    if rules.marker in text:
        return None
    if rules.quotes.search(text):
        for contraction, replacement in rules.contractions:
            text = text.replace(contraction, replacement)
        for quote in QUOTES:
            text = text.replace(quote, f" {quote} ")
    if rules.trailing_dots.search(text):
        return None
    joined = " ".join(rules.pieces.findall(text))
    if rules.rewritten.search(joined):
        return None
    return joined.lower().split()


def library_words(text: str) -> list[str]:
    """The words from pattern's own tokenizer: the reference :func:`pattern_words` equals."""
    return [w.lower() for w in " ".join(_rules().library(text)).split()]


@functools.cache
def _rules() -> _Rules:
    from textblob._text import ABBREVIATIONS, EMOTICONS, EOS, PUNCTUATION, replacements
    from textblob.en import sentiment

    marks = "".join(re.escape(c) for c in sorted(set(PUNCTUATION) - {"."}))
    chunk_end = rf"[{marks}]*+(?:\s|\Z)"
    plain = rf"[^\s.{marks}]++"
    listed = "|".join(re.escape(a) for a in sorted(ABBREVIATIONS) if a.endswith("."))
    abbreviation = (
        rf"(?=[A-Za-z][A-Za-z.|]*\.{chunk_end})"  # cheap guard: letters ending in a period
        rf"(?:{listed}|(?:[A-Za-z]\.)+|[A-Z][{CONSONANTS}|]+\.)(?={chunk_end})"
    )
    pieces = "|".join(
        (
            # plain words (no mark, no period), the last one ending its chunk or followed
            # only by marks to split off
            rf"{plain}(?:\s++{plain})*(?={chunk_end})",
            abbreviation,  # kept whole, with its period
            rf"[{marks}]",  # a mark leading or trailing a chunk
            rf"[^\s{marks}](?:\S*[^\s.{marks}])?",  # a word with marks inside, or a period
        )
    )
    return _Rules(
        pieces=re.compile(pieces),
        trailing_dots=re.compile(rf"\.[{marks}]*\.[.{marks}]*(?:\s|\Z)"),
        rewritten=re.compile(
            _emoticons_or_sarcasm(e for faces in EMOTICONS.values() for e in faces)
        ),
        quotes=re.compile(f"[{QUOTES}]"),
        contractions=tuple(replacements.items()),
        marker=EOS,
        library=sentiment.tokenizer,
    )


def _emoticons_or_sarcasm(emoticons: Iterable[str]) -> str:
    """An expression that finds, in words joined by white space, every place where pattern
    would glue an emoticon (``: (`` into ``:(``, when white space or the end follows) or the
    sarcasm mark ``( ! )``. pattern allows one space between the characters of an emoticon,
    that is a word boundary; here any run of white space is one. Every alternative starts
    with a literal character, so the search skips quickly over text without them."""
    trie: dict = {}
    for face in emoticons:
        node = trie
        for char in face:
            node = node.setdefault(char, {})
        node[""] = {}

    def rest(node: dict) -> str:
        ends = "" in node
        branches = [rf"\s*{re.escape(c)}{rest(child)}" for c, child in node.items() if c]
        if not branches:
            return ""
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if ends else group

    faces = [rf"{re.escape(c)}{rest(child)}(?=\s|\Z)" for c, child in trie.items()]
    return "|".join([*faces, r"\(\s*!\s*\)"])
