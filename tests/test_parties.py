import pytest

import stance
from stance.errors import InputError
from stance.parties import PartySet, affiliate_mentions, find_affiliates, rank_parties

PARTIES = {"PAK": ["Pakistan", "Islamabad"], "USA": ["United States", "US", "Washington"]}


def keys(party_set, text):
    return [(m.key, m.text) for m in party_set.find(text)]


def test_short_capitals_match_case_sensitively_and_us_the_pronoun_does_not():
    ps = PartySet.from_mapping(PARTIES)
    assert keys(ps, "Let us talk to the US.") == [("USA", "US")]
    assert keys(ps, "trust us, the united states agreed") == [("USA", "united states")]


def test_possessives_plurals_and_hyphenated_compounds_count():
    ps = PartySet.from_mapping(PARTIES)
    found = keys(ps, "Pakistan's view of Pakistan-US ties and Pakistan’s view")
    assert found == [
        ("PAK", "Pakistan's"),
        ("PAK", "Pakistan"),
        ("USA", "US"),
        ("PAK", "Pakistan’s"),
    ]


def test_word_boundaries():
    ps = PartySet.from_mapping({"IND": ["India"], "USA": ["US"]})
    assert keys(ps, "Indiana and USB sticks, Indian food") == []


def test_longest_alias_wins():
    ps = PartySet.gazetteer()
    found = keys(ps, "South Sudan and Sudan; Papua New Guinea and Guinea-Bissau")
    assert [k for k, _ in found] == ["SSD", "SDN", "PNG", "GNB"]


def test_gazetteer_covers_names_demonyms_capitals():
    ps = PartySet.gazetteer()
    found = ps.find("Pakistani officials and Americans talked; Washington urged Islamabad.")
    assert [(m.key, m.kind) for m in found] == [
        ("PAK", "demonym"),
        ("USA", "demonym"),
        ("USA", "capital"),
        ("PAK", "capital"),
    ]


def test_capital_after_a_locative_is_a_venue_but_officials_in_it_act():
    ps = PartySet.gazetteer()
    (venue,) = ps.find("The envoys met here in Islamabad.")
    assert venue.kind == "venue"
    (actor,) = ps.find("Officials in Delhi were angry.")
    assert actor.kind == "capital"


def test_detection_ranks_by_mentions_and_ignores_venues():
    ps = PartySet.gazetteer()
    mentions = ps.find("Japan and Japan and Korea. Talks were held in Paris.")
    assert rank_parties(mentions) == ["JPN", "KOR"]


def test_common_words_that_are_country_names_need_a_capital():
    ps = PartySet.gazetteer()
    assert keys(ps, "they ate turkey and drank from fine china") == []
    assert [k for k, _ in keys(ps, "Turkey and China met")] == ["TUR", "CHN"]


def test_toml_party_file(write):
    path = write(
        "parties.toml",
        '[parties.PAK]\nname = "Pakistan"\naliases = ["Pakistan"]\nofficials = ["Malik"]\n'
        '[parties.USA]\naliases = ["US", "United States"]\n',
    )
    ps = PartySet.from_toml(path)
    assert ps.keys() == ["PAK", "USA"]
    assert ps.name("USA") == "US"
    assert [(m.key, m.kind) for m in ps.find("Malik met US envoys")] == [
        ("PAK", "official"),
        ("USA", "alias"),
    ]


def test_toml_shorthand_and_gazetteer_flag(write):
    path = write("p.toml", 'IND = ["India", "New Delhi"]\n[PAK]\ngazetteer = true\n')
    ps = PartySet.from_toml(path)
    assert [m.key for m in ps.find("Pakistanis and Islamabad and India")] == ["PAK", "PAK", "IND"]


@pytest.mark.parametrize(
    "content, message, line",
    [
        ('[parties.PAK]\naliases = ["Pakistan"\n', "TOML syntax error", 2),
        ('[parties.PAK]\naliases = ["Pakistan" "X"]\nname = "P"\n', "TOML syntax error", 2),
        ('[parties.PAK]\naliases = ["Pakistan", ""]\n', "empty alias", None),
        ('[parties.PAK]\naliases = ["P"]\n', "single letter", None),
        ('PAK = ["Pakistan", "Ally"]\nUSA = ["United States", "ally"]\n', "given to both", None),
        ('A = ["E*TRADE"]\nUSA = ["US"]\n', "has a '*'", None),
        ('X = ["=U.S."]\nUSA = ["=US"]\n', "given to both", None),
        ('"-" = ["Pakistan"]\n', "cannot be '-'", None),
        ("", "no parties", None),
    ],
)
def test_bad_party_files_are_clear_errors(write, content, message, line):
    path = write("bad.toml", content)
    with pytest.raises(InputError) as info:
        PartySet.from_toml(path)
    assert message in str(info.value) and str(path) in str(info.value)
    assert info.value.line == line


def test_affiliation_joins_people_to_parties_for_the_rest_of_the_document():
    ps = PartySet.from_mapping(PARTIES)
    text = (
        "Blome arrived early. US ambassador Donald Blome met officials. "
        "Later Blome spoke, and Ambassador Blomee added a note. Pakistan's foreign minister "
        "Sara Qadir replied. Qadir said more."
    )
    mentions = ps.find(text)
    people = find_affiliates(text, mentions)
    assert [(p.name, p.key) for p in people] == [("Donald Blome", "USA"), ("Sara Qadir", "PAK")]
    extra = affiliate_mentions(text, people, mentions, frozenset())
    found = [(m.text, m.key, m.kind) for m in extra]
    assert ("Blome", "USA", "person") in found
    assert ("Blomee", "USA", "fuzzy") in found
    assert ("Qadir", "PAK", "person") in found
    # the mention before the introduction does not count
    assert all(m.start > text.index("US ambassador") for m in extra)


def test_appositive_affiliation():
    ps = PartySet.from_mapping(PARTIES)
    text = "Donald Blome, the US ambassador, spoke. Blome smiled."
    people = find_affiliates(text, ps.find(text))
    assert [(p.name, p.key) for p in people] == [("Donald Blome", "USA")]


def test_fuzzy_match_leaves_english_words_alone():
    ps = PartySet.from_mapping({"USA": ["US"], "X": ["Xland"]})
    text = "US envoy Mark Blome spoke. Blame was shared. Blome left."
    people = find_affiliates(text, ps.find(text))
    extra = affiliate_mentions(text, people, ps.find(text), frozenset({"blame"}))
    assert [m.text for m in extra] == ["Mark Blome", "Blome"]


def test_longer_terms_win_over_a_wildcard_sharing_their_stem():
    from stance.textmatch import TermMatcher

    matcher = TermMatcher(
        [("negotiat*", "wild", False), ("negotiating table", "table", False)], plural=False
    )
    found = [(m.value, m.term) for m in matcher.finditer("the negotiating table; negotiations")]
    assert found == [("table", "negotiating table"), ("wild", "negotiat*")]


def test_spaces_in_terms_also_match_hyphens():
    ps = PartySet.from_mapping({"SSD": ["South Sudan"]})
    assert [m.text for m in ps.find("South-Sudan and South  Sudan")] == [
        "South-Sudan",
        "South  Sudan",
    ]


def test_states_are_the_parties_that_name_a_country():
    given = PartySet.from_mapping(
        {
            "A": ["the United States"],
            "B": ["Islamabad"],
            "C": ["Chinese"],
            "PAK": ["Pak army"],
            "X": ["Acme Corporation"],
            "Y": ["Beijing’s"],
        }
    )
    assert given.states == {"A": "USA", "B": "PAK", "C": "CHN", "PAK": "PAK", "Y": "CHN"}
    gazetteer = PartySet.gazetteer()
    assert len(gazetteer.states) == len(gazetteer) and gazetteer.states["IND"] == "IND"


def test_a_star_in_a_party_alias_is_dropped_with_a_warning_from_python():
    # A lenient mapping (as stance.analyze reads a dict): the alias goes, the party stays.
    with pytest.warns(UserWarning, match="has a '\\*'"):
        ps = PartySet.from_mapping({"A": ["E*TRADE", "Etrade"], "USA": ["US"]}, strict=False)
    assert [m.key for m in ps.find("Etrade and E*TRADE met the US.")] == ["A", "USA"]


@pytest.mark.parametrize(
    "text, aliases",
    [
        ("TÜRKİYE praised the United States.", None),  # the gazetteer's "Türkiye"
        ("İstanbul praised the United States.", ["İstanbul"]),
        ("ISTANBUL praised the United States.", ["İstanbul"]),
        ("Istanbul praised the United States.", ["İstanbul"]),
    ],
)
def test_dotted_capital_i_matches_like_the_letter_it_folds_to(text, aliases):
    parties = None if aliases is None else {"TUR": aliases, "USA": ["United States"]}
    assert stance.score_sentence(text, parties=parties).parties == ("TUR", "USA")


def test_one_alias_given_as_a_string_is_one_alias(write):
    path = write("one.toml", '[parties.PAK]\naliases = "Pakistan"\nofficials = "Amina Qureshi"\n')
    (party,) = PartySet.from_toml(path)
    assert [a.text for a in party.aliases] == ["Pakistan", "Amina Qureshi"]
    with pytest.raises(InputError, match="aliases must be a list of strings"):
        PartySet.from_toml(write("five.toml", "[parties.PAK]\naliases = 5\n"))
