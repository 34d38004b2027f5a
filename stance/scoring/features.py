"""What the learned models read of a sentence: terms and a few interpretable numbers.

Stance (see :mod:`stance.scoring.stance`):

* **terms**: the lower-cased words of the sentence with every party mention replaced by a
  placeholder, ``enta`` for the party named first, ``entb`` for the second one and ``entx``
  for any other, so that no name is ever learnt; words and word pairs ("enta accused") and
  each word tagged by where it stands: before the first party (``pre:``), between the two
  (``mid:``) or after the second (``post:``);
* **dense**: the cue lexicon's effects (after its rules) summed by sign within five groups of
  CAMEO categories, the cues changed by a rule, the number of cues, VADER and TextBlob.

Tone (see :mod:`stance.scoring.tone`): VADER's per-word valences, TextBlob's assessments, the
cue lexicon's effects, and the words with negation marked ("not good" gives ``not_good``).

Both training scripts call these same functions, so a model sees at run time exactly what it
was trained on. At run time the stance model's rows are found by :class:`TermIndex`, one
lookup per word, without building the terms; the tests hold it to :func:`term_counts`, which
training counts with.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, pairwise

from .base import Cue, SentenceInput

TOKEN = re.compile(r"(?u)\b\w\w+\b")
FIRST, SECOND, OTHER = "enta", "entb", "entx"
REGIONS = {"pre": "before the first party", "mid": "between the parties", "post": "after both"}

# The CAMEO categories of the cue lexicon in five groups; a user's own category counts with
# the verbal group of its sign.
GROUPS: dict[str, frozenset[str]] = {
    group: frozenset(categories.split())
    for group, categories in {
        "cooperation_verbal": "appeal intend_cooperate consult diplomatic_cooperation "
        "public_statement",
        "cooperation_material": "material_cooperation provide_aid yield",
        "cooperation_register": "praise shared_interest partnership",
        "conflict_verbal": "investigate demand disapprove reject accusation regret disagreement",
        "conflict_material": "threaten protest force_posture reduce_relations coerce assault "
        "fight mass_violence hostility",
    }.items()
}
_GROUP_OF = {category: group for group, members in GROUPS.items() for category in members}

STANCE_DENSE: dict[str, str] = {
    **{
        f"{group}_{sign}": f"{group.replace('_', ' ')} cues, {word}"
        for group in GROUPS
        for sign, word in (("pos", "cooperative effect"), ("neg", "conflictual effect"))
    },
    "modified": "cues changed by a rule (negation, reversal, hedge, remedy, shared)",
    "vader": "VADER compound",
    "vader_pos": "VADER positive share",
    "vader_neg": "VADER negative share",
    "textblob": "TextBlob polarity",
    "subjectivity": "TextBlob subjectivity",
    "cues": "number of lexicon cues (up to 5)",
}

TONE_DENSE: dict[str, str] = {
    "vader": "VADER compound",
    "vader_pos": "VADER positive share",
    "vader_neg": "VADER negative share",
    "textblob": "TextBlob polarity",
    "subjectivity": "TextBlob subjectivity",
    "polar_subjective": "TextBlob polarity times subjectivity",
    "valence_pos": "VADER positive valences, summed",
    "valence_neg": "VADER negative valences, summed",
    "valence_max": "strongest positive VADER valence",
    "valence_min": "strongest negative VADER valence",
    "words_pos": "share of positive VADER words",
    "words_neg": "share of negative VADER words",
    "cues_pos": "cue lexicon, cooperative effects",
    "cues_neg": "cue lexicon, conflictual effects",
    "assessments": "TextBlob assessments, count",
    "assessment_mean": "TextBlob assessments, mean polarity",
    "length": "words, per 30",
}

NEGATORS = frozenset("not no never n't nor without hardly cannot".split())
NEGATION_REACH = 3
_TONE_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[.,;:!?]")


@dataclass
class StanceFeatures:
    """The terms (with counts) and dense values of one sentence, and the parties it names.

    ``tokens`` are the masked words in order; ``spans`` (worked out when an explanation asks
    for them) their character spans in the sentence, a placeholder spanning its mention;
    ``rows``, the terms' rows in the stance model (set when it scores the sentence).
    """

    dense: dict[str, float] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    first: str | None = None
    second: str | None = None
    text: str = ""
    mentions: tuple = ()

    @cached_property
    def counts(self) -> dict[str, int]:
        """Every term and how often it occurs (see :func:`term_counts`)."""
        return term_counts(self.tokens)

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        masked_tokens(self.text, self.mentions, [], spans)
        return spans


def stance_features(sentence: SentenceInput, cues: tuple[Cue, ...]) -> StanceFeatures:
    """Terms and dense values of ``sentence``, given its lexicon cues after every rule."""
    feats = StanceFeatures(text=sentence.text, mentions=sentence.mentions)
    feats.first, feats.second = masked_tokens(sentence.text, sentence.mentions, feats.tokens)
    feats.dense = stance_dense(sentence, cues)
    return feats


def masked_tokens(
    text: str, mentions: Iterable, tokens: list[str], spans: list[tuple[int, int]] | None = None
) -> tuple[str | None, str | None]:
    """Fill ``tokens`` (and ``spans``, when given) with the sentence's lower-case words,
    party mentions replaced by placeholders; return the keys of the first and second party.

    Words are runs of two or more word characters (scikit-learn's default token pattern) in
    the lower-cased text; a mention that overlaps an earlier one is skipped.
    """
    low = text.lower()
    offsets = _lowered_offsets(text) if len(low) != len(text) else None
    order: list[str] = []
    position = 0
    for mention in mentions:
        if mention.kind == "venue":
            continue
        start, end = mention.start, mention.end
        if offsets is not None:
            start, end = offsets[start], offsets[end]
        if start < position:
            continue
        _words(low, position, start, tokens, spans)
        if mention.key not in order:
            order.append(mention.key)
        index = order.index(mention.key)
        tokens.append(FIRST if index == 0 else SECOND if index == 1 else OTHER)
        if spans is not None:
            spans.append((start, end))
        position = end
    _words(low, position, len(low), tokens, spans)
    if offsets is not None and spans is not None:
        spans[:] = [_original_span(offsets, s) for s in spans]
    first = order[0] if order else None
    return first, order[1] if len(order) > 1 else None


def _words(low: str, start: int, end: int, tokens: list[str], spans: list | None) -> None:
    # A slice, not finditer(low, start, end): word boundaries at the cut must see the cut.
    piece = low[start:end]
    if spans is None:
        tokens += TOKEN.findall(piece)
        return
    for m in TOKEN.finditer(piece):
        tokens.append(m.group())
        spans.append((start + m.start(), start + m.end()))


def _lowered_offsets(text: str) -> list[int]:
    """Where each character of ``text`` starts in ``text.lower()`` (some letters, such as
    'İ', lower-case to two characters), with the total length last."""
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + len(ch.lower()))
    return offsets


def _original_span(offsets: list[int], span: tuple[int, int]) -> tuple[int, int]:
    return bisect.bisect_right(offsets, span[0]) - 1, bisect.bisect_left(offsets, span[1])


def term_counts(tokens: list[str]) -> dict[str, int]:
    """Counts of every term: words, word pairs, and words tagged by region (before the first
    party, between the first and the second, after the second)."""
    end = len(tokens)
    first = tokens.index(FIRST) if FIRST in tokens else end
    second = tokens.index(SECOND) if SECOND in tokens else end
    return Counter(
        chain(
            tokens,
            map(" ".join, pairwise(tokens)),
            ["pre:" + t for t in tokens[:first]],
            ["mid:" + t for t in tokens[first:second] if t != FIRST],
            ["post:" + t for t in tokens[second:] if t != FIRST and t != SECOND],
        )
    )


_REGION_ROW = {"pre": 2, "mid": 3, "post": 4}  # where a word's tagged rows are in TermIndex


class TermIndex:
    """A stance model's vocabulary arranged by word, so that the rows of a sentence's terms
    (:func:`term_counts`' words, pairs and tagged words) are found with one lookup per word
    and none of the terms is built as a string: a word the model never saw ends there."""

    def __init__(self, index: Mapping[str, int]):
        entries: dict[str, list[int]] = {}  # word -> [id, row, pre: row, mid: row, post: row]

        def entry(word: str) -> list[int]:
            return entries.setdefault(word, [len(entries), -1, -1, -1, -1])

        pairs = []
        for term, row in index.items():
            region, tagged, word = term.partition(":")
            left, paired, right = term.partition(" ")
            if tagged:
                entry(word)[_REGION_ROW[region]] = row
            elif paired:
                pairs.append((entry(left)[0], entry(right)[0], row))
            else:
                entry(term)[1] = row
        entry(FIRST), entry(SECOND)  # they move the region on whether known or not
        self._size = len(entries)
        self._words = {word: tuple(values) for word, values in entries.items()}
        self._pairs = {left * self._size + right: row for left, right, row in pairs}

    def rows(self, tokens: list[str]) -> list[int]:
        """The rows of the known terms of ``tokens``, each as often as it occurs."""
        words, pairs, size = self._words.get, self._pairs.get, self._size
        rows: list[int] = []
        add = rows.append
        region = 2  # index of the pre: row; 3 is mid:, 4 post:
        previous = -1
        for token in tokens:
            found = words(token)
            if found is None:
                previous = -1
                continue
            word, row = found[0], found[1]
            if row >= 0:
                add(row)
            if previous >= 0:
                pair = pairs(previous * size + word)
                if pair is not None:
                    add(pair)
            previous = word
            if token == FIRST:
                region = 3 if region == 2 else region
            elif token == SECOND:
                region = 4
            elif (row := found[region]) >= 0:
                add(row)
        return rows


def term_span(feats: StanceFeatures, term: str) -> tuple[int, int] | None:
    """The span of the first occurrence of ``term`` (a word, pair or tagged word)."""
    tokens = feats.tokens
    found = _term_tokens(tokens, term)
    if found is None:
        return None
    spans = feats.spans
    return spans[found[0]][0], spans[found[1]][1]


def _term_tokens(tokens: list[str], term: str) -> tuple[int, int] | None:
    """The first and last token of the first occurrence of ``term``."""
    region, tagged, word = term.partition(":")
    try:
        if tagged:
            end = len(tokens)
            first = tokens.index(FIRST) if FIRST in tokens else end
            second = tokens.index(SECOND) if SECOND in tokens else end
            low, high = {"pre": (0, first), "mid": (first, second), "post": (second, end)}[region]
            at = tokens.index(word, low, high)
            return at, at
        left, paired, right = term.partition(" ")
        if not paired:
            at = tokens.index(term)
            return at, at
        at = tokens.index(left, 0, len(tokens) - 1)
        while tokens[at + 1] != right:
            at = tokens.index(left, at + 1, len(tokens) - 1)
        return at, at + 1
    except ValueError:
        return None


def stance_dense(sentence: SentenceInput, cues: tuple[Cue, ...]) -> dict[str, float]:
    """The dense stance features (see ``STANCE_DENSE``); zero values are left out."""
    sums: dict[str, float] = {}
    modified = 0
    for cue in cues:
        group = _GROUP_OF.get(cue.category) or (
            "cooperation_verbal" if cue.weight > 0 else "conflict_verbal"
        )
        name = group + ("_pos" if cue.effect > 0 else "_neg")
        sums[name] = sums.get(name, 0.0) + cue.effect / 10
        if cue.modifiers:
            modified += 1
    dense = {name: math.tanh(total) for name, total in sums.items() if total}
    if modified:
        dense["modified"] = math.tanh(modified)
    vader = sentence.vader
    polarity, subjectivity = sentence.textblob
    dense["vader"] = vader["compound"]
    dense["vader_pos"] = vader["pos"]
    dense["vader_neg"] = vader["neg"]
    dense["textblob"] = polarity
    dense["subjectivity"] = subjectivity
    if cues:
        dense["cues"] = min(len(cues), 5) / 5
    return dense


def tone_dense(sentence: SentenceInput) -> dict[str, float]:
    """The dense tone features (see ``TONE_DENSE``)."""
    return dict(zip(TONE_DENSE, tone_values(sentence), strict=True))


def tone_values(sentence: SentenceInput) -> list[float]:
    """The values of the dense tone features, in the order of ``TONE_DENSE``."""
    vader = sentence.vader
    valences = sentence.vader_valences
    polarity, subjectivity = sentence.textblob
    assessments = sentence.textblob_assessments
    n = len(valences)
    positive = [v for v in valences if v > 0]
    negative = [v for v in valences if v < 0]
    cue_pos = cue_neg = 0.0
    for cue in sentence.cues:
        if cue.effect > 0:
            cue_pos += cue.effect
        else:
            cue_neg += cue.effect
    return [
        vader["compound"],
        vader["pos"],
        vader["neg"],
        polarity,
        subjectivity,
        polarity * subjectivity,
        math.tanh(sum(positive) / 4),
        math.tanh(sum(negative) / 4),
        max(positive, default=0.0),
        min(negative, default=0.0),
        len(positive) / (n + 1),
        len(negative) / (n + 1),
        math.tanh(cue_pos / 5),
        math.tanh(cue_neg / 5),
        float(len(assessments)),
        sum(a[1] for a in assessments) / (len(assessments) + 1),
        n / 30,
    ]


def negation_marked(text: str) -> dict[str, int]:
    """Counts of the words of :func:`negation_marked_words`: the tone model's terms."""
    return Counter(negation_marked_words(text))


def negation_marked_words(text: str) -> list[str]:
    """The lower-case words of ``text`` in order, a word within three after a negator
    ("not", "never", "n't" ...) written ``not_word``; punctuation ends the reach."""
    low = text.lower().replace("’", "'")
    tokens = _TONE_WORD.findall(low)
    if "n't" not in low and NEGATORS.isdisjoint(tokens):
        return [t for t in tokens if len(t) > 1]
    words = []
    reach = 0
    for word in tokens:
        if len(word) == 1 and not word.isalpha():
            reach = 0
            continue
        if word in NEGATORS or word.endswith("n't"):
            reach = NEGATION_REACH
        elif reach:
            word = "not_" + word
            reach -= 1
        if len(word) > 1:
            words.append(word)
    return words
