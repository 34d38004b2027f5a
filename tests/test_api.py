import json

import pytest

import stance
from stance.scoring import available, get_scorer
from stance.summary import convergence_index, index_interval

PARTIES = {"PAK": ["Pakistan", "Islamabad"], "USA": ["United States", "US", "Washington"]}


def test_score_sentence_has_the_documented_fields():
    r = stance.score_sentence("Pakistan and the US agreed to expand trade.", parties=PARTIES)
    assert r.label == "convergence" and 0 < r.score <= 1
    assert -1 <= r.tone <= 1 and -1 <= r.vader <= 1
    assert -1 <= r.textblob_polarity <= 1 and 0 <= r.textblob_subjectivity <= 1
    assert (r.source, r.target, r.mutual) == ("PAK", "USA", True)
    assert r.parties == ("PAK", "USA")
    assert any(c.text.startswith("agreed") for c in r.cues)
    data = r.to_dict()
    json.dumps(data)
    assert data["label"] == "convergence" and data["cues"][0]["start"] >= 0


def test_cue_spans_point_into_the_sentence():
    text = "India condemned the Chinese incursion."
    r = stance.score_sentence(text)
    assert r.cues and all(text[c.start : c.end] == c.text for c in r.cues)


def test_score_sentence_uses_the_gazetteer_by_default():
    r = stance.score_sentence("Islamabad rejected Washington's offer of help.")
    assert (r.label, r.source, r.target) == ("divergence", "PAK", "USA")


def test_score_sentence_does_not_split():
    r = stance.score_sentence("India agreed. China refused.")
    assert r.text == "India agreed. China refused." and r.end == len(r.text)


@pytest.mark.parametrize(
    "text, label",
    [
        ("No agreement was reached on the border.", "divergence"),
        ("The two sides failed to resolve their differences.", "divergence"),
        ("They agreed not to let the dispute derail the talks.", "convergence"),
        ("Both countries condemned the attack on the convoy.", "convergence"),
        ("The US pledged $100 million in flood relief to Pakistan.", "convergence"),
        ("Islamabad rejected Washington's offer of help.", "divergence"),
        ("The weather in the capital was pleasant.", "neutral"),
    ],
)
def test_guide_edge_cases(text, label):
    assert stance.score_sentence(text, parties=PARTIES).label == label


def test_negation_and_hedges_are_named_in_the_explanation():
    negated = stance.score_sentence("No agreement was reached.")
    assert any(m.startswith("negation") for c in negated.cues for m in c.modifiers)
    hedged = stance.score_sentence("Any partnership requires respect for each other's interests.")
    assert any(m.startswith("hedge") for c in hedged.cues for m in c.modifiers)
    plain = stance.score_sentence("The partnership is strong.")
    assert abs(hedged.score) < abs(plain.score) or hedged.label == "neutral"


def test_remedy_keeps_the_divergence_cue_in_the_explanation():
    r = stance.score_sentence("Both states need to address the divergences between them.")
    cue = next(c for c in r.cues if c.text == "divergences")
    assert cue.weight < 0 < cue.effect
    assert any(m.startswith("remedy") for m in cue.modifiers)
    assert r.label != "divergence"


def test_tone_alone_does_not_make_a_stance():
    r = stance.score_sentence("It was a wonderful, sunny, delightful day.")
    assert r.tone > 0.3 and r.label == "neutral" and r.cues == ()


def test_deterministic():
    text = "India accused China of provocations but both agreed to talk."
    first = stance.score_sentence(text).to_dict()
    assert all(stance.score_sentence(text).to_dict() == first for _ in range(3))


def test_analyze_text_path_and_document(examples):
    path = examples["pakistan-us-trade-talks"]
    from_path = stance.analyze(path)
    from_str_path = stance.analyze(str(path))
    from_text = stance.analyze(path.read_text(encoding="utf-8"))
    assert from_path.to_dict()["sentences"] == from_str_path.to_dict()["sentences"]
    assert [s.text for s in from_path.sentences] == [s.text for s in from_text.sentences]
    assert from_path.metadata["date"] == "2024-03-05"


def test_analysis_structure(examples):
    a = stance.analyze(examples["pakistan-us-trade-talks"])
    assert {p.key for p in a.parties[:2]} == {"PAK", "USA"}
    assert [s.index for s in a.sentences] == list(range(len(a.sentences)))
    text = a.document.text
    assert all(text[s.start : s.end] == s.text for s in a.sentences)
    summary = a.summary
    assert sum(summary["counts"].values()) == summary["sentences"] == len(a.sentences)
    low, high = summary["interval"]
    assert -1 <= low <= summary["convergence_index"] <= high <= 1
    assert set(summary["by_source"]) <= {"PAK", "USA"}
    assert summary["by_dyad"]
    data = a.to_dict()
    assert json.loads(json.dumps(data))["summary"]["sentences"] == len(a.sentences)


def test_analyze_with_date_and_speaker(examples):
    a = stance.analyze(examples["speech-small-state"], date="2023-09-30")
    assert a.metadata["date"] == "2023-09-30" and a.metadata["speaker"] == "NZL"
    sources = {s.source for s in a.sentences if s.via == "speaker"}
    assert sources == {"NZL"}


def test_unknown_speaker_is_an_error():
    with pytest.raises(stance.InputError):
        stance.analyze("We agree.", parties=PARTIES, speaker="XYZ")


def test_convergence_index_is_shrunk_for_short_documents():
    assert convergence_index(0, 0) == 0
    assert convergence_index(1, 0) == pytest.approx(1 / 3)
    assert convergence_index(50, 0) > 0.9
    assert convergence_index(10, 10) == 0
    low, high = index_interval(5, 2)
    assert low < convergence_index(5, 2) < high


@pytest.mark.parametrize("convergent, divergent", [(0, 0), (1, 0), (0, 4), (3, 0)])
def test_few_sentences_on_one_side_give_a_wide_interval(convergent, divergent):
    # A bootstrap over sentences that all take one side gives the same index every time, an
    # interval of width 0; the posterior of the share is as wide as a few sentences warrant.
    low, high = index_interval(convergent, divergent)
    assert high - low > 0.9
    assert low < convergence_index(convergent, divergent) < high


def test_the_interval_narrows_as_sentences_agree():
    widths = [(lambda i: i[1] - i[0])(index_interval(n, 0)) for n in (1, 10, 100, 1000)]
    assert widths == sorted(widths, reverse=True) and widths[-1] < 0.02


def test_scorers_share_one_interface():
    assert set(available()) == {"vader", "textblob", "tone", "stance"}
    for name in available():
        score = get_scorer(name).score_text("The allies signed a historic peace agreement.")
        assert -1 <= score.value <= 1 and score.label
    with pytest.raises(KeyError):
        get_scorer("nope")


def test_user_lexicon_overrides_and_removes(write):
    base = stance.score_sentence("The sides signed a deal to frobnicate.")
    assert not any(c.term == "frobnicate" for c in base.cues)
    tsv = write("extra.tsv", "# custom\nterm\tweight\tcategory\nfrobnicate\t5\tcustom\n")
    extended = stance.score_sentence("The sides signed a deal to frobnicate.", lexicon=tsv)
    assert any(c.term == "frobnicate" and c.weight == 5 for c in extended.cues)
    removing = write("remove.toml", 'remove = ["agreed"]\n[[cue]]\nterm = "rubbish"\nweight = -2\n')
    r = stance.score_sentence("They agreed.", lexicon=removing)
    assert not any(c.term == "agreed" for c in r.cues)


@pytest.mark.parametrize(
    "content, message",
    [
        ("term\tweight\nfoo\tabc\n", "not a number"),
        ("foo\t20\n", "outside -10..10"),
        ("fo*\t2\n", "3 letters"),
        ("[cues\n", "TOML syntax error"),
        ("us-*\t5\tpraise\n", "3 letters"),  # the matcher keys "us-*" by "us"
        ("u.s*\t5\tpraise\n", "3 letters"),
        ("cue = 5\n", "'cue' must be an array of tables"),
    ],
)
def test_bad_lexicon_files(write, content, message):
    path = write("bad.toml" if content.startswith("[") or " = " in content else "bad.tsv", content)
    with pytest.raises(stance.InputError) as info:
        stance.score_sentence("x", lexicon=path)
    assert message in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize("first, second", [(",", "US"), ("Trump", "Trump"), ("", ""), ("I", "EU")])
def test_entity_strings_that_cannot_be_aliases_warn_but_never_fail(first, second):
    with pytest.warns(UserWarning, match="ignored"):
        r = stance.score_sentence("Trump criticized the EU.", parties={"P": [first], "Q": [second]})
    assert r.label in ("convergence", "neutral", "divergence")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: stance.score_sentence(None), "not NoneType"),
        (lambda: stance.score_sentence(b"Pakistan praised the US."), "not bytes"),
        (lambda: stance.score_sentence(["Pakistan praised the US."]), "not list"),
        (lambda: stance.analyze(None), "not NoneType"),
        (lambda: stance.analyze(b"Pakistan praised the US."), "not bytes"),
        (lambda: stance.score_sentence("Pakistan.", parties=["Pakistan"]), "not list"),
    ],
)
def test_wrong_types_are_named_in_the_error(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_a_set_of_aliases_is_read_like_a_list():
    given = stance.score_sentence("Pakistan praised the US.", {"PAK": {"Pakistan"}, "USA": ["US"]})
    assert given.parties == ("PAK", "USA")


@pytest.mark.parametrize("invisible", ["\u200b", "\u00ad", "\u202e"])
def test_text_given_as_a_string_loses_the_invisible_characters_a_file_would(invisible, write):
    text = f"Paki{invisible}stan praised the US. Islamabad and Washington agreed."
    parties = {"PAK": ["Pakistan", "Islamabad"], "USA": ["US", "Washington"]}
    from_file = stance.analyze(write("zw.txt", text), parties=parties)
    from_text = stance.analyze(text, parties=parties)
    assert [s.to_dict() for s in from_text.sentences] == [s.to_dict() for s in from_file.sentences]
    sentence = stance.score_sentence(text.split(". ")[0] + ".", parties=parties)
    assert sentence.parties == ("PAK", "USA") and invisible not in sentence.text


def test_the_shared_rule_reads_a_third_party_named_after_the_cue_as_the_one_opposed():
    # "Both ... condemned the attack on China": China is what both stand against, not one of
    # the two; only a cue before one of the two parties is aimed at it.
    result = stance.score_sentence(
        "Both Pakistan and India condemned the terrorist attack on China."
    )
    (condemned,) = [c for c in result.cues if c.text == "condemned"]
    assert result.mutual and condemned.effect > 0
    assert condemned.modifiers == ("shared: both parties against a third",)
    aimed = stance.score_sentence("Both Pakistan and India condemned the attack on India.")
    (condemned,) = [c for c in aimed.cues if c.text == "condemned"]
    assert condemned.effect < 0 and not condemned.modifiers
