"""The speed-ups on the hot path give exactly what the plain computations give."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from stance.parties import PartySet
from stance.sentences import _PREV_WORD
from stance.summary import index_interval
from stance.textmatch import TermMatcher, _folds_alike

TERMS = [
    ("peace talks", "talks", False),
    ("cooperat*", "coop", False),
    ("US", "usa", True),
    ("Türkiye", "tur", False),
    ("sanction", "sanction", False),
    ("cease-fire", "ceasefire", False),
    ("o'neill", "oneill", False),
    ("Σύνοδος", "synod", False),
    ("ασσ*", "wildcard after a sigma", False),
]
# "ı" in a term: ASCII "i" folds onto it, so it is keyed and matched as "i" (as "İ" and "ſ").
DOTLESS = [*TERMS, ("Kıbrıs", "cyp", False)]
# Letters that regular expressions fold specially (İ ı ſ K Σ ς ϐ) beside ordinary ones.
ALPHABET = "aeiksuotnrpcfUSKTİıſKΣσςϐβéÉüÜ'’- .,\n"
WORDS = [
    "peace talks",
    "cooperation",
    "US",
    "us",
    "USſ",
    "Türkiye",
    "TÜRKİYE",
    "kibris",
    "KIBRIS",
    "Kıbrıs",
    "ſanction",
    "sanctions",
    "Cease fire",
    "O’Neill",
    "ΣΣ",
    "ϐ",
    "ΣΎΝΟΔΟΣ",
    "σύνοδοσ",
    "ΣΎΝΟΔΟΣ’s",
    "ΑΣΣ",
    "ΑΣΣΟΣ",
]


def _spans(matches):
    return [(m.value, m.term, m.start, m.end) for m in matches]


def _ignoring_case(matcher, text):
    folds, matcher._ascii_folds = matcher._ascii_folds, False  # forces re.IGNORECASE
    try:
        return _spans(matcher.finditer(text))
    finally:
        matcher._ascii_folds = folds


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(ALPHABET, max_size=12), max_size=8).map(" ".join))
@example("the USſ and US, peace talkſ")
@example("ΣΎΝΟΔΟΣ and σύνοδοσ")
def test_matching_the_lowered_text_equals_ignoring_case(text):
    for terms in (TERMS, DOTLESS):
        matcher = TermMatcher(terms, plural=True)
        assert _spans(matcher.finditer(text)) == _ignoring_case(matcher, text)
    assert TermMatcher(TERMS)._ascii_folds and TermMatcher(DOTLESS)._ascii_folds


def test_a_dotless_i_in_a_term_matches_every_way_it_is_written():
    matcher = TermMatcher(DOTLESS)
    for text in ("Kıbrıs", "KIBRIS", "Kibris", "KIBRİS"):
        assert [m.value for m in matcher.finditer(f"talks in {text} today")] == ["cyp"], text


def test_gazetteer_finds_the_same_either_way():
    text = (
        "Kılıçdaroğlu met the US envoy in İSTANBUL; the ΕΛΛΑΣ delegation and Pakistan’s "
        "minister joined. ſweden and KAZAKHSTAN abstained."
    )
    matcher = PartySet.gazetteer()._matcher
    found = _spans(matcher.finditer(text))
    assert {key for (key, _kind), *_ in found} >= {"USA", "PAK", "KAZ"}
    assert found == _ignoring_case(matcher, text)


def test_which_characters_lower_alike():
    literals = set("abcdefghijklmnopqrstuvwxyz'’- ")
    assert _folds_alike("é", literals) and _folds_alike("’", literals)
    assert _folds_alike("K", literals)  # Kelvin sign: both ways it is a "k"
    for special in "İıſΣ":
        assert not _folds_alike(special, literals)


@given(st.integers(0, 60), st.integers(0, 60))
def test_cached_interval_is_the_computed_one(convergent, divergent):
    fresh = index_interval.__wrapped__(convergent, divergent)
    assert index_interval(convergent, divergent) == fresh


@given(st.text("ab.U S\n\t(“”’)&-!?…", max_size=80), st.integers(0, 79))
def test_previous_word_search_may_start_after_the_last_space(text, at):
    if at >= len(text):
        return
    full = _PREV_WORD.search(text, max(0, at - 40), at + 1)
    lo = max(0, at - 40)
    lo = max(lo, text.rfind(" ", lo, at) + 1, text.rfind("\n", lo, at) + 1)
    short = _PREV_WORD.search(text, lo, at + 1)
    assert (full and full.group(1)) == (short and short.group(1))
