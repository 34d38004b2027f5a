"""Fast whole-word matching of many terms at once.

Party aliases and cue terms number in the thousands. A plain regex alternation of that many
literals is tried branch by branch at every position, which is slow on long documents, so the
terms are folded into a character trie and compiled to one regex that branches on each
character. Matching is case-insensitive; terms that must match with their exact case (``US``
is a country, ``us`` a pronoun) are checked after the match.

Term syntax: words separated by single spaces (any run of white space or hyphens matches),
``'`` matches both straight and curly apostrophes, ``-`` matches a hyphen, a space or nothing,
and a trailing ``*`` on a word matches any further letters (``cooperat*``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

_UNIT = {
    " ": r"[\s\-‐‑–]+",
    "'": "['’]",
    "’": "['’]",
    "-": r"[-‐‑–\s]?",
    "*": r"\w*",
}
_END = ""
_WILDCARD = _UNIT["*"]
_NORMALISE = re.compile(r"[\s'’\-‐‑–.]+")


def normalise(text: str) -> str:
    """The lookup key of a term or of matched text: lower case, no spaces, dots or apostrophes."""
    return _NORMALISE.sub("", text.lower())


def _units(term: str) -> list[str]:
    return [_UNIT.get(ch, re.escape(ch)) for ch in term.lower()]


def _trie_pattern(node: dict) -> str:
    # A wildcard branch goes last so that a longer literal term sharing its stem is tried
    # first ("negotiating table" before "negotiat*"); alternation takes the first that fits.
    units = sorted((unit for unit in node if unit), key=lambda unit: (unit == _WILDCARD, unit))
    branches = [unit + _trie_pattern(node[unit]) for unit in units]
    if not branches:
        return ""
    if len(branches) == 1 and _END not in node:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    return group + "?" if _END in node else group


def trie_pattern(terms: Iterable[str]) -> str:
    """One regex (without boundaries) matching any of ``terms``, longest first at a position."""
    root: dict = {}
    for term in terms:
        node = root
        for unit in _units(term):
            node = node.setdefault(unit, {})
        node[_END] = {}
    return _trie_pattern(root)


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    """One occurrence of a term: the value registered for it and where it stands."""

    value: T
    term: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Entry(Generic[T]):
    term: str
    value: T
    case_sensitive: bool


class TermMatcher(Generic[T]):
    """Finds registered terms in text on word boundaries and returns their values.

    ``plural=True`` also accepts a trailing possessive or plural (``Pakistan's``,
    ``Democrats``), which names and demonyms need and cue terms do not.
    """

    def __init__(self, entries: Iterable[tuple[str, T, bool]], plural: bool = False):
        self._exact: dict[str, list[_Entry[T]]] = {}
        self._wild: dict[str, list[tuple[re.Pattern[str], _Entry[T]]]] = {}
        terms = []
        for term, value, case_sensitive in entries:
            term = " ".join(term.split())
            if not term or not normalise(term.replace("*", "")):
                continue
            entry = _Entry(term, value, case_sensitive)
            terms.append(term)
            if "*" in term:
                stem = normalise(term.split("*", 1)[0])
                if len(stem) < 3:
                    raise ValueError(f"wildcard term {term!r} needs at least 3 letters before '*'")
                body = "".join(_units(term))
                self._wild.setdefault(stem[:3], []).append((re.compile(body, re.IGNORECASE), entry))
            else:
                self._exact.setdefault(normalise(term), []).append(entry)
        self.size = len(terms)
        suffix = r"(?:['’]s|s|es)?" if plural else ""
        pattern = trie_pattern(terms) if terms else r"(?!x)x"
        self._regex = re.compile(rf"(?<!\w)({pattern}){suffix}(?!\w)", re.IGNORECASE)

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Match[T]]:
        """Every match in ``text[start:end]``, left to right, without overlaps."""
        stop = len(text) if end is None else end
        for m in self._regex.finditer(text, start, stop):
            found = self._lookup(m.group(1))
            if found is not None:
                yield Match(found.value, found.term, m.start(), m.end())

    def _lookup(self, matched: str) -> _Entry[T] | None:
        key = normalise(matched)
        for entry in self._exact.get(key, ()):
            if not entry.case_sensitive or _same_case(entry.term, matched):
                return entry
        for pattern, entry in self._wild.get(key[:3], ()):
            if pattern.fullmatch(matched):
                return entry
        return None


def _same_case(term: str, matched: str) -> bool:
    return _NORMALISE.sub("", term) == _NORMALISE.sub("", matched)
