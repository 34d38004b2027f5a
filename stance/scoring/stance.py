"""The stance scorer: convergence (> 0) or divergence (< 0) from cues, rules and tone.

score = tanh(gain * (cue_scale * sum of cue effects + tone_weight * tone)). Cue effects
are lexicon weights after the negation, hedge and remedy rules. Tone only shifts a sentence
that has cues: tone alone ("a terrible storm") says nothing about the parties, so a sentence
without cues stays within the neutral band. The parameters live in ``data/model.json``.
"""

from __future__ import annotations

import dataclasses
import math

from .base import Cue, Score, Scorer, SentenceInput, polarity_label
from .model import load_model
from .tone import CombinedToneScorer


class LexiconStanceScorer(Scorer):
    name = "stance"
    kind = "stance"
    description = "cue lexicon (CAMEO/Goldstein weights) with negation, hedge, remedy, shared rules"
    labels = ("convergence", "neutral", "divergence")

    def __init__(self) -> None:
        self.params = dict(load_model()["stance"])
        self.tone = CombinedToneScorer()

    def score(self, sentence: SentenceInput) -> Score:
        p = self.params
        cues = shared_stance(
            sentence, sentence.lexicon.explain(sentence.text, sentence.cue_matches)
        )
        tone = self.tone.score(sentence).value
        if not cues:
            value = p["no_cue_tone_weight"] * tone
            return Score(value, "neutral", (), {"tone": tone, "cues": 0.0})
        cue_sum = sum(cue.effect for cue in cues)
        value = math.tanh(p["gain"] * (p["cue_scale"] * cue_sum + p["tone_weight"] * tone))
        label = polarity_label(value, p["threshold"], "convergence", "divergence")
        return Score(value, label, cues, {"tone": tone, "cues": cue_sum})


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
