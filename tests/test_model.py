"""The stance model: its data file, its arithmetic, and the explanations it gives."""

import json
import math
from importlib import resources

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import stance
from stance.cli import cli
from stance.scoring.features import FEATURES, TERM_PLACES, Features
from stance.scoring.model import StanceModel, load_model

PARTIES = {"PAK": ["Pakistan", "Islamabad"], "IND": ["India", "New Delhi"]}
SENTENCES = [
    "Pakistan and India signed an agreement to expand trade.",
    "India accused Pakistan of sponsoring terrorism.",
    "Pakistan slammed India over the killings in Kashmir.",
    "India praised Pakistan for its help after the earthquake.",
    "The talks between India and Pakistan ended without a deal.",
    "Pakistan was criticised by India for the shelling.",
    "India will host Pakistan in a cricket match next week.",
]


def test_model_file_shape():
    data = json.loads(resources.files("stance").joinpath("data/model.json").read_text())
    assert set(data) >= {"version", "about", "tone", "stance"}
    spec = data["stance"]
    assert set(spec["intercept"]) == {"convergence", "divergence"}
    assert set(spec["features"]) <= set(FEATURES)
    for weights in [*spec["features"].values(), *spec["terms"].values()]:
        assert len(weights) == 2 and all(isinstance(w, float | int) for w in weights)
    for key in spec["terms"]:
        place, term = key.split(":", 1)
        assert place in TERM_PLACES and term == term.lower() and term.strip()
    assert spec["min_cue"] > 0


def test_model_arithmetic_by_hand():
    model = StanceModel(
        {
            "intercept": {"convergence": -1.0, "divergence": -2.0},
            "features": {"cues_conflictual": [0.0, 4.0]},
            "terms": {"between:slammed": [-0.5, 1.5]},
            "min_cue": 0.3,
        }
    )
    features = Features({"cues_conflictual": 0.5}, {"between:slammed": (0, 7)})
    prediction = model.predict(features)
    logits = (0.0, -1.5, 1.5)
    total = sum(math.exp(x) for x in logits)
    assert prediction.probabilities["divergence"] == pytest.approx(math.exp(1.5) / total)
    assert prediction.label == "divergence"
    assert -1 <= prediction.value <= 0
    names = [c.name for c in prediction.contributions]
    assert names == ["intercept", "cues_conflictual", "between:slammed"]


def test_unknown_feature_is_refused():
    with pytest.raises(ValueError, match="unknown features"):
        StanceModel({"intercept": [0, 0], "features": {"nope": [1, 1]}, "terms": {}, "min_cue": 1})


def test_builtin_model_is_loaded_once():
    assert load_model() is load_model()
    assert StanceModel.builtin() is StanceModel.builtin()


@pytest.mark.parametrize("text", SENTENCES)
def test_deterministic_and_bounded(text):
    first = stance.score_sentence(text, parties=PARTIES).to_dict()
    assert stance.score_sentence(text, parties=PARTIES).to_dict() == first
    assert -1 <= first["score"] <= 1


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_any_text_scores_in_range(text):
    r = stance.score_sentence(text, parties=PARTIES)
    assert -1 <= r.score <= 1 and r.label in ("convergence", "neutral", "divergence")


def supports(cue, label):
    return cue.effect > 0 if label == "convergence" else cue.effect < 0


@pytest.mark.parametrize("text", SENTENCES)
def test_every_polar_label_has_a_cue_toward_it(text):
    r = stance.score_sentence(text, parties=PARTIES)
    if r.label != "neutral":
        assert any(supports(c, r.label) for c in r.cues)
        assert all(r.text[c.start : c.end] == c.text for c in r.cues)


def test_every_polar_sentence_of_the_examples_is_explained(examples):
    documents, errors = stance.load_documents([str(p) for p in examples.values()])
    assert not errors
    for document in documents:
        for s in stance.analyze(document).sentences:
            if s.label != "neutral":
                assert any(supports(c, s.label) for c in s.cues), s.text


def test_learned_terms_are_shown_as_cues():
    model = StanceModel.builtin()
    found = []
    for text in SENTENCES:
        r = stance.score_sentence(text, parties=PARTIES)
        found += [c for c in r.cues if c.category == "learned"]
    assert found, "no learned term fired on the test sentences"
    for cue in found:
        assert abs(cue.effect) >= model.min_cue and cue.modifiers[0].startswith("learned:")


def test_learned_terms_need_a_party_in_view():
    r = stance.score_sentence("It was a wonderful, sunny, delightful day.")
    assert r.cues == () and r.label == "neutral"


def test_explain_shows_the_model_contributions():
    result = CliRunner().invoke(cli, ["explain", "Islamabad rejected Washington's offer of help."])
    assert result.exit_code == 0
    assert "model: P(neutral)" in result.output and "log-odds against neutral" in result.output
    assert "lexicon cues toward conflict" in result.output and "total" in result.output
    as_json = CliRunner().invoke(
        cli, ["explain", "--format", "json", "Islamabad rejected Washington's offer."]
    )
    record = json.loads(as_json.output)
    assert record["model"]["contributions"][0]["feature"] == "intercept"
    assert sum(record["model"]["probabilities"].values()) == pytest.approx(1, abs=1e-3)
