"""The learned models: their files, their arithmetic, the features they read, and the
explanations they give."""

import csv
import gzip
import io
import itertools
import json
import math
import re
from collections import Counter

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

import stance
from stance.cli import cli
from stance.parties import Mention
from stance.scoring import CueLexicon, SentenceInput
from stance.scoring.features import (
    NEGATORS,
    TONE_DENSE,
    StanceFeatures,
    TermIndex,
    masked_tokens,
    negation_marked_words,
    stance_features,
    term_counts,
    term_spans,
    tone_matrix,
)
from stance.scoring.linear import LinearModel
from stance.scoring.model import STANCE_FILE, model_version, stance_model, tone_model
from stance.scoring.stance import (
    CLASSES,
    LexiconStanceScorer,
    input_from_result,
    lexicon_cues,
    softmax,
)
from stance.scoring.tone import CombinedToneScorer, vader_analysis

WORD = re.compile(r"\w\w+")  # what the stance model reads as a word
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

TINY = """# a model written by hand for the tests
block\tfeature\tidf\tup\tdown
setting\tlimit\t0.5
intercept\t-\t-\t0.5\t-1
words\tgood\t2\t1.5\t-1
words\tbad\t1\t-2\t3
regions\tmid:good\t3\t0.25\t0
dense\tscore\t-\t2\t-0.5
"""


def test_tiny_model_arithmetic_by_hand():
    model = LinearModel.parse(TINY)
    counts = {"good": 2, "bad": 1, "mid:good": 1, "unknown": 4}
    good, bad = 2 * (1 + math.log(2)), 1.0  # sublinear tf times idf
    norm = math.hypot(good, bad)  # the words block, normalised on its own
    up = 0.5 + (1.5 * good - 2 * bad) / norm + 0.25 + 2 * 0.5
    down = -1 + (-1 * good + 3 * bad) / norm - 0.5 * 0.5
    assert model.scores(counts, {"score": 0.5, "unknown": 9.0}) == pytest.approx([up, down])
    assert model.settings == {"limit": 0.5} and model.outputs == ("up", "down")
    assert model.notes == "a model written by hand for the tests"


def test_contributions_add_up_to_the_scores():
    model = LinearModel.parse(TINY)
    counts, dense = {"good": 3, "bad": 2, "mid:good": 2}, {"score": -0.25}
    parts = model.contributions(counts, dense)
    assert {c.feature for c in parts} == {"good", "bad", "mid:good", "score"}
    for j, total in enumerate(model.scores(counts, dense)):
        assert model.intercept[j] + sum(c.effects[j] for c in parts) == pytest.approx(total)


def test_model_file_round_trip(tmp_path):
    model = LinearModel.parse(TINY)
    path = tmp_path / "model.tsv"
    model.write(path, ["written again"])
    again = LinearModel.read(path)
    counts, dense = {"good": 1, "bad": 5}, {"score": 1.0}
    assert again.scores(counts, dense) == pytest.approx(model.scores(counts, dense))
    assert again.settings == model.settings
    assert path.read_text().startswith("# written again\nblock\tfeature\tidf\tup\tdown\n")


@pytest.mark.parametrize(
    "text, message",
    [
        (TINY.replace("words\tbad\t1\t-2\t3", "words\tbad\t1\t-2"), "model:6: expected 5 columns"),
        (TINY.replace("\t1.5\t", "\tlots\t"), "model:5: not a number"),
        ("intercept\t-\t-\t1\n", "model:1: expected the header"),
        ("block\tfeature\tidf\tup\n", "no intercept"),
    ],
)
def test_malformed_model_files_name_the_line(text, message):
    with pytest.raises(ValueError, match=message):
        LinearModel.parse(text)


def test_builtin_models_are_loaded_once():
    assert stance_model() is stance_model() and tone_model() is tone_model()
    # an analyzer per party set (stance.score_sentence) must not rebuild the word index
    assert LexiconStanceScorer().terms is LexiconStanceScorer().terms
    assert stance_model().outputs == CLASSES[1:]
    assert re.fullmatch(r"m[0-9a-f]{10}", model_version())


def reference_probabilities(sentence, features):
    """The stance model's probabilities computed another way: the file read with csv, each
    block normalised first, then the dot products."""
    from importlib import resources

    data = resources.files("stance").joinpath("data", STANCE_FILE).read_bytes()
    text = gzip.decompress(data).decode("utf-8")
    rows = [r for r in csv.reader(io.StringIO(text), delimiter="\t") if r and r[0][0] != "#"]
    table = {(r[0], r[1]): r for r in rows[1:] if r[0] != "setting"}
    logits = [float(w) for w in table[("intercept", "-")][3:]]
    for block in ("words", "regions"):
        values = {
            term: (1 + math.log(n)) * float(table[(block, term)][2])
            for term, n in features.counts.items()
            if (block, term) in table
        }
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        for term, v in values.items():
            for j, w in enumerate(table[(block, term)][3:]):
                logits[j] += v / norm * float(w)
    for name, value in features.dense.items():
        for j, w in enumerate(table[("dense", name)][3:]):
            logits[j] += value * float(w)
    top = max(0.0, *logits)
    exps = [math.exp(-top)] + [math.exp(x - top) for x in logits]
    return [e / sum(exps) for e in exps]


@pytest.mark.parametrize("text", SENTENCES)
def test_runtime_equals_a_reference_computation(text):
    result = stance.score_sentence(text, parties=PARTIES)
    judgement = LexiconStanceScorer().judge(input_from_result(result, CueLexicon.builtin()))
    expected = reference_probabilities(text, judgement.features)
    assert judgement.prediction.probabilities == pytest.approx(expected, abs=1e-9)


def masked_with_spans(text, mentions, parties, some=()):
    """The masked tokens of ``text`` and the span of each, as the learned cues find them;
    the spans of ``some`` of them (those it has), asked for alone, must be the same."""
    tokens, placeholders = [], []
    assert masked_tokens(text, mentions, tokens, placeholders) == parties
    feats = StanceFeatures(tokens=tokens, text=text, placeholders=placeholders)
    spans = feats.token_spans(range(len(tokens)))
    chosen = [i for i in some if i < len(tokens)]
    assert feats.token_spans(chosen) == {i: spans[i] for i in chosen}
    return tokens, [spans[i] for i in range(len(tokens))]


def test_masking_matches_the_masked_text():
    text = "İstanbul hosted Pakistan; then Pakistan's envoy met India, and India's too."
    mentions = [
        Mention("PAK", 16, 24, "Pakistan", "alias"),
        Mention("PAK", 31, 39, "Pakistan", "alias"),
        Mention("IND", 52, 57, "India", "alias"),
        Mention("IND", 63, 68, "India", "alias"),
    ]
    tokens, spans = masked_with_spans(text, mentions, ("PAK", "IND"))
    masked = text
    placeholders = ["enta", "enta", "entb", "entb"]
    for m, word in reversed(list(zip(mentions, placeholders, strict=True))):
        masked = masked[: m.start] + f" {word} " + masked[m.end :]
    assert tokens == re.findall(r"(?u)\b\w\w+\b", masked.lower())
    # "İ" lower-cases to "i" and a combining dot: the first word is "stanbul", as for sklearn
    assert [text[a:b] for a, b in spans][:3] == ["stanbul", "hosted", "Pakistan"]


@settings(max_examples=80, deadline=None)
@given(
    # any text, and text of few letters, where words repeat and hide inside longer ones
    st.text(min_size=0, max_size=60) | st.text("abA .,'-é", max_size=60),
    st.integers(0, 60),
    st.integers(1, 8),
    st.lists(st.integers(0, 20), max_size=4),
)
def test_masking_matches_the_masked_text_for_any_text(text, start, size, some):
    start = min(start, len(text))
    end = min(start + size, len(text))
    mentions = [Mention("X", start, end, text[start:end], "alias")] if end > start else []
    parties = ("X", None) if mentions else (None, None)
    tokens, spans = masked_with_spans(text, mentions, parties, some)
    masked = text[:start] + " enta " + text[end:] if mentions else text
    assert tokens == re.findall(r"(?u)\b\w\w+\b", masked.lower())
    low = text.lower()
    if len(low) == len(text):  # offsets in the lowered text are the text's own

        def words(begin: int, stop: int) -> list[tuple[int, int]]:
            return [
                (begin + a, begin + b)
                for a, b in map(re.Match.span, WORD.finditer(low[begin:stop]))
            ]

        if mentions:
            assert spans == [*words(0, start), (start, end), *words(end, len(low))]
        else:
            assert spans == words(0, len(low))


@settings(max_examples=150, deadline=None)
@given(
    # mentions inside words ("aabbaa", the middle named) join the tokens on either side
    st.text("ab .-İ", max_size=40) | st.text(max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 6)), max_size=3),
)
@example("aabbaa", [(2, 2)])  # one word: the tokens "aa" and "aa" on either side of a mention
@example("abİab", [])  # one word, two tokens: "İ" lower-cases to "i" and a combining dot
def test_a_sentence_has_at_least_its_fewest_words(text, places):
    mentions = [
        Mention(f"P{i}", start, min(start + size, len(text)), "", "alias")
        for i, (start, size) in enumerate(sorted(places))
        if start < len(text)
    ]
    tokens, placeholders = [], []
    masked_tokens(text, mentions, tokens, placeholders)
    feats = StanceFeatures(tokens=tokens, text=text, placeholders=placeholders)
    assert 1 <= feats.fewest_words <= max(len(re.findall(r"\w+", text)), 1)


def test_the_words_are_counted_when_the_cues_may_be_dense_enough():
    text = "India and Pakistan praised, welcomed and commended the agreement."
    result = stance.score_sentence(text, parties=PARTIES)
    sentence = input_from_result(result, CueLexicon.builtin())
    found = lexicon_cues(sentence)
    words = len(re.findall(r"\w+", text))
    for limit in (0.05, 0.5, 5.0):
        scorer = LexiconStanceScorer(LinearModel.parse(stance_model_text(limit)))
        density = scorer.judge(sentence).score.details["cue_density"]
        assert density == pytest.approx(sum(c.effect for c in found) / words)
        score = scorer.score(sentence)
        decided = abs(density) >= limit
        assert (score.label != "neutral") == decided
        assert ("cue_density" in score.details) == decided


def test_terms_words_pairs_and_regions():
    counts = term_counts(["the", "enta", "accused", "entb", "of", "lies", "lies"])
    assert counts["enta accused"] == 1 and counts["lies lies"] == 1 and counts["lies"] == 2
    assert counts["pre:the"] == 1 and counts["mid:accused"] == 1 and counts["post:lies"] == 2
    assert "mid:enta" not in counts and "pre:enta" not in counts


def test_negation_marks_three_words_within_the_clause():
    words = SentenceInput("This is not a good idea at all, but I don't mind.", CueLexicon.builtin())
    counts = Counter(negation_marked_words(words.pattern_words))
    assert counts["not"] == 1 and counts["not_good"] == 1 and counts["not_idea"] == 1
    assert counts["a"] == 1 and "not_a" not in counts  # one-letter words neither marked nor counted
    assert counts["not_at"] == 1 and counts["all"] == 1  # three words reached: good, idea, at
    assert counts["not_mind"] == 1 and "not_but" not in counts  # the comma ended the reach
    assert counts["do"] == 1 and counts["n"] == 1  # pattern cuts "don't": do, n, ', t


def test_without_a_negator_the_words_are_the_terms():
    words = ["we", "welcome", "the", "talks", ",", "and", "so", "on", "."]
    assert negation_marked_words(words) is words


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["not", "n", "never", "good", "a", ",", ".", "'", "t", "x"])))
def test_a_negator_marks_the_next_three_longer_words_of_its_clause(words):
    expected = []
    for i, word in enumerate(words):
        negators = [j for j in range(i) if words[j] in NEGATORS]
        between = words[negators[-1] + 1 : i] if negators else []
        reached = (
            bool(negators)
            and not set(between) & set(",.")
            and sum(len(w) > 1 for w in between) < 3
            and len(word) > 1
            and word not in NEGATORS
            and word not in ",."
        )
        expected.append("not_" + word if reached else word)
    assert negation_marked_words(words) == expected


def test_vader_single_pass_gives_the_plain_scores():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    plain = SentimentIntensityAnalyzer()
    for text in [*SENTENCES, "Not bad at all :)", "GREAT!!! but awful 😡", ""]:
        scores, valences = vader_analysis(text)
        assert scores == plain.polarity_scores(text)
        assert all(isinstance(v, float | int) for v in valences)


@pytest.mark.parametrize("text", [*SENTENCES, "What a wonderful, generous gift!", "Awful."])
def test_tone_is_the_rating_over_four_clipped(text):
    sentence = SentenceInput(text, CueLexicon.builtin())
    terms = Counter(negation_marked_words(sentence.pattern_words))
    dense = dict(zip(TONE_DENSE, tone_matrix([sentence])[0].tolist(), strict=True))
    rating = tone_model().scores(terms, dense)[0]
    value = CombinedToneScorer().score(sentence).value
    assert value == pytest.approx(max(-1.0, min(1.0, rating / 4)))


def tone_reference(sentence: SentenceInput) -> list[float]:
    """The dense tone features of one sentence, worked out word by word from their definitions
    in ``TONE_DENSE``."""
    valences = sentence.vader_valences
    positive = [v for v in valences if v > 0]
    negative = [v for v in valences if v < 0]
    polarity, subjectivity = sentence.textblob
    assessments = sentence.textblob_assessments
    effects = [cue.effect for cue in sentence.cues]
    return [
        sentence.vader["compound"],
        sentence.vader["pos"],
        sentence.vader["neg"],
        polarity,
        subjectivity,
        polarity * subjectivity,
        math.tanh(sum(positive) / 4),
        math.tanh(sum(negative) / 4),
        max(positive, default=0.0),
        min(negative, default=0.0),
        len(positive) / (len(valences) + 1),
        len(negative) / (len(valences) + 1),
        math.tanh(sum(e for e in effects if e > 0) / 5),
        math.tanh(sum(e for e in effects if e <= 0) / 5),
        len(assessments),
        sum(a[1] for a in assessments) / (len(assessments) + 1),
        len(valences) / 30,
    ]


BATCH = [
    *SENTENCES,
    "",
    "Awful.",
    "Talks.",
    "What a wonderful, generous gift!",
    "No, not bad.",
    "We didn't fail: it was never a hopeless, sad failure 😡",
    "Die Gespräche in İstanbul waren très bien, great!",
]


def test_tone_features_of_a_batch_are_each_sentences_own():
    sentences = [SentenceInput(text, CueLexicon.builtin()) for text in BATCH]
    matrix = tone_matrix(sentences)
    assert matrix.shape == (len(BATCH), len(TONE_DENSE)) and tone_matrix([]).shape == (0, 17)
    for row, sentence in zip(matrix.tolist(), sentences, strict=True):
        assert row == pytest.approx(tone_reference(sentence), abs=1e-12)


def test_tone_of_a_batch_is_each_sentences_own():
    tone = CombinedToneScorer()
    sentences = [SentenceInput(text, CueLexicon.builtin()) for text in BATCH]
    alone = [tone.value(SentenceInput(text, CueLexicon.builtin())) for text in BATCH]
    assert tone.values(sentences) == pytest.approx(alone, abs=1e-12)
    assert tone.values([]) == []


def test_tone_reads_praise_and_blame():
    tone = CombinedToneScorer()
    lexicon = CueLexicon.builtin()
    good = tone.score(SentenceInput("A wise, generous and welcome decision.", lexicon)).value
    bad = tone.score(SentenceInput("A cruel, reckless and shameful decision.", lexicon)).value
    assert good > 0.1 and bad < -0.1


@pytest.mark.parametrize("text", SENTENCES)
def test_deterministic_and_bounded(text):
    first = stance.score_sentence(text, parties=PARTIES).to_dict()
    assert stance.score_sentence(text, parties=PARTIES).to_dict() == first
    assert -1 <= first["score"] <= 1 and -1 <= first["tone"] <= 1


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_any_text_scores_in_range(text):
    r = stance.score_sentence(text, parties=PARTIES)
    assert -1 <= r.score <= 1 and -1 <= r.tone <= 1
    assert r.label in ("convergence", "neutral", "divergence")


def supports(cue, label):
    return cue.effect > 0 if label == "convergence" else cue.effect < 0


@pytest.mark.parametrize("text", SENTENCES)
def test_every_polar_label_has_a_cue_toward_it(text):
    r = stance.score_sentence(text, parties=PARTIES)
    if r.label != "neutral":
        assert any(supports(c, r.label) for c in r.cues)
    assert all(r.text[c.start : c.end] == c.text for c in r.cues)
    spans = sorted((c.start, c.end) for c in r.cues)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))  # no two cues overlap


def test_every_polar_sentence_of_the_examples_is_explained(examples):
    documents, errors = stance.load_documents([str(p) for p in examples.values()])
    assert not errors
    for document in documents:
        for s in stance.analyze(document).sentences:
            if s.label != "neutral":
                assert any(supports(c, s.label) for c in s.cues), s.text


def test_learned_terms_are_shown_as_cues():
    found = []
    for text in SENTENCES:
        r = stance.score_sentence(text, parties=PARTIES)
        found += [(r.label, c) for c in r.cues if c.category == "learned"]
    assert found, "no learned term was shown on the test sentences"
    for label, cue in found:
        assert supports(cue, label) and cue.modifiers[0].startswith("learned: ")
        assert cue.weight == cue.effect


def test_the_model_says_who_holds_the_stance():
    accused = stance.score_sentence("India accused Pakistan of sponsoring terrorism.", PARTIES)
    assert (accused.label, accused.source, accused.target) == ("divergence", "IND", "PAK")
    assert accused.via == "model" and not accused.mutual
    passive = stance.score_sentence("Pakistan was criticised by India for the shelling.", PARTIES)
    assert (passive.label, passive.source, passive.target) == ("divergence", "IND", "PAK")
    joint = stance.score_sentence("Pakistan and India agreed to cooperate on trade.", PARTIES)
    assert joint.mutual and (joint.source, joint.target) == ("PAK", "IND")


def stance_model_text(density: float) -> str:
    """A hand-made stance model that always says neutral, with a cue-density threshold."""
    header = "\t".join(("block", "feature", "idf", *CLASSES[1:]))
    return (
        f"{header}\nsetting\tcue_density_named\t{density}\nsetting\tcue_density_unnamed\t9\n"
        "intercept\t-\t-\t-9\t-9\t-9\t-9\n"
    )


def test_a_sentence_dense_with_cues_is_read_by_the_lexicon():
    text = "Pakistan and India agreed to cooperate."
    result = stance.score_sentence(text, parties=PARTIES)
    sentence = input_from_result(result, CueLexicon.builtin())
    strict = LexiconStanceScorer(LinearModel.parse(stance_model_text(5.0))).score(sentence)
    assert strict.label == "neutral" and strict.value == pytest.approx(0, abs=1e-6)
    loose = LexiconStanceScorer(LinearModel.parse(stance_model_text(0.5))).score(sentence)
    density = loose.details["cue_density"]
    assert density >= 0.5 and loose.label == "convergence"
    assert loose.value == pytest.approx(math.tanh(density))


def test_a_stance_model_reads_its_own_dense_features_in_its_own_order():
    extra = "dense\ttextblob\t-\t2\t0\t0\t-1\ndense\tvader\t-\t0.5\t1\t-3\t0\n"
    model = LinearModel.parse(stance_model_text(1.0) + extra)
    scorer = LexiconStanceScorer(model)
    result = stance.score_sentence("Pakistan warmly thanked India for its help.", parties=PARTIES)
    sentence = input_from_result(result, CueLexicon.builtin())
    features = stance_features(sentence, lexicon_cues(sentence))
    prediction = scorer._predictions([features])[0][0]
    assert features.dense["vader"] and features.dense["textblob"]
    expected = softmax([0.0, *model.scores(features.counts, features.dense)])
    assert prediction.probabilities == pytest.approx(expected.tolist())
    unknown = LinearModel.parse(stance_model_text(1.0) + "dense\tsunspots\t-\t1\t1\t1\t1\n")
    with pytest.raises(ValueError, match="sunspots"):
        LexiconStanceScorer(unknown)


def test_tone_alone_needs_a_party_or_a_cue():
    r = stance.score_sentence("It was a wonderful, sunny, delightful day.", parties=PARTIES)
    assert r.label == "neutral" and r.cues == ()


def test_softmax_is_stable():
    assert softmax([0.0, 1000.0, -1000.0]) == pytest.approx((0.0, 1.0, 0.0))
    assert sum(softmax([0.1, 0.2, 0.3, 0.4, 0.5])) == pytest.approx(1)


def test_explain_shows_the_model_probabilities_and_contributions():
    text = "Islamabad rejected Washington's offer of help."
    result = CliRunner().invoke(cli, ["explain", text])
    assert result.exit_code == 0, result.output
    assert "P(neutral)" in result.output and "P(divergence)" in result.output
    assert "largest contributions" in result.output and "total" in result.output
    assert "'rejected'" in result.output
    as_json = CliRunner().invoke(cli, ["explain", "--format", "json", text])
    record = json.loads(as_json.output)["model"]
    assert sum(record["probabilities"].values()) == pytest.approx(1, abs=1e-3)
    assert set(record["probabilities"]) == set(CLASSES)
    assert record["first_party"] == "PAK" and record["second_party"] == "USA"
    assert any(c["block"] == "dense" for c in record["contributions"])


def test_a_model_is_written_only_when_it_checks_out(tmp_path):
    model = LinearModel.parse(TINY)
    path = tmp_path / "model.tsv"
    close = model.write_checked(path, ["checked"], lambda read: 0.0, 1e-6)
    assert close == 0.0 and LinearModel.read(path).settings == {"limit": 0.5}
    before = path.read_bytes()
    far = LinearModel.parse(TINY.replace("0.5\t-1", "9\t9")).write_checked(
        path, ["off"], lambda read: abs(read.intercept[0] - 0.5), 1e-6
    )
    assert far == pytest.approx(8.5) and path.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))


def test_a_gz_model_file_is_the_same_table_compressed(tmp_path):
    model = LinearModel.parse(TINY)
    model.write(tmp_path / "plain.tsv", ["note"])
    model.write(tmp_path / "packed.tsv.gz", ["note"])
    packed = (tmp_path / "packed.tsv.gz").read_bytes()
    assert gzip.decompress(packed) == (tmp_path / "plain.tsv").read_bytes()
    again = LinearModel.read(tmp_path / "packed.tsv.gz")
    assert (again.intercept, again.settings) == (model.intercept, model.settings)


def test_no_party_and_no_cue_is_neutral_without_the_model():
    scorer = LexiconStanceScorer()
    sentence = SentenceInput("What a wonderful, glorious morning it is.", CueLexicon.builtin())
    score = scorer.score(sentence)
    judged = scorer.judge(sentence)
    assert judged.prediction.value != 0.0  # the model would have leant one way
    assert (
        (score.label, score.value) == ("neutral", 0.0) == (judged.score.label, judged.score.value)
    )
    assert "p_neutral" not in score.details and score.details["tone"] > 0


STATE_ACTS = [
    ("The United States and Pakistan will deepen their strategic partnership.", "convergence"),
    ("Indian artillery shelled Pakistani villages near the border.", "divergence"),
]


@pytest.mark.parametrize(("text", "label"), STATE_ACTS)
def test_what_states_do_to_each_other_is_their_stance(text, label):
    """The model reads these acts as neutral; between two countries the cues decide."""
    countries = {"USA": ["United States"], "PAK": ["Pakistan", "Pakistani"], "IND": ["Indian"]}
    analyzer = stance.Analyzer(countries)
    result = analyzer.score_sentence(text)
    sentence = input_from_result(result, analyzer.lexicon, analyzer.parties.states)
    judged = analyzer.stance.judge(sentence)
    assert judged.prediction.label == "neutral"
    assert result.label == label == judged.score.label
    assert abs(judged.score.details["state_cues"]) >= 2
    assert any(c.category != "learned" for c in result.cues)
    # The same sentence when the parties are not countries, or are one country: the model's.
    for states in ({}, dict.fromkeys(analyzer.parties.keys(), "PAK")):
        other = input_from_result(result, analyzer.lexicon, states)
        assert analyzer.stance.judge(other).score.label == "neutral"


# Scoring a document's sentences together ------------------------------------------------

TOKENS = st.lists(
    st.sampled_from(["the", "talks", "accused", "of", "lies", "peace", "xyzzy", "entx"]),
    max_size=12,
)


# placeholders as masking writes them: enta first, entb only after it
MASKED = st.builds(
    lambda before, between, after: (
        [*before, "enta", *between, "entb", *after] if between else before + after
    ),
    TOKENS,
    TOKENS,
    TOKENS,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(MASKED, max_size=4))
def test_term_index_finds_the_rows_of_the_counted_terms(sentences):
    model = stance_model()
    sentence, rows = TermIndex(model.index).rows(sentences)
    for i, tokens in enumerate(sentences):
        expected = sorted(model.term_rows([list(term_counts(tokens).elements())])[1].tolist())
        assert sorted(rows[sentence == i].tolist()) == expected
    assert set(sentence.tolist()) <= set(range(len(sentences)))


@settings(max_examples=200, deadline=None)
@given(TOKENS, TOKENS)
def test_a_term_is_found_where_it_first_occurs(before, after):
    tokens = [*before, "enta", *after, "entb", "talks"]
    feats = StanceFeatures(tokens=tokens, text=" ".join(tokens))
    ends = list(itertools.accumulate(len(token) + 1 for token in tokens))  # token i's end + 1
    for term in term_counts(tokens):
        # the reference: the first place where the term's own list of terms has it
        first = next(i for i in range(len(tokens)) if term in term_counts(tokens[: i + 1]))
        [span] = term_spans(feats, [term])
        assert span is not None and span[1] == ends[first] - 1, term
    terms = list(term_counts(tokens))
    assert term_spans(feats, terms) == [term_spans(feats, [term])[0] for term in terms]
    assert term_spans(feats, ["never seen", "post:xyzzy", "talks"])[:2] == [None, None]


def test_term_rows_of_a_batch_are_each_sentences_known_terms():
    model = LinearModel.parse(TINY)
    sentences = [["good", "unknown", "good"], [], ["mid:good", "bad"], ["nothing"]]
    sentence, rows = model.term_rows(sentences)
    assert sentence.tolist() == [0, 0, 2, 2]
    assert rows.tolist() == [model.index[t] for t in ("good", "good", "mid:good", "bad")]
    for i, terms in enumerate(sentences):
        assert rows[sentence == i].tolist() == [model.index[t] for t in terms if t in model.index]


def test_a_batch_gives_each_sentence_its_own_scores():
    model = LinearModel.parse(TINY)
    sentences = [({"good": 2, "bad": 1}, {"score": 0.5}), ({}, {}), ({"mid:good": 3}, {})]
    terms = [list(Counter(counts).elements()) for counts, _ in sentences]
    batch, _ = model.batch_of(
        *model.term_rows(terms), [model.dense_vector(dense) for _, dense in sentences]
    )
    for row, (counts, dense) in zip(batch.tolist(), sentences, strict=True):
        assert row == pytest.approx(model.scores(counts, dense))


def test_term_effects_of_a_batch_are_the_contributions():
    model = LinearModel.parse(TINY)
    counts = {"good": 3, "bad": 2, "mid:good": 1}
    _, effects = model.batch_of(
        *model.term_rows([[], list(Counter(counts).elements())]), [[0.0], [0.0]]
    )
    assert effects.largest([0, -1], -math.inf) == [[], []]
    by_term = {c.feature: c.effects for c in model.contributions(counts, {})}
    for output in (0, 1):
        found = effects.largest([-1, output], -math.inf)[1]
        assert [t for _, t in found] == sorted(by_term, key=lambda t: -by_term[t][output])
        for effect, term in found:
            assert effect == pytest.approx(by_term[term][output])
        strong = effects.largest([-1, output], 0.5)[1]
        assert strong == [(e, t) for e, t in found if e >= 0.5]


def test_scoring_sentences_together_or_one_by_one_is_the_same():
    analyzer = stance.Analyzer(PARTIES)
    texts = [*SENTENCES, "No party here, and no cue either.", "We deplore the violence."]
    scorer = LexiconStanceScorer()

    def inputs():
        return [input_from_result(analyzer.score_sentence(t), CueLexicon.builtin()) for t in texts]

    together = scorer.score_many(inputs())
    alone = [scorer.score(sentence) for sentence in inputs()]
    for one, other in zip(together, alone, strict=True):  # sums in another order: approx
        assert (one.label, one.attribution) == (other.label, other.attribution)
        assert [c.term for c in one.cues] == [c.term for c in other.cues]
        assert one.value == pytest.approx(other.value, abs=1e-12)
        assert one.details == pytest.approx(other.details, abs=1e-12)
    assert {s.label for s in together} >= {"convergence", "divergence", "neutral"}


def test_a_tone_model_must_have_the_tone_features_in_order(monkeypatch):
    import stance.scoring.tone as tone

    swapped = LinearModel(["rating"], [0.0], {}, {"vader_pos": [1.0], "vader": [1.0]})
    monkeypatch.setattr(tone, "tone_model", lambda: swapped)
    with pytest.raises(ValueError, match="a tone model's dense features are vader, vader_pos"):
        CombinedToneScorer()
