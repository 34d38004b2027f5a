"""Tone scorers: VADER compound, TextBlob polarity, and the learned tone stance reports.

Both libraries are loaded once per process and run once per sentence: VADER's per-word
valences are kept from the same pass that gives its compound score, and TextBlob's pattern
analyser is called directly (``TextBlob(text).sentiment`` rebuilds a namedtuple class on
every call and costs about a fifth more for the same numbers).

The ``tone`` scorer is a small ridge regression (``data/tone_model.tsv``, rebuilt by
``scripts/train_tone_model.py``) over interpretable features of both libraries and the cue
lexicon plus negation-marked words, fitted to human ratings of newspaper sentences (-4..4);
its output is the prediction divided by 4, clipped to [-1, 1].
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from .base import Score, Scorer, SentenceInput, polarity_label
from .features import negation_marked_words, tone_dense
from .model import tone_model

TONE_THRESHOLD = 0.05


@functools.cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    class WithValences(SentimentIntensityAnalyzer):
        """VADER, also handing back the per-word valences its scores are computed from."""

        def score_valence(self, sentiments, text):
            scores = super().score_valence(sentiments, text)
            scores["valences"] = list(sentiments)
            return scores

    return WithValences()


@functools.cache
def _pattern():
    from textblob.en import sentiment

    return sentiment


def vader_analysis(text: str) -> tuple[dict[str, float], list[float]]:
    """VADER's scores (``compound`` in [-1, 1] and the ``pos``, ``neg``, ``neu`` shares) and
    the valence of each word, from one pass."""
    scores = _vader().polarity_scores(text)
    return scores, scores.pop("valences")


def textblob_analysis(text: str) -> tuple[float, float, list]:
    """TextBlob's (pattern) polarity in [-1, 1], subjectivity in [0, 1] and assessments."""
    score = _pattern()(text)
    return float(score[0]), float(score[1]), score.assessments


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
    """The learned tone: a ridge regression over tone features (see the module docstring)."""

    name = "tone"
    kind = "tone"
    description = (
        "learned tone: VADER, TextBlob, cue lexicon and negation-marked words, weighted by a "
        "ridge regression fitted to human ratings"
    )
    labels = ("positive", "neutral", "negative")

    def __init__(self) -> None:
        self.model = tone_model()

    def values(self, sentences: Sequence[SentenceInput]) -> list[float]:
        """The tone of each sentence, the predicted rating over 4 clipped to [-1, 1]; the
        sentences are scored together, in one batch."""
        model = self.model
        ratings = model.batch_scores(
            [model.rows_of(negation_marked_words(s.text)) for s in sentences],
            [model.dense_vector(tone_dense(s)) for s in sentences],
        )
        return np.clip(ratings[:, 0] / 4, -1.0, 1.0).tolist()

    def value(self, sentence: SentenceInput) -> float:
        """The tone of one sentence (see :meth:`values`)."""
        return self.values([sentence])[0]

    def score_many(self, sentences: Sequence[SentenceInput]) -> list[Score]:
        return [
            Score(
                value,
                polarity_label(value, TONE_THRESHOLD, "positive", "negative"),
                (),
                {"vader": sentence.vader["compound"], "textblob": sentence.textblob[0]},
            )
            for sentence, value in zip(sentences, self.values(sentences), strict=True)
        ]

    def score(self, sentence: SentenceInput) -> Score:
        return self.score_many([sentence])[0]
