"""Tone scorers: VADER compound, TextBlob polarity, and the learned tone stance reports.

Both libraries are loaded once per process and run once per sentence: VADER's per-word
valences are kept from the same pass that gives its compound score, and TextBlob's pattern
analyser is called directly (``TextBlob(text).sentiment`` rebuilds a namedtuple class on
every call and costs about twice as much for the same numbers), on the words its tokenizer
would find, found by :func:`~stance.scoring.pattern_tokens.pattern_words` in a tenth of
the time (the same polarity, subjectivity and assessments).

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
from .features import TONE_DENSE, negation_marked_words, tone_matrix
from .model import tone_model
from .pattern_tokens import pattern_words

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
    """TextBlob's pattern analyser, its lexicon loaded and read with plain dictionary
    lookups. pattern keeps the lexicon in a lazily loaded dictionary whose ``in`` and ``[]``
    go through a Python method that checks for the load on every word, even once loaded:
    half of the analyser's time on a sentence. This copy of the loaded analyser runs the
    library's own code on the library's own lexicon, so its results are the same."""
    from textblob.en import sentiment

    if not dict.__len__(sentiment):
        sentiment.load()

    class Loaded(type(sentiment)):  # type: ignore[misc]
        __contains__ = dict.__contains__
        __getitem__ = dict.__getitem__

    loaded = Loaded.__new__(Loaded)
    dict.update(loaded, sentiment)
    loaded.__dict__.update(sentiment.__dict__)
    return loaded


def vader_analysis(text: str) -> tuple[dict[str, float], list[float]]:
    """VADER's scores (``compound`` in [-1, 1] and the ``pos``, ``neg``, ``neu`` shares) and
    the valence of each word, from one pass."""
    scores = _vader().polarity_scores(text)
    return scores, scores.pop("valences")


def textblob_analysis(text: str) -> tuple[float, float, list, list[str]]:
    """TextBlob's (pattern) polarity in [-1, 1], subjectivity in [0, 1] and assessments,
    given the words its tokenizer would find (see :mod:`stance.scoring.pattern_tokens`), and
    those words."""
    words = pattern_words(text)
    score = _pattern()(words)
    return float(score[0]), float(score[1]), score.assessments, words


def english_words() -> frozenset[str]:
    """Words both tone lexicons know: ordinary English, used to tell names from words."""
    return _english_words()


@functools.cache
def _english_words() -> frozenset[str]:
    return frozenset(_vader().lexicon) | frozenset(dict.keys(_pattern()))


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
        if self.model.dense_names != tuple(TONE_DENSE):
            raise ValueError(f"a tone model's dense features are {', '.join(TONE_DENSE)}")

    def values(self, sentences: Sequence[SentenceInput]) -> list[float]:
        """The tone of each sentence, the predicted rating over 4 clipped to [-1, 1]; the
        sentences are scored together, in one batch."""
        model = self.model
        sentence, rows = model.term_rows(
            [negation_marked_words(s.pattern_words) for s in sentences]
        )
        ratings, _ = model.batch_of(sentence, rows, tone_matrix(sentences))
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
