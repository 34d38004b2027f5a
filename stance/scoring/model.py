"""The scorers' weights, read once from the readable data file ``data/model.json``.

The stance part is a multinomial logistic model with neutral as the reference class: every
feature and every learned term has two weights, its push toward convergence and toward
divergence, in log-odds against neutral. So each contribution can be shown as it is
("'accused' between the parties: divergence +1.4"), and the model needs nothing but
dictionaries and ``math.exp`` to run. ``scripts/train_stance_model.py`` rebuilds the file.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .features import FEATURES, TERM_PLACES, Features

CLASSES = ("neutral", "convergence", "divergence")


@functools.cache
def load_model() -> dict[str, Any]:
    """The built-in model: tone mixing weights and the stance model's parameters."""
    source = resources.files("stance").joinpath("data/model.json")
    return json.loads(source.read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one feature or term added to the two log-odds (against neutral)."""

    name: str
    description: str
    value: float
    convergence: float
    divergence: float


@dataclass(frozen=True)
class Prediction:
    """The model's probabilities for one sentence; the contributions behind them are worked
    out only when asked for (``stance explain``), so plain scoring stays fast."""

    probabilities: dict[str, float]
    model: StanceModel
    features: Features

    @property
    def value(self) -> float:
        """Convergence minus divergence probability: the score in [-1, 1]."""
        return self.probabilities["convergence"] - self.probabilities["divergence"]

    @property
    def label(self) -> str:
        return max(CLASSES, key=lambda name: self.probabilities[name])

    @functools.cached_property
    def contributions(self) -> tuple[Contribution, ...]:
        return self.model.contributions(self.features)


class StanceModel:
    """Weights of the stance model: an intercept, dense features and learned terms."""

    def __init__(self, spec: Mapping[str, Any]):
        self.intercept = _pair(spec["intercept"])
        self.features = {name: _pair(w) for name, w in spec["features"].items()}
        self.terms = {key: _pair(w) for key, w in spec["terms"].items()}
        self.min_cue = float(spec["min_cue"])
        self.prior = dict(spec.get("prior", {}))
        for name in ("rules_convergence", "rules_divergence"):
            if name in self.prior:
                self.features[name] = _pair(self.prior[name])
        unknown = set(self.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"model.json has unknown features: {', '.join(sorted(unknown))}")

    @classmethod
    def builtin(cls) -> StanceModel:
        return _builtin_model()

    def rule_score(self, cue_sum: float, tone: float) -> float:
        """The lexicon rules' own score, tanh(gain * (cue_scale * cues + tone_weight * tone)):
        the prior the learned weights are added to."""
        p = self.prior
        if not p:
            return 0.0
        return math.tanh(p["gain"] * (p["cue_scale"] * cue_sum + p["tone_weight"] * tone))

    def predict(self, features: Features) -> Prediction:
        """Probabilities of neutral, convergence and divergence."""
        convergence, divergence = self.intercept
        weights = self.features
        for name, value in features.values.items():
            w = weights.get(name)
            if w:
                convergence += w[0] * value
                divergence += w[1] * value
        terms = self.terms
        for key in features.terms:
            w = terms.get(key)
            if w:
                convergence += w[0]
                divergence += w[1]
        return Prediction(_softmax(convergence, divergence), self, features)

    def contributions(self, features: Features) -> tuple[Contribution, ...]:
        """Every non-zero contribution to the two log-odds, the intercept first."""
        out = [Contribution("intercept", "intercept", 1.0, *self.intercept)]
        for name, value in features.values.items():
            w = self.features.get(name)
            if w and value:
                out.append(Contribution(name, FEATURES[name], value, w[0] * value, w[1] * value))
        for key in features.terms:
            w = self.terms.get(key)
            if w:
                place, term = key.split(":", 1)
                out.append(Contribution(key, f"'{term}' ({TERM_PLACES[place]})", 1.0, *w))
        return tuple(out)


def _pair(weights: Any) -> tuple[float, float]:
    if isinstance(weights, Mapping):
        return float(weights["convergence"]), float(weights["divergence"])
    convergence, divergence = weights
    return float(convergence), float(divergence)


def _softmax(convergence: float, divergence: float) -> dict[str, float]:
    top = max(0.0, convergence, divergence)
    exps = (math.exp(-top), math.exp(convergence - top), math.exp(divergence - top))
    total = sum(exps)
    return {name: e / total for name, e in zip(CLASSES, exps, strict=True)}


@functools.cache
def _builtin_model() -> StanceModel:
    return StanceModel(load_model()["stance"])
