"""``stance evaluate`` and the evaluation library, on small labelled files written here."""

import csv
import json
import os

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.evaluate import (
    LABELS3,
    SCHEMES,
    ClassScore,
    label_mapping,
    parse_named,
    report,
    safe_cell,
    strip_entity_brackets,
)

CSV_WITH_DIRECTION = """text,label,a,b
Pakistan and India signed a trade agreement.,convergence a->b,Pakistan,India
India accused Pakistan of shelling the border.,divergence a->b,India,Pakistan
Pakistan was criticised by India for the shelling.,divergence b->a,Pakistan,India
The delegations of Pakistan and India met in Geneva.,neutral,Pakistan,India
=HYPERLINK("http://example.invalid") said Pakistan about India,sideways,Pakistan,India
,neutral,Pakistan,India
"""

JSONL_NO_DIRECTION = "\n".join(
    json.dumps(row)
    for row in [
        {"sentence": "The two governments agreed to expand cooperation.", "gold": "convergence"},
        {"sentence": "Washington imposed sanctions on Tehran.", "gold": "divergence"},
        {"sentence": "The weather was mild on Tuesday.", "gold": "neutral"},
    ]
)

BENCHMARK_STYLE = (
    "[Pakistan] condemned [Indi]a for the attack.\tPakistan\tIndi\t3\n"
    "[Brazil] praised [Argentin]a for its help.\tBrazil\tArgentin\t1\n"
    "[Chile] hosted a match against [Peru].\tChile\tPeru\t0\n"
)


PARTY_COLUMNS = (
    "--text-col",
    "text",
    "--label-col",
    "label",
    "--party-a-col",
    "a",
    "--party-b-col",
    "b",
)


def run(*args):
    return CliRunner().invoke(cli, ["evaluate", *map(str, args)])


def test_csv_with_direction_reports_three_and_five_classes_and_bad_rows(write, tmp_path):
    path = write("sample.csv", CSV_WITH_DIRECTION)
    result = run(path, *PARTY_COLUMNS, "--report", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{path}:6: unknown label 'sideways'" in result.output
    assert f"{path}:7: no text" in result.output
    assert "4 sentences scored by stance, 2 skipped" in result.output
    assert "3 classes" in result.output and "5 classes (with direction)" in result.output
    assert "macro-F1" in result.output and "confusion" in result.output
    out = tmp_path / "out"
    assert (out / "confusion-3class.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "confusion-5class.png").exists()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["sentences"] == 4 and metrics["five_class"]["labels"][0] == "neutral"
    assert sum(map(sum, metrics["three_class"]["confusion"])) == 4
    with (out / "worst-errors.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["line", "gold", "predicted"]
    assert not list(out.glob(".*.tmp"))


def test_jsonl_without_direction_reports_three_classes_only(write):
    path = write("sample.jsonl", JSONL_NO_DIRECTION)
    result = run(path, "--text-col", "sentence", "--label-col", "gold")
    assert result.exit_code == 0, result.output
    assert "3 sentences scored by stance, 0 skipped" in result.output
    assert "5 classes" not in result.output


def test_benchmark_layout_with_numeric_labels_and_brackets(write):
    path = write("bench.tsv", BENCHMARK_STYLE)
    args = ["--no-header", "--text-col", "0", "--party-a-col", "1", "--party-b-col", "2"]
    result = run(path, *args, "--label-col", "3", "--labels", "directed5", "--strip-brackets")
    assert result.exit_code == 0, result.output
    assert "5 classes" in result.output
    baseline = run(path, *args, "--label-col", "3", "--labels", "directed5", "--scorer", "vader")
    assert baseline.exit_code == 0 and "scored by vader" in baseline.output


def test_label_map_option(write):
    path = write("coded.csv", "text,code\nIndia and China agreed to talk.,pos\nIt rained.,0\n")
    result = run(
        path,
        "--text-col",
        "text",
        "--label-col",
        "code",
        "--map",
        "pos=convergence",
        "--map",
        "0=neutral",
    )
    assert result.exit_code == 0, result.output
    bad = run(path, "--text-col", "text", "--label-col", "code", "--map", "pos=friendly")
    assert bad.exit_code == 1 and "bad label mapping" in bad.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--party-a-col", "a"], "both --party-a-col and --party-b-col"),
        (["--no-header"], "0-based column index"),
        (["--map", "=neutral"], "bad label mapping '=neutral': the raw label before '=' is empty"),
        (["--map", " =neutral"], "the raw label before '=' is empty"),
        (["--labels", "signed", "--map", "x=neutral"], "give --map or --labels, not both"),
        (["--labels", "names", "--map", "x=neutral"], "give --map or --labels, not both"),
        (["--map", "a=convergence", "--map", "a=divergence"], "'a' is mapped twice"),
    ],
)
def test_usage_errors(write, args, message):
    path = write("x.csv", "text,label\nHello.,neutral\n")
    result = run(path, "--text-col", "text", "--label-col", "label", *args)
    assert result.exit_code == 1 and message in result.output


def test_missing_file_is_an_input_error(tmp_path):
    result = run(tmp_path / "nope.csv", "--text-col", "t", "--label-col", "l")
    assert result.exit_code == 1 and "no such file" in result.output


def test_label_schemes():
    assert parse_named("Convergence A->B") == ("convergence", "a->b")
    assert parse_named("divergence") == ("divergence", None)
    assert parse_named("neutral a->b") is None and parse_named("support") is None
    assert SCHEMES["directed5"]("4") == ("divergence", "b->a")
    assert SCHEMES["signed"]("+1") == ("convergence", None)
    assert label_mapping(["x=divergence b->a"])("x") == ("divergence", "b->a")


def test_brackets_are_stripped_and_cut_names_completed():
    text, a, b = strip_entity_brackets(
        "[Congre]ss blamed [the White House].", "Congre", "the White House"
    )
    assert (text, a, b) == ("Congress blamed the White House.", "Congress", "the White House")


def test_report_metrics_by_hand():
    rep = report(
        ["neutral", "convergence", "divergence", "divergence"],
        ["neutral", "divergence", "divergence", "divergence"],
        ("neutral", "convergence", "divergence"),
    )
    assert rep.matrix == [[1, 0, 0], [0, 0, 1], [0, 0, 2]]
    scores = {c.label: c for c in rep.classes}
    assert scores["divergence"].precision == pytest.approx(2 / 3)
    assert scores["divergence"].f1 == pytest.approx(0.8)
    assert rep.macro_f1 == pytest.approx((1 + 0 + 0.8) / 3)
    assert rep.accuracy == pytest.approx(0.75)


def test_cells_never_become_formulas():
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_cell("plain text") == "plain text"


def test_one_party_is_enough_unless_the_label_has_a_direction(write):
    path = write(
        "speech.csv",
        "text,label,a,b\n"
        "We welcome the generous offer of India.,convergence,India,\n"
        "We regret that India has chosen confrontation.,divergence a->b,India,\n"
        "The weather was mild.,neutral,,\n",
    )
    result = run(path, *PARTY_COLUMNS)
    assert result.exit_code == 2
    assert f"{path}:3: missing party name" in result.output
    assert f"{path}:4: missing party name" in result.output
    assert "1 sentences scored by stance, 2 skipped" in result.output


def test_our_labelled_speech_and_event_sets_read_whole():
    """The sets behind the README's 'own' rows: every row usable, every party in its text."""
    from pathlib import Path

    from stance.evaluate import SCHEMES, Columns, read_examples

    columns = Columns(text="text", label="label", party_a="party_a", party_b="party_b")
    for name in ("speeches", "events"):
        path = Path(__file__).parent / "data" / f"{name}.csv"
        examples, problems = read_examples(path, columns, SCHEMES["names"])
        assert not problems and len(examples) == 160
        assert all(e.party_a in e.text and (e.party_b or "") in e.text for e in examples)
        assert {e.label for e in examples} == {"convergence", "divergence", "neutral"}


# rows and lines ------------------------------------------------------------------------------


def test_only_newlines_end_a_csv_row(write):
    """U+2028, U+0085, form feed and the like are part of a sentence, not the end of a row."""
    path = write(
        "ls.csv",
        "text,label\n"
        "India condemned China\u2028for the incursion.,divergence\n"
        '"China praised India\x0cand Japan\x85warmly,\nfor its help.",convergence\r\n'
        "Nothing happened\x1con Tuesday.,sideways\r"
        "The talks were held in Geneva.,neutral\n",
    )
    result = run(path, "--text-col", "text", "--label-col", "label")
    assert result.exit_code == 2, result.output
    assert "3 sentences scored by stance, 1 skipped" in result.output
    assert f"{path}:5: unknown label 'sideways'" in result.output
    assert "no label" not in result.output


def test_only_newlines_end_a_jsonl_line(write):
    """A JSON string may hold U+2028 or U+2029 as they are; later lines keep their numbers."""
    rows = [
        {"text": "India condemned China\u2028for the incursion.", "label": "divergence"},
        {"text": "China praised\u2029India.", "label": "convergence"},
        {"text": "It rained.", "label": "sideways"},
    ]
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    path = write("ls.jsonl", "\n".join(lines) + "\n")
    result = run(path, "--text-col", "text", "--label-col", "label")
    assert result.exit_code == 2, result.output
    assert "not valid JSON" not in result.output
    assert f"{path}:3: unknown label 'sideways'" in result.output
    assert "2 sentences scored by stance, 1 skipped" in result.output


# columns that are not there ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--text-col", "text", "--label-col", "gold"],
            ":1: no column 'gold' (columns: text, label)",
        ),
        (["--text-col", "sentence", "--label-col", "label"], ":1: no column 'sentence'"),
        (list(PARTY_COLUMNS), ":1: no column 'a' (columns: text, label)"),
    ],
)
def test_a_column_not_in_the_header_is_one_error(write, args, message):
    path = write("mixed.csv", "text,label\n" + "India and China met.,neutral\n" * 9)
    result = run(path, *args)
    assert result.exit_code == 1, result.output
    assert f"error: {path}{message}" in result.output
    assert result.output.count("error:") == 1 and "inputs failed" not in result.output
    assert "scored by" not in result.output


def test_a_tab_separated_file_read_as_csv_gets_a_hint(write):
    path = write("sample.txt", "text\tlabel\nIndia and China met.\tneutral\n")
    result = run(path, "--text-col", "text", "--label-col", "label")
    assert result.exit_code == 1, result.output
    assert "(columns: text\\tlabel); it looks tab-separated: --format tsv" in result.output
    assert run(path, "--text-col", "text", "--label-col", "label", "--format", "tsv").exit_code == 0


def test_the_header_line_is_named_after_blank_lines(write):
    path = write("late.csv", "\n\ntext,label\nHello.,neutral\n")
    result = run(path, "--text-col", "text", "--label-col", "gold")
    assert result.exit_code == 1 and f"{path}:3: no column 'gold'" in result.output


def test_a_field_in_no_jsonl_record_is_one_error(write):
    path = write("sample.jsonl", JSONL_NO_DIRECTION)
    result = run(path, "--text-col", "sentence", "--label-col", "label")
    assert result.exit_code == 1, result.output
    assert f"{path}:1: no field 'label' in any record (fields: sentence, gold)" in result.output
    assert result.output.count("error:") == 1


def test_a_field_in_some_jsonl_records_is_an_error_for_the_others_only(write):
    rows = [{"t": "India and China met.", "l": "neutral"}, {"t": "It rained."}]
    path = write("some.jsonl", "\n".join(map(json.dumps, rows)))
    result = run(path, "--text-col", "t", "--label-col", "l")
    assert result.exit_code == 2 and f"{path}:2: no label" in result.output


def test_an_index_beyond_the_first_row_is_one_error(write):
    path = write("bench.tsv", BENCHMARK_STYLE)
    args = ["--no-header", "--text-col", "0", "--party-a-col", "1", "--party-b-col", "2"]
    result = run(path, *args, "--label-col", "4", "--labels", "directed5")
    assert result.exit_code == 1, result.output
    assert f"error: {path}:1: no column 4 (the first row has 4 columns)" in result.output
    assert result.output.count("error:") == 1


# values that are not text --------------------------------------------------------------------


def test_jsonl_text_and_parties_must_be_strings_and_labels_strings_or_numbers(write):
    rows = [
        {"text": ["India condemned China."], "label": "divergence", "a": "India", "b": "China"},
        {"text": "India condemned China.", "label": ["divergence"], "a": "India", "b": "China"},
        {"text": "India condemned China.", "label": True, "a": "India", "b": "China"},
        {"text": "India condemned China.", "label": "-1", "a": {"n": 1}, "b": "China"},
        {"text": "India condemned China.", "label": -1, "a": "India", "b": "China"},
        {"text": 12, "label": "neutral", "a": "India", "b": "China"},
    ]
    path = write("typed.jsonl", "\n".join(map(json.dumps, rows)))
    result = run(path, *PARTY_COLUMNS, "--labels", "signed")
    assert result.exit_code == 2, result.output
    assert f"{path}:1: text must be a string, not an array" in result.output
    assert f"{path}:2: label must be a string or a number, not an array" in result.output
    assert f"{path}:3: label must be a string or a number, not true or false" in result.output
    assert f"{path}:4: party A must be a string, not an object" in result.output
    assert f"{path}:6: text must be a string, not a number" in result.output
    assert "1 sentences scored by stance, 5 skipped" in result.output


# macro-F1 ------------------------------------------------------------------------------------


def test_macro_f1_leaves_out_classes_neither_in_gold_nor_predicted():
    rep = report(["convergence", "convergence"], ["convergence", "convergence"], LABELS3)
    assert rep.macro_f1 == 1.0 and rep.accuracy == 1.0
    scores = {c.label: c for c in rep.classes}
    assert scores["neutral"] == ClassScore("neutral", None, None, None, 0)
    # a class predicted but not in the gold labels, or the reverse, counts with F1 0
    rep = report(["convergence", "divergence"], ["convergence", "neutral"], LABELS3)
    assert rep.macro_f1 == pytest.approx(1 / 3)
    assert {c.label: c.f1 for c in rep.classes} == {
        "neutral": 0.0,
        "convergence": 1.0,
        "divergence": 0.0,
    }


def test_a_class_with_nothing_to_score_is_shown_as_such(write, tmp_path):
    path = write(
        "agree.csv",
        "text,label\n"
        "The two governments agreed to expand cooperation.,convergence\n"
        "India and China signed a friendship treaty.,convergence\n",
    )
    result = run(path, "--text-col", "text", "--label-col", "label", "--report", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert "macro-F1 1.000   accuracy 1.000" in result.output
    neutral = next(line for line in result.output.splitlines() if line.startswith("  neutral "))
    assert neutral.split() == ["neutral", "-", "-", "-", "0"]
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text())
    three = metrics["three_class"]
    assert three["macro_f1"] == 1.0
    assert three["classes"][0] == {
        "label": "neutral",
        "precision": None,
        "recall": None,
        "f1": None,
        "support": 0,
    }


# report folder -------------------------------------------------------------------------------

ONE_ROW = "text,label\nIndia and China met in Geneva.,neutral\n"


def test_a_report_folder_under_a_file_is_one_error_before_scoring(write, tmp_path):
    path = write("one.csv", ONE_ROW)
    (tmp_path / "afile").write_text("")
    folder = tmp_path / "afile" / "sub"
    result = run(path, "--text-col", "text", "--label-col", "label", "--report", folder)
    assert result.exit_code == 1, result.output
    assert result.output.strip() == f"error: {folder}: {tmp_path / 'afile'} is not a folder"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_folder_in_place_of_a_report_file_writes_nothing(write, tmp_path):
    path = write("one.csv", ONE_ROW)
    folder = tmp_path / "rep"
    (folder / "metrics.json").mkdir(parents=True)
    result = run(path, "--text-col", "text", "--label-col", "label", "--report", folder)
    assert result.exit_code == 1, result.output
    assert f"error: {folder}: {folder / 'metrics.json'} is in the way" in result.output
    assert "scored by" not in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["metrics.json"]


def test_a_report_that_fails_half_way_leaves_the_earlier_one_whole(write, tmp_path):
    """The charts and the errors are written, then metrics.json cannot be: none is moved into
    place, the earlier report stays as it was and no temporary file is left behind."""
    path = write("one.csv", ONE_ROW)
    folder = tmp_path / "rep"
    args = [path, "--text-col", "text", "--label-col", "label", "--report", folder]
    assert run(*args).exit_code == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(before) == ["confusion-3class.png", "metrics.json", "worst-errors.csv"]
    (folder / "confusion-3class.png").write_bytes(b"earlier chart")
    before["confusion-3class.png"] = b"earlier chart"
    blocker = folder / f".metrics.json.{os.getpid()}.tmp"
    blocker.mkdir()  # the temporary name of metrics.json is taken by a folder
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert f"error: {folder}: cannot write the report" in result.output
    blocker.rmdir()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
