"""Check the built-in country gazetteer (stance/data/countries.tsv).

Why: the gazetteer is hand-written data that the country matcher trusts as it is. A stray tab,
a duplicate key or one alias listed under two countries silently produces wrong country
mentions, so this script validates the file and, when the UN General Debate corpus is
available, measures how well the gazetteer covers real diplomatic text.

Checks (any error makes the exit status 1):
  * the header is ``key name aliases demonyms capitals`` and every row has 5 columns;
  * keys are 3 upper-case letters, ``EU`` or ``-`` (shadow phrases), with no duplicates;
  * every key has a name and at least one alias, and no term is empty or a single letter;
  * no alias, demonym or capital belongs to two different keys. Terms are read as stance reads
    them (``stance.parties.parse_alias``: ``=`` and short capitals are case-sensitive; shadow
    phrases never are) and two terms clash when stance's matcher looks them up under the same
    key (``stance.textmatch.normalise``: case, spaces, dots, hyphens and apostrophes ignored)
    and some text would satisfy both: unless both are case-sensitive and differ in case;
  * stance itself can load the file (``PartySet.gazetteer()``).
Warnings: all-capital terms that stance would match in any case; shadow phrases that contain
no country term.

Corpus report (only when the corpus directory exists, by default /tmp/ungdc/TXT, laid out as
``Session NN - YYYY/ISO3_NN_YYYY.txt``): speaking-country codes with no gazetteer row; for a
sample of speeches, how many mention each key, which speakers most often never name their own
country, and the most frequent capitalised words followed by another capitalised word that no
gazetteer term covers (candidates for missed names).

Mentions are found by the product's own matcher (``PartySet.gazetteer().find``: longest match,
plurals and possessives, exact-case terms, shadow phrases), so the counts are what stance
sees. That matcher is built from the file the installed package loads, so the shadow-phrase
and corpus checks run only when the file checked is that one (the default with an editable
install); another file gets the format checks alone.

Run from the repository root with the project's virtual environment (``pip install -e .``):
    python scripts/check_gazetteer.py                  # default file, 1500 sampled speeches
    python scripts/check_gazetteer.py --sample 0       # scan the whole corpus (slower)
    python scripts/check_gazetteer.py path/to/countries.tsv --corpus /path/to/TXT
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

from tsv_rows import Row, read_rows

from stance.errors import InputError
from stance.parties import BLOCKED, Alias, Mention, PartySet, parse_alias
from stance.textmatch import Match, TermMatcher, normalise

HEADER = ["key", "name", "aliases", "demonyms", "capitals"]
TERM_COLUMNS = HEADER[2:]
KEY_RE = re.compile(r"(?:[A-Z]{3}|EU|-)")
ALL_CAPS = re.compile(r"[A-Z][A-Z.]+")
DEFAULT_TSV = Path(__file__).resolve().parent.parent / "stance" / "data" / "countries.tsv"
PACKAGE_TSV = Path(str(resources.files("stance").joinpath("data/countries.tsv")))
DEFAULT_CORPUS = Path("/tmp/ungdc/TXT")

# Capitalised words frequent in UN speeches that are not country names (coverage report only).
_STOPWORD_TEXT = """
Action Africa African After Against Agency Agenda Agreement Aligned All Allah Almighty
Ambassador America Americas Among And Annan Antonio April Arab Arms Article As Asia Asian
Assembly At Atlantic Atomic August Baltic Ban Bank Basin Before Between Board Boutros Bretton
But By Camp Canal Caribbean Caspian Central Chairman Change Chapter Charter Chemical Children
Climate Coast Cold Colonial Commission Commissioner Committee Common Communist Community
Compact Comprehensive Conference Convention Cooperation Council Countries Court Cultural Dag
Day Decade December Declaration Democratic Deputy Developed Developing Development Disarmament
During East Eastern Economic Education Energy Environment Europe European Excellency Executive
Far February Federal Fifth Financial First Food For Force Forces Foreign Forum Foundation
Fourth Framework Free From Fund General Geneva Ghali Global Goals God Governing Government
Governments Great Group Gulf Health Hemisphere Her High Highness His Hoc Holiness Holy Horn
Human Ian If In Independence Independent Indian Institute Institutions Interim International
Islamic Island Islands It January Javier John Joint July June Justice King Kingdom Kofi Kurt
Lake Last Latin Law Least Let Lord Madam Majesty March May Mediterranean Member Members Middle
Millennium Minister Ministers Mission Monetary Movement Mr Mrs Ms My Nation National Nations
Near Nelson New Nobel Non North Northern November Nuclear Ocean Oceania October Of Office On
Operations Or Organization Our Outer Over Pacific Paul Peace Peacebuilding Peacekeeping People
Peoples Perez Permanent Peter Plan Plenipotentiary Political Pope Population President Prime
Programme Proliferation Question Red Region Regional Republic Resolution Review Rights Rio
River Round Royal Sahara Saharan Sahel Saint Sea Second Secretariat Secretary Secretary-General
Security September Session Since Sir Small Social South Southeast Southern Space Special State
States Strategic Summit Supreme Sustainable Technical Territories Territory Terrorism Test That
The Their These Third This Those To Trade Transitional Treaty Trust Trusteeship Under Union
United Universal Valley Vice War We Weapons West Western When While With Women Working World
Year York Your Zone
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def split_terms(cell: str) -> list[str]:
    return cell.split("|") if cell else []


def read_term(key: str, raw: str) -> Alias:
    """A term as stance reads it: shadow phrases are blocked in any case, '=' stripped."""
    if key == BLOCKED:
        return Alias(" ".join(raw.lstrip("=").split()), "blocked")
    return parse_alias(raw)


def could_clash(a: Alias, b: Alias) -> bool:
    """Whether a text looked up under the shared key of ``a`` and ``b`` could satisfy both.

    Only two case-sensitive terms whose letters differ in case ("US" and "Us") never do; the
    matcher ignores spaces, dots, hyphens and apostrophes, none of which is alphanumeric.
    """
    if not (a.case_sensitive and b.case_sensitive):
        return True
    return [c for c in a.text if c.isalnum()] == [c for c in b.text if c.isalnum()]


def check(rows: list[Row], errors: list[str], warnings: list[str]) -> None:
    """Validate the rows: keys, names, terms, and terms shared by two keys."""
    seen_keys: set[str] = set()
    owners: dict[str, list[tuple[str, str, Alias]]] = {}  # lookup key -> [(key, raw, alias)]
    for lineno, (key, name, *cells) in rows:
        if not KEY_RE.fullmatch(key):
            errors.append(f"line {lineno}: bad key {key!r}")
        if key in seen_keys and key != BLOCKED:
            errors.append(f"line {lineno}: duplicate key {key}")
        seen_keys.add(key)
        if not name.strip():
            errors.append(f"line {lineno}: key {key} has no name")
        if not cells[0]:
            errors.append(f"line {lineno}: key {key} has no aliases")
        for column, cell in zip(TERM_COLUMNS, cells, strict=True):
            for raw in split_terms(cell):
                alias = read_term(key, raw)
                letters = normalise(alias.text)
                if len(letters) < 2:
                    problem = "a single letter" if letters else "empty"
                    errors.append(f"line {lineno}: {problem} term {raw!r} in {column} of {key}")
                    continue
                bare = raw.removeprefix("=")
                if bare != bare.strip():
                    errors.append(f"line {lineno}: spaces around {raw!r}")
                if ALL_CAPS.fullmatch(alias.text) and not alias.case_sensitive:
                    warnings.append(f"line {lineno}: all-capital {raw!r} lacks '=' (any case)")
                owners.setdefault(letters, []).append((key, raw, alias))
    for entries in owners.values():
        for i, (k1, t1, a1) in enumerate(entries):
            for k2, t2, a2 in entries[i + 1 :]:
                if k1 != k2 and could_clash(a1, a2):
                    errors.append(f"term {t1!r} ({k1}) clashes with {t2!r} ({k2})")


def product_gazetteer(tsv: Path, errors: list[str]) -> PartySet | None:
    """The gazetteer as stance loads it, when ``tsv`` is the file stance loads; else None."""
    if not (tsv.is_file() and PACKAGE_TSV.is_file() and tsv.samefile(PACKAGE_TSV)):
        print(f"note: stance loads {PACKAGE_TSV}, not this file: shadow and corpus checks skipped")
        return None
    try:
        return PartySet.gazetteer()
    except (InputError, KeyError, ValueError) as exc:
        errors.append(f"stance cannot load the gazetteer: {exc}")
        return None


def blocked(shadow: Match, mentions: list[Mention]) -> bool:
    """Whether stance blocked this shadow phrase: no country mention overlaps it.

    A shadow phrase loses to a longer or earlier country term ("Papua New Guinea" holds the
    shadow phrase "New Guinea"); ``find`` drops the phrases that win.
    """
    return not any(m.start < shadow.end and shadow.start < m.end for m in mentions)


def print_columns(items: list[str], per_line: int = 10) -> None:
    for i in range(0, len(items), per_line):
        print("  " + "  ".join(items[i : i + per_line]))


def corpus_report(
    gazetteer: PartySet, shadows: list[str], corpus: Path, sample: int, seed: int
) -> None:
    files = sorted(corpus.glob("*/*.txt"))
    speaker_of = {f: f.name.split("_", 1)[0] for f in files}
    speakers = Counter(s for s in speaker_of.values() if re.fullmatch(r"[A-Z]{2,3}", s))
    missing = sorted(code for code in speakers if code not in gazetteer)
    print(f"\ncorpus {corpus}: {len(files)} files, {len(speakers)} speaking codes")
    print(f"speaking codes without a gazetteer row: {', '.join(missing) or 'none'}")

    if 0 < sample < len(files):
        files = random.Random(seed).sample(files, sample)
    shadow_matcher = TermMatcher(((p, BLOCKED, False) for p in shadows), plural=True)
    terms = [*(a.text for party in gazetteer for a in party.aliases), *shadows]
    known = {w.lower() for t in terms for w in re.findall(r"\w+", t)}
    pair_re = re.compile(r"\b([A-Z][a-z]{2,}) ([A-Z][a-z]+)")
    mentions: Counter[str] = Counter()
    spoke: Counter[str] = Counter()
    silent: Counter[str] = Counter()
    cap_words: Counter[str] = Counter()
    followers: dict[str, Counter[str]] = {}
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        found = gazetteer.find(text)
        keys = {m.key for m in found}
        if any(blocked(m, found) for m in shadow_matcher.finditer(text)):
            keys.add(BLOCKED)
        mentions.update(keys)
        speaker = speaker_of[f]
        if speaker in gazetteer:
            spoke[speaker] += 1
            silent[speaker] += speaker not in keys
        for first, second in pair_re.findall(text):
            if first not in STOPWORDS and first.lower() not in known:
                cap_words[first] += 1
                followers.setdefault(first, Counter())[second] += 1

    print(f"\nspeeches mentioning each key (sample of {len(files)}; '-' = shadow phrases):")
    ranked = sorted([*gazetteer.keys(), BLOCKED], key=lambda k: (-mentions[k], k))
    print_columns([f"{k}:{mentions[k]}" for k in ranked])
    never = [k for k in ranked if not mentions[k] and k != BLOCKED]
    print(f"keys never mentioned: {', '.join(never) or 'none'}")

    worst = sorted(spoke, key=lambda k: (-silent[k] / spoke[k], k))[:15]
    print("\nspeakers whose speeches most often do not name their own country (silent/spoken):")
    print_columns([f"{k}:{silent[k]}/{spoke[k]}" for k in worst if silent[k]])

    print("\ncapitalised words before a capitalised word, covered by no term (top 30):")
    for word, count in cap_words.most_common(30):
        after = ", ".join(w for w, _ in followers[word].most_common(3))
        print(f"  {count:6d}  {word} ({after})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Check stance's country gazetteer.")
    ap.add_argument("tsv", nargs="?", type=Path, default=DEFAULT_TSV)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sample", type=int, default=1500, help="speeches to scan, 0 = all")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    errors: list[str] = []
    warnings: list[str] = []
    rows = read_rows(args.tsv, HEADER, errors)
    check(rows, errors, warnings)
    shadows = [
        read_term(BLOCKED, raw).text
        for _, (key, _name, aliases, *_rest) in rows
        if key == BLOCKED
        for raw in split_terms(aliases)
    ]
    gazetteer = product_gazetteer(args.tsv, errors)
    if gazetteer is not None:
        countries = PartySet(gazetteer)  # the same parties without the shadow phrases
        for phrase in shadows:
            if not countries.find(phrase):
                warnings.append(f"shadow phrase {phrase!r} contains no country term")

    counts: Counter[str] = Counter()
    keys: set[str] = set()
    exact = 0
    for _, (key, _name, *cells) in rows:
        if key == BLOCKED:
            continue
        keys.add(key)
        for column, cell in zip(TERM_COLUMNS, cells, strict=True):
            terms = split_terms(cell)
            counts[column] += len(terms)
            exact += sum(parse_alias(t).case_sensitive for t in terms)
    iso = sum(bool(re.fullmatch(r"[A-Z]{3}", k)) for k in keys)
    print(f"{args.tsv}: {len(rows)} rows, {len(keys)} keys ({iso} three-letter codes)")
    print(
        f"aliases {counts['aliases']}, demonyms {counts['demonyms']}, "
        f"capitals {counts['capitals']}, case-sensitive terms {exact}, "
        f"shadow phrases {len(shadows)}"
    )
    for message in warnings:
        print(f"warning: {message}")
    for message in errors:
        print(f"error: {message}")
    print(f"{len(errors)} errors, {len(warnings)} warnings")

    if gazetteer is not None and args.corpus.is_dir():
        corpus_report(gazetteer, shadows, args.corpus, args.sample, args.seed)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
