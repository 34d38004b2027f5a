#!/usr/bin/env python3
"""Validate the stance cue lexicon and show how its entries behave on real text.

Why: ``stance/data/cues.tsv`` is hand-written data that the scorer trusts blindly. A typo
in a weight, an unknown category, a duplicate term or a wildcard stem that fires on
unrelated words (``accord*`` matching "according to") silently skews every score. This
script catches the format errors and makes the behaviour of the entries visible so a
human can judge them; it does not tune anything.

What it does:

1. Format checks (errors make the exit status 1): the header ``term<TAB>weight<TAB>category``,
   3 columns per row, weight a number in [-10, 10] and not 0, category in the allowed set,
   no duplicate term, lower case, single spaces, ``*`` only at the end of a word and after 3
   letters or more. Terms that stance looks up under one key (``stance.textmatch.normalise``:
   "goodwill", "good will", "good-will") get the weight and category of the first of them
   for every spelling, so they must agree; one that a hyphenated term already matches whole
   (a hyphen also matches a space or nothing: "cease-fire" covers "ceasefire") is an error.
   Warnings (exit status unchanged): very short wildcard stems, terms sharing a lookup key
   (same weight and category: fine), explicit terms that a wildcard also matches whole (two
   entries for one span; stance uses the explicit one).
2. Counts and mean weight per category.
3. If a corpus is available, a sample is run through the product's matcher
   (``stance.scoring.lexicon.CueLexicon.find`` on the file as ``read_lexicon_file`` reads
   it: case-insensitive, ``'`` and ``’`` alike, a hyphen matching a hyphen, a space or
   nothing, ``*`` wildcards, the longest term winning at each position), so every count is
   what the scorer sees. Corpora: ``/tmp/ungdc/TXT`` (UN General Debate speeches, one file
   per country-year) and/or ``/work/shared/benchmarks/directed_sentiment/train.tsv`` (news
   sentences with a directed sentiment label). It prints, for every wildcard term, the most
   frequent distinct words or phrases it matches (to spot over-matching), the terms that
   never match in the sample, those that match alone but always give way to another term,
   the most frequent terms, and, for train.tsv, how often each category fires in neutral,
   positive (labels 1/2) and negative (labels 3/4) sentences: a sign sanity check (positive
   weights should lean to 1/2, negative ones to 3/4).

Run from the repository root with the project's virtual environment (``pip install -e .``)::

    python scripts/check_lexicon.py                     # defaults
    python scripts/check_lexicon.py --speeches 300 --top 8
    python scripts/check_lexicon.py --lexicon path/to/cues.tsv --no-corpus
    python scripts/check_lexicon.py --terms shared_interest --terms hostility
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from tsv_rows import read_rows

from stance.errors import InputError
from stance.scoring.lexicon import CueLexicon, read_lexicon_file
from stance.textmatch import Match, TermMatcher, normalise

REPO = Path(__file__).resolve().parent.parent
DEFAULT_LEXICON = REPO / "stance" / "data" / "cues.tsv"
DEFAULT_UNGDC = Path("/tmp/ungdc/TXT")
DEFAULT_TRAIN = Path("/work/shared/benchmarks/directed_sentiment/train.tsv")

CAMEO = [
    "public_statement",
    "appeal",
    "intend_cooperate",
    "consult",
    "diplomatic_cooperation",
    "material_cooperation",
    "provide_aid",
    "yield",
    "investigate",
    "demand",
    "disapprove",
    "reject",
    "threaten",
    "protest",
    "force_posture",
    "reduce_relations",
    "coerce",
    "assault",
    "fight",
    "mass_violence",
]
REGISTER = [
    "praise",
    "shared_interest",
    "partnership",
    "regret",
    "accusation",
    "disagreement",
    "hostility",
]
CATEGORIES = CAMEO + REGISTER
HEADER = ["term", "weight", "category"]

WORD_RE = re.compile(r"^[^\W_](?:[^\W_]|['\-.])*\*?$")

Entries = dict[str, tuple[float, str]]  # term -> (weight, category), as CueLexicon holds them
Place = tuple[int, int, int]  # document index, start, end


@dataclass(frozen=True)
class Entry:
    """A row of the lexicon file."""

    line: int
    term: str
    weight: float
    category: str

    @property
    def wildcard(self) -> bool:
        return "*" in self.term


def term_problems(term: str) -> tuple[list[str], list[str]]:
    """Errors and warnings about how a term is written."""
    errors: list[str] = []
    warnings: list[str] = []
    if term != term.strip() or "  " in term or not term:
        errors.append("stray or double spaces")
    if term != term.lower():
        errors.append("not lower case")
    for word in term.split(" "):
        if "*" in word[:-1] or word == "*":
            errors.append("'*' only allowed at the end of a word")
        elif not WORD_RE.match(word.replace("\u2019", "'")):
            errors.append(f"unexpected characters in {word!r}")
        elif word.endswith("*") and len(normalise(word[:-1])) < 3:
            errors.append(f"wildcard stem {word!r} needs 3 letters or more")
        elif word.endswith("*") and len(word) < 5:
            warnings.append(f"very short wildcard stem {word!r}")
    return errors, warnings


def read_lexicon(path: Path) -> tuple[list[Entry], list[str], list[str]]:
    """The rows of a lexicon file with every format problem found in it."""
    errors: list[str] = []
    warnings: list[str] = []
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for lineno, (term, wtxt, cat) in read_rows(path, HEADER, errors):
        where = f"line {lineno} ({term!r})"
        bad_term, odd_term = term_problems(term)
        errors += [f"{where}: {problem}" for problem in bad_term]
        warnings += [f"{where}: {problem}" for problem in odd_term]
        try:
            weight = float(wtxt)
        except ValueError:
            errors.append(f"{where}: weight {wtxt!r} is not a number")
            continue
        if not -10 <= weight <= 10:
            errors.append(f"{where}: weight {weight} outside [-10, 10]")
        if weight == 0:
            errors.append(f"{where}: weight 0 not allowed")
        if cat not in CATEGORIES:
            errors.append(f"{where}: unknown category {cat!r}")
        key = " ".join(term.lower().split())  # stance's key: a repeated term overrides
        if key in seen:
            errors.append(f"{where}: duplicate of line {seen[key]}")
            continue
        seen[key] = lineno
        if not bad_term:
            entries.append(Entry(lineno, term, weight, cat))
    check_shared_keys(entries, errors, warnings)
    check_wildcard_overlap(entries, warnings)
    return entries, errors, warnings


def matches_whole(matcher: TermMatcher, text: str) -> Match | None:
    """The match of ``matcher`` that spans all of ``text``, if any."""
    return next((m for m in matcher.finditer(text) if m.start == 0 and m.end == len(text)), None)


def covers(hyphenated: Entry, other: Entry) -> bool:
    """Whether stance's matcher, holding only ``hyphenated``, matches all of ``other``."""
    if other.wildcard and not hyphenated.wildcard:
        return False
    matcher = TermMatcher([(hyphenated.term, hyphenated, False)])
    return matches_whole(matcher, other.term.replace("*", "")) is not None


def check_shared_keys(entries: list[Entry], errors: list[str], warnings: list[str]) -> None:
    """Terms stance looks up under one key.

    The first of them gives its weight and category to every spelling, so they must agree.
    Terms that differ only by a space ("goodwill", "good will") are both needed to match both
    spellings, but one that a hyphenated term already matches ("cease-fire" matches
    "ceasefire" and "cease fire") is listed twice.
    """
    by_key: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_key[normalise(e.term)].append(e)
    for group in by_key.values():
        if len(group) < 2:
            continue
        covered = [(o, h) for h in group if "-" in h.term for o in group if o is not h]
        covered = [(o, h) for o, h in covered if covers(h, o)]
        for other, hyphenated in covered:
            errors.append(
                f"line {other.line} ({other.term!r}) is already matched by line"
                f" {hyphenated.line} ({hyphenated.term!r}): a hyphen also matches a space or"
                " nothing"
            )
        if len({(e.weight, e.category) for e in group}) > 1:
            names = ", ".join(f"{e.term!r} (line {e.line})" for e in group)
            errors.append(f"{names} share one lookup key but differ in weight or category")
        elif not covered:
            names = ", ".join(repr(e.term) for e in group)
            warnings.append(f"{names} share one lookup key (same weight and category: fine)")


def check_wildcard_overlap(entries: list[Entry], warnings: list[str]) -> None:
    """Explicit terms that a wildcard also matches whole (stance uses the explicit entry)."""
    wildcards = TermMatcher((e.term, e, False) for e in entries if e.wildcard)
    for e in entries:
        match = None if e.wildcard else matches_whole(wildcards, e.term)
        if match is not None:
            w = match.value
            warnings.append(
                f"line {e.line} ({e.term!r}) is also matched whole by line {w.line} ({w.term!r})"
            )


def product_lexicon(path: Path, errors: list[str]) -> CueLexicon | None:
    """The lexicon as stance reads the file (its modifier rules do not change what matches)."""
    try:
        entries, _removals = read_lexicon_file(path)
        return CueLexicon(entries, ())
    except (InputError, ValueError) as exc:
        errors.append(f"stance cannot load the lexicon: {exc}")
        return None


def print_summary(entries: list[Entry]) -> None:
    by_cat: dict[str, list[float]] = defaultdict(list)
    for e in entries:
        by_cat[e.category].append(e.weight)
    print(f"\n== {len(entries)} entries, {sum(e.wildcard for e in entries)} with wildcards ==")
    print(f"{'category':24} {'rows':>5} {'mean':>6} {'min':>6} {'max':>6}")
    for cat in CATEGORIES:
        ws = by_cat.get(cat, [])
        if ws:
            print(f"{cat:24} {len(ws):5d} {sum(ws) / len(ws):6.2f} {min(ws):6.1f} {max(ws):6.1f}")
        else:
            print(f"{cat:24} {0:5d}      -")
    pos = sum(e.weight > 0 for e in entries)
    print(f"positive weights: {pos}, negative weights: {len(entries) - pos}")


def load_speeches(root: Path, n: int, seed: int) -> list[str]:
    files = sorted(root.glob("*/*.txt"))
    rng = random.Random(seed)
    if n < len(files):
        files = rng.sample(files, n)
    return [f.read_text(encoding="utf-8", errors="replace") for f in files]


def load_train(path: Path) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 4:
                rows.append((cols[0].replace("[", "").replace("]", ""), cols[3].strip()))
    return rows


def matched_alone(terms: list[str], entries: Entries, docs: list[str]) -> dict[str, Place]:
    """Those of ``terms`` that match in ``docs`` once the rest of the lexicon is out of the way,
    each with the first place it matches (document index, start, end).

    Repeated until nothing new matches, since these terms can still hide one another.
    """
    found: dict[str, Place] = {}
    rest = terms
    while rest:
        lexicon = CueLexicon({t: entries[t] for t in rest}, ())
        new: dict[str, Place] = {}
        for index, text in enumerate(docs):
            for m in lexicon.find(text):
                new.setdefault(m.term, (index, m.start, m.end))
        if not new:
            break
        found.update(new)
        rest = [t for t in rest if t not in new]
    return found


def taken_by(lexicon: CueLexicon, docs: list[str], place: Place) -> str:
    """The terms the full lexicon matches over ``place`` instead."""
    index, start, end = place
    winners = [m.term for m in lexicon.find(docs[index]) if m.start < end and start < m.end]
    return ", ".join(winners) or "nothing"


def corpus_report(lexicon: CueLexicon, docs: list[str], top: int, show_all: bool) -> None:
    entries = lexicon.entries
    hits: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in docs:
        for m in lexicon.find(text):
            hits[m.term] += 1
            if "*" in m.term:
                forms[m.term][" ".join(text[m.start : m.end].lower().split())] += 1
    nwords = sum(len(text.split()) for text in docs)
    print(f"\n== corpus sample: {len(docs)} documents, {nwords} words ==")

    print(f"\n-- wildcard terms: the {top} most frequent distinct matches --")
    for term in sorted(t for t in entries if "*" in t):
        got = forms.get(term)
        shown = ", ".join(f"{w} {c}" for w, c in got.most_common(top)) if got else "(none)"
        more = f" (+{len(got) - top} more forms)" if got and len(got) > top else ""
        print(f"{term:28} {shown}{more}")

    unmatched = [t for t in entries if not hits[t]]
    alone = matched_alone(unmatched, entries, docs)
    dead = [t for t in unmatched if t not in alone]
    print(f"\n-- {len(dead)} terms that never match in the sample --")
    by_cat: dict[str, list[str]] = defaultdict(list)
    for term in dead:
        by_cat[entries[term][1]].append(term)
    for cat in CATEGORIES:
        if by_cat.get(cat):
            print(f"{cat}: " + "; ".join(by_cat[cat]))

    if alone:
        print(f"\n-- {len(alone)} terms that match alone but never win against the others --")
        print("term (what stance matches instead at its first place in the sample)")
        for term in (t for t in unmatched if t in alone):
            print(f"{term:28} ({taken_by(lexicon, docs, alone[term])})")

    n = len(entries) if show_all else 40
    print(f"\n-- {n} most frequent terms (longest-match counts) --")
    for term, c in hits.most_common(n):
        weight, category = entries[term]
        print(f"{c:7d}  {term:28} {weight:+5.1f} {category}")


def sign_check(lexicon: CueLexicon, rows: list[tuple[str, str]], show_terms: list[str]) -> None:
    groups = {"neutral": {"0"}, "positive": {"1", "2"}, "negative": {"3", "4"}}
    sizes = {g: sum(r[1] in labs for r in rows) for g, labs in groups.items()}
    fired: dict[str, Counter[str]] = defaultdict(Counter)
    mass: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    by_term: dict[str, Counter[str]] = defaultdict(Counter)
    score_by_group: dict[str, list[float]] = defaultdict(list)
    for text, label in rows:
        group = next((g for g, labs in groups.items() if label in labs), None)
        if group is None:
            continue
        found = lexicon.find(text)
        for cat in {m.category for m in found}:
            fired[cat][group] += 1
        for m in found:
            mass[m.category][group] += abs(m.weight)
        for term in {m.term for m in found}:
            by_term[term][group] += 1
        score_by_group[group].append(sum(m.weight for m in found))
    print("\n== sign sanity check on train.tsv ==")
    print("share: fraction of the sentences of each label group in which the category fires;")
    print("ratio = positive share / negative share; wratio = the same with each match counted")
    print("by |weight| (ambient low-weight cues count less). >1 leans convergent, <1 divergent.")
    print(f"sizes: {sizes}")
    print(
        f"{'category':24} {'sign':>4} {'neutral':>8} {'pos1/2':>8} {'neg3/4':>8} "
        f"{'ratio':>6} {'wratio':>7}  ok"
    )
    mean_w: dict[str, list[float]] = defaultdict(list)
    for weight, category in lexicon.entries.values():
        mean_w[category].append(weight)
    agree = total = 0
    for cat in CATEGORIES:
        if cat not in mean_w:
            continue
        sign = "+" if sum(mean_w[cat]) > 0 else "-"
        share = {g: fired[cat][g] / sizes[g] if sizes[g] else 0.0 for g in groups}
        wshare = {g: mass[cat][g] / sizes[g] if sizes[g] else 0.0 for g in groups}
        ratio = share["positive"] / share["negative"] if share["negative"] else float("inf")
        wratio = wshare["positive"] / wshare["negative"] if wshare["negative"] else float("inf")
        n_pos_neg = fired[cat]["positive"] + fired[cat]["negative"]
        if cat == "public_statement":
            ok = "n/a (neutral)"
        elif n_pos_neg < 10:
            ok = "few"
        else:
            ok = "yes" if (ratio > 1) == (sign == "+") else "NO"
            total += 1
            agree += ok == "yes"
        print(
            f"{cat:24} {sign:>4} {share['neutral']:8.3f} {share['positive']:8.3f} "
            f"{share['negative']:8.3f} {ratio:6.2f} {wratio:7.2f}  {ok}"
        )
    print(f"categories with the expected direction: {agree}/{total} (with >= 10 polar hits)")
    print("summed cue weight per sentence (no negation or direction rules applied):")
    for g in groups:
        s = score_by_group[g]
        n = max(len(s), 1)
        print(
            f"  {g:9} mean {sum(s) / n:+6.2f}; any cue {sum(1 for x in s if x) / n:.2f}"
            f"; sum>0 {sum(x > 0 for x in s) / n:.2f}; sum<0 {sum(x < 0 for x in s) / n:.2f}"
        )
    for cat in show_terms:
        print(f"\n-- terms of {cat} in train.tsv (sentences: neutral / positive / negative) --")
        terms = [t for t, (_w, c) in lexicon.entries.items() if c == cat and by_term[t]]
        for term in sorted(terms, key=lambda t: -sum(by_term[t].values())):
            c = by_term[term]
            weight = lexicon.entries[term][0]
            print(
                f"{term:30} {weight:+5.1f} {c['neutral']:6d} {c['positive']:6d} {c['negative']:6d}"
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lexicon", type=Path, default=DEFAULT_LEXICON)
    ap.add_argument("--ungdc", type=Path, default=DEFAULT_UNGDC, help="UNGDC TXT folder")
    ap.add_argument("--train", type=Path, default=DEFAULT_TRAIN, help="directed sentiment tsv")
    ap.add_argument("--speeches", type=int, default=1000, help="speeches to sample")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--top", type=int, default=8, help="matches shown per wildcard term")
    ap.add_argument("--all-terms", action="store_true", help="list every term's frequency")
    ap.add_argument("--no-corpus", action="store_true", help="format checks only")
    ap.add_argument(
        "--terms",
        action="append",
        default=[],
        metavar="CATEGORY",
        help="also list, per term of CATEGORY, how often it fires by label (repeatable)",
    )
    args = ap.parse_args(argv)

    entries, errors, warnings = read_lexicon(args.lexicon)
    lexicon = product_lexicon(args.lexicon, errors)
    print(f"lexicon: {args.lexicon}")
    for w in warnings:
        print(f"WARNING {w}")
    for err in errors:
        print(f"ERROR {err}")
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    print_summary(entries)
    if args.no_corpus or lexicon is None:
        return 1 if errors else 0

    docs: list[str] = []
    train_rows: list[tuple[str, str]] = []
    if args.ungdc.is_dir():
        docs = load_speeches(args.ungdc, args.speeches, args.seed)
        print(f"\nUNGDC: {len(docs)} speeches sampled from {args.ungdc}")
    else:
        print(f"\nUNGDC: {args.ungdc} not found, skipped")
    if args.train.is_file():
        train_rows = load_train(args.train)
        docs.extend(text for text, _ in train_rows)
        print(f"train: {len(train_rows)} sentences from {args.train}")
    else:
        print(f"train: {args.train} not found, skipped")
    if docs:
        corpus_report(lexicon, docs, args.top, args.all_terms)
    if train_rows:
        sign_check(lexicon, train_rows, args.terms)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
