"""Check the built-in country gazetteer (stance/data/countries.tsv).

Why: the gazetteer is hand-written data that the country matcher trusts as it is. A stray tab,
a duplicate key or one alias listed under two countries silently produces wrong country
mentions, so this script validates the file and, when the UN General Debate corpus is
available, measures how well the gazetteer covers real diplomatic text.

Checks (any error makes the exit status 1):
  * the header is ``key name aliases demonyms capitals`` and every row has 5 columns;
  * keys are 3 upper-case letters, ``EU`` or ``-`` (shadow phrases), with no duplicates;
  * every key has a name and at least one alias, and no term is empty;
  * no alias, demonym or capital belongs to two different keys. Terms are compared the way
    stance compares them (spaces, dots, hyphens and apostrophes ignored) and case-insensitively,
    except that two ``=`` (case-sensitive) terms only clash when their case is identical too.
Warnings: all-capital terms without ``=``; shadow phrases that contain no country term.

Corpus report (only when the corpus directory exists, by default /tmp/ungdc/TXT, laid out as
``Session NN - YYYY/ISO3_NN_YYYY.txt``): speaking-country codes with no gazetteer row; for a
sample of speeches, how many mention each key, which speakers most often never name their own
country, and the most frequent capitalised words followed by another capitalised word that no
gazetteer term covers (candidates for missed names).

Run from the repository root (standard library only, Python 3.11+):
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
from collections.abc import Callable
from pathlib import Path

HEADER = ["key", "name", "aliases", "demonyms", "capitals"]
TERM_COLUMNS = HEADER[2:]
KEY_RE = re.compile(r"(?:[A-Z]{3}|EU|-)")
SHADOW = "-"
DEFAULT_TSV = Path(__file__).resolve().parent.parent / "stance" / "data" / "countries.tsv"
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

Matcher = Callable[[str], set[str]]


def split_terms(cell: str) -> list[str]:
    return cell.split("|") if cell else []


_UNIT = {" ": r"\s+", "'": "['\u2019]", "-": r"[-\u2010\u2011\u2013\s]?"}
_PUNCT = re.compile(r"[\s'\u2019\-\u2010\u2011\u2013.]+")


def loose(text: str) -> str:
    """Text without spaces, dots, hyphens and apostrophes: how stance compares terms."""
    return _PUNCT.sub("", text)


def read_rows(path: Path, errors: list[str]) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    header_seen = False
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if not header_seen:
                header_seen = True
                if cols != HEADER:
                    errors.append(f"line {lineno}: header is {cols}, expected {HEADER}")
                continue
            if len(cols) != len(HEADER):
                errors.append(f"line {lineno}: {len(cols)} columns, expected {len(HEADER)}")
                continue
            rows.append((lineno, cols))
    if not header_seen:
        errors.append("no header line")
    return rows


def check(
    rows: list[tuple[int, list[str]]], errors: list[str], warnings: list[str]
) -> dict[str, list[str]]:
    """Validate rows; return {key: [terms]} with each term's '=' prefix kept."""
    terms_by_key: dict[str, list[str]] = {}
    seen_keys: set[str] = set()
    owners: dict[str, list[tuple[str, str]]] = {}  # loose lower-case term -> [(key, term)]
    for lineno, (key, name, *cells) in rows:
        if not KEY_RE.fullmatch(key):
            errors.append(f"line {lineno}: bad key {key!r}")
        if key in seen_keys and key != SHADOW:
            errors.append(f"line {lineno}: duplicate key {key}")
        seen_keys.add(key)
        if not name.strip():
            errors.append(f"line {lineno}: key {key} has no name")
        if not cells[0]:
            errors.append(f"line {lineno}: key {key} has no aliases")
        for column, cell in zip(TERM_COLUMNS, cells, strict=True):
            for term in split_terms(cell):
                bare = term.removeprefix("=")
                if not loose(bare):
                    errors.append(f"line {lineno}: empty term in {column} of {key}")
                    continue
                if bare != bare.strip():
                    errors.append(f"line {lineno}: spaces around {term!r}")
                if not term.startswith("=") and re.fullmatch(r"[A-Z][A-Z.]+", bare):
                    warnings.append(f"line {lineno}: all-capital {term!r} lacks '='")
                terms_by_key.setdefault(key, []).append(term)
                owners.setdefault(loose(bare).lower(), []).append((key, term))
    for entries in owners.values():
        for i, (k1, t1) in enumerate(entries):
            for k2, t2 in entries[i + 1 :]:
                if k1 == k2:
                    continue
                both_exact = t1.startswith("=") and t2.startswith("=")
                if not both_exact or loose(t1) == loose(t2):
                    errors.append(f"term {t1!r} ({k1}) clashes with {t2!r} ({k2})")
    return terms_by_key


def _trie_regex(node: dict) -> str:
    branches = [unit + _trie_regex(child) for unit, child in sorted(node.items()) if unit]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    return group + "?" if "" in node else group


def build_matcher(terms_by_key: dict[str, list[str]]) -> Matcher:
    """Return a function giving the keys mentioned in a text.

    Close enough to stance's matcher for coverage numbers: one case-insensitive regex over a
    character trie (leftmost-longest, so shadow phrases and longer names win), word boundaries,
    an optional plural or possessive ending, and '=' terms checked for exact case afterwards.
    """
    root: dict = {}
    lookup: dict[str, list[tuple[str, str | None]]] = {}  # loose lower -> [(key, exact form)]
    for key, terms in terms_by_key.items():
        for term in terms:
            exact = term.startswith("=")
            text = " ".join(term.removeprefix("=").split())
            lookup.setdefault(loose(text).lower(), []).append((key, loose(text) if exact else None))
            node = root
            for ch in text.lower():
                node = node.setdefault(_UNIT.get(ch, re.escape(ch)), {})
            node[""] = {}
    regex = re.compile(rf"(?<!\w)({_trie_regex(root)})(?:['\u2019]s|s|es)?(?!\w)", re.IGNORECASE)

    def keys_in(text: str) -> set[str]:
        found = set()
        for m in regex.finditer(text):
            matched = loose(m.group(1))
            for key, exact in lookup.get(matched.lower(), ()):
                if exact is None or exact == matched:
                    found.add(key)
                    break
        return found

    return keys_in


def print_columns(items: list[str], per_line: int = 10) -> None:
    for i in range(0, len(items), per_line):
        print("  " + "  ".join(items[i : i + per_line]))


def corpus_report(terms_by_key: dict[str, list[str]], corpus: Path, sample: int, seed: int):
    files = sorted(corpus.glob("*/*.txt"))
    speaker_of = {f: f.name.split("_", 1)[0] for f in files}
    speakers = Counter(s for s in speaker_of.values() if re.fullmatch(r"[A-Z]{2,3}", s))
    missing = sorted(code for code in speakers if code not in terms_by_key)
    print(f"\ncorpus {corpus}: {len(files)} files, {len(speakers)} speaking codes")
    print(f"speaking codes without a gazetteer row: {', '.join(missing) or 'none'}")

    if 0 < sample < len(files):
        files = random.Random(seed).sample(files, sample)
    keys_in = build_matcher(terms_by_key)
    words = (w for terms in terms_by_key.values() for t in terms for w in re.findall(r"\w+", t))
    known = {w.lower() for w in words}
    pair_re = re.compile(r"\b([A-Z][a-z]{2,}) ([A-Z][a-z]+)")
    mentions: Counter[str] = Counter()
    spoke: Counter[str] = Counter()
    silent: Counter[str] = Counter()
    cap_words: Counter[str] = Counter()
    followers: dict[str, Counter[str]] = {}
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        found = keys_in(text)
        mentions.update(found)
        speaker = speaker_of[f]
        if speaker in terms_by_key:
            spoke[speaker] += 1
            silent[speaker] += speaker not in found
        for first, second in pair_re.findall(text):
            if first not in STOPWORDS and first.lower() not in known:
                cap_words[first] += 1
                followers.setdefault(first, Counter())[second] += 1

    print(f"\nspeeches mentioning each key (sample of {len(files)}; '-' = shadow phrases):")
    ranked = sorted(terms_by_key, key=lambda k: (-mentions[k], k))
    print_columns([f"{k}:{mentions[k]}" for k in ranked])
    never = [k for k in ranked if not mentions[k] and k != SHADOW]
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
    rows = read_rows(args.tsv, errors)
    terms_by_key = check(rows, errors, warnings)
    countries = {k: v for k, v in terms_by_key.items() if k != SHADOW}
    shadows = terms_by_key.get(SHADOW, [])
    contains_country = build_matcher(countries)
    for phrase in shadows:
        if not contains_country(phrase.removeprefix("=")):
            warnings.append(f"shadow phrase {phrase!r} contains no country term")

    counts = Counter()
    for _, (key, _name, *cells) in rows:
        if key != SHADOW:
            for column, cell in zip(TERM_COLUMNS, cells, strict=True):
                counts[column] += len(split_terms(cell))
    exact = sum(t.startswith("=") for terms in countries.values() for t in terms)
    iso = sum(bool(re.fullmatch(r"[A-Z]{3}", k)) for k in countries)
    print(f"{args.tsv}: {len(rows)} rows, {len(countries)} keys ({iso} three-letter codes)")
    print(
        f"aliases {counts['aliases']}, demonyms {counts['demonyms']}, "
        f"capitals {counts['capitals']}, case-sensitive '=' terms {exact}, "
        f"shadow phrases {len(shadows)}"
    )
    for message in warnings:
        print(f"warning: {message}")
    for message in errors:
        print(f"error: {message}")
    print(f"{len(errors)} errors, {len(warnings)} warnings")

    if args.corpus.is_dir():
        corpus_report(terms_by_key, args.corpus, args.sample, args.seed)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
