"""Tone scorers: VADER compound, TextBlob polarity, and the combined tone stance reports.

Both libraries are loaded once per process. TextBlob's pattern analyser is called directly
rather than through ``TextBlob(text).sentiment``, which rebuilds a namedtuple class on every
call and costs about a fifth more for the same numbers.
"""

from __future__ import annotations

import functools
from typing import ClassVar

from .base import Score, Scorer, SentenceInput, polarity_label
from .model import load_model

TONE_THRESHOLD = 0.05


@functools.cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@functools.cache
def _pattern():
    from textblob.en import sentiment

    return sentiment


def vader_scores(text: str) -> dict[str, float]:
    """VADER's scores: ``compound`` in [-1, 1] and the ``pos``, ``neg``, ``neu`` shares."""
    return _vader().polarity_scores(text)


def textblob_scores(text: str) -> tuple[float, float]:
    """TextBlob's (pattern) polarity in [-1, 1] and subjectivity in [0, 1]."""
    score = _pattern()(text)
    return float(score[0]), float(score[1])


def english_words() -> frozenset[str]:
    """Words both tone lexicons know: ordinary English, used to tell names from words."""
    return _english_words()


@functools.cache
def _english_words() -> frozenset[str]:
    pattern = _pattern()
    if not dict.__len__(pattern):
        pattern.load()
    return frozenset(_vader().lexicon) | frozenset(dict.keys(pattern))


class VaderScorer(Scorer):
    name = "vader"
    kind = "tone"
    description = "VADER compound score (rule-based valence lexicon)"
    labels = ("positive", "neutral", "negative")

    def score(self, sentence: SentenceInput) -> Score:
        scores = sentence.vader
        value = scores["compound"]
        label = polarity_label(value, TONE_THRESHOLD, "positive", "negative")
        details = {k: scores[k] for k in ("pos", "neu", "neg")}
        return Score(value, label, (), details)


class TextBlobScorer(Scorer):
    name = "textblob"
    kind = "tone"
    description = "TextBlob (pattern) polarity, with subjectivity in the details"
    labels = ("positive", "neutral", "negative")

    def score(self, sentence: SentenceInput) -> Score:
        polarity, subjectivity = sentence.textblob
        label = polarity_label(polarity, TONE_THRESHOLD, "positive", "negative")
        return Score(polarity, label, (), {"subjectivity": subjectivity})


class CombinedToneScorer(Scorer):
    """A weighted mix of VADER and TextBlob, with the weights in the model data file."""

    name = "tone"
    kind = "tone"
    description = "combined tone: weighted VADER compound and TextBlob polarity"
    labels = ("positive", "neutral", "negative")
    weights: ClassVar[dict[str, float]] = {}

    def __init__(self) -> None:
        self.weights = dict(load_model()["tone"])

    def score(self, sentence: SentenceInput) -> Score:
        w = self.weights
        vader = sentence.vader["compound"]
        polarity = sentence.textblob[0]
        value = w.get("intercept", 0.0) + w["vader"] * vader + w["textblob"] * polarity
        value = max(-1.0, min(1.0, value))
        label = polarity_label(value, TONE_THRESHOLD, "positive", "negative")
        return Score(value, label, (), {"vader": vader, "textblob": polarity})
