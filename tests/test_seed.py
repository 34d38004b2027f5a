"""The done criteria of the core toolkit on the seed article in ../shared (skipped without it)."""

import stance


def find(analysis, fragment):
    return next(s for s in analysis.sentences if fragment in s.text)


def test_gazetteer_detects_pakistan_and_the_united_states(seed):
    analysis = stance.analyze(seed)
    assert analysis.metadata["date"] == "2023-07-13"
    assert not analysis.document.text.startswith(" date")
    assert {p.key for p in analysis.parties[:2]} == {"PAK", "USA"}
    assert set(analysis.dyad) == {"PAK", "USA"}


def test_officials_are_attributed_with_a_party_file(seed, seed_parties):
    a = stance.analyze(seed, parties=seed_parties)
    stressed = find(a, "SAPM Interior stressed")
    assert (stressed.source, stressed.target) == ("PAK", "USA")
    asserted = find(a, "he asserted")
    assert (asserted.source, asserted.via) == ("PAK", "pronoun")
    underscored = find(a, "Malik underscored")
    assert underscored.source == "PAK"
    expressed = find(a, "US ambassador expressed")
    assert (expressed.source, expressed.target) == ("USA", "PAK")
    affirmed = find(a, "He affirmed")
    assert (affirmed.source, affirmed.via) == ("USA", "pronoun")


def test_both_sides_is_mutual(seed, seed_parties):
    a = stance.analyze(seed, parties=seed_parties)
    both = find(a, "Both sides emphasized")
    assert both.mutual and {both.source, both.target} == {"PAK", "USA"}


def test_divergences_sentence_carries_a_divergence_cue(seed):
    a = stance.analyze(seed)
    sentence = find(a, "address the divergences")
    cue = next(c for c in sentence.cues if c.text == "divergences")
    assert cue.weight < 0 and cue.category


def test_misspelled_ambassador_still_counts_for_the_us(seed):
    a = stance.analyze(seed)
    usa = next(p for p in a.parties if p.key == "USA")
    assert "Donald Blome" in usa.people
    discussed = find(a, "Donal Blome and SAPM")
    assert "USA" in discussed.parties
