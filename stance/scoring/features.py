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
was trained on.
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
    for them) their character spans in the sentence, a placeholder spanning its mention.
    """

    dense: dict[str, float] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
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


def term_rows(tokens: list[str], index: Mapping[str, int]) -> list[int]:
    """The rows in ``index`` (a model's vocabulary) of the terms :func:`term_counts` counts,
    each as often as it occurs: the same terms, found in one pass without counting them."""
    get = index.get
    rows: list[int] = []
    add = rows.append
    region = "pre:"
    previous = None
    for token in tokens:
        row = get(token)
        if row is not None:
            add(row)
        if previous is not None:
            row = get(previous + " " + token)
            if row is not None:
                add(row)
        previous = token
        if token == FIRST:
            region = "mid:" if region == "pre:" else region
        elif token == SECOND:
            region = "post:"
        else:
            row = get(region + token)
            if row is not None:
                add(row)
    return rows


def term_spans(feats: StanceFeatures) -> dict[str, tuple[int, int]]:
    """The span of the first occurrence of each term (a word, pair or tagged word)."""
    tokens, spans = feats.tokens, feats.spans
    found: dict[str, tuple[int, int]] = {}
    region = "pre:"
    for i, token in enumerate(tokens):
        found.setdefault(token, spans[i])
        if i:
            found.setdefault(f"{tokens[i - 1]} {token}", (spans[i - 1][0], spans[i][1]))
        if token == FIRST:
            region = "mid:" if region == "pre:" else region
        elif token == SECOND:
            region = "post:"
        else:
            found.setdefault(region + token, spans[i])
    return found


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
    return {
        "vader": vader["compound"],
        "vader_pos": vader["pos"],
        "vader_neg": vader["neg"],
        "textblob": polarity,
        "subjectivity": subjectivity,
        "polar_subjective": polarity * subjectivity,
        "valence_pos": math.tanh(sum(positive) / 4),
        "valence_neg": math.tanh(sum(negative) / 4),
        "valence_max": max(positive, default=0.0),
        "valence_min": min(negative, default=0.0),
        "words_pos": len(positive) / (n + 1),
        "words_neg": len(negative) / (n + 1),
        "cues_pos": math.tanh(cue_pos / 5),
        "cues_neg": math.tanh(cue_neg / 5),
        "assessments": float(len(assessments)),
        "assessment_mean": sum(a[1] for a in assessments) / (len(assessments) + 1),
        "length": n / 30,
    }


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
