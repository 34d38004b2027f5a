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

import functools
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
_IGNORECASE_FOLDS = str.maketrans({"İ": "I", "ı": "i", "ſ": "s"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORD = re.compile(r"\w")
_SPACE = re.compile(r"\s")
# str.lower() maps a capital sigma by its context (final sigma); regular expressions do not.
_CONTEXT_LOWERED = "\u03a3"


def normalise(text: str) -> str:
    """The lookup key of a term or of matched text: lower case, no spaces, dots or apostrophes."""
    return _NORMALISE.sub("", _folded(text).lower())


def _folded(text: str) -> str:
    """``text`` with the letters that ``re.IGNORECASE`` matches to an ASCII letter but whose
    lower case is another ("İ", which lowers to "i" and a combining dot; "ı"; "ſ") written as
    that letter: "TÜRKİYE" then finds "Türkiye", and an alias "İstanbul" its own spelling."""
    return text if text.isascii() else text.translate(_IGNORECASE_FOLDS)


def spelling(text: str) -> str:
    """A term as a case-sensitive entry matches it: its case kept, no spaces, dots or
    apostrophes ("U.S." and "US" match the same text)."""
    return _NORMALISE.sub("", text)


def _units(term: str) -> list[str]:
    return [_UNIT.get(ch, re.escape(ch)) for ch in _folded(term).lower()]


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
        self._source = rf"(?<!\w)({pattern}){suffix}(?!\w)"
        # The pattern is in lower case. Matching it case-sensitively against the lower-cased
        # text finds the same spans as ignoring case, twice as fast (the regex engine can skip
        # branches on a plain character compare), for every text whose characters lower-case
        # the way the regex engine folds them: checked per character, once.
        self._literals = frozenset(self._source)
        self._lowered = re.compile(self._source)
        self._ascii_folds = all(map(_ascii_folds_alike, self._literals))
        self._folds: dict[str, bool] = {}

    @functools.cached_property
    def _ignoring_case(self) -> re.Pattern[str]:
        """The same pattern matched with ``re.IGNORECASE``: for texts lowering cannot serve."""
        return re.compile(self._source, re.IGNORECASE)

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Match[T]]:
        """Every match in ``text[start:end]``, left to right, without overlaps."""
        stop = len(text) if end is None else end
        if self._lowers_alike(text):
            matches = self._lowered.finditer(text.lower(), start, stop)
        else:
            matches = self._ignoring_case.finditer(text, start, stop)
        for m in matches:
            found = self._lookup(text[m.start(1) : m.end(1)])
            if found is not None:
                yield Match(found.value, found.term, m.start(), m.end())

    def _lowers_alike(self, text: str) -> bool:
        """Whether ``text.lower()`` matched with case meets what ``text`` ignoring case would."""
        if not self._ascii_folds:
            return False
        if text.isascii():
            return True
        folds = self._folds
        for char in set(_NON_ASCII.findall(text)):
            alike = folds.get(char)
            if alike is None:
                alike = folds[char] = _folds_alike(char, self._literals)
            if not alike:
                return False
        return True

    def _lookup(self, matched: str) -> _Entry[T] | None:
        key = normalise(matched)
        for entry in self._exact.get(key, ()):
            if not entry.case_sensitive or _same_case(entry.term, matched):
                return entry
        for pattern, entry in self._wild.get(key[:3], ()):
            if pattern.fullmatch(matched):
                return entry
        return None


def _folds_alike(char: str, literals: Iterable[str]) -> bool:
    """Whether, against each of ``literals``, ``re.IGNORECASE`` matches ``char`` exactly when
    ``char.lower()`` equals it, and lowering keeps ``char`` a word or space character or not.

    True for ASCII and nearly every other character; false for the few that regular
    expressions fold specially ('İ', 'ı', 'ſ', Greek and old Cyrillic letter variants).
    """
    low = char.lower()
    if char in _CONTEXT_LOWERED or len(low) != 1:
        return False
    if bool(_WORD.match(char)) != bool(_WORD.match(low)):
        return False
    if bool(_SPACE.match(char)) != bool(_SPACE.match(low)):
        return False
    return all(_folds_to(char, literal) == (low == literal) for literal in literals)


@functools.lru_cache(maxsize=65536)
def _folds_to(char: str, literal: str) -> bool:
    return re.fullmatch(re.escape(literal), char, re.IGNORECASE) is not None


@functools.cache
def _ascii_folds_alike(literal: str) -> bool:
    """Whether every ASCII character folds onto ``literal`` exactly as its lower case does."""
    return all(_folds_alike(chr(code), (literal,)) for code in range(128))


def _same_case(term: str, matched: str) -> bool:
    return _NORMALISE.sub("", term) == _NORMALISE.sub("", matched)
