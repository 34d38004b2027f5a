import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.sentences import MAX_SENTENCE_CHARS, split_sentences


def sentences(text):
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The U.S. and Pakistan agreed. Talks continue.",
            ["The U.S. and Pakistan agreed.", "Talks continue."],
        ),
        ("Mr. Blome met Mrs. Khan. They spoke.", ["Mr. Blome met Mrs. Khan.", "They spoke."]),
        ("They met on Jan. 14 in Geneva. Good.", ["They met on Jan. 14 in Geneva.", "Good."]),
        ("He lives at No. 10 Downing Street. Yes.", ["He lives at No. 10 Downing Street.", "Yes."]),
        (
            "Donald J. Trump and J. R. Smith met. Fine.",
            ["Donald J. Trump and J. R. Smith met.", "Fine."],
        ),
        ("Growth was 3.5 percent. Exports rose.", ["Growth was 3.5 percent.", "Exports rose."]),
        (
            'He said: "We agree." Then he left.',
            ['He said: "We agree."', "Then he left."],
        ),
        ('"Why?" he asked. Nobody knew!', ['"Why?" he asked.', "Nobody knew!"]),
        (
            "energy, economy, etc. he asserted that. Next.",
            ["energy, economy, etc. he asserted that.", "Next."],
        ),
        (
            "First paragraph without a stop\n\nSecond one.",
            ["First paragraph without a stop", "Second one."],
        ),
        ("with the U.S. The talks ended.", ["with the U.S.", "The talks ended."]),
        ("Headline\nThe body begins here.", ["Headline", "The body begins here."]),
        ("- first item\n- second item", ["- first item", "- second item"]),
        (
            "1. Pakistan welcomes the talks.\n2. The US agreed.",
            ["1. Pakistan welcomes the talks.", "2. The US agreed."],
        ),
        ("  12. Decides to remain seized.", ["12. Decides to remain seized."]),
        ("Growth rose by 5. The rest fell.", ["Growth rose by 5.", "The rest fell."]),
        ("We will . . . cooperate with Pakistan.", ["We will . . . cooperate with Pakistan."]),
        ("We waited . . . The talks ended.", ["We waited . . .", "The talks ended."]),
    ],
)
def test_segmentation_cases(text, expected):
    assert sentences(text) == expected


def test_long_run_without_punctuation_is_capped():
    text = "a" * 200_000
    spans = split_sentences(text)
    assert all(b - a <= MAX_SENTENCE_CHARS for a, b in spans)
    assert "".join(text[a:b] for a, b in spans) == text


def test_long_sentence_is_cut_at_a_comma_or_space():
    text = ("the talks went on, " * 200).strip()
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(b - a <= MAX_SENTENCE_CHARS for a, b in spans)
    assert all(text[b - 1] == "," or b == len(text) for a, b in spans)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_offsets_slice_back_and_cover_the_text_in_order(text):
    spans = split_sentences(text)
    position = 0
    for start, end in spans:
        assert position <= start < end <= len(text)
        assert text[position:start].strip() == ""
        assert text[start:end] == text[start:end].strip()
        position = end
    assert text[position:].strip() == ""


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028", "\x85"])
def test_every_kind_of_line_break_splits_the_same(newline):
    lines = ["Pakistan welcomes US aid", "India condemns China over border clash", "Talks"]
    blank = newline * 2
    assert sentences(blank.join(lines) + newline) == lines
    assert sentences(newline.join(lines)) == lines
    long_line = "The minister said the talks, which lasted four hours, would continue soon"
    assert sentences(long_line + newline + "in Geneva.") == [long_line + newline + "in Geneva."]


def test_the_paragraph_separator_is_a_paragraph_break():
    text = "First paragraph without a stop\u2029second one."
    assert sentences(text) == ["First paragraph without a stop", "second one."]
    assert sentences("A\r\n\r\nB") == ["A", "B"]
