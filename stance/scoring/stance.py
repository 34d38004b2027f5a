"""The stance scorer: convergence (> 0) or divergence (< 0) between the parties.

The cue lexicon finds the terms of cooperation and conflict and its rules (negation,
reversal, hedge, remedy, shared) set each one's effect. A small multinomial logistic model
(``data/model.json``, see :mod:`stance.scoring.model`) then weighs the cues together with
tone, the sentence's structure and a few learned terms, and gives the probabilities of
neutral, convergence and divergence. The score is P(convergence) - P(divergence); the label
is the most probable class.

Every non-neutral label is backed by a cue: a lexicon term or a learned term that pushes
toward it. A sentence without such a cue is neutral whatever the model says, so tone alone
("a terrible storm") never makes a stance.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .base import Cue, Score, Scorer, SentenceInput, polarity_label
from .features import TERM_PLACES, Features, sentence_features
from .model import Prediction, StanceModel
from .tone import CombinedToneScorer

if TYPE_CHECKING:
    from .lexicon import CueLexicon


@dataclass(frozen=True, slots=True)
class Judgement:
    """Everything behind one stance score: the score, the cues and the model's reasons."""

    score: Score
    prediction: Prediction
    features: Features


class LexiconStanceScorer(Scorer):
    name = "stance"
    kind = "stance"
    description = (
        "cue lexicon (CAMEO/Goldstein weights) with negation, hedge, remedy, shared rules, "
        "weighed with tone, structure and learned terms by a small logistic model"
    )
    labels = ("convergence", "neutral", "divergence")

    def __init__(self) -> None:
        self.model = StanceModel.builtin()
        self.tone = CombinedToneScorer()

    def score(self, sentence: SentenceInput) -> Score:
        return self.judge(sentence).score

    def judge(self, sentence: SentenceInput) -> Judgement:
        """The score of ``sentence`` with the features and contributions that produced it."""
        found = lexicon_cues(sentence)
        features = sentence_features(sentence, found)
        tone = self.tone.score(sentence).value
        if found:
            rules = self.model.rule_score(sum(c.effect for c in found), tone)
            features.values["rules_convergence"] = max(rules, 0.0)
            features.values["rules_divergence"] = max(-rules, 0.0)
        prediction = self.model.predict(features)
        cues = tuple(sorted(found + self._learned_cues(sentence.text, features), key=_position))
        if features.pair is None:
            # The model learnt from sentences naming both parties; without them the lexicon
            # rules decide on their own.
            value = self.model.rule_score(sum(c.effect for c in found), tone) if found else 0.0
            label = polarity_label(
                value, self.model.prior["threshold"], "convergence", "divergence"
            )
        else:
            label = prediction.label
            value = prediction.value if cues else 0.0
        if label != "neutral" and not any(_supports(cue, label) for cue in cues):
            label = "neutral"
        details = {"tone": tone, **{f"p_{k}": v for k, v in prediction.probabilities.items()}}
        return Judgement(Score(value, label, cues, details), prediction, features)

    def _learned_cues(self, text: str, features: Features) -> tuple[Cue, ...]:
        """Learned terms that fired, one cue per span: effect = convergence minus divergence
        log-odds summed over the places the term was seen."""
        by_span: dict[tuple[int, int], list[tuple[str, float]]] = {}
        for key, span in features.terms.items():
            weights = self.model.terms.get(key)
            if weights:
                by_span.setdefault(span, []).append((key, weights[0] - weights[1]))
        cues = []
        for (start, end), parts in by_span.items():
            effect = sum(e for _, e in parts)
            if abs(effect) < self.model.min_cue:
                continue
            places = ", ".join(TERM_PLACES[key.split(":", 1)[0]] for key, _ in parts)
            term = parts[0][0].split(":", 1)[1]
            cues.append(
                Cue(
                    term,
                    text[start:end],
                    start,
                    end,
                    round(effect, 2),
                    "learned",
                    round(effect, 4),
                    (f"learned: {places}",),
                )
            )
        return tuple(cues)


def input_from_result(result: Any, lexicon: CueLexicon) -> SentenceInput:
    """The scorer's input rebuilt from a sentence result (its text, mentions and
    attribution): to explain a score or to compute training features."""
    from ..attribution import Attribution

    attribution = Attribution(result.source, result.target, result.mutual, result.via)
    return SentenceInput(result.text, lexicon, tuple(result.mentions), attribution)


def lexicon_cues(sentence: SentenceInput) -> tuple[Cue, ...]:
    """The lexicon's cues in ``sentence`` with every rule applied, ``shared`` included."""
    return shared_stance(sentence, sentence.lexicon.explain(sentence.text, sentence.cue_matches))


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
    party_starts = [m.start for m in sentence.mentions if m.kind != "venue"]
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
