"""Comparisons checked against hand-computed values; shifts both ways; charts; the page."""

import json
import math
import statistics

import matplotlib
import pytest
from click.testing import CliRunner
from history_corpus import PARTIES, write_config, write_doc

from stance.cli import EXIT_OK, EXIT_USAGE, cli
from stance.compare import (
    MIN_SENTENCES,
    Corpus,
    DocumentRef,
    SentenceRow,
    compare,
    index_change_interval,
    tone_interval,
)
from stance.compare_report import (
    change_chart,
    period_chart,
    relative_href,
    write_comparison_report,
)
from stance.config import PeriodRule, load_config
from stance.report.theme import CONVERGENCE, DIVERGENCE
from stance.runner import run
from stance.summary import index_interval

matplotlib.use("Agg")
import matplotlib.pyplot as plt

TONE = {"convergence": 0.5, "divergence": -0.4, "neutral": 0.1}


def rows_for(document, counts, source="PAK", target="IND", start=0):
    """Rows with the given label counts; scores grow with position so the order is known."""
    rows = []
    i = start
    for label, n in zip(("convergence", "divergence", "neutral"), counts, strict=True):
        for _ in range(n):
            sign = {"convergence": 1, "divergence": -1, "neutral": 0}[label]
            score = sign * (0.3 + 0.01 * i)
            rows.append(SentenceRow(label, TONE[label], score, source, target, document, i))
            i += 1
    return rows


def corpus(*periods):
    """One document per period: (period label, (C, D, N)) pairs."""
    documents = [
        DocumentRef(f"doc-{label}", label, report=f"../documents/doc-{label}/index.html")
        for label, _ in periods
    ]
    rows = [r for i, (_, counts) in enumerate(periods) for r in rows_for(i, counts)]
    return Corpus(documents, rows, lambda doc, index: f"sentence {index} of {documents[doc].id}")


def test_index_tone_and_change_match_hand_computation():
    result = compare(corpus(("A", (8, 2, 2)), ("B", (2, 10, 0))), period_by="side")
    overall = result.groups[0]
    a, b = overall.points
    assert a.index == round((8 - 2) / (8 + 2 + 2), 4) == 0.5
    assert b.index == round((2 - 10) / (2 + 10 + 2), 4) == -0.5714
    assert a.interval == index_interval(8, 2) and b.interval == index_interval(2, 10)
    tones_a = [0.5] * 8 + [-0.4] * 2 + [0.1] * 2
    assert a.mean_tone == round(statistics.mean(tones_a), 4) == round(3.4 / 12, 4)
    half = 1.959964 * statistics.stdev(tones_a) / math.sqrt(12)
    assert a.tone_interval == pytest.approx((3.4 / 12 - half, 3.4 / 12 + half), abs=1e-4)
    change = b.index_change
    assert change.previous == "A" and change.delta == round(-0.5714 - 0.5, 4)
    assert change.shift and change.direction == "toward divergence"
    low, high = change.interval
    assert low <= change.delta <= high < 0
    tones_b = [0.5] * 2 + [-0.4] * 10
    tone = b.tone_change
    assert tone.delta == round(statistics.mean(tones_b) - a.mean_tone, 4)
    welch = 1.959964 * math.sqrt(
        statistics.variance(tones_a) / 12 + statistics.variance(tones_b) / 12
    )
    assert tone.interval == pytest.approx((tone.delta - welch, tone.delta + welch), abs=1e-4)
    assert tone.shift and tone.direction == "cooler"
    assert result.previous == "A" and result.latest == "B"
    assert [(g.key, c.measure) for g, c in result.shifts()] == [
        ("all", "index"),
        ("all", "tone"),
        ("IND–PAK", "index"),  # no party order given: by key
        ("IND–PAK", "tone"),
        ("PAK", "index"),
        ("PAK", "tone"),
    ]


def test_a_shift_toward_convergence_is_flagged_the_other_way():
    result = compare(corpus(("A", (2, 10, 0)), ("B", (8, 2, 2))))
    change = result.groups[0].latest.index_change
    assert change.shift and change.delta > 0 and change.direction == "toward convergence"
    assert change.interval[0] > 0


def test_a_small_change_is_not_a_shift():
    result = compare(corpus(("A", (6, 5, 1)), ("B", (5, 6, 1))))
    change = result.groups[0].latest.index_change
    assert change.delta == round(-1 / 13 - 1 / 13, 4)
    assert not change.shift and change.interval[0] < 0 < change.interval[1]
    assert result.shifts() == []


def test_too_few_sentences_are_not_tested():
    result = compare(corpus(("A", (MIN_SENTENCES - 1, 0, 0)), ("B", (0, 30, 0))))
    change = result.groups[0].latest.index_change
    assert change.interval is None and not change.shift and "not tested" in change.note
    assert change.delta == round(-30 / 32 - (MIN_SENTENCES - 1) / (MIN_SENTENCES + 1), 4)


def test_periods_are_ordered_and_gaps_have_no_change(tmp_path):
    data = corpus(("2024-03", (5, 5, 0)), ("2024-01", (12, 0, 0)))
    data.documents.append(DocumentRef("empty", "2024-02"))
    result = compare(data, period_by="month")
    assert result.periods == ["2024-01", "2024-02", "2024-03"]
    jan, feb, mar = result.groups[0].points
    assert feb.sentences == 0 and feb.index_change is None and mar.index_change is None
    assert (feb.index, feb.interval, feb.mean_tone, feb.tone_interval) == (None,) * 4
    assert jan.index == round(12 / 14, 4)
    page = write_comparison_report(result, tmp_path / "c", "gap").read_text(encoding="utf-8")
    row = page.split("<td>2024-02</td>")[1].split("</tr>")[0]
    assert row.count('<td class="num">–</td>') == 4  # no index, tone or changes


def test_movers_are_the_strongest_sentences_in_the_direction_of_the_change():
    result = compare(corpus(("A", (8, 2, 2)), ("B", (2, 10, 0))))
    movers = result.groups[0].movers
    assert len(movers) == 5 and {m.label for m in movers} == {"divergence"}
    scores = [abs(m.score) for m in movers]
    assert scores == sorted(scores, reverse=True)
    assert movers[0].index == 11 and movers[0].text == "sentence 11 of doc-B"
    # without one divergent sentence, B's index would be (2 - 9) / 13
    assert movers[0].effect == round(-0.5714 - (2 - 9) / 13, 4)
    assert movers[0].document.id == "doc-B"


def test_groups_use_the_party_order_and_names():
    documents = [DocumentRef("a", "A"), DocumentRef("b", "B")]
    rows = rows_for(0, (12, 0, 0), "PAK", "IND") + rows_for(1, (0, 12, 0), "IND", "PAK")
    rows += rows_for(1, (3, 0, 0), None, None, start=50)
    result = compare(
        Corpus(documents, rows, lambda d, i: ""),
        party_order=("IND", "PAK"),
        names={"PAK": "Pakistan", "IND": "India"},
    )
    assert [(g.kind, g.key) for g in result.groups] == [
        ("all", "all"),
        ("dyad", "IND–PAK"),
        ("source", "IND"),
        ("source", "PAK"),
    ]
    assert result.groups[1].title == "Between India and Pakistan"
    assert result.groups[2].title == "Said by India"
    dyad = result.groups[1]
    assert [p.sentences for p in dyad.points] == [12, 12]
    assert result.groups[0].points[1].sentences == 15
    pak = result.groups[3]
    assert [p.sentences for p in pak.points] == [12, 0] and pak.latest.index_change is None


def counts(convergent, divergent, neutral=0):
    return {"convergence": convergent, "divergence": divergent, "neutral": neutral}


def test_interval_of_the_difference():
    same = counts(20, 20, 10)
    low, high = index_change_interval(same, same)
    assert low < 0 < high and abs(low + high) < 0.1
    assert index_change_interval(same, same) == (low, high)  # fixed seed
    low, high = index_change_interval(counts(30, 5), counts(5, 30))
    assert high < 0  # a real turn is still told from noise


@pytest.mark.parametrize(
    "before, after",
    [
        (counts(10, 0), counts(11, 0)),  # all convergent, one sentence more
        (counts(12, 0, 3), counts(48, 0, 12)),  # the same shares, four times the sentences
        (counts(0, 15), counts(0, 40)),
    ],
)
def test_the_same_one_sided_share_with_more_sentences_is_no_shift(before, after):
    # The index moves (10/12 to 11/13) only because its prior weighs less; a bootstrap over
    # such periods has width 0 and flagged it as a shift.
    low, high = index_change_interval(before, after)
    assert low < 0 < high
    assert tone_interval([0.2]) is None


def test_period_chart_draws_points_bands_and_shift_rings():
    result = compare(corpus(("A", (8, 2, 2)), ("B", (2, 10, 0)), ("C", (2, 10, 0))))
    fig, ax = plt.subplots()
    assert period_chart(result.groups[0].points, ax, "index") is ax
    (line,) = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert list(line.get_ydata()) == [0.5, -0.5714, -0.5714]
    rings = [c for c in ax.collections if c.get_label() == "shift from the previous period"]
    assert len(rings) == 1 and len(rings[0].get_offsets()) == 1
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B", "C"]
    assert ax.get_ylabel() == "convergence index"
    plt.close(fig)


def test_change_chart_has_one_bar_per_group_and_colours_shifts():
    result = compare(corpus(("A", (8, 2, 2)), ("B", (2, 10, 0))))
    fig, ax = plt.subplots()
    assert change_chart(result.groups, ax, "index") is ax
    bars = ax.patches
    assert len(bars) == len(result.groups) == 3
    # every group moved toward divergence, beyond its interval: solid vermillion bars
    assert {matplotlib.colors.to_hex(b.get_facecolor()) for b in bars} == {DIVERGENCE.lower()}
    assert {b.get_alpha() for b in bars} == {1.0}
    small = compare(corpus(("A", (6, 5, 1)), ("B", (7, 4, 1))))
    fig2, ax2 = plt.subplots()
    (bar, *_) = change_chart(small.groups, ax2, "index").patches
    assert matplotlib.colors.to_hex(bar.get_facecolor()) == CONVERGENCE.lower()
    assert bar.get_alpha() < 1  # not a shift: pale
    plt.close(fig2)
    assert [t.get_text() for t in ax.get_yticklabels()] == [g.title for g in result.groups]
    result.groups[1].title = "a $b$ c"
    change_chart(result.groups, ax, "index")
    assert "a \\$b\\$ c" in [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)


def test_relative_href():
    assert relative_href("../documents/a%20b/index.html") == "../documents/a%20b/index.html"
    for bad in ("javascript:alert(1)", "https://evil.example/", "//evil", "/etc/passwd", None):
        assert relative_href(bad) is None


HOSTILE = "<script>window.__pwned = 1</script>"
IMG = '<img src=x onerror="window.__pwned = 2">'


def hostile_comparison():
    documents = [
        DocumentRef(HOSTILE, "A", title=IMG, report="javascript:alert(1)"),
        DocumentRef("b" + IMG, "B" + HOSTILE, title=HOSTILE, report="../documents/x/index.html"),
    ]
    rows = rows_for(0, (12, 0, 0), "PAK", IMG) + rows_for(1, (0, 12, 0), IMG, "PAK")
    return compare(
        Corpus(documents, rows, lambda d, i: HOSTILE + IMG),
        names={"PAK": HOSTILE + " $x^2$ $\\frac{", IMG: IMG},
        period_by=HOSTILE,
    )


def test_untrusted_text_is_escaped_in_the_page(tmp_path):
    page = write_comparison_report(hostile_comparison(), tmp_path / "c", "title " + HOSTILE)
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "javascript:" not in html
    assert 'href="../documents/x/index.html"' in html
    data = json.loads((tmp_path / "c" / "comparison.json").read_text(encoding="utf-8"))
    assert data["title"] == "title " + HOSTILE


def run_project(tmp_path):
    incoming = tmp_path / "incoming"
    write_doc(incoming, "a.txt", 10, 1, 1, date="2023-03-01")
    write_doc(incoming, "b.txt", 9, 2, 1, date="2023-11-01")
    write_doc(incoming, "c.txt", 1, 12, 1, date="2024-02-01")
    path = write_config(tmp_path, period='"year"')
    run(load_config(path))
    return path


def test_cli_compare_two_periods_from_the_database(tmp_path):
    path = run_project(tmp_path)
    out = tmp_path / "adhoc"
    result = CliRunner().invoke(
        cli, ["compare", "2023", "2024", "--config", str(path), "--out", str(out)]
    )
    assert result.exit_code == EXIT_OK, result.output
    first = result.stdout.splitlines()[0]
    # 2023: a (10 C, 1 D) and b (9 C, 2 D): 16 / 24; 2024: c (1 C, 12 D): -11 / 15
    assert first.startswith("All sentences") and "2023 +0.67 -> 2024 -0.73" in first
    assert "SHIFT toward divergence" in first
    data = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert data["periods"] == ["2023", "2024"]
    for doc in data["documents"]:
        assert (out / doc["report"]).is_file()
    by_month = CliRunner().invoke(
        cli,
        [
            "compare",
            "2023-03",
            "2023-11",
            "--config",
            str(path),
            "--by",
            "month",
            "--out",
            str(out),
        ],
    )
    # March: 9 / 13 = 0.69; November: 7 / 13 = 0.54
    assert by_month.exit_code == EXIT_OK and "2023-03 +0.69 -> 2023-11 +0.54" in by_month.stdout
    unknown = CliRunner().invoke(
        cli, ["compare", "2023", "1999", "--config", str(path), "--out", str(out)]
    )
    assert unknown.exit_code == EXIT_USAGE
    assert "no documents in period '1999' (latest: 2023, 2024)" in unknown.stderr


def test_cli_compare_two_folders_and_two_documents(tmp_path):
    before = tmp_path / "before"
    after = tmp_path / "after"
    write_doc(before, "x.txt", 10, 1, 1)
    write_doc(before, "y.txt", 8, 2, 0)
    write_doc(after, "z.txt", 1, 12, 1)
    parties = tmp_path / "parties.toml"
    parties.write_text(PARTIES, encoding="utf-8")
    out = tmp_path / "out"
    args = ["compare", str(before), str(after), "--parties", str(parties), "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--engine", "serial"])
    assert result.exit_code == EXIT_OK, result.output
    assert "SHIFT toward divergence" in result.stdout.splitlines()[0]
    assert "Between Pakistan and India" in result.stdout
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '<img src="data:image/png;base64,' in html
    docs = CliRunner().invoke(
        cli, ["compare", str(before / "x.txt"), str(after / "z.txt"), "--out", str(out)]
    )
    assert docs.exit_code == EXIT_OK
    data = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in data["documents"]] == ["x", "z"]
    missing = CliRunner().invoke(
        cli, ["compare", str(before), str(tmp_path / "nope"), "--out", str(out)]
    )
    assert missing.exit_code == EXIT_USAGE and "nope" in missing.stderr


PERIOD_VALUES = ["2", "9", "10", "100", "NaN", "inf", "1e999", "b", "a"]


def test_period_order_is_total_numbers_first_then_other_values():
    """NaN made the old order depend on the input order (and so on a set's hash order)."""
    rule = PeriodRule("field", "session")
    expected = ["2", "9", "10", "100", "1e999", "NaN", "a", "b", "inf"]
    for shift in range(len(PERIOD_VALUES)):
        values = PERIOD_VALUES[shift:] + PERIOD_VALUES[:shift]
        assert sorted(values, key=rule.sort_key) == expected
        assert sorted(reversed(values), key=rule.sort_key) == expected
        documents = [DocumentRef(f"d{v}", v) for v in values]
        result = compare(Corpus(documents, [], lambda d, i: ""), rule.sort_key)
        assert result.periods == expected and [d.period for d in result.documents] == expected


def test_a_run_by_a_field_with_nan_takes_the_latest_period_by_the_documented_order(tmp_path):
    for session in ("2", "9", "10", "100", "NaN"):
        header = f"session: {session}\ntitle: Session {session}\n\n"
        path = tmp_path / "incoming" / f"s{session}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + "Pakistan and India agreed to expand trade.\n", encoding="utf-8")
    config = load_config(write_config(tmp_path, period='{ field = "session" }'))
    outcome = run(config)
    assert outcome.comparison.periods == ["2", "9", "10", "100", "NaN"]
    data = json.loads((config.output / "comparison" / "comparison.json").read_text("utf-8"))
    assert (data["previous"], data["latest"]) == ("100", "NaN")


def test_cli_compare_refuses_a_period_or_path_compared_with_itself(tmp_path, monkeypatch):
    path = run_project(tmp_path)
    out = tmp_path / "adhoc"
    same = CliRunner().invoke(
        cli, ["compare", "2024", "2024", "--config", str(path), "--out", str(out)]
    )
    assert same.exit_code == EXIT_USAGE
    assert same.stderr == "error: FIRST and SECOND are the same period: 2024\n"
    monkeypatch.chdir(tmp_path)
    for first, second in (("incoming", "incoming/"), ("incoming", "./incoming")):
        result = CliRunner().invoke(cli, ["compare", first, second, "--out", str(out)])
        assert result.exit_code == EXIT_USAGE, result.output
        assert result.stderr == "error: FIRST and SECOND are the same path: incoming\n"
    assert not out.exists()


@pytest.mark.parametrize(
    "option",
    [
        ["--parties", "/nonexistent.toml"],
        ["--speaker", "PAK"],
        ["--lexicon", "/nonexistent.toml"],
        ["--encoding", "latin-1"],
        ["--max-mb", "3"],
        ["--engine", "serial"],
        ["--jobs", "2"],
        ["--scheduler", "tcp://127.0.0.1:8786"],
    ],
)
def test_cli_compare_of_periods_refuses_the_options_of_folders(tmp_path, option):
    path = run_project(tmp_path)
    out = tmp_path / "adhoc"
    args = ["compare", "2023", "2024", "--config", str(path), "--out", str(out), *option]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == EXIT_USAGE
    assert result.stderr == f"error: {option[0]} does not apply with --config: the config sets it\n"
    assert not out.exists()


def test_cli_compare_of_folders_refuses_by(tmp_path):
    write_doc(tmp_path / "before", "x.txt", 10, 1, 1)
    write_doc(tmp_path / "after", "z.txt", 1, 12, 1)
    out = tmp_path / "out"
    args = ["compare", str(tmp_path / "before"), str(tmp_path / "after"), "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--by", "year"])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr == "error: --by applies only with --config (periods of the history)\n"
    assert not out.exists()


def test_a_group_without_sentences_in_a_period_is_empty_not_zero(tmp_path):
    incoming = tmp_path / "incoming"
    write_doc(incoming, "jan.txt", 10, 2, 0, date="2024-01-10")
    write_doc(incoming, "feb.txt", 0, 0, 3, date="2024-02-10")  # no party speaks or is named
    path = write_config(tmp_path, period='"month"')
    run(load_config(path))
    out = tmp_path / "adhoc"
    result = CliRunner().invoke(
        cli, ["compare", "2024-01", "2024-02", "--config", str(path), "--out", str(out)]
    )
    assert result.exit_code == EXIT_OK, result.output
    lines = result.stdout.splitlines()
    dyad = next(line for line in lines if line.startswith("Between Pakistan and India"))
    assert dyad.split() == [
        "Between",
        "Pakistan",
        "and",
        "India",
        "no",
        "sentences",
        "in",
        "2024-02",
    ]
    data = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    (group,) = [g for g in data["groups"] if g["key"] == "PAK–IND"]
    jan, feb = group["points"]
    assert jan["sentences"] == 12 and jan["index"] == round(8 / 14, 4)
    assert feb["sentences"] == 0 and feb["counts"] == {
        "convergence": 0,
        "neutral": 0,
        "divergence": 0,
    }
    assert (feb["index"], feb["interval"], feb["mean_tone"], feb["tone_interval"]) == (None,) * 4
    assert feb["index_change"] is None and feb["tone_change"] is None
    html = (out / "index.html").read_text(encoding="utf-8")
    row = html.split("Between Pakistan and India</h2>")[1].split("<td>2024-02</td>")[1]
    assert row.split("</tr>")[0].count('<td class="num">–</td>') == 4


def test_a_history_without_a_dated_document_says_so(tmp_path):
    write_doc(tmp_path / "incoming", "undated.txt", 3, 1, 0)
    config = load_config(write_config(tmp_path, period='"year"'))
    run(config)
    folder = config.output / "comparison"
    data = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
    assert data["periods"] == [] and data["left_out"] == 1
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "No dated document has been analysed yet: there is no period to compare." in html
    assert "Only one period" not in html
