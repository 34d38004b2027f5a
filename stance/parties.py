"""Parties: who a document is about, how they are named, and where they are mentioned.

A party has a key (``PAK``), a display name and aliases: names, short forms, demonyms,
capitals used as metonyms ("Islamabad", "Washington") and officials. Aliases match on word
boundaries, with a possessive or plural allowed ("Pakistan's", "Americans") and hyphenated
compounds counted ("Pakistan-US"). Short all-capital aliases ("US") match only in capitals so
that the pronoun "us" does not; other aliases match in any case. In the gazetteer and in party
files an alias written ``=Turkey`` matches only with that exact case.

Parties come from a dict, a TOML file or, when none are given, the built-in gazetteer of the
world's countries, from which the parties a document mentions are detected.

People join a party when they are introduced with it ("US ambassador Donald Blome", "Donald
Blome, the US ambassador", "Pakistan's foreign minister X"); from there on their full name,
their surname and close misspellings of the surname count as mentions of that party.
"""

from __future__ import annotations

import csv
import functools
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from .errors import InputError, parse_toml, read_user_file
from .textmatch import TermMatcher, normalise, spelling

BLOCKED = "-"
KINDS = ("name", "alias", "demonym", "capital", "official")
_SHORT_CAPS = re.compile(r"(?:[A-Z]\.?){1,5}")


@dataclass(frozen=True)
class Alias:
    """One way of naming a party."""

    text: str
    kind: str = "alias"
    case_sensitive: bool = False


@dataclass(frozen=True)
class Party:
    """A side in the documents: a key, a display name and its aliases."""

    key: str
    name: str
    aliases: tuple[Alias, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """A party named in the text: which one, where, by what alias and of which kind.

    ``kind`` is an alias kind, ``person`` (a person affiliated in this document), ``fuzzy`` (a
    close misspelling of such a person's surname) or ``venue`` (a capital after "in", "at"...,
    which places an event rather than naming an actor).
    """

    key: str
    start: int
    end: int
    text: str
    kind: str


def parse_alias(raw: str, kind: str = "alias") -> Alias:
    """An alias from its written form: ``=X`` is exact-case, short capitals are exact-case."""
    text = raw.strip()
    exact = text.startswith("=")
    text = " ".join(text.lstrip("=").split())
    return Alias(text, kind, exact or bool(_SHORT_CAPS.fullmatch(text)))


class PartySet:
    """An ordered set of parties with a matcher over all their aliases."""

    def __init__(
        self,
        parties: Iterable[Party],
        blocked: Iterable[str] = (),
        origin: str = "",
        strict: bool = True,
    ):
        self.parties: dict[str, Party] = {}
        self.origin = origin
        for party in parties:
            if party.key in self.parties:
                raise InputError(origin or None, f"party {party.key!r} is defined twice")
            if party.key == BLOCKED:
                raise InputError(origin or None, f"a party key cannot be {BLOCKED!r}")
            self.parties[party.key] = party
        self._blocked = tuple(blocked)
        usable = self._usable_aliases(strict)
        entries: list[tuple[str, tuple[str, str], bool]] = [
            (a.text, (key, a.kind), a.case_sensitive) for key, a in usable
        ]
        entries += [(text, (BLOCKED, "blocked"), False) for text in self._blocked]
        self._matcher = TermMatcher(entries, plural=True)

    def _usable_aliases(self, strict: bool) -> list[tuple[str, Alias]]:
        """Every alias that can be matched. A problem (no alias, an empty or one-letter alias,
        an alias with a '*', an alias given to two parties, or two spellings of it that match
        the same text, such as "U.S." and "US") raises when ``strict``, else warns and drops
        it."""
        owners: dict[tuple[str, bool], str] = {}
        usable: list[tuple[str, Alias]] = []
        where = self.origin or None

        def problem(message: str) -> None:
            if strict:
                raise InputError(where, message)
            warnings.warn(f"{where or 'parties'}: {message}; ignored", stacklevel=4)

        for party in self.parties.values():
            if not party.aliases:
                problem(f"party {party.key!r} has no aliases")
            for alias in party.aliases:
                letters = normalise(alias.text)
                if not letters:
                    problem(f"party {party.key!r} has an empty alias")
                    continue
                if len(letters) == 1:
                    problem(
                        f"party {party.key!r}: alias {alias.text!r} is a single letter "
                        "and would match everywhere"
                    )
                    continue
                if "*" in alias.text:
                    # The matcher reads "*" as a lexicon wildcard; names never need one.
                    problem(f"party {party.key!r}: alias {alias.text!r} has a '*'")
                    continue
                spelt = spelling(alias.text) if alias.case_sensitive else letters
                key = (spelt, alias.case_sensitive)
                other = owners.setdefault(key, party.key)
                if other != party.key:
                    problem(f"alias {alias.text!r} is given to both {other!r} and {party.key!r}")
                    continue
                usable.append((party.key, alias))
        return usable

    def __iter__(self):
        return iter(self.parties.values())

    def __len__(self) -> int:
        return len(self.parties)

    def __contains__(self, key: object) -> bool:
        return key in self.parties

    def keys(self) -> list[str]:
        return list(self.parties)

    def name(self, key: str | None) -> str | None:
        """The display name of a party key (the key itself when unknown)."""
        if key is None:
            return None
        party = self.parties.get(key)
        return party.name if party else key

    def subset(self, keys: Iterable[str]) -> PartySet:
        """The parties among ``keys``, in that order, matching as this set does."""
        return PartySet((self.parties[k] for k in keys), self._blocked, self.origin)

    def find(self, text: str) -> list[Mention]:
        """Every mention of a party in ``text``, in order, with venues marked."""
        found = []
        for m in self._matcher.finditer(text):
            key, kind = m.value
            if key == BLOCKED:
                continue
            if kind == "capital" and _is_venue(text, m.start):
                kind = "venue"
            found.append(Mention(key, m.start, m.end, text[m.start : m.end], kind))
        return found

    def to_dict(self) -> dict[str, Any]:
        return {p.key: {"name": p.name, "aliases": [a.text for a in p.aliases]} for p in self}

    @functools.cached_property
    def states(self) -> dict[str, str]:
        """The parties that are countries, each with its gazetteer code: every party of the
        gazetteer; in a given set, a party keyed by a gazetteer code or named, by any alias,
        as the gazetteer names a country, its capital or its people ("Pakistan", "the United
        States", "Islamabad"). The stance scorer reads what states do to each other as their
        stance (see :mod:`stance.scoring.stance`)."""
        countries = _gazetteer()
        if self is countries:
            return {key: key for key in self.parties}
        found = {}
        for party in self:
            if party.key in countries.parties:
                found[party.key] = party.key
                continue
            for alias in party.aliases:
                country = country_named(alias.text, countries)
                if country:
                    found[party.key] = country
                    break
        return found

    # construction ------------------------------------------------------------------------

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], origin: str = "", strict: bool = True
    ) -> PartySet:
        """Parties from ``{"PAK": ["Pakistan", "Islamabad"], ...}`` or richer tables.

        A value may be a list of aliases, one alias string, or a table with ``name``,
        ``aliases``, ``officials`` and ``gazetteer = true`` (add the built-in aliases of an
        ISO 3166 key). ``strict=False`` drops unusable aliases with a warning instead of
        raising (for programs that pass entity strings they did not choose).
        """
        where = origin or None
        if not isinstance(mapping, Mapping) or not mapping:
            raise InputError(where, "no parties given")
        parties = []
        for key, value in mapping.items():
            key = str(key).strip()
            if not key:
                raise InputError(where, "a party has an empty key")
            if isinstance(value, str):
                value = [value]
            if isinstance(value, Mapping):
                parties.append(_party_from_table(key, value, where))
            elif isinstance(value, list | tuple):
                aliases = [_alias_of(key, raw, "alias", where) for raw in value]
                parties.append(
                    Party(
                        key, aliases[0].text if aliases and aliases[0].text else key, tuple(aliases)
                    )
                )
            else:
                raise InputError(where, f"party {key!r}: expected a list of aliases or a table")
        return cls(parties, origin=origin, strict=strict)

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> PartySet:
        """Parties from a TOML file: ``[parties.PAK]`` tables or top-level ``PAK = [...]``."""
        name = str(path)
        data = parse_toml(read_user_file(path, "party file"), name)
        table = data.get("parties", data)
        return cls.from_mapping(table, origin=name)

    @classmethod
    def gazetteer(cls) -> PartySet:
        """The built-in gazetteer of countries (ISO 3166-1 alpha-3 keys)."""
        return _gazetteer()


_ARTICLE_AND_POSSESSIVE = re.compile(r"^the\s+|(?:['’]s?)$", re.IGNORECASE)


def country_named(text: str, countries: PartySet) -> str | None:
    """The gazetteer code of the country ``text`` names as a whole (an article and a
    possessive aside) by its name, capital or demonym; None when it names none."""
    bare = _ARTICLE_AND_POSSESSIVE.sub("", text.strip())
    for m in countries.find(bare):
        if m.start == 0 and m.end == len(bare):
            return m.key
    return None


def _listed(key: str, table: Mapping[str, Any], field: str, where: str | None) -> list[Any]:
    """A table's list of names; one string is a list of one (as in the short form ``PAK =
    "Pakistan"``), not its letters."""
    value = table.get(field, [])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list | tuple):
        raise InputError(where, f"party {key!r}: {field} must be a list of strings")
    return list(value)


def _alias_of(key: str, raw: Any, kind: str, where: str | None) -> Alias:
    if not isinstance(raw, str):
        raise InputError(where, f"party {key!r}: alias {raw!r} is not a string")
    return parse_alias(raw, kind)


def _party_from_table(key: str, table: Mapping[str, Any], where: str | None) -> Party:
    aliases = [_alias_of(key, raw, "alias", where) for raw in _listed(key, table, "aliases", where)]
    aliases += [
        _alias_of(key, raw, "official", where) for raw in _listed(key, table, "officials", where)
    ]
    name = str(table.get("name") or (aliases[0].text if aliases else key))
    if table.get("gazetteer"):
        builtin = _gazetteer().parties.get(key)
        if builtin is None:
            raise InputError(where, f"party {key!r}: 'gazetteer = true' needs an ISO 3166 key")
        aliases += [a for a in builtin.aliases if a not in aliases]
    if not any(normalise(a.text) == normalise(name) for a in aliases):
        aliases.insert(0, parse_alias(name, "name"))
    return Party(key, name, tuple(aliases))


@functools.cache
def _gazetteer() -> PartySet:
    source = resources.files("stance").joinpath("data/countries.tsv")
    rows = [
        line
        for line in source.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parties: list[Party] = []
    blocked: list[str] = []
    for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
        key = row["key"].strip()
        columns = (("aliases", "alias"), ("demonyms", "demonym"), ("capitals", "capital"))
        if key == BLOCKED:
            blocked += [a.lstrip("=") for a in (row["aliases"] or "").split("|") if a.strip()]
            continue
        aliases: list[Alias] = []
        for column, kind in (("name", "name"), *columns):
            for raw in (row.get(column) or "").split("|"):
                if raw.strip():
                    _add_alias(aliases, parse_alias(raw, kind))
        parties.append(Party(key, row["name"].strip(), tuple(aliases)))
    return PartySet(parties, blocked, origin="gazetteer")


def _add_alias(aliases: list[Alias], alias: Alias) -> None:
    """Add an alias once; a repeated one written ``=X`` makes the first exact-case.

    Variants that differ in dots or spaces ("US", "U.S.") are kept: they match different text.
    """
    for index, known in enumerate(aliases):
        if known.text.lower() == alias.text.lower():
            if alias.case_sensitive and not known.case_sensitive:
                aliases[index] = Alias(alias.text, known.kind, True)
            return
    aliases.append(alias)


_VENUE = re.compile(
    r"(?:\b(?:in|at|from|to|near|outside|inside|into|via|visit(?:ed|ing|s)?|arriv(?:ed|ing|es))"
    r"\s+(?:the\s+)?(?:\w+\s+)?)\Z",
    re.IGNORECASE,
)
_HERE_IN = re.compile(r"\b(?:here|there|held|based|talks|meeting|summit)\s+(?:in|at)\s+\Z", re.I)


_ACTORS_IN = re.compile(
    r"\b(?:officials?|authorities|leaders(?:hip)?|government|regime|administration|"
    r"diplomats|policymakers|policy-makers|sources|rulers|those|politicians|hawks|"
    r"hardliners|generals|lawmakers)\s+(?:in|from)\s+(?:the\s+)?\Z",
    re.IGNORECASE,
)


def _is_venue(text: str, start: int) -> bool:
    """A capital right after a locative ("in Islamabad", "visited Moscow") places an event,
    except after the people who act for it ("officials in Delhi")."""
    before = text[max(0, start - 40) : start]
    m = _VENUE.search(before)
    if not m or _ACTORS_IN.search(before):
        return False
    return m.group(0).split()[0].lower() != "to" or bool(_HERE_IN.search(before))


# affiliation -----------------------------------------------------------------------------

_TITLE_WORDS = (
    "ambassador envoy minister ministers president vice secretary state defense defence foreign "
    "interior finance commerce trade home external affairs spokesperson spokesman spokeswoman "
    "senator general chief commander official officials diplomat counterpart chancellor king "
    "queen emir premier leader representative special deputy assistant adviser advisor "
    "national security consul high commissioner attorney army naval navy air force staff of "
    "prime crown prince sheikh president-elect ex former acting top senior permanent mission "
    "charge d'affaires sapm interior ministry governor mayor"
)
_TITLE = r"(?:(?:" + "|".join(sorted(set(_TITLE_WORDS.split()), key=len, reverse=True)) + r")\b)"
_NAME_WORD = r"(?-i:[A-Z][a-zà-ÿ'’-]+|[A-Z]\.)"
_NAME = rf"{_NAME_WORD}(?:[^\S\n]+{_NAME_WORD}){{0,3}}"
_AFTER_PARTY = re.compile(
    rf"(?:['’]s)?[^\S\n]+(?:the[^\S\n]+)?(?P<title>{_TITLE}(?:[^\S\n]+{_TITLE}){{0,5}})"
    rf"[^\S\n]+(?P<name>{_NAME})",
    re.IGNORECASE,
)
_BEFORE_PARTY = re.compile(rf"(?P<name>{_NAME}),[^\S\n]+(?:the[^\S\n]+)?\Z")
_TITLE_AFTER = re.compile(rf"(?:['’]s)?[^\S\n]+{_TITLE}", re.IGNORECASE)
_TITLE_ONLY = re.compile(rf"{_TITLE}(?:\s+{_TITLE})*", re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<!\w)(?-i:[A-Z][a-zà-ÿ]{3,})(?!\w)")


@dataclass
class Affiliate:
    """A person who joined a party in this document, and where they were introduced."""

    name: str
    key: str
    start: int
    surname: str = field(init=False)

    def __post_init__(self) -> None:
        self.surname = self.name.split()[-1]


def find_affiliates(text: str, mentions: list[Mention]) -> list[Affiliate]:
    """People introduced with a party: "US ambassador Donald Blome", "X, Pakistan's envoy"."""
    people: dict[str, Affiliate] = {}
    for mention in mentions:
        if mention.kind in ("venue", "person", "fuzzy"):
            continue
        after = _AFTER_PARTY.match(text, mention.end)
        if after:
            name = _strip_titles(after.group("name"))
            if name:
                people.setdefault(name, Affiliate(name, mention.key, after.start("name")))
            continue
        before = _BEFORE_PARTY.search(text, max(0, mention.start - 60), mention.start)
        if before and _TITLE_AFTER.match(text, mention.end):
            name = _strip_titles(before.group("name"))
            if name:
                people.setdefault(name, Affiliate(name, mention.key, before.start("name")))
    return sorted(people.values(), key=lambda p: p.start)


def _strip_titles(name: str) -> str:
    words = [w for w in name.split() if not _TITLE_ONLY.fullmatch(w)]
    return " ".join(words) if words and len(words[-1]) > 2 else ""


def affiliate_mentions(
    text: str, affiliates: list[Affiliate], taken: list[Mention], vocabulary: frozenset[str]
) -> list[Mention]:
    """Mentions of affiliated people after their introduction, including near-miss surnames."""
    if not affiliates:
        return []
    entries = []
    for person in affiliates:
        entries.append((person.name, person, True))
        # The surname, and the first name for names written family name first ("Li Wen").
        first = person.name.split()[0]
        for part in {person.surname, first}:
            if part != person.name and part.lower() not in vocabulary:
                entries.append((part, person, True))
    matcher: TermMatcher[Affiliate] = TermMatcher(entries, plural=True)
    occupied = [(m.start, m.end) for m in taken]
    found = []
    for m in matcher.finditer(text):
        if m.start >= m.value.start and not _overlaps(occupied, m.start, m.end):
            found.append(Mention(m.value.key, m.start, m.end, text[m.start : m.end], "person"))
            occupied.append((m.start, m.end))
    surnames = {p.surname: p for p in affiliates if len(p.surname) >= 4}
    first_intro = min(p.start for p in affiliates)
    for capitalised in _CAPITALISED.finditer(text, first_intro):
        word = capitalised.group(0)
        start, end = capitalised.span()
        if word in surnames or word.lower() in vocabulary or _overlaps(occupied, start, end):
            continue
        near = _near_surname(word, surnames)
        if near and start >= near.start:
            found.append(Mention(near.key, start, end, word, "fuzzy"))
    return found


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _near_surname(word: str, surnames: dict[str, Affiliate]) -> Affiliate | None:
    for surname, person in surnames.items():
        limit = 2 if len(surname) >= 8 else 1
        if (
            abs(len(word) - len(surname)) <= limit
            and word[0] == surname[0]
            and edit_distance(word.lower(), surname.lower(), limit) <= limit
        ):
            return person
    return None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning ``limit + 1``) once it exceeds ``limit``."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


# detection -----------------------------------------------------------------------------


def rank_parties(mentions: Iterable[Mention]) -> list[str]:
    """Party keys actually mentioned (venues alone do not count), most mentioned first."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in mentions:
        if m.kind == "venue":
            continue
        counts[m.key] += 1
        first.setdefault(m.key, m.start)
    return sorted(counts, key=lambda k: (-counts[k], first[k]))
