"""Properties that hold for any input: loading, segmenting and scoring never raise, offsets
slice back to the text, scores stay in range, the same input gives the same output."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stance
from stance.documents import Document, document_from_text, iter_documents
from stance.errors import InputError

PARTIES = {"PAK": ["Pakistan", "Islamabad"], "IND": ["India", "New Delhi"]}
WORDS = st.sampled_from(
    "Pakistan India agreed rejected condemned talks not no both sides the . , ; ! ? \n \n\n "
    "U.S. Mr. he said that we peace war cooperation \u200b \u202e é 中 😀".split(" ")
)
MIXED = st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=60).map(" ".join))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".jsonl"]))
def test_loading_any_bytes_never_raises(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "doc" + suffix)
        path.write_bytes(data)
        for item in iter_documents([path]):
            assert isinstance(item, Document | InputError)
            if isinstance(item, InputError):
                assert str(path) in str(item) and "\n" not in str(item)


@SETTINGS
@given(MIXED)
def test_any_text_analyses_with_offsets_that_slice_back(text):
    doc = document_from_text(text)
    analysis = stance.analyze(doc, parties=PARTIES)
    position = 0
    for s in analysis.sentences:
        assert position <= s.start < s.end <= len(doc.text)
        assert doc.text[s.start : s.end] == s.text
        assert doc.text[position : s.start].strip() == ""
        position = s.end
        for cue in s.cues:
            assert s.text[cue.start : cue.end] == cue.text
    assert doc.text[position:].strip() == ""
    low, high = analysis.summary["interval"]
    assert -1 <= low <= analysis.summary["convergence_index"] <= high <= 1


@SETTINGS
@given(MIXED)
def test_scoring_never_raises_stays_in_range_and_repeats(text):
    first = stance.score_sentence(text, parties=PARTIES)
    assert first.label in ("convergence", "neutral", "divergence")
    for value in (first.score, first.tone, first.vader, first.textblob_polarity):
        assert -1 <= value <= 1
    assert 0 <= first.textblob_subjectivity <= 1
    assert stance.score_sentence(text, parties=PARTIES).to_dict() == first.to_dict()


@given(
    st.text(alphabet=st.sampled_from("ab ,.é\n"), max_size=600),
    st.integers(0, 600),
    st.integers(0, 600),
    st.integers(0, 8),
)
def test_words_between_counts_as_far_as_a_window_needs(text, start, end, window):
    # A long gap is counted only up to window + 1 words; whether it is within the window
    # must not change (the rules' triggers are found through it).
    from stance.scoring.lexicon import _WORDS, _words_between

    whole = len(_WORDS.findall(text, start, end))
    counted = _words_between(text, start, end, window)
    assert (counted <= window) == (whole <= window)
    assert counted == whole or counted == window + 1
