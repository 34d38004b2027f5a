"""pattern_words gives exactly the words pattern's own tokenizer gives, so that the sentiment
analyser returns the same polarity, subjectivity and assessments from either, and its fast
path (not the fallback to pattern) answers the ordinary sentences."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textblob._text import EMOTICONS as TEXTBLOB_EMOTICONS
from textblob._text import find_tokens, replacements
from textblob.en import sentiment

from stance.scoring.pattern_tokens import fast_words, library_words, pattern_words
from stance.scoring.tone import textblob_analysis
from stance.sentences import split_sentences

TRICKY = [
    "",
    " ",
    "   \t \n\n  ",
    "We welcome the agreement.",
    "The U.S. and the U.K. signed it, e.g. on trade, etc.",
    "The U.S.-led coalition (U.N.) met Mr. Smith and Dr. Jones at 3 p.m. yesterday.",
    "Donald J. Trump met T. De Smedt; vs. them, cf. p. 4 and fig. 2.",
    "Mrs. Brown, Ms. Green and St. Lucia.",
    "He said: wait... and then.... nothing..",
    "Really!! Is it (!) true?!",
    'What?!" she asked.',
    "Great :) but sad :-( and ; ) or 8) and XD and : (",
    "It was good :-)",
    "I don't know, it's fine; we can't and won't, I'm sure they'd say we're done, I've seen it.",
    "DON'T SHOUT, he said, isn't it?",
    "She said \"no\" and 'yes' and “maybe” and ‘perhaps’ and it’s over.",
    "Countries' rights and the people’s will.",
    "(a) first; [b] second; {c} third.",
    "as follows: (a) peace and (b) security.",
    "The budget grew 3.5 per cent to $1,000,000 (up 2.5%) in 1998).",
    "Well-being, self-determination - and a dash -- or two — today.",
    "He/she and/or the w/ case and -5 or 5- and +3.",
    "End of line,\nnext line.\n\nNew paragraph.\r\nWindows line.\r\n\r\nDone",
    "Tabs\tbetween\twords.\tAnd\u00a0non-breaking\u2003spaces.",
    "Côte d'Ivoire, São Tomé and Príncipe, Türkiye and Curaçao.",
    "ΟΔΟΣ ΑΣ. Σ Ωραίος.",
    "İstanbul and straße, ǅemal.",
    "Marks ,leading ;and trailing, ((nested)) ... !? ?! .,;",
    "#hashtag @user ^caret &amp *star* +plus |pipe| =eq ~tilde _under_ `tick`",
    "The END-OF-SENTENCE marker appears here.",
    "Annex D is attached, see Annex D.",
    "Mexico. On to o.O and o . O today.",
    "Mexico. O Canada, and Annex D, too.",
    "Annex D; next",
    "Is it X D?",
    "8 - D; or 8 -D?",
    "Why?; Really;? Yes,; no?. Is it?\" ok; fine?' ,then ;this ?that a;b c?d",
    "A.. B... C.... Mr.. U.S..",
    "a.b. c.d.e. A.B.C",
    "N.q. n.q. MED. Med. Mil. mr. Mr",
    "I. II. III. IV. V.",
    "<3 ♥ heart and °o° and >:( and :'( crying",
    "Isn't it? Aren't they! Couldn't've.",
    "'Quoted' \"double\" ``latex'' and ''two''.",
    "1. First item\n2. Second item\n3) third",
    ".5 of .NET and ...and ,comma",
]

PLAIN = [
    "We welcome the agreement reached between the two parties last year.",
    "The United Nations, which was founded in 1945, must remain the centre of our efforts.",
    "The U.S. delegation, led by Mr. Smith, supported the resolution (A/RES/60/1).",
    "It is time to act; the people’s patience has limits, and we don't have much time.",
    "Peace-keeping operations cost $3.5 billion in 2008-2009: a record.",
    'He called it "unacceptable" and left.',
    "Why should we wait?",
]


def reference(text: str) -> list[str]:
    """What pattern's analyser assesses for a string: its tokenizer's output, lower-cased."""
    return [w.lower() for w in " ".join(find_tokens(text)).split()]


def assert_same_sentiment(text: str) -> None:
    """The library's analyser on the string, against it on ``pattern_words`` and against
    what stance uses (``textblob_analysis``: the loaded analyser read with plain lookups)."""
    expected = sentiment(text)
    got = sentiment(pattern_words(text))
    assert (got[0], got[1]) == (expected[0], expected[1])  # polarity, subjectivity
    assert got.assessments == expected.assessments
    words = pattern_words(text)
    assert textblob_analysis(text) == (expected[0], expected[1], expected.assessments, words)


def test_the_analyser_tokenizes_with_find_tokens_defaults():
    for text in TRICKY:
        assert sentiment.tokenizer(text) == find_tokens(text)
        assert library_words(text) == reference(text)


def test_contractions_are_plain_strings_with_an_apostrophe():
    # fast_words applies them with str.replace and relies on every one of them
    # containing "'", which always stands alone afterwards.
    for old, new in replacements.items():
        assert "'" in old and re.escape(old) == old and "\\" not in new


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_text_gives_the_same_words(text):
    assert pattern_words(text) == reference(text)
    words = fast_words(text)
    assert words is None or words == reference(text)


@pytest.mark.parametrize("text", TRICKY + PLAIN)
def test_tricky_text_gives_the_same_sentiment(text):
    assert_same_sentiment(text)


@pytest.mark.parametrize("text", PLAIN)
def test_ordinary_sentences_take_the_fast_path(text):
    assert fast_words(text) == reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "They waited... and waited.",
        "The list is as follows: (a) one.",
        "Adopted in 1948) by the Assembly.",
        "Sarcasm (!) here.",
        "Literal END-OF-SENTENCE text.",
    ],
)
def test_rewritten_or_marked_text_goes_to_pattern(text):
    assert fast_words(text) is None
    assert pattern_words(text) == reference(text)


def test_fast_path_changes_what_the_plain_split_would_give():
    # a guard against a fast path that only splits on white space
    assert fast_words("Yes, the U.S. did (twice).") == [
        "yes",
        ",",
        "the",
        "u.s.",
        "did",
        "(",
        "twice",
        ")",
        ".",
    ]
    # a lone letter with its period is an initial to pattern, even at the end
    assert fast_words("I don't, she’s.") == ["i", "do", "n", "'", "t", ",", "she", "’", "s."]


WHITE_SPACE = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]


@pytest.mark.parametrize("space", WHITE_SPACE, ids=[f"U+{ord(s):04X}" for s in WHITE_SPACE])
def test_every_white_space_separates_words_and_ends_a_final_sigma(space):
    # fast_words lower-cases the joined words at once; pattern lower-cases word by word
    text = f"ΟΔΟΣ{space}ΑΣ.{space}ΣΑ,{space}Mr.{space}x"
    assert space.isspace()
    assert pattern_words(text) == reference(text)


PIECES = st.sampled_from(
    [
        *"the peace war not no good bad very U.S. Mr. Mr e.g. etc. i.e. A. I x X D O o 8 3.5 "
        "so. 1,000 self-help don't it's can't won't I'm they'd isn't N'T ΟΔΟΣ straße".split(),
        *".,;:!?()[]{}`'\"@#$^&*+-|=~_“”‘’…—/%°<>♥\\",
        "...",
        "..",
        ":)",
        ":-(",
        "(!)",
        "END-OF-SENTENCE",
    ]
)
GAPS = st.sampled_from(["", "", "", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\u00a0"])
MIXED = st.lists(st.tuples(PIECES, GAPS), max_size=40).map(lambda ps: "".join(a + b for a, b in ps))
CHARS = st.text(
    alphabet=st.sampled_from(list("aAbBmMrRsSxXoOdDeEgG8 .,;:!?()[]'\"’“-|\n\t")), max_size=60
)
# emoticon and (!) characters, close together: what pattern may glue back into one word
FACES = st.lists(
    st.tuples(st.sampled_from(list(":;=-()8xXDoO.'!<>3pP[]/\\*^°c")), GAPS), max_size=12
).map(lambda ps: "".join(a + b for a, b in ps))
EMOTICONS = sorted({face for faces in TEXTBLOB_EMOTICONS.values() for face in faces} | {"(!)"})


def spaced(face: str, spaces: list[bool]) -> str:
    """The emoticon with a space after each character for which ``spaces`` says so."""
    spaces = (spaces + [False] * len(face))[: len(face)]
    return "".join(c + (" " if space else "") for c, space in zip(face, spaces, strict=True))


# a whole emoticon, perhaps with spaces inside, after a word or mark and before another
SPACED_FACE = st.builds(
    lambda before, face, after: before + face + after,
    st.sampled_from(["", " ", "Annex ", "so. ", "(", "no,", "U.S. ", "2:", "\n", "it's "]),
    st.builds(spaced, st.sampled_from(EMOTICONS), st.lists(st.booleans(), max_size=5)),
    st.sampled_from(["", " ", ",", ";", "?", ".", ")", "!", " x", "\n", "...", "'s"]),
)
SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.one_of(MIXED, CHARS, FACES, st.text(max_size=80)))
def test_any_text_gives_the_same_words_as_pattern(text):
    words = fast_words(text)
    assert words is None or words == reference(text)
    assert pattern_words(text) == reference(text)


@settings(max_examples=3000, deadline=None)
@given(SPACED_FACE)
def test_emoticons_glued_back_by_pattern_give_the_same_words(text):
    words = fast_words(text)
    assert words is None or words == reference(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED)
def test_any_text_gives_the_same_sentiment(text):
    assert_same_sentiment(text)


SPEECHES = {
    "AAA_70_2015.txt": "Mr. President, we welcome the U.S.-led talks (at last). They don't "
    "suffice: peace needs more... Our 1,000 delegates agree.\n\nWe thank you.",
    "BBB_70_2015.txt": "The Assembly adopted resolution 60/1 in 2005; e.g. the summit outcome.",
}


def check_script(monkeypatch, tmp_path) -> tuple[ModuleType, list[str]]:
    """The check script, imported as ``python scripts/check_pattern_tokens.py`` runs it, and
    the arguments to run it on a small corpus of our own."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "scripts"))
    for name, text in SPEECHES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    module = importlib.import_module("check_pattern_tokens")
    return module, ["--corpus", str(tmp_path), "--sample", "0", "--repeats", "1"]


def test_check_script_passes_when_every_sentence_agrees(monkeypatch, tmp_path, capsys):
    module, args = check_script(monkeypatch, tmp_path)
    assert module.main(args) == 0
    out = capsys.readouterr().out
    sentences = sum(len(split_sentences(text)) for text in SPEECHES.values())
    assert f"2 speeches: {sentences} sentences checked, 0 mismatches" in out
    assert "fast path:" in out and "µs per sentence" in out


def test_check_script_fails_and_shows_a_mismatch(monkeypatch, tmp_path, capsys):
    module, args = check_script(monkeypatch, tmp_path)
    monkeypatch.setattr(module, "pattern_words", lambda text: text.lower().split())
    assert module.main(args) == 1
    out = capsys.readouterr().out
    assert "mismatches" in out and "0 mismatches" not in out
    assert "'We thank you.'" in out
