import pytest

from stance.attribution import AttributionContext, attribute
from stance.parties import PartySet
from stance.sentences import split_sentences

PARTIES = {
    "PAK": {"name": "Pakistan", "aliases": ["Pakistan", "Islamabad"], "officials": ["Malik"]},
    "USA": {"name": "United States", "aliases": ["US", "Washington"], "officials": ["Blome"]},
}
TRIO = {**PARTIES, "IND": ["India", "New Delhi", "Delhi"]}


def attribute_all(text, parties=PARTIES, speaker=None):
    party_set = PartySet.from_mapping(parties)
    mentions = party_set.find(text)
    dyad = tuple(party_set.keys())[:2] if speaker is None else (speaker, "IND")
    context = AttributionContext(speaker=speaker, dyad=dyad)
    results = []
    for start, end in split_sentences(text):
        inside = [m for m in mentions if start <= m.start < end]
        results.append(attribute(text[start:end], start, inside, context))
    return results


def who(result):
    return (result.source, result.target, result.mutual)


SINGLE = [
    ("Malik stressed that trade with the US must grow.", ("PAK", "USA", False)),
    ("Noting the momentum, Blome asserted that ties were strong.", ("USA", "PAK", False)),
    ("Islamabad rejected Washington's offer of help.", ("PAK", "USA", False)),
    ("Washington urged Pakistan to do more against militancy.", ("USA", "PAK", False)),
    ("Both sides emphasized the value of the talks.", ("PAK", "USA", True)),
    ("The two countries signed a treaty.", ("PAK", "USA", True)),
    ("Malik and Blome discussed energy.", ("PAK", "USA", True)),
    ("Blome met with Malik in Islamabad.", ("USA", "PAK", True)),
    ("The offer was rejected by Islamabad.", ("PAK", "USA", False)),
    ("The storm hit the coast on Monday.", (None, None, False)),
    ("The US pledged $100 million in flood relief to Pakistan.", ("USA", "PAK", False)),
    ('"We will not yield," said Malik after the talks.', ("PAK", "USA", False)),
    ("We welcome the agreement with Pakistan.", (None, "PAK", False)),
    ("The two sides and the region jointly welcomed it.", ("PAK", "USA", True)),
]


@pytest.mark.parametrize("sentence, expected", SINGLE)
def test_single_sentences(sentence, expected):
    (result,) = attribute_all(sentence)
    assert who(result) == expected


@pytest.mark.parametrize("sentence, expected", SINGLE)
def test_non_ascii_text_takes_the_full_path_to_the_same_result(sentence, expected):
    # An ASCII sentence is first screened by its lower-cased words; any other character
    # sends it through every pattern. A final "…" instead of "." changes nothing else.
    assert sentence.endswith(".")
    (result,) = attribute_all(sentence[:-1] + "…")
    assert who(result) == expected


def test_reported_stance_with_a_third_party():
    (result,) = attribute_all("Officials in Delhi accused Islamabad of stalling.", TRIO)
    assert who(result) == ("IND", "PAK", False)


def test_pronouns_carry_the_last_named_speaker():
    text = (
        "Malik met reporters on Monday. Commenting on trade, he asserted that ties would grow. "
        "Blome spoke next. He affirmed his resolve to deepen trade."
    )
    results = attribute_all(text)
    assert [who(r) for r in results] == [
        ("PAK", "USA", False),
        ("PAK", "USA", False),
        ("USA", "PAK", False),
        ("USA", "PAK", False),
    ]
    assert [r.via for r in results][1::2] == ["pronoun", "pronoun"]


def test_first_person_belongs_to_the_speaker():
    text = "We condemn the shelling by India. Our people want peace. India must stop."
    results = attribute_all(text, TRIO, speaker="PAK")
    assert who(results[0])[:2] == ("PAK", "IND")
    assert who(results[1])[:2] == ("PAK", "IND")
    assert results[1].via == "speaker"
    assert who(results[2])[:2] == ("IND", "PAK")


def test_unnamed_speaker_leaves_the_source_open():
    (result,) = attribute_all("The minister assured the US envoy that help was coming.")
    assert who(result) == (None, "USA", False)


def test_no_party_and_no_pronoun_gives_no_attribution():
    results = attribute_all("Blome spoke. The weather was fine.")
    assert who(results[1]) == (None, None, False)


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Pakistan has been sharply criticized by Washington.", ("USA", "PAK", False)),
        ("Pakistan came under fire from Washington over the deal.", ("USA", "PAK", False)),
        ("“Pakistan is stalling,” said a senior official in Washington.", ("USA", "PAK", False)),
        ("Islamabad, Blome said, would get the aid.", ("USA", "PAK", False)),
    ],
)
def test_agents_and_inverted_speakers(sentence, expected):
    (result,) = attribute_all(sentence)
    assert who(result) == expected


def test_a_country_name_is_not_a_reporting_verb():
    parties = {"CHN": ["China"], "USA": ["the United States"]}
    text = "China's trade policy worries the United States, EU officials said on Friday."
    (result,) = attribute_all(text, parties)
    assert result.via != "reporting" or result.source != "USA"


@pytest.mark.parametrize("word", ["İ", "ı", "ſhe", "ſhe also"])
def test_letters_that_only_fold_to_a_pronoun_are_not_one(word):
    # re.IGNORECASE lets "İ", "ı" and "ſ" match "i" and "s"; their lower-case forms are not
    # pronouns, so they carry nobody (this failed the whole document with a KeyError).
    text = f"Malik met reporters on Monday. Later, {word} asserted that ties would grow."
    assert attribute_all(text)[1].via != "pronoun"
    assert attribute_all(f"{word} rejected the US offer.")[0].via != "pronoun"
