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
cue lexicon's effects, and the words TextBlob's analyser read with negation marked ("not
good" gives ``not_good``).

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, pairwise
from operator import itemgetter, methodcaller

import numpy as np

from .base import Cue, SentenceInput
from .linear import looked_up

# Runs of two or more word characters: what scikit-learn's default token pattern
# ``\b\w\w+\b`` finds (a run always starts a match), a quarter faster without the ``\b``.
TOKEN = re.compile(r"\w\w+")
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

# The tone model reads the words TextBlob's analyser read (``SentenceInput.pattern_words``),
# where pattern cuts "didn't" into "did", "n", "'", "t": "n" is the negator of every "n't".
NEGATORS = frozenset("not no never nor without hardly cannot n".split())
NEGATION_REACH = 3
CLAUSE_ENDS = frozenset(",;:.!?()")


@dataclass
class StanceFeatures:
    """The terms (with counts) and dense values of one sentence, and the parties it names.

    ``values`` are the dense features in the order of ``STANCE_DENSE``; ``tokens`` the masked
    words in order; ``placeholders`` where each party placeholder among them stands: its
    token index and its mention's span in the lower-cased ``text``.
    """

    values: list[float] = field(default_factory=lambda: [0.0] * len(STANCE_DENSE))
    tokens: list[str] = field(default_factory=list)
    first: str | None = None
    second: str | None = None
    text: str = ""
    placeholders: list[tuple[int, int, int]] = field(default_factory=list)

    @cached_property
    def dense(self) -> dict[str, float]:
        """The dense features by name, zero values left out."""
        return {name: value for name, value in zip(STANCE_DENSE, self.values, strict=True) if value}

    @cached_property
    def counts(self) -> dict[str, int]:
        """Every term and how often it occurs (see :func:`term_counts`)."""
        return term_counts(self.tokens)

    @property
    def fewest_words(self) -> int:
        """The fewest words (runs of word characters) ``text`` may have, at least 1: each
        token that is not a placeholder lies in a word of its own, but for a mention inside a
        word, which may join the tokens on either side into one. 1 when lower-casing changes
        the text's length (the tokens are runs of the lower-cased text, where a letter may
        become a letter and a mark, and a word two tokens)."""
        if self._lowered[1] is not None:
            return 1
        mentions = len(self.placeholders)
        return max(len(self.tokens) - 2 * mentions, 1)

    @cached_property
    def _lowered(self) -> tuple[str, list[int] | None]:
        """The lower-cased text, and where each character of ``text`` starts in it when the
        two differ in length."""
        low = self.text.lower()
        return low, _lowered_offsets(self.text) if len(low) != len(self.text) else None

    def token_spans(self, indices: Iterable[int]) -> dict[int, tuple[int, int]]:
        """The character span in ``text`` of each token of ``indices``; a placeholder spans
        its mention.

        Only the tokens asked for are located (an explanation needs a few, of a few
        sentences), in one walk: from the placeholder before each, or where the walk stands,
        each word is looked for in turn where the last one ended. A word is the next run of
        two or more word characters, and none start before it, so the first place it occurs
        from there is where it was found."""
        low, offsets = self._lowered
        tokens = self.tokens
        spans = {}
        position = after = 0  # the walk has passed the tokens before ``after``, to ``position``
        for index in sorted(set(indices)):
            span = None
            for at, start, end in self.placeholders:
                if at > index:
                    break
                if at >= after:
                    position, after = end, at + 1
                    if at == index:
                        span = (start, end)
            if span is None:
                start = position
                for word in tokens[after : index + 1]:
                    start = low.find(word, position)
                    position = start + len(word)
                after = index + 1
                span = (start, position)
            spans[index] = span if offsets is None else _original_span(offsets, span)
        return spans


def stance_features(sentence: SentenceInput, cues: tuple[Cue, ...]) -> StanceFeatures:
    """Terms and dense values of ``sentence``, given its lexicon cues after every rule."""
    text = sentence.text
    tokens: list[str] = []
    placeholders: list[tuple[int, int, int]] = []
    first, second = masked_tokens(text, sentence.mentions, tokens, placeholders)
    values = stance_values(sentence, cues)
    return StanceFeatures(values, tokens, first, second, text, placeholders)


def masked_tokens(
    text: str,
    mentions: Iterable,
    tokens: list[str],
    placeholders: list[tuple[int, int, int]] | None = None,
) -> tuple[str | None, str | None]:
    """Fill ``tokens`` with the sentence's lower-case words, party mentions replaced by
    placeholders, and ``placeholders`` (when given) with where each placeholder stands (see
    :class:`StanceFeatures`); return the keys of the first and second party.

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
        # The pattern has no boundary assertion, so searching from ``position`` to ``start``
        # finds what searching the slice would: a word cut by a mention is cut here too.
        tokens += TOKEN.findall(low, position, start)
        if mention.key not in order:
            order.append(mention.key)
        if placeholders is not None:
            placeholders.append((len(tokens), start, end))
        index = order.index(mention.key)
        tokens.append(FIRST if index == 0 else SECOND if index == 1 else OTHER)
        position = end
    tokens += TOKEN.findall(low, position)
    first = order[0] if order else None
    return first, order[1] if len(order) > 1 else None


def _lowered_offsets(text: str) -> list[int]:
    """Where each character of ``text`` starts in ``text.lower()`` (some letters, such as
    'İ', lower-case to two characters), with the total length last."""
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + len(ch.lower()))
    return offsets


def _original_span(offsets: list[int], span: tuple[int, int]) -> tuple[int, int]:
    """A span in the lower-cased text as a span in the text (see :func:`_lowered_offsets`)."""
    return bisect.bisect_right(offsets, span[0]) - 1, bisect.bisect_left(offsets, span[1])


def term_counts(tokens: list[str]) -> dict[str, int]:
    """Counts of every term: words, word pairs, and words tagged by region (before the first
    party, between the first and the second, after the second)."""
    bounds = _region_bounds(tokens)
    pre, mid, post = (tokens[low:high] for low, high in bounds.values())
    return Counter(
        chain(
            tokens,
            map(" ".join, pairwise(tokens)),
            ["pre:" + t for t in pre],
            ["mid:" + t for t in mid if t != FIRST],
            ["post:" + t for t in post if t != FIRST and t != SECOND],
        )
    )


def _region_bounds(tokens: list[str]) -> dict[str, tuple[int, int]]:
    """Where each region of ``tokens`` starts and ends: before the first party (``pre``), from
    it to the second (``mid``), from the second on (``post``)."""
    end = len(tokens)
    first = tokens.index(FIRST) if FIRST in tokens else end
    second = tokens.index(SECOND) if SECOND in tokens else end
    return {"pre": (0, first), "mid": (first, second), "post": (second, end)}


_REGIONS = ("pre", "mid", "post")


class TermIndex:
    """A stance model's vocabulary arranged by word, so that the rows of the terms of a batch
    of sentences (:func:`term_counts`' words, pairs and tagged words) are found with one
    dictionary lookup per word and array operations, without building any term as a string:
    a word the model never saw ends there."""

    def __init__(self, index: Mapping[str, int]):
        ids: dict[str, int] = {}
        tagged: list[tuple[int, int, int]] = []  # (word id, region, row)
        words: list[tuple[int, int]] = []  # (word id, row)
        pairs: list[tuple[int, int, int]] = []  # (left id, right id, row)
        for term in (FIRST, SECOND):  # they move the region on whether known or not
            ids.setdefault(term, len(ids))
        for term, row in index.items():
            region, is_tagged, word = term.partition(":")
            left, is_pair, right = term.partition(" ")
            if is_tagged:
                tagged.append((ids.setdefault(word, len(ids)), _REGIONS.index(region), row))
            elif is_pair:
                left_id = ids.setdefault(left, len(ids))
                pairs.append((left_id, ids.setdefault(right, len(ids)), row))
            else:
                words.append((ids.setdefault(term, len(ids)), row))
        self._ids = ids
        self._unknown = size = len(ids)  # the id of every other word
        self._word_rows = np.full(size + 1, -1, dtype=np.int64)
        self._tagged_rows = np.full((size + 1, len(_REGIONS)), -1, dtype=np.int64)
        for word_id, word_row in words:
            self._word_rows[word_id] = word_row
        for word_id, region_index, tagged_row in tagged:
            self._tagged_rows[word_id, region_index] = tagged_row
        keys = np.array([left * (size + 1) + right for left, right, _ in pairs], dtype=np.int64)
        order = np.argsort(keys)
        self._pair_keys = keys[order]
        self._pair_rows = np.array([row for _, _, row in pairs], dtype=np.int64)[order]

    def rows(self, sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the known terms of each sentence's tokens, each as often as it occurs,
        as two arrays in no particular order: the sentence (its place in ``sentences``) of each
        row, and the row."""
        ids, sentence, lengths = looked_up(self._ids, sentences, self._unknown)
        total = len(ids)
        starts = np.cumsum(lengths) - lengths
        known = ids != self._unknown
        # words
        word_rows = self._word_rows[ids]
        # pairs: two known words in a row within one sentence
        after = np.ones(total, dtype=bool)
        after[starts[lengths > 0]] = False
        paired = np.nonzero(after[1:] & known[1:] & known[:-1])[0] + 1
        keys = ids[paired - 1] * (self._unknown + 1) + ids[paired]
        # in order, each key is searched for from where the last one was found: twice as fast
        order = np.argsort(keys)
        paired, keys = paired[order], keys[order]
        at = np.minimum(np.searchsorted(self._pair_keys, keys), len(self._pair_keys) - 1)
        hit = self._pair_keys[at] == keys if len(self._pair_keys) else np.zeros(len(keys), bool)
        # tagged words: the region is moved on by the placeholders before the word
        first, second = ids == self._ids[FIRST], ids == self._ids[SECOND]
        seen_first = _seen_before(first, starts, lengths)
        seen_second = _seen_before(second, starts, lengths)
        region = np.where(seen_second, 2, np.where(seen_first, 1, 0))
        tagged_rows = np.where(first | second, -1, self._tagged_rows[ids, region])
        all_sentences = np.concatenate((sentence, sentence[paired[hit]], sentence))
        all_rows = np.concatenate((word_rows, self._pair_rows[at[hit]], tagged_rows))
        kept = all_rows >= 0
        return all_sentences[kept], all_rows[kept]


def _seen_before(marks: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """For each token, whether a marked token comes before it in its own sentence."""
    counted = np.concatenate(([0], np.cumsum(marks)))  # marked tokens before, whole batch
    return counted[:-1] > np.repeat(counted[starts], lengths)


def term_spans(feats: StanceFeatures, terms: Sequence[str]) -> list[tuple[int, int] | None]:
    """The span of the first occurrence of each of ``terms`` (words, pairs or tagged words),
    None for a term the sentence lacks."""
    tokens = feats.tokens
    found = [_term_tokens(tokens, term) for term in terms]
    spans = feats.token_spans(i for pair in found if pair is not None for i in pair)
    return [None if pair is None else (spans[pair[0]][0], spans[pair[1]][1]) for pair in found]


def _term_tokens(tokens: list[str], term: str) -> tuple[int, int] | None:
    """The first and last token of the first occurrence of ``term``."""
    region, tagged, word = term.partition(":")
    try:
        if tagged:
            at = tokens.index(word, *_region_bounds(tokens)[region])
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


_GROUP_COLUMN = {group: 2 * i for i, group in enumerate(GROUPS)}  # its _pos; _neg is next


def stance_values(sentence: SentenceInput, cues: tuple[Cue, ...]) -> list[float]:
    """The values of the dense stance features, in the order of ``STANCE_DENSE``."""
    sums = [0.0] * (2 * len(GROUPS))
    modified = 0
    for cue in cues:
        group = _GROUP_OF.get(cue.category) or (
            "cooperation_verbal" if cue.weight > 0 else "conflict_verbal"
        )
        sums[_GROUP_COLUMN[group] + (cue.effect <= 0)] += cue.effect / 10
        if cue.modifiers:
            modified += 1
    vader = sentence.vader
    polarity, subjectivity = sentence.textblob
    return [
        *map(math.tanh, sums),
        math.tanh(modified),
        vader["compound"],
        vader["pos"],
        vader["neg"],
        polarity,
        subjectivity,
        min(len(cues), 5) / 5,
    ]


def tone_matrix(sentences: Sequence[SentenceInput]) -> np.ndarray:
    """The dense tone features of many sentences, a row each in the order of ``TONE_DENSE``:
    VADER's per-word valences are summed, counted and compared for the whole batch at once.

    Only the valences that are not 0 are taken into numpy (nine in ten are 0, the words VADER
    does not know, and they change no sum, count or extreme); the number of all of them, which
    the shares and the length are taken of, comes from the lists' lengths."""
    count = len(sentences)
    valences = [s.vader_valences for s in sentences]
    lengths = np.fromiter(map(len, valences), np.int64, count)
    nonzero = lengths - np.fromiter(map(_COUNT_ZEROS, valences), np.int64, count)
    flat = np.fromiter(filter(None, chain.from_iterable(valences)), float, int(nonzero.sum()))
    owner = np.repeat(np.arange(count), nonzero)
    by_sign = 2 * owner + (flat > 0)  # sentence i's negative valences go to bin 2i, positive 2i+1
    sums = np.bincount(by_sign, flat, 2 * count).reshape(count, 2)
    signs = np.bincount(by_sign, minlength=2 * count).reshape(count, 2)
    strongest, weakest = np.zeros(count), np.zeros(count)
    np.maximum.at(strongest, owner, flat)
    np.minimum.at(weakest, owner, flat)
    per = np.fromiter(chain.from_iterable(map(_tone_inputs, sentences)), float, 9 * count)
    compound, vader_pos, vader_neg, polarity, subjectivity, cue_pos, cue_neg, n, total = (
        per.reshape(count, 9).T
    )
    return np.column_stack(
        (
            compound,
            vader_pos,
            vader_neg,
            polarity,
            subjectivity,
            polarity * subjectivity,
            np.tanh(sums[:, 1] / 4),
            np.tanh(sums[:, 0] / 4),
            strongest,
            weakest,
            signs[:, 1] / (lengths + 1),
            signs[:, 0] / (lengths + 1),
            np.tanh(cue_pos / 5),
            np.tanh(cue_neg / 5),
            n,
            total / (n + 1),
            lengths / 30,
        )
    )


_COUNT_ZEROS = methodcaller("count", 0)
_POLARITY = itemgetter(1)


def _tone_inputs(sentence: SentenceInput) -> tuple[float, ...]:
    """A sentence's libraries' scores, its cues' effects summed by sign, and the number and
    summed polarity of TextBlob's assessments."""
    vader = sentence.vader
    polarity, subjectivity = sentence.textblob
    assessments = sentence.textblob_assessments
    cue_pos = cue_neg = 0.0
    for cue in sentence.cues:
        if cue.effect > 0:
            cue_pos += cue.effect
        else:
            cue_neg += cue.effect
    return (
        vader["compound"],
        vader["pos"],
        vader["neg"],
        polarity,
        subjectivity,
        cue_pos,
        cue_neg,
        len(assessments),
        sum(map(_POLARITY, assessments)),
    )


def negation_marked_words(words: list[str]) -> list[str]:
    """The tone model's terms: the lower-cased words and marks TextBlob's analyser read, a
    word (two characters or more) within three after a negator ("not", "never", the "n" of
    "n't" ...) written ``not_word``; a clause mark (",", ";", "." ...) ends the negator's
    reach. ``words`` itself when there is no negator."""
    if NEGATORS.isdisjoint(words):
        return words
    marked = []
    reach = 0
    for word in words:
        if word in NEGATORS:
            reach = NEGATION_REACH
        elif word in CLAUSE_ENDS:
            reach = 0
        elif reach and len(word) > 1:
            word = "not_" + word
            reach -= 1
        marked.append(word)
    return marked
