"""The stance scorer: convergence (> 0) or divergence (< 0) between the parties.

A multinomial logistic model (``data/stance_model.tsv.gz``, see :mod:`stance.scoring.linear`)
gives the probabilities of five classes: neutral, convergence and divergence, each held by
the party named first toward the second or the reverse. It reads the sentence's words with
the parties masked (``enta``, ``entb``), word pairs, words tagged by where they stand
relative to the parties, and a few dense features: the cue lexicon's effects after its
rules (negation, reversal, hedge, remedy, shared) by CAMEO group, VADER and TextBlob.

The score is P(convergence) - P(divergence), the label the most probable of neutral,
convergence and divergence. The model learnt from news, where many sentences full of
cooperation or conflict words say nothing of one party's view of another; diplomatic text
is denser. So when the model reads a sentence as neutral but the lexicon's cues (after the
rules, violence left out: reports of attacks are mostly about third parties) add up to at
least a threshold per word (``cue_density``), the lexicon decides: the label takes the sign
of that density and the score is tanh(density). The thresholds are settings of the model
file, chosen by the training script as the weakest pull that gets the guide's cases right.
Between states the lexicon pulls harder (``between_states``, ``state_evidence``): when every
party in view is a country, a neutral reading gives way once the cues' effects add up to
``STATE_CUE_TOTAL``, since what states do to each other is their stance. A sentence with no
party in view and no cue is neutral with score 0 and the model is not asked.

Every polar label is explained by cues: the lexicon's, and the learned terms that pushed
hardest toward the predicted class (category ``learned``, effect = their contribution to its
log-odds against neutral, negative for divergence). When the sentence names two parties the
model also says which of them holds the stance, unless attribution found a mutual statement
or a third party speaking.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..attribution import Attribution
from .base import Cue, Score, Scorer, SentenceInput
from .features import (
    REGIONS,
    STANCE_DENSE,
    StanceFeatures,
    TermIndex,
    stance_features,
    term_spans,
)
from .linear import DENSE, Contribution, LinearModel, TermEffects
from .model import stance_model
from .tone import CombinedToneScorer

if TYPE_CHECKING:
    from .lexicon import CueLexicon

LABELS = ("neutral", "convergence", "divergence")
DIRECTIONS = ("first->second", "second->first")
CLASSES = ("neutral", *(f"{label} {d}" for label in LABELS[1:] for d in DIRECTIONS))
# Direction of a polar label for a sentence naming two parties, chosen by cross-validation
# on the training split (scripts/train_stance_model.py): the model's own direction.
DIRECTION_FROM = ("model", "attribution", "reporting")
LEARNED_CUES = 3
LEARNED_MIN = 0.25
VIOLENCE = frozenset({"assault", "fight", "mass_violence"})
# Between states, what one does to the other (meet, sign, pledge aid, sanction, expel,
# shell) is the relation itself, as event coding (CAMEO) reads it; the model, which learnt
# people's and organisations' expressed views in news, reads most such acts as neutral. When
# it does and every party in view is a country, the lexicon's cues decide once their effects
# add up to this much (chosen on our own labelled speech and event sentences, see README).
STATE_CUE_TOTAL = 2.0
DENSITY_SETTINGS = ("cue_density_named", "cue_density_unnamed")
_WORD = re.compile(r"\w+")


class Prediction:
    """The model's reading of one sentence: the probabilities of the five classes (``CLASSES``
    order), and what follows from them (the three labels' probabilities, directions summed;
    the label; its more probable direction, ``best``)."""

    __slots__ = ("best", "label", "probabilities", "three")

    def __init__(self, probabilities: list[float], three: list[float], label: str):
        self.probabilities = probabilities
        neutral, convergence, divergence = three
        self.three = {"neutral": neutral, "convergence": convergence, "divergence": divergence}
        self.label, self.best = label, self.best_of(label)

    @classmethod
    def many(cls, logits: np.ndarray) -> list[Prediction]:
        """The readings of a batch, from its log-odds of the polar classes against neutral
        (a row per sentence): the probabilities and labels are worked out for the whole batch
        at once."""
        p = softmax(np.column_stack((np.zeros(len(logits)), logits)))
        three = np.column_stack((p[:, 0], p[:, 1] + p[:, 2], p[:, 3] + p[:, 4]))
        labels = three.argmax(axis=1)  # the first of equals, in LABELS order
        return [
            cls(probabilities, sums, LABELS[label])
            for probabilities, sums, label in zip(
                p.tolist(), three.tolist(), labels.tolist(), strict=True
            )
        ]

    @property
    def value(self) -> float:
        """P(convergence) - P(divergence)."""
        return self.three["convergence"] - self.three["divergence"]

    def best_of(self, label: str) -> int:
        """The more probable direction of ``label``, as an index into ``CLASSES``."""
        if label == "neutral":
            return 0
        first = 1 if label == "convergence" else 3
        return first if self.probabilities[first] >= self.probabilities[first + 1] else first + 1


@dataclass
class Judgement:
    """Everything behind one stance score: the score, the features and the model's reasons."""

    score: Score
    prediction: Prediction
    features: StanceFeatures
    model: LinearModel

    @cached_property
    def contributions(self) -> list[Contribution]:
        """Every term and feature with what it added to the four log-odds against neutral."""
        return self.model.contributions(self.features.counts, self.features.dense)


class LexiconStanceScorer(Scorer):
    name = "stance"
    kind = "stance"
    description = (
        "cue lexicon (CAMEO/Goldstein weights) with negation, hedge, remedy, shared rules, "
        "weighed with learned terms, VADER and TextBlob by a multinomial logistic model"
    )
    labels = LABELS

    def __init__(
        self,
        model: LinearModel | None = None,
        direction: str = "model",
        require_cue: bool = True,
    ) -> None:
        self.model = model or stance_model()
        if self.model.outputs != CLASSES[1:]:
            raise ValueError(f"a stance model has the outputs {', '.join(CLASSES[1:])}")
        if direction not in DIRECTION_FROM:
            raise ValueError(f"direction comes from one of {', '.join(DIRECTION_FROM)}")
        self.direction = direction
        self.require_cue = require_cue
        named, unnamed = (self.model.settings.get(k, math.inf) for k in DENSITY_SETTINGS)
        self.density_limits = (named, unnamed)
        unknown = set(self.model.dense_names) - set(STANCE_DENSE)
        if unknown:
            raise ValueError(f"no such dense stance feature: {', '.join(sorted(unknown))}")
        self.dense_columns = [list(STANCE_DENSE).index(n) for n in self.model.dense_names]
        self.tone = CombinedToneScorer()
        self.terms = term_index(self.model)

    def score_many(self, sentences: Sequence[SentenceInput]) -> list[Score]:
        """Score the sentences of a document; the models see them all in one batch."""
        SentenceInput.prepare(sentences)
        tones = self.tone.values(sentences)
        found = [lexicon_cues(sentence) for sentence in sentences]
        # No party and no lexicon cue: no stance, whatever the model would say, so it is not
        # asked (a third or more of the sentences of a speech; see ``judge``).
        asked = [bool(cues) or _party_in_view(s) for s, cues in zip(sentences, found, strict=True)]
        chosen = [
            (sentence, cues, tone)
            for sentence, cues, tone, ask in zip(sentences, found, tones, asked, strict=True)
            if ask
        ]
        features = [stance_features(sentence, cues) for sentence, cues, _ in chosen]
        scores = iter(self._scores(chosen, features, *self._predictions(features)))
        return [
            next(scores) if ask else Score(0.0, "neutral", (), {"tone": tone})
            for ask, tone in zip(asked, tones, strict=True)
        ]

    def score(self, sentence: SentenceInput) -> Score:
        return self.score_many([sentence])[0]

    def judge(self, sentence: SentenceInput, found: tuple[Cue, ...] | None = None) -> Judgement:
        """The score of ``sentence`` with the features and prediction that produced it;
        ``found``, the lexicon's cues when the caller has them."""
        if found is None:
            found = lexicon_cues(sentence)
        features = stance_features(sentence, found)
        predictions, effects = self._predictions([features])
        chosen = [(sentence, found, self.tone.value(sentence))]
        score = self._scores(chosen, [features], predictions, effects, explaining=True)[0]
        return Judgement(score, predictions[0], features, self.model)

    def _predictions(self, features: list[StanceFeatures]) -> tuple[list[Prediction], TermEffects]:
        """The model's reading of each sentence of a batch (see :class:`Prediction`), and
        what each of its terms added to each class."""
        sentence, rows = self.terms.rows([f.tokens for f in features])
        values = np.array([f.values for f in features], dtype=float)
        dense = values.reshape(len(features), len(STANCE_DENSE))[:, self.dense_columns]
        logits, effects = self.model.batch_of(sentence, rows, dense)
        return Prediction.many(logits), effects

    def _scores(
        self,
        chosen: list[tuple[SentenceInput, tuple[Cue, ...], float]],
        features: list[StanceFeatures],
        predictions: list[Prediction],
        effects: TermEffects,
        explaining: bool = False,
    ) -> list[Score]:
        """The scores of the sentences the model read, given each one's lexicon cues and
        tone: the labels by the rules, then the learned cues of every polar one at once.
        ``explaining``: the details keep every rule's evidence (see :meth:`_label`)."""
        decided = [
            self._label(sentence, cues, feats, prediction, tone, explaining)
            for (sentence, cues, tone), feats, prediction in zip(
                chosen, features, predictions, strict=True
            )
        ]
        outputs = [best - 1 if label != "neutral" else -1 for label, best, _, _ in decided]
        candidates = effects.largest(outputs, LEARNED_MIN)
        return [
            self._score(sentence, cues, feats, *decision, strongest)
            for (sentence, cues, _), feats, decision, strongest in zip(
                chosen, features, decided, candidates, strict=True
            )
        ]

    def _label(
        self,
        sentence: SentenceInput,
        found: tuple[Cue, ...],
        features: StanceFeatures,
        prediction: Prediction,
        tone: float,
        explaining: bool = False,
    ) -> tuple[str, int, float, dict[str, float]]:
        """The label, its direction (``best``) and score from the model's reading and the
        lexicon's rules (see the module), and the details behind them: the tone, the model's
        probabilities, and the evidence of the rule that decided the label, or, when
        ``explaining``, of every rule that was weighed (``cue_density``, ``state_cues``).

        The words of a sentence are counted only when its cues could reach the density
        threshold with the fewest words it may have (see
        :attr:`StanceFeatures.fewest_words`), or to explain it: few sentences are that dense,
        and counting is a pass over the text."""
        label, best, value = prediction.label, prediction.best, prediction.value
        three = prediction.three
        details = {
            "tone": tone,
            "p_neutral": three["neutral"],
            "p_convergence": three["convergence"],
            "p_divergence": three["divergence"],
        }
        if label == "neutral" and found:
            total = cue_total(found)
            limit = self.density_limits[features.first is None]
            if explaining or abs(total) >= limit * features.fewest_words:
                density = total / max(len(_WORD.findall(sentence.text)), 1)
                decides = bool(density) and abs(density) >= limit
                if decides or explaining:
                    details["cue_density"] = density
                if decides:
                    label = "convergence" if density > 0 else "divergence"
                    best, value = prediction.best_of(label), math.tanh(density)
        if label == "neutral" and found and between_states(sentence):
            evidence = state_evidence(sentence, found)
            decides = abs(evidence) >= STATE_CUE_TOTAL
            if decides or explaining:
                details["state_cues"] = evidence
            if decides:
                label = "convergence" if evidence > 0 else "divergence"
                best, value = prediction.best_of(label), math.tanh(evidence / 5)
        if not found and not _party_in_view(sentence):
            # Tone alone does not make a stance: no party and no lexicon cue, no stance.
            label, value = "neutral", 0.0
        return label, best, value, details

    def _score(
        self,
        sentence: SentenceInput,
        found: tuple[Cue, ...],
        features: StanceFeatures,
        label: str,
        best: int,
        value: float,
        details: dict[str, float],
        strongest: list[tuple[float, str]],
    ) -> Score:
        """The score of a labelled sentence: a polar label with its learned cues (from the
        ``strongest`` terms toward it), kept only when a cue supports it; who holds it."""
        cues = found
        if label != "neutral":
            learned = self._learned(sentence.text, features, strongest, label, found)
            cues = tuple(sorted(found + learned, key=_position))
            if self.require_cue and not any(_supports(cue, label) for cue in cues):
                label, cues = "neutral", found
        attribution = self._attribution(sentence, features, label, best)
        return Score(value, label, cues, details, attribution)

    def _learned(
        self,
        text: str,
        features: StanceFeatures,
        strongest: list[tuple[float, str]],
        label: str,
        found: tuple[Cue, ...],
    ) -> tuple[Cue, ...]:
        """The learned terms that pushed hardest toward the predicted class (``strongest``,
        as (effect, term), largest first), one cue per span and none overlapping another cue
        (so each word is highlighted for one reason); the effect is their contribution to
        its log-odds (negative for divergence)."""
        sign = 1.0 if label == "convergence" else -1.0
        taken = [(c.start, c.end) for c in found]
        by_span: dict[tuple[int, int], list[tuple[float, str]]] = {}
        spans = term_spans(features, [term for _, term in strongest])
        for (effect, term), span in zip(strongest, spans, strict=True):
            if span is None:
                continue
            if span in by_span:
                by_span[span].append((effect, term))
            elif len(by_span) < LEARNED_CUES and not any(
                span[0] < end and start < span[1] for start, end in taken
            ):
                by_span[span] = [(effect, term)]
                taken.append(span)
        cues = []
        for (start, end), parts in by_span.items():
            effect = round(sign * sum(e for e, _ in parts), 4)
            places = ", ".join(dict.fromkeys(_place(term) for _, term in parts))
            cues.append(
                Cue(
                    parts[0][1],
                    text[start:end],
                    start,
                    end,
                    effect,
                    "learned",
                    effect,
                    (f"learned: {places}",),
                )
            )
        return tuple(cues)

    def _attribution(
        self, sentence: SentenceInput, features: StanceFeatures, label: str, best: int
    ) -> Attribution | None:
        """Who holds a polar stance toward whom when the sentence names two parties: the
        model's direction, except for a mutual statement (both, in the order named) or a
        third party speaking (the document's speaker: attribution stands)."""
        first, second = features.first, features.second
        if label == "neutral" or second is None:
            return None
        given = sentence.attribution or Attribution()
        if given.mutual:
            return Attribution(first, second, True, given.via)
        if given.source is not None and given.source not in (first, second):
            return None
        if given.source is not None and (
            self.direction == "attribution"
            or (self.direction == "reporting" and given.via in ("reporting", "passive"))
        ):
            return None
        if best in (1, 3):
            return Attribution(first, second, False, "model")
        return Attribution(second, first, False, "model")


@functools.cache
def term_index(model: LinearModel) -> TermIndex:
    """A model's vocabulary arranged by word, built once per model (every analyzer shares
    the built-in one)."""
    return TermIndex(model.index)


def cue_total(cues: tuple[Cue, ...]) -> float:
    """The lexicon's evidence: the cues' effects (after the rules) summed, violence left out;
    per word of the sentence, its cue density."""
    return sum(cue.effect for cue in cues if cue.category not in VIOLENCE)


def between_states(sentence: SentenceInput) -> bool:
    """Whether the sentence has parties in view (named, speaking or spoken to), every one
    of them a country, and, when there are several, not all the same country under two
    names ("Beijing" and "China")."""
    attribution = sentence.attribution or Attribution()
    keys = {m.key for m in sentence.mentions if m.kind != "venue"}
    keys.update(k for k in (attribution.source, attribution.target) if k is not None)
    states = sentence.states
    if not keys or not all(key in states for key in keys):
        return False
    return len(keys) == 1 or len({states[key] for key in keys}) > 1


def state_evidence(sentence: SentenceInput, cues: tuple[Cue, ...]) -> float:
    """The lexicon's evidence between states: the cues' effects summed, violence counted
    only between the first and the last party named ("X shelled Y"), since reports of
    attacks are mostly about others."""
    named = [m for m in sentence.mentions if m.kind != "venue"]
    low, high = (named[0].end, named[-1].start) if len(named) > 1 else (0, -1)
    return sum(
        cue.effect
        for cue in cues
        if cue.category not in VIOLENCE or (cue.effect < 0 and low <= cue.start and cue.end <= high)
    )


def softmax(logits: Sequence[float] | np.ndarray) -> np.ndarray:
    """Probabilities from log-odds, along the last axis (a row per sentence, or one row)."""
    shifted = np.asarray(logits, dtype=float)
    exps = np.exp(shifted - shifted.max(axis=-1, keepdims=True))
    return exps / exps.sum(axis=-1, keepdims=True)


def _place(feature: str) -> str:
    region, sep, _ = feature.partition(":")
    if sep:
        return REGIONS[region]
    return "word pair" if " " in feature else "word"


def describe(contribution: Contribution) -> str:
    """A reader's name for a term or feature of the stance model."""
    if contribution.block == DENSE:
        return STANCE_DENSE.get(contribution.feature, contribution.feature)
    term = contribution.feature.partition(":")[2] or contribution.feature
    return f"'{term}' ({_place(contribution.feature)})"


def input_from_result(
    result: Any, lexicon: CueLexicon, states: Mapping[str, str] | None = None
) -> SentenceInput:
    """The scorer's input rebuilt from a sentence result (its text, mentions and
    attribution) and the party keys that are countries, to explain a score."""
    attribution = Attribution(result.source, result.target, result.mutual, result.via)
    return SentenceInput(result.text, lexicon, tuple(result.mentions), attribution, states)


def lexicon_cues(sentence: SentenceInput) -> tuple[Cue, ...]:
    """The lexicon's cues in ``sentence`` with every rule applied, ``shared`` included."""
    return shared_stance(sentence, sentence.cues)


def _party_in_view(sentence: SentenceInput) -> bool:
    attribution = sentence.attribution
    if attribution is not None and (attribution.source or attribution.target):
        return True
    return any(m.kind != "venue" for m in sentence.mentions)


def _position(cue: Cue) -> tuple[int, int]:
    return (cue.start, -cue.end)


def _supports(cue: Cue, label: str) -> bool:
    return cue.effect > 0 if label == "convergence" else cue.effect < 0


def shared_stance(sentence: SentenceInput, cues: tuple[Cue, ...]) -> tuple[Cue, ...]:
    """The ``shared`` rule: both parties against a third one is convergence between them."""
    rule = sentence.lexicon.rules.get("shared")
    attribution = sentence.attribution
    if not rule or not cues or attribution is None or not attribution.mutual:
        return cues
    lowered = sentence.text.lower()
    if any(word in lowered for word in rule.words):
        return cues
    # A cue before one of the two parties is aimed at it; a third party named after it ("the
    # attack on China") is what both stand against.
    pair = (attribution.source, attribution.target)
    party_starts = [m.start for m in sentence.mentions if m.kind != "venue" and m.key in pair]
    changed = []
    for cue in cues:
        aimed_at_party = any(start >= cue.end for start in party_starts)
        acting_on_another = cue.category in rule.categories and not aimed_at_party
        if cue.effect < 0 and not cue.modifiers and acting_on_another:
            cue = dataclasses.replace(
                cue,
                effect=round(rule.factor * cue.effect, 4),
                modifiers=("shared: both parties against a third",),
            )
        changed.append(cue)
    return tuple(changed)
