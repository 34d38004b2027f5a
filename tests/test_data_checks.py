"""The data-check scripts in scripts/: small files of our own, and the shipped data files."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

import stance
from stance.parties import PartySet
from stance.scoring.lexicon import CueLexicon

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER_HEADER = "key\tname\taliases\tdemonyms\tcapitals\n"
LEXICON_HEADER = "term\tweight\tcategory\n"


@pytest.fixture
def script(monkeypatch):
    """Import a script module the way `python scripts/x.py` finds its neighbours."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))

    def _import(name: str) -> ModuleType:
        return importlib.import_module(name)

    return _import


def test_read_rows_reports_every_structural_problem(script, write):
    tsv_rows = script("tsv_rows")
    path = write("x.tsv", "# comment\n\na\tb\n1\t2\n3\n4\t5\t6\n7\t8\n")
    errors: list[str] = []
    rows = tsv_rows.read_rows(path, ["a", "b"], errors)
    assert rows == [(4, ["1", "2"]), (7, ["7", "8"])]
    assert errors == [
        "line 5: 1 columns, expected 2: '3'",
        "line 6: 3 columns, expected 2: '4\\t5\\t6'",
    ]


def test_read_rows_wrong_header_and_missing_file(script, write, tmp_path):
    tsv_rows = script("tsv_rows")
    errors: list[str] = []
    tsv_rows.read_rows(write("x.tsv", "a\tc\n1\t2\n"), ["a", "b"], errors)
    assert errors == ["line 1: header is ['a', 'c'], expected ['a', 'b']"]
    errors.clear()
    assert tsv_rows.read_rows(tmp_path / "none.tsv", ["a"], errors) == []
    assert len(errors) == 1 and "none.tsv: cannot read" in errors[0]


def gazetteer_problems(script, write, body: str) -> tuple[list[str], list[str]]:
    check_gazetteer = script("check_gazetteer")
    errors: list[str] = []
    warnings: list[str] = []
    rows = check_gazetteer.read_rows(
        write("countries.tsv", GAZETTEER_HEADER + body), check_gazetteer.HEADER, errors
    )
    check_gazetteer.check(rows, errors, warnings)
    return errors, warnings


def test_gazetteer_terms_clash_the_way_the_matcher_looks_them_up(script, write):
    errors, _ = gazetteer_problems(
        script,
        write,
        "AAA\tAland\tAland|=US|=Ab\t\tAl-City\n"
        "BBB\tBland\tBland|aland|=AB\t\t\n"
        "CCC\tCland\tCland|U.S.|al city\t\t\n",
    )
    # "=Ab" and "=AB" differ in case and both match in exact case only: no clash.
    assert errors == [
        "term 'Aland' (AAA) clashes with 'aland' (BBB)",
        "term '=US' (AAA) clashes with 'U.S.' (CCC)",  # short capitals are exact-case too
        "term 'Al-City' (AAA) clashes with 'al city' (CCC)",
    ]


def test_gazetteer_row_checks(script, write):
    errors, warnings = gazetteer_problems(
        script,
        write,
        "AAA\tAland\tAland|X\t\t\n"
        "AAA\tAgain\tAgain\t\t\n"
        "aa\t\t\t\t\n"
        "BBB\tBland\tBland| spaced|UNITEDNATIONS\t\t\n",
    )
    assert errors == [
        "line 2: a single letter term 'X' in aliases of AAA",
        "line 3: duplicate key AAA",
        "line 4: bad key 'aa'",
        "line 4: key aa has no name",
        "line 4: key aa has no aliases",
        "line 5: spaces around ' spaced'",
    ]
    assert warnings == ["line 5: all-capital 'UNITEDNATIONS' lacks '=' (any case)"]


def test_gazetteer_other_file_gets_format_checks_only(script, write, capsys):
    check_gazetteer = script("check_gazetteer")
    path = write("countries.tsv", GAZETTEER_HEADER + "AAA\tAland\tAland\t\t\n")
    assert check_gazetteer.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "shadow and corpus checks skipped" in out
    assert "1 rows, 1 keys (1 three-letter codes)" in out
    assert "0 errors, 0 warnings" in out


def test_shipped_gazetteer_passes(script, tmp_path, capsys):
    check_gazetteer = script("check_gazetteer")
    assert check_gazetteer.main(["--corpus", str(tmp_path / "no-corpus")]) == 0
    out = capsys.readouterr().out
    assert "0 errors, 0 warnings" in out
    assert "skipped" not in out


def test_gazetteer_corpus_report_counts_what_stance_matches(script, write, tmp_path, capsys):
    check_gazetteer = script("check_gazetteer")
    write("TXT/Session 01 - 1946/FRA_01_1946.txt", "France and Papua New Guinea agree.")
    write("TXT/Session 01 - 1946/PNG_01_1946.txt", "New Guinea is an island; Latin America.")
    shadows = ["New Guinea", "Latin America"]
    check_gazetteer.corpus_report(PartySet.gazetteer(), shadows, tmp_path / "TXT", 0, 0)
    out = capsys.readouterr().out
    assert "speaking codes without a gazetteer row: none" in out
    # "New Guinea" inside "Papua New Guinea" names the country; alone it is a shadow phrase.
    assert "-:1  FRA:1  PNG:1  " in out
    assert "PNG:1/1" in out and "FRA:1/1" not in out
    assert "keys never mentioned: " in out and "USA" in out.split("keys never mentioned: ")[1]


def lexicon_problems(script, write, body: str) -> tuple[list, list[str], list[str]]:
    check_lexicon = script("check_lexicon")
    return check_lexicon.read_lexicon(write("cues.tsv", LEXICON_HEADER + body))


def test_lexicon_row_checks(script, write):
    entries, errors, warnings = lexicon_problems(
        script,
        write,
        "ab*\t1\tpraise\nFoo\t1\tpraise\nbar\tx\tpraise\nbaz\t11\tnope\nbaz\t-1\tregret\n"
        "zero\t0\tpraise\nco*\t1\tpraise\n",
    )
    assert errors == [
        "line 2 ('ab*'): wildcard stem 'ab*' needs 3 letters or more",
        "line 3 ('Foo'): not lower case",
        "line 4 ('bar'): weight 'x' is not a number",
        "line 5 ('baz'): weight 11.0 outside [-10, 10]",
        "line 5 ('baz'): unknown category 'nope'",
        "line 6 ('baz'): duplicate of line 5",
        "line 7 ('zero'): weight 0 not allowed",
        "line 8 ('co*'): wildcard stem 'co*' needs 3 letters or more",
    ]
    assert [e.term for e in entries] == ["baz", "zero"]
    assert warnings == []


def test_lexicon_terms_sharing_a_lookup_key(script, write):
    _, errors, warnings = lexicon_problems(
        script,
        write,
        "cease-fire\t3\tyield\nceasefire\t3\tyield\n"
        "goodwill\t2\tpraise\ngood will\t3\tpraise\n"
        "co-operat*\t3\tconsult\ncooperat*\t3\tconsult\n"
        "we’re\t1\tpraise\nwe're\t1\tpraise\n"
        "peacekeeper\t1\tyield\npeace-keep*\t2\tyield\n",
    )
    assert errors == [
        "line 3 ('ceasefire') is already matched by line 2 ('cease-fire'): a hyphen also"
        " matches a space or nothing",
        "'goodwill' (line 4), 'good will' (line 5) share one lookup key but differ in weight"
        " or category",
        "line 7 ('cooperat*') is already matched by line 6 ('co-operat*'): a hyphen also"
        " matches a space or nothing",
    ]
    assert warnings == [
        "'we’re', \"we're\" share one lookup key (same weight and category: fine)",
        "line 10 ('peacekeeper') is also matched whole by line 11 ('peace-keep*')",
    ]


def test_shipped_lexicon_passes(script, capsys):
    check_lexicon = script("check_lexicon")
    assert check_lexicon.main(["--no-corpus"]) == 0
    out = capsys.readouterr().out
    assert "0 errors, 0 warnings" in out
    assert "positive weights:" in out


def test_lexicon_that_stance_cannot_load_is_an_error(script, write, capsys):
    check_lexicon = script("check_lexicon")
    path = write("cues.tsv", LEXICON_HEADER + "a-b*\t1\tpraise\n")
    assert check_lexicon.main(["--lexicon", str(path), "--ungdc", "/nonexistent"]) == 1
    out = capsys.readouterr().out
    assert "ERROR stance cannot load the lexicon" in out
    assert "UNGDC" not in out  # no corpus report without the product's lexicon


def test_lexicon_corpus_report_uses_the_product_matcher(script, capsys):
    check_lexicon = script("check_lexicon")
    lexicon = CueLexicon(
        {
            "talks": (1.0, "consult"),
            "peace talks": (2.0, "consult"),
            "war": (-8.0, "fight"),
            "cease-fire*": (3.0, "yield"),
        },
        (),
    )
    docs = ["The peace talks on a Cease-Fire resumed.", "Ceasefires held; peace  talks too."]
    check_lexicon.corpus_report(lexicon, docs, 8, show_all=False)
    out = capsys.readouterr().out
    assert "cease-fire*                  cease-fire 1, ceasefires 1" in out
    assert "-- 1 terms that never match in the sample --\nfight: war" in out
    assert "talks                        (peace talks)" in out
    assert "      2  peace talks" in out


def test_stage_profile_runs_on_a_folder_of_our_own(script, tmp_path, capsys):
    folder = tmp_path / "speeches"
    folder.mkdir()
    for example in (ROOT / "stance" / "examples").glob("*.txt"):
        (folder / example.name).write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    args = ["--corpus", str(folder), "--sample", "2", "--repeats", "1", "--shares", "2"]
    code = script("profile_stages").main([*args, "--parts"])
    out = capsys.readouterr().out
    assert code == 0 and "2 speeches" in out
    table, spreads = out.split("\n\n")
    assert spreads.count("paired rounds") == 7
    rows = {k.strip(): v for k, v in (line.rsplit(maxsplit=1) for line in table.splitlines()[1:])}
    assert set(rows) >= {"analyze, whole", "VADER + TextBlob", "stance model weights"}
    shares = [k for k in rows if k.endswith("share, %") or k.endswith("share of analyze, %")]
    assert shares == [
        "the learned models' share, %",
        "the accuracy work's share, %",
        "the tone model, share of analyze, %",
        "the stance model, share of analyze, %",
        "the learned cues, share of analyze, %",
    ]
    differences = ("sentence results, scores given",)  # one time minus another: may be < 0
    assert all(-100 < float(rows.pop(key)) < 100 for key in shares)
    assert all(float(value) > 0 for key, value in rows.items() if key not in differences)


def test_stage_profile_leaves_out_only_the_parts_asked(script):
    profile = script("profile_stages")
    analyzer = stance.Analyzer()
    scorer = analyzer.stance
    text = "Pakistan condemned India's shelling. Pakistan thanked India for its friendship."
    seen: dict[str, object] = {}

    def work() -> None:
        seen["tone"] = scorer.tone.values
        seen["predictions"] = scorer._predictions
        seen["learned"] = scorer._learned
        seen["result"] = analyzer.analyze(text)

    originals = {
        "tone": scorer.tone.values,
        "predictions": scorer._predictions,
        "learned": scorer._learned,
    }
    cues = [c for r in analyzer.analyze(text).sentences for c in r.cues]
    assert any(c.category == "learned" for c in cues)  # so that leaving them out shows
    profile.without(analyzer, work, {"the learned cues"})()
    assert seen["tone"] == originals["tone"] and seen["predictions"] == originals["predictions"]
    assert seen["learned"] != originals["learned"]
    assert not any(c.category == "learned" for r in seen["result"].sentences for c in r.cues)
    profile.without(analyzer, work, profile.PARTS)()
    assert all(seen[k] != originals[k] for k in originals)
    assert all(r.tone == 0 for r in seen["result"].sentences)
    # everything is put back
    assert scorer.tone.values == originals["tone"]
    assert scorer._predictions == originals["predictions"]
    assert scorer._learned == originals["learned"]
    with pytest.raises(ValueError, match="no such part"):
        profile.without(analyzer, work, {"the lexicon"})


def test_stage_profile_scores_as_before_the_accuracy_work(script):
    profile = script("profile_stages")
    analyzer = stance.Analyzer()
    scorer = analyzer.stance
    text = (
        "Pakistan condemned India's shelling. Pakistan thanked India for its friendship. It rained."
    )
    seen = {}

    def work() -> None:
        seen["result"] = analyzer.analyze(text)

    now = analyzer.analyze(text).sentences
    profile.before_accuracy(analyzer, work)()
    earlier = seen["result"].sentences
    assert [r.label for r in earlier] == ["divergence", "convergence", "neutral"]
    for result in earlier:
        mix = 0.6 * result.vader + 0.4 * result.textblob_polarity
        assert result.tone == pytest.approx(max(-1.0, min(1.0, mix)))
        assert not any(c.category == "learned" for c in result.cues)
    assert earlier[2].score == pytest.approx(0.1 * earlier[2].tone)  # no cue: tone alone
    assert [r.tone for r in earlier] != [r.tone for r in now]
    assert scorer.score_many.__func__ is type(scorer).score_many  # put back
    assert [r.to_dict() for r in analyzer.analyze(text).sentences] == [r.to_dict() for r in now]
