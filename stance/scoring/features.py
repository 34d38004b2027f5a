"""The interpretable features the stance model weighs, computed from one sentence.

Three kinds, all readable by a person:

* **lexicon**: the cue effects after the rules (negation, reversal, hedge, remedy, shared),
  summed by direction and by CAMEO group (verbal or material cooperation and conflict),
  with cooperation undone ("no agreement") and conflict undone ("ended the dispute") apart,
  and the cues that stand between the two parties ("X *accused* Y");
* **tone and structure**: VADER and TextBlob, whether the pair of parties is named and how
  far apart, the sentence length, the attribution rule that found the source;
* **terms**: lower-case words and word pairs, alone and by where they stand relative to the
  two parties (between them, right after the first, right before the second, right after
  the second). Terms are only read when a party is in view: without parties, a word like
  "wonderful" says nothing about anyone. The model keeps few of them (see
  ``scripts/train_stance_model.py``) and each one that fires is shown as a ``learned`` cue.

Capitalised words are never terms: they are mostly names, and names do not carry over
from one corpus to another.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .base import Cue, SentenceInput

MATERIAL_COOPERATION = frozenset({"material_cooperation", "provide_aid", "yield"})
MATERIAL_CONFLICT = frozenset(
    {"force_posture", "reduce_relations", "coerce", "assault", "fight", "mass_violence"}
)
VIA_RULES = (
    "reporting",
    "pronoun",
    "speaker",
    "mutual",
    "joint",
    "passive",
    "subject",
    "object",
)

# What each dense feature means, in the order the model file lists them.
FEATURES: dict[str, str] = {
    "cues_cooperative": "lexicon cues toward cooperation",
    "cues_conflictual": "lexicon cues toward conflict",
    "cooperation_material": "material cooperation or aid cues",
    "conflict_material": "force, coercion or violence cues",
    "cooperation_undone": "cooperation negated or reversed",
    "conflict_undone": "conflict negated, remedied or shared",
    "between_cooperative": "cooperation cues between the parties",
    "between_conflictual": "conflict cues between the parties",
    "hedged": "a hedged cue",
    "rules_convergence": "lexicon rules' score toward convergence",
    "rules_divergence": "lexicon rules' score toward divergence",
    "vader": "VADER compound",
    "vader_positive": "VADER positive share",
    "vader_negative": "VADER negative share",
    "textblob": "TextBlob polarity",
    "subjectivity": "TextBlob subjectivity",
    "two_parties": "both parties named",
    "gap": "words between the parties",
    "length": "sentence length",
    "quotation": "a quotation",
    "mutual": "a mutual statement",
    **{f"via_{rule}": f"source found by the {rule} rule" for rule in VIA_RULES},
}

TERM_PLACES: dict[str, str] = {
    "word": "anywhere",
    "pair": "word pair",
    "between": "between the parties",
    "after_first": "right after the first party",
    "before_second": "right before the second party",
    "after_second": "right after the second party",
}

_TERM = re.compile(r"(?<![\w'’])[a-z][a-z'’-]*[a-z](?![\w'’])")
_QUOTES = re.compile(r"[\"“”]|(?<!\w)['‘]|['’](?!\w)")
_NEAR = 2


@dataclass(frozen=True, slots=True)
class Token:
    """A lower-case word of the sentence and where it stands."""

    text: str
    start: int
    end: int


@dataclass
class Features:
    """A sentence's dense features and the term keys it fires, each with its span."""

    values: dict[str, float] = field(default_factory=dict)
    terms: dict[str, tuple[int, int]] = field(default_factory=dict)
    pair: tuple[int, int, int, int] | None = None


def sentence_features(sentence: SentenceInput, cues: tuple[Cue, ...]) -> Features:
    """The features of ``sentence`` given its cues (after every rule)."""
    text = sentence.text
    feats = Features()
    values = feats.values
    pair = party_pair(sentence)
    feats.pair = pair
    _lexicon_features(values, cues, pair)
    vader = sentence.vader
    polarity, subjectivity = sentence.textblob
    values["vader"] = vader["compound"]
    values["vader_positive"] = vader["pos"]
    values["vader_negative"] = vader["neg"]
    values["textblob"] = polarity
    values["subjectivity"] = subjectivity
    tokens = [Token(m.group().replace("’", "'"), m.start(), m.end()) for m in _TERM.finditer(text)]
    values["length"] = math.log1p(len(text.split())) / 4
    if _QUOTES.search(text):
        values["quotation"] = 1.0
    attribution = sentence.attribution
    if attribution is not None:
        if attribution.mutual:
            values["mutual"] = 1.0
        if attribution.via in VIA_RULES:
            values[f"via_{attribution.via}"] = 1.0
    if pair is not None:
        values["two_parties"] = 1.0
        values["gap"] = math.log1p(len(text[pair[1] : pair[2]].split())) / 3
    if _party_in_view(sentence):
        feats.terms = _term_keys(tokens, pair)
    return feats


def party_pair(sentence: SentenceInput) -> tuple[int, int, int, int] | None:
    """Spans (start1, end1, start2, end2) of the two parties the stance is between.

    The source and target when both are named in the sentence, else the first two distinct
    parties named; each at its first mention, in text order. None when fewer than two.
    """
    first: dict[str, tuple[int, int]] = {}
    for m in sentence.mentions:
        if m.kind != "venue" and m.key not in first:
            first[m.key] = (m.start, m.end)
    attribution = sentence.attribution
    keys = list(first)
    if attribution and attribution.source in first and attribution.target in first:
        keys = [attribution.source, attribution.target]
    if len(keys) < 2:
        return None
    a, b = sorted((first[keys[0]], first[keys[1]]))
    return (a[0], a[1], b[0], b[1])


def _party_in_view(sentence: SentenceInput) -> bool:
    attribution = sentence.attribution
    if attribution is not None and (attribution.source or attribution.target):
        return True
    return any(m.kind != "venue" for m in sentence.mentions)


def _lexicon_features(
    values: dict[str, float], cues: tuple[Cue, ...], pair: tuple[int, int, int, int] | None
) -> None:
    sums = dict.fromkeys(
        (
            "cues_cooperative",
            "cues_conflictual",
            "cooperation_material",
            "conflict_material",
            "cooperation_undone",
            "conflict_undone",
            "between_cooperative",
            "between_conflictual",
        ),
        0.0,
    )
    for cue in cues:
        effect = cue.effect
        size = abs(effect)
        if effect > 0:
            sums["cues_cooperative"] += size
            if cue.weight < 0:
                sums["conflict_undone"] += size
            elif cue.category in MATERIAL_COOPERATION:
                sums["cooperation_material"] += size
        elif effect < 0:
            sums["cues_conflictual"] += size
            if cue.weight > 0:
                sums["cooperation_undone"] += size
            elif cue.category in MATERIAL_CONFLICT:
                sums["conflict_material"] += size
        if pair is not None and pair[1] <= cue.start and cue.end <= pair[2]:
            sums["between_cooperative" if effect > 0 else "between_conflictual"] += size
        if any(m.startswith("hedge") for m in cue.modifiers):
            values["hedged"] = 1.0
    for name, total in sums.items():
        if total:
            values[name] = math.tanh(total / 10)


def _term_keys(
    tokens: list[Token], pair: tuple[int, int, int, int] | None
) -> dict[str, tuple[int, int]]:
    """Every term key the sentence fires, with the span of its first occurrence."""
    keys: dict[str, tuple[int, int]] = {}
    for index, token in enumerate(tokens):
        keys.setdefault(f"word:{token.text}", (token.start, token.end))
        if index:
            before = tokens[index - 1]
            keys.setdefault(f"pair:{before.text} {token.text}", (before.start, token.end))
    if pair is None:
        return keys
    between = [t for t in tokens if pair[1] <= t.start and t.end <= pair[2]]
    after = [t for t in tokens if t.start >= pair[3]][:_NEAR]
    for token in between:
        keys.setdefault(f"between:{token.text}", (token.start, token.end))
    for token in between[:_NEAR]:
        keys.setdefault(f"after_first:{token.text}", (token.start, token.end))
    for token in between[-_NEAR:]:
        keys.setdefault(f"before_second:{token.text}", (token.start, token.end))
    for token in after:
        keys.setdefault(f"after_second:{token.text}", (token.start, token.end))
    return keys
