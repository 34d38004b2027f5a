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
   no duplicate term, no term already covered by a hyphenated one (in the scorer a hyphen
   also matches a space or nothing: "cease-fire" covers "ceasefire"), terms sharing one
   lookup key ("goodwill", "good will") with the same weight and category, lower case,
   single spaces, ``*`` only at the end of a word and after 3 letters or more.
   Warnings (exit status unchanged): very short wildcard stems, explicit terms that a
   wildcard of the same length also matches (two entries competing for one span).
2. Counts and mean weight per category.
3. If a corpus is available, a sample is tokenised and the lexicon is run over it:
   ``/tmp/ungdc/TXT`` (UN General Debate speeches, one file per country-year) and/or
   ``/work/shared/benchmarks/directed_sentiment/train.tsv`` (news sentences with a
   directed sentiment label). It prints, for every wildcard term, the most frequent
   distinct words or phrases it matches (to spot over-matching), the terms that never
   match in the sample, the most frequent terms, and, for train.tsv, how often each
   category fires in neutral, positive (labels 1/2) and negative (labels 3/4) sentences:
   a sign sanity check (positive weights should lean to 1/2, negative ones to 3/4).

Matching here approximates the scorer's: case-insensitive, ``'`` and ``’`` alike, words split
on anything that is not a letter or digit (so ``non-cooperation`` contains ``cooperation``
and a term ``non-cooperation`` is the longer match; as in the scorer, a hyphenated term
also matches the spaced and the closed-up form), at each position the longest term wins.

Run from the repository root::

    python scripts/check_lexicon.py                     # defaults
    python scripts/check_lexicon.py --speeches 300 --top 8
    python scripts/check_lexicon.py --lexicon path/to/cues.tsv --no-corpus
    python scripts/check_lexicon.py --terms shared_interest --terms hostility

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

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

TOKEN_RE = re.compile(r"[^\W_]+|'")
WORD_RE = re.compile(r"^[^\W_](?:[^\W_]|['\-.])*\*?$")


def normalise(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


# The scorer's matcher (stance/textmatch.py) lets "-" in a term match a hyphen, a space or
# nothing, and looks terms up by this key: two terms with the same key are one entry there.
KEY_RE = re.compile(r"[\s'\u2019\-\u2010\u2011\u2013.]+")


def term_key(term: str) -> str:
    return KEY_RE.sub("", term.lower())


def tokenize(text: str) -> list[str]:
    return TOKEN_RE.findall(normalise(text))


Parts = list[tuple[str, bool]]


def term_parts(term: str) -> Parts:
    """A term as a list of (token, is_prefix); only the last token of a wildcard word is a
    prefix ("x-ray*" -> x, ray*)."""
    parts: Parts = []
    for word in term.split(" "):
        star = word.endswith("*")
        toks = tokenize(word.rstrip("*"))
        for i, tok in enumerate(toks):
            parts.append((tok, star and i == len(toks) - 1))
    return parts


class Entry:
    __slots__ = ("category", "line", "parts", "term", "variants", "weight")

    def __init__(self, line: int, term: str, weight: float, category: str) -> None:
        self.line = line
        self.term = term
        self.weight = weight
        self.category = category
        self.parts = term_parts(term)
        # Token sequences the term matches: as written, and with hyphens closed up
        # ("cease-fire" also matches "ceasefire"), as in the scorer.
        variants = [self.parts]
        if "-" in term:
            closed = term_parts(term.replace("-", ""))
            if closed != self.parts:
                variants.append(closed)
        self.variants = variants

    @property
    def wildcard(self) -> bool:
        return "*" in self.term


def read_lexicon(path: Path) -> tuple[list[Entry], list[str], list[str]]:
    errors: list[str] = []
    warnings: list[str] = []
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    header_seen = False
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            if not header_seen:
                header_seen = True
                if cols != HEADER:
                    errors.append(f"line {lineno}: header must be {HEADER}, got {cols}")
                continue
            if len(cols) != 3:
                errors.append(f"line {lineno}: expected 3 columns, got {len(cols)}: {line!r}")
                continue
            term, wtxt, cat = cols
            where = f"line {lineno} ({term!r})"
            if term != term.strip() or "  " in term or not term:
                errors.append(f"{where}: stray or double spaces")
            if term != term.lower():
                errors.append(f"{where}: not lower case")
            for word in term.split(" "):
                if "*" in word[:-1] or word == "*":
                    errors.append(f"{where}: '*' only allowed at the end of a word")
                elif not WORD_RE.match(word.replace("\u2019", "'")):
                    errors.append(f"{where}: unexpected characters in {word!r}")
                elif word.endswith("*") and len(term_key(word[:-1])) < 3:
                    errors.append(f"{where}: wildcard stem {word!r} needs 3 letters or more")
                elif word.endswith("*") and len(word) < 5:
                    warnings.append(f"{where}: very short wildcard stem {word!r}")
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
            key = normalise(term)
            if key in seen:
                errors.append(f"{where}: duplicate of line {seen[key]}")
                continue
            seen[key] = lineno
            entries.append(Entry(lineno, term, weight, cat))
    if not header_seen:
        errors.append("no header line")
    check_shared_keys(entries, errors, warnings)
    # Explicit terms that a wildcard of the same token length also matches.
    wild = [e for e in entries if e.wildcard]
    for e in entries:
        if e.wildcard:
            continue
        for w in wild:
            if len(w.parts) == len(e.parts) and parts_match(w.parts, [t for t, _ in e.parts]):
                warnings.append(
                    f"line {e.line} ({e.term!r}) is also matched by line {w.line} ({w.term!r})"
                    " with the same length"
                )
    return entries, errors, warnings


def hyphen_variants(term: str) -> set[str]:
    """The spellings a hyphenated term also matches in the scorer: each '-' as '', ' ' or '-'."""
    out = {""}
    for ch in term:
        out = {v + c for v in out for c in (("", " ", "-") if ch == "-" else (ch,))}
    return out - {term}


def check_shared_keys(entries: list[Entry], errors: list[str], warnings: list[str]) -> None:
    """Terms the scorer cannot tell apart.

    A hyphen in a term matches a hyphen, a space or nothing, so "cease-fire" already covers
    "ceasefire" and "cease fire": listing those too is an error. Terms that differ only by a
    space ("goodwill", "good will") are both needed to match both spellings, but the scorer
    looks both up under one key, so they must carry the same weight and category.
    """
    by_term = {normalise(e.term): e for e in entries}
    for e in entries:
        if "-" not in e.term:
            continue
        for variant in hyphen_variants(normalise(e.term)):
            other = by_term.get(variant)
            if other is not None and other is not e:
                errors.append(
                    f"line {other.line} ({other.term!r}) is already matched by line {e.line}"
                    f" ({e.term!r}): a hyphen also matches a space or nothing"
                )
    by_key: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_key[term_key(e.term)].append(e)
    for group in by_key.values():
        if len(group) > 1 and len({(e.weight, e.category) for e in group}) > 1:
            names = ", ".join(f"{e.term!r} (line {e.line})" for e in group)
            errors.append(f"{names} share one lookup key but differ in weight or category")
        elif len(group) > 1 and not any("-" in e.term for e in group):
            names = ", ".join(repr(e.term) for e in group)
            warnings.append(f"{names} share one lookup key (same weight and category: fine)")


def parts_match(parts: list[tuple[str, bool]], toks: list[str]) -> bool:
    if len(toks) < len(parts):
        return False
    for (p, prefix), tok in zip(parts, toks, strict=False):
        if prefix:
            if not tok.startswith(p):
                return False
        elif tok != p:
            return False
    return True


class Matcher:
    """Token-level matcher: exact first tokens in a dict, wildcard first tokens by prefix."""

    def __init__(self, entries: list[Entry]) -> None:
        self.exact: dict[str, list[tuple[Parts, Entry]]] = defaultdict(list)
        self.prefix: dict[str, list[tuple[Parts, Entry]]] = defaultdict(list)
        for e in entries:
            for parts in e.variants:
                first, is_prefix = parts[0]
                (self.prefix if is_prefix else self.exact)[first].append((parts, e))
        self.max_prefix = max((len(p) for p in self.prefix), default=0)

    def candidates(self, tok: str) -> list[tuple[Parts, Entry]]:
        found = list(self.exact.get(tok, ()))
        for n in range(1, min(len(tok), self.max_prefix) + 1):
            found.extend(self.prefix.get(tok[:n], ()))
        return found

    def all_matches(self, toks: list[str]):
        """Yield (start, length, entry) for every term matching at every position."""
        for i, tok in enumerate(toks):
            for parts, e in self.candidates(tok):
                if parts_match(parts, toks[i : i + len(parts)]):
                    yield i, len(parts), e

    def longest(self, toks: list[str]) -> list[Entry]:
        """Left-to-right, longest term at each position, matches do not overlap."""
        out: list[Entry] = []
        i = 0
        while i < len(toks):
            best: tuple[Parts, Entry] | None = None
            for parts, e in self.candidates(toks[i]):
                if (best is None or len(parts) > len(best[0])) and parts_match(
                    parts, toks[i : i + len(parts)]
                ):
                    best = (parts, e)
            if best is None:
                i += 1
            else:
                out.append(best[1])
                i += len(best[0])
        return out


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


def corpus_report(entries: list[Entry], docs: list[list[str]], top: int, show_all: bool) -> None:
    matcher = Matcher(entries)
    hits: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    longest_hits: Counter[str] = Counter()
    for toks in docs:
        for i, n, e in matcher.all_matches(toks):
            hits[e.term] += 1
            if e.wildcard:
                forms[e.term][" ".join(toks[i : i + n])] += 1
        for e in matcher.longest(toks):
            longest_hits[e.term] += 1
    ntok = sum(len(t) for t in docs)
    print(f"\n== corpus sample: {len(docs)} documents, {ntok} tokens ==")

    print(f"\n-- wildcard terms: the {top} most frequent distinct matches --")
    for e in sorted((e for e in entries if e.wildcard), key=lambda e: e.term):
        got = forms.get(e.term)
        shown = ", ".join(f"{w} {c}" for w, c in got.most_common(top)) if got else "(none)"
        more = f" (+{len(got) - top} more forms)" if got and len(got) > top else ""
        print(f"{e.term:28} {shown}{more}")

    dead = [e for e in entries if hits[e.term] == 0]
    print(f"\n-- {len(dead)} terms that never match in the sample --")
    by_cat: dict[str, list[str]] = defaultdict(list)
    for e in dead:
        by_cat[e.category].append(e.term)
    for cat in CATEGORIES:
        if by_cat.get(cat):
            print(f"{cat}: " + "; ".join(by_cat[cat]))

    shadowed = [e for e in entries if hits[e.term] and not longest_hits[e.term]]
    if shadowed:
        print(f"\n-- {len(shadowed)} terms that match but always lose to a longer term --")
        print("; ".join(e.term for e in shadowed))

    n = len(entries) if show_all else 40
    print(f"\n-- {n} most frequent terms (longest-match counts) --")
    weights = {e.term: e for e in entries}
    for term, c in longest_hits.most_common(n):
        e = weights[term]
        print(f"{c:7d}  {term:28} {e.weight:+5.1f} {e.category}")


def sign_check(entries: list[Entry], rows: list[tuple[str, str]], show_terms: list[str]) -> None:
    matcher = Matcher(entries)
    groups = {"neutral": {"0"}, "positive": {"1", "2"}, "negative": {"3", "4"}}
    sizes = {g: sum(r[1] in labs for r in rows) for g, labs in groups.items()}
    fired: dict[str, Counter[str]] = defaultdict(Counter)
    mass: dict[str, Counter[str]] = defaultdict(Counter)
    by_term: dict[str, Counter[str]] = defaultdict(Counter)
    score_by_group: dict[str, list[float]] = defaultdict(list)
    for text, label in rows:
        group = next((g for g, labs in groups.items() if label in labs), None)
        if group is None:
            continue
        found = matcher.longest(tokenize(text))
        for cat in {e.category for e in found}:
            fired[cat][group] += 1
        for e in found:
            mass[e.category][group] += abs(e.weight)
        for term in {e.term for e in found}:
            by_term[term][group] += 1
        score_by_group[group].append(sum(e.weight for e in found))
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
    for e in entries:
        mean_w[e.category].append(e.weight)
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
        terms = [e for e in entries if e.category == cat and by_term[e.term]]
        for e in sorted(terms, key=lambda e: -sum(by_term[e.term].values())):
            c = by_term[e.term]
            print(
                f"{e.term:30} {e.weight:+5.1f} {c['neutral']:6d} {c['positive']:6d} "
                f"{c['negative']:6d}"
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
    print(f"lexicon: {args.lexicon}")
    for w in warnings:
        print(f"WARNING {w}")
    for err in errors:
        print(f"ERROR {err}")
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    print_summary(entries)
    if args.no_corpus:
        return 1 if errors else 0

    docs: list[list[str]] = []
    train_rows: list[tuple[str, str]] = []
    if args.ungdc.is_dir():
        speeches = load_speeches(args.ungdc, args.speeches, args.seed)
        docs.extend(tokenize(s) for s in speeches)
        print(f"\nUNGDC: {len(speeches)} speeches sampled from {args.ungdc}")
    else:
        print(f"\nUNGDC: {args.ungdc} not found, skipped")
    if args.train.is_file():
        train_rows = load_train(args.train)
        docs.extend(tokenize(t) for t, _ in train_rows)
        print(f"train: {len(train_rows)} sentences from {args.train}")
    else:
        print(f"train: {args.train} not found, skipped")
    if docs:
        corpus_report(entries, docs, args.top, args.all_terms)
    if train_rows:
        sign_check(entries, train_rows, args.terms)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
