"""The cue lexicon (a data file of terms, weights and categories) and its modifier rules.

Weights follow a Goldstein-like scale: -10 (most conflictual) to +10 (most cooperative),
anchored on the CAMEO event categories. Named rules from ``data/rules.toml`` change a cue's
effect: ``remedy`` ("address the divergences"), ``negation`` ("no agreement"), ``reversal``
("rejected the offer") and ``hedge`` ("any partnership requires"); the stance scorer adds
``shared`` ("both condemned the attack"). Users extend or override the lexicon with their own
TSV or TOML file.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import itertools
import os
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError, parse_toml, read_user_file
from ..textmatch import TermMatcher, normalise
from .base import Cue

DEFAULT_CATEGORY = "custom"
_WORDS = re.compile(r"\w+")
_CLAUSE = re.compile(r"[,;:—–]|(?<!\w)but(?!\w)", re.IGNORECASE)
_SHORT_GAP = 200  # characters: a gap this short is counted whole, in one call


@dataclass(frozen=True, slots=True)
class CueMatch:
    """A lexicon term found in a text, before any rule is applied."""

    term: str
    weight: float
    category: str
    start: int
    end: int


@dataclass(frozen=True)
class Rule:
    """A named modifier: its trigger words, how far back they reach, and what they do."""

    name: str
    words: tuple[str, ...]
    window: int
    factor: float
    exceptions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


class CueLexicon:
    """Terms with weights and categories, plus the modifier rules applied to them."""

    def __init__(
        self, entries: dict[str, tuple[float, str]], rules: tuple[Rule, ...], origin: str = ""
    ):
        self.entries = entries
        self.rules = {rule.name: rule for rule in rules}
        self.origin = origin
        self._matcher = TermMatcher(((term, term, False) for term in entries), plural=False)
        modifier_entries = [
            (word, (rule.name if word not in rule.exceptions else ""), False)
            for rule in rules
            for word in (*rule.words, *rule.exceptions)
        ]
        self._modifiers = TermMatcher(modifier_entries, plural=False)

    def __len__(self) -> int:
        return len(self.entries)

    @functools.cached_property
    def fingerprint(self) -> str:
        """A short hash of the entries and rules: changes whenever the lexicon does."""
        digest = hashlib.sha256()
        for term in sorted(self.entries):
            weight, category = self.entries[term]
            digest.update(f"{term}\t{weight}\t{category}\n".encode())
        for rule in self.rules.values():
            digest.update(repr(rule).encode())
        return digest.hexdigest()[:12]

    def find(self, text: str) -> list[CueMatch]:
        """The lexicon terms in ``text``, left to right, longest first at each position."""
        found = []
        for m in self._matcher.finditer(text):
            weight, category = self.entries[m.value]
            found.append(CueMatch(m.value, weight, category, m.start, m.end))
        return found

    def explain(self, text: str, matches: list[CueMatch]) -> tuple[Cue, ...]:
        """Cues with the remedy, negation, reversal and hedge rules applied, each change named.

        A remedy ("address the divergences") turns a negative cue into a weak positive one,
        unless the remedy itself is negated ("failed to resolve their differences"); otherwise
        negation flips and shrinks the cue, and a reversal ("rejected the offer") flips a
        positive one. Hedges then scale what is left.
        """
        if not matches:
            return ()
        triggers = [m for m in self._modifiers.finditer(text) if m.value]
        cues = []
        for match in matches:
            effect, notes = self._apply_rules(text, triggers, match)
            cues.append(
                Cue(
                    match.term,
                    text[match.start : match.end],
                    match.start,
                    match.end,
                    match.weight,
                    match.category,
                    round(effect, 4),
                    tuple(notes),
                )
            )
        return tuple(cues)

    def _apply_rules(self, text: str, triggers: list, match: CueMatch) -> tuple[float, list[str]]:
        effect = match.weight
        notes: list[str] = []
        negation = self.rules.get("negation")
        remedy = self.rules.get("remedy")
        fix = remedy and match.weight < 0 and self._trigger(text, triggers, remedy, match.start)
        if fix and remedy:
            undone = negation and self._trigger(text, triggers, negation, fix.start)
            if undone:
                notes.append(f"remedy {_quote(text, fix)} negated by {_quote(text, undone)}")
            else:
                effect = remedy.factor * match.weight
                notes.append(f"remedy: {_quote(text, fix)}")
        elif negation and (negated := self._trigger(text, triggers, negation, match.start)):
            effect *= negation.factor
            notes.append(f"negation: {_quote(text, negated)}")
        elif (
            (reversal := self.rules.get("reversal"))
            and match.weight > 0
            and (undone := self._trigger(text, triggers, reversal, match.start))
        ):
            effect *= reversal.factor
            notes.append(f"reversal: {_quote(text, undone)}")
        hedge = self.rules.get("hedge")
        if hedge and (hedged := self._trigger(text, triggers, hedge, match.start)):
            effect *= hedge.factor
            notes.append(f"hedge: {_quote(text, hedged)}")
        return effect, notes

    @staticmethod
    def _trigger(text: str, triggers: list, rule: Rule, position: int):
        """The nearest trigger of ``rule`` before ``position``, within its window and clause."""
        best = None
        for trigger in triggers:
            if trigger.start >= position:
                break
            if trigger.value != rule.name or trigger.end > position:
                continue
            if _words_between(text, trigger.end, position, rule.window) <= rule.window and not (
                _CLAUSE.search(text, trigger.end, position)
            ):
                best = trigger
        return best

    # construction ------------------------------------------------------------------------

    @classmethod
    def builtin(cls) -> CueLexicon:
        """The lexicon shipped with stance (``data/cues.tsv`` and ``data/rules.toml``)."""
        return _builtin()

    def extended(self, path: str | os.PathLike[str]) -> CueLexicon:
        """This lexicon with a user's file applied: new terms added, same terms overridden,
        terms listed under ``remove`` dropped."""
        additions, removals = read_lexicon_file(path)
        entries = {k: v for k, v in self.entries.items() if k not in removals}
        entries.update(additions)
        return CueLexicon(entries, tuple(self.rules.values()), origin=str(path))


def _words_between(text: str, start: int, end: int, window: int) -> int:
    """The words from ``start`` to ``end``, counted no further than ``window + 1`` when the gap
    is long: a long text has long gaps between distant triggers and cues, and counting them
    whole made scoring one cubic in its length."""
    if end - start <= _SHORT_GAP:
        return len(_WORDS.findall(text, start, end))
    return sum(1 for _ in itertools.islice(_WORDS.finditer(text, start, end), window + 1))


def _quote(text: str, match) -> str:
    return repr(text[match.start : match.end])


@functools.cache
def _builtin() -> CueLexicon:
    data = resources.files("stance").joinpath("data")
    entries = _parse_tsv(data.joinpath("cues.tsv").read_text(encoding="utf-8"), "cues.tsv")
    rules_data = tomllib.loads(data.joinpath("rules.toml").read_text(encoding="utf-8"))
    rules = tuple(
        Rule(
            name,
            tuple(spec["words"]),
            int(spec["window"]),
            float(spec["factor"]),
            tuple(spec.get("exceptions", ())),
            tuple(spec.get("categories", ())),
        )
        for name, spec in rules_data.items()
    )
    return CueLexicon(entries, rules, origin="built-in")


def read_lexicon_file(
    path: str | os.PathLike[str],
) -> tuple[dict[str, tuple[float, str]], set[str]]:
    """Terms from a user lexicon (TSV: ``term, weight[, category]``; or TOML) and removals."""
    name = str(path)
    text = read_user_file(path, "lexicon file")
    if Path(path).suffix.lower() == ".toml":
        return _parse_toml(text, name)
    return _parse_tsv(text, name), set()


def _parse_tsv(text: str, name: str) -> dict[str, tuple[float, str]]:
    entries: dict[str, tuple[float, str]] = {}
    lines = text.splitlines()
    for number, row in enumerate(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
        if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        if row[0].strip().lower() == "term" and number == _first_data_line(lines):
            continue
        if len(row) < 2:
            raise InputError(name, "expected 'term<TAB>weight[<TAB>category]'", number)
        category = row[2].strip() if len(row) > 2 and row[2].strip() else DEFAULT_CATEGORY
        entries[_check_term(row[0], name, number)] = (
            _check_weight(row[1], name, number),
            category,
        )
    return entries


def _first_data_line(lines: list[str]) -> int:
    for number, line in enumerate(lines, 1):
        if line.strip() and not line.lstrip().startswith("#"):
            return number
    return 0


def _parse_toml(text: str, name: str) -> tuple[dict[str, tuple[float, str]], set[str]]:
    data = parse_toml(text, name)
    entries: dict[str, tuple[float, str]] = {}
    tables = data.get("cue", [])
    if not isinstance(tables, list):
        raise InputError(name, "'cue' must be an array of tables: [[cue]] term = ..., weight = ...")
    for index, table in enumerate(tables, 1):
        if not isinstance(table, dict) or "term" not in table or "weight" not in table:
            raise InputError(name, f"[[cue]] number {index} needs 'term' and 'weight'")
        term = _check_term(str(table["term"]), name, None)
        category = str(table.get("category") or DEFAULT_CATEGORY)
        entries[term] = (_check_weight(table["weight"], name, None), category)
    shorthand: Any = data.get("cues", {})
    if not isinstance(shorthand, dict):
        raise InputError(name, "[cues] must be a table of term = weight")
    for term, weight in shorthand.items():
        entries[_check_term(term, name, None)] = (_check_weight(weight, name, None), "custom")
    removals = data.get("remove", [])
    if not isinstance(removals, list):
        raise InputError(name, "'remove' must be a list of terms")
    return entries, {" ".join(str(t).lower().split()) for t in removals}


def _check_term(raw: str, name: str, line: int | None) -> str:
    term = " ".join(raw.lower().split())
    if not _WORDS.search(term):
        raise InputError(name, f"empty or punctuation-only term {raw!r}", line)
    # The letters the matcher keys a wildcard by: spaces, hyphens, dots and apostrophes go.
    if "*" in term and len(normalise(term.split("*", 1)[0])) < 3:
        raise InputError(name, f"wildcard term {raw!r} needs at least 3 letters before '*'", line)
    return term


def _check_weight(raw: Any, name: str, line: int | None) -> float:
    try:
        weight = float(raw)
    except (TypeError, ValueError):
        raise InputError(name, f"weight {raw!r} is not a number", line) from None
    if not -10 <= weight <= 10:
        raise InputError(name, f"weight {weight} is outside -10..10", line)
    return weight
