"""Sentence segmentation with character offsets, no model downloads.

Candidates are terminators (``. ! ? …``, with closing quotes or brackets) followed by white
space, blank lines, and single line breaks. A few named rules decide which candidates end a
sentence:

* ``abbreviation``: titles (``Mr.``, ``Amb.``) never end one; ``No. 10``, ``Jan. 14``,
  ``Art. 51`` do not when a number follows; dotted acronyms (``U.S.``) and ``etc.`` end one
  only when a typical sentence opener follows (``The``, ``He``, ``In``...);
* ``initial``: a single capital letter before the period is an initial (``Donald J. Trump``);
* ``list number``: a number of up to three digits opening a line numbers an item or paragraph
  (``1. Pakistan welcomes ...``); in a spaced ellipsis (``. . .``) only the last dot can end;
* ``lower-case continuation``: nothing ends before a word in lower case (``etc. he asserted``);
* ``paragraph``: a blank line (or U+2029, the paragraph separator) always ends a sentence; a
  single line break ends one after a short line (a heading or list item) or before a bullet.

Line breaks are LF, CRLF, a lone CR (old Mac files), U+0085 or U+2028: the rules run on a view of
the text of the same length where each of these is ``\n``, so offsets index the text itself.

Decimals (``3.5``) and in-word dots (``U.S.-led``) are never candidates because no white space
follows them. A sentence longer than ``max_chars`` (default 1,000) is cut at the last ``;``,
``,`` or space before the limit (or hard at the limit), so pathological input, such as 200,000
characters without punctuation, stays fast and every piece stays bounded.
"""

from __future__ import annotations

import re

MAX_SENTENCE_CHARS = 1000
SHORT_LINE = 60

_CANDIDATE = re.compile(
    r"(?P<term>[.!?…]+[\"'’”»)\]]*)(?=\s|\Z)|(?P<para>\n[^\S\n]*\n|\u2029)|(?P<nl>\n)"
)
_LONE_CR = re.compile(r"\r(?!\n)")
_LINE_BREAKS = str.maketrans("\x85\u2028", "\n\n")
_PREV_WORD = re.compile(r"[(\[\"'‘“]*([\w.&'’-]+?)[.!?…]*[\"'’”»)\]]*\Z")
_NEXT_WORD = re.compile(r"\s*[\"'‘“«(\[]*(\S?)(\w*)")
_BULLET = re.compile(r"[^\S\n]*(?:[-*•–·▪]|\d{1,3}[.)]|\(?[a-z]\))\s")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")

TITLES = frozenset(
    "mr mrs ms messrs dr prof gen col lt sgt capt cmdr adm maj brig sen rep gov pres amb hon "
    "rev fr st mt ft supt insp det cpl pvt h.e dipl".split()
)
NUMBERED = frozenset("no nos art arts fig figs vol vols p pp para paras sec ch op cf".split())
MONTHS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
GENERAL = frozenset(
    "etc vs inc ltd co corp bros approx dept est govt jr sr esq al i.e e.g ie eg viz".split()
)
OPENERS = frozenset(
    "the a an he she it we they i in on at but and this that these those there his her its our "
    "their however meanwhile yet after before when while if as for so since although both".split()
)


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text``, in order, white space trimmed."""
    text = _line_view(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        kind = m.lastgroup
        if kind == "term":
            if not _ends_sentence(text, m.start(), m.end()):
                continue
            cut = m.end()
        elif kind == "para" or _line_break_ends(text, start, m.start()):
            cut = m.start()
        else:
            continue
        _add(spans, text, start, cut, max_chars)
        start = m.end() if kind != "term" else cut
    _add(spans, text, start, len(text), max_chars)
    return spans


def _line_view(text: str) -> str:
    """``text`` with every kind of line break as ``\\n`` (CRLF left as it is), same length."""
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)
    if "\x85" in text or "\u2028" in text:
        text = text.translate(_LINE_BREAKS)
    return text


def _ends_sentence(text: str, term_start: int, term_end: int) -> bool:
    nxt = _NEXT_WORD.match(text, term_end)
    first = nxt.group(1) if nxt else ""
    if not first:
        return True
    if first.islower():
        return False
    if first in ".…":  # within a spaced ellipsis (". . ."): only its last dot can end one
        return False
    terminator = text[term_start:term_end]
    if not terminator.startswith(".") or terminator.startswith(".."):
        return True
    # No match spans white space: searching from after the last space or line break finds the
    # same word and tries far fewer starting positions.
    lo = max(0, term_start - 40)
    lo = max(lo, text.rfind(" ", lo, term_start) + 1, text.rfind("\n", lo, term_start) + 1)
    prev = _PREV_WORD.search(text, lo, term_start + 1)
    word = prev.group(1) if prev else ""
    lower = word.lower().rstrip(".")
    if lower in TITLES:
        return False
    if prev and _is_list_number(text, word, prev.start(1)):
        return False
    follows_number = first.isdigit()
    if lower in NUMBERED or lower in MONTHS:
        return not follows_number
    if len(word) == 1 and word.isupper():
        return False
    if lower in GENERAL or _DOTTED.fullmatch(word.rstrip(".")):
        whole = (first + nxt.group(2)).lower() if nxt else ""
        return whole in OPENERS
    return True


def _is_list_number(text: str, word: str, start: int) -> bool:
    """Whether ``word`` (before a period) numbers a list item or paragraph: up to three digits
    opening a line ("1. Pakistan welcomes the talks.", "12. Decides to ...")."""
    if not (word.isdigit() and len(word) <= 3):
        return False
    return not text[text.rfind("\n", 0, start) + 1 : start].strip()


def _line_break_ends(text: str, sentence_start: int, newline: int) -> bool:
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[max(line_start, sentence_start) : newline].strip()
    if not line:
        return False
    if _BULLET.match(text, newline + 1):
        return True
    if len(line) >= SHORT_LINE or line.endswith((",", ";", "-", "–", "—")):
        return False
    nxt = _NEXT_WORD.match(text, newline + 1)
    return bool(nxt and nxt.group(1) and not nxt.group(1).islower())


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int, max_chars: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > max_chars:
        cut = _cut_point(text, start, start + max_chars)
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to cut an over-long sentence: after the last ``;``, ``,`` or space before limit."""
    floor = start + (limit - start) // 2
    for mark in (";", ",", " "):
        at = text.rfind(mark, floor, limit)
        if at != -1:
            cut = at + 1
            while cut > start + 1 and text[cut - 1].isspace():
                cut -= 1
            return cut
    return limit
