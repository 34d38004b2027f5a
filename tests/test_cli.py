import csv
import io
import json
import os
import shlex
import subprocess
import sys

import pytest
from click.testing import CliRunner

from stance import __version__
from stance.cli import CSV_COLUMNS, cli

COMMANDS = ["score", "parties", "explain", "scorers", "examples", "demo"]


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def doc(write):
    return write(
        "talks.txt",
        "date: 2024-03-05\ntitle: Talks\n\n"
        "Pakistan and the US agreed to expand trade. Islamabad rejected the new tariffs.",
    )


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_help_on_every_command(runner, command):
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_score_jsonl_streams_one_record_per_sentence(runner, doc):
    result = runner.invoke(cli, ["score", str(doc), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["index"] for r in records] == [0, 1]
    first, second = records
    assert first["document"] == "talks" and first["date"] == "2024-03-05"
    assert first["label"] == "convergence" and first["mutual"] is True
    assert {first["source"], first["target"]} == {"PAK", "USA"}
    assert second["label"] == "divergence" and second["source"] == "PAK"
    assert second["cues"] and all("term" in c and "start" in c for c in second["cues"])


def test_score_csv(runner, doc):
    result = runner.invoke(cli, ["score", str(doc), "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 3
    assert rows[1][CSV_COLUMNS.index("label")] == "convergence"


def test_score_table_is_for_people(runner, doc):
    result = runner.invoke(cli, ["score", str(doc)])
    assert result.exit_code == 0
    assert "convergence index" in result.stdout and "PAK" in result.stdout


def test_score_with_party_file_and_speaker(runner, write):
    parties = write("p.toml", 'PAK = ["Pakistan"]\nIND = ["India"]\n')
    doc = write("speech.txt", "We condemn the shelling by India. India must stop.")
    result = runner.invoke(
        cli, ["score", str(doc), "--parties", str(parties), "--speaker", "PAK", "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout.splitlines()[0])
    assert (first["source"], first["target"], first["label"]) == ("PAK", "IND", "divergence")


def test_bad_inputs_are_listed_and_the_rest_goes_on(runner, doc, write):
    empty = write("empty.txt", "")
    binary = write("binary.txt", b"\x00\x01\x02binary")
    result = runner.invoke(cli, ["score", str(empty), str(doc), str(binary), "--format", "jsonl"])
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert str(empty) in errors[0] and str(binary) in errors[1]


def test_missing_path_exits_2(runner):
    result = runner.invoke(cli, ["score", "/no/such/file.txt"])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_usage_errors_exit_1(runner, doc, write):
    assert runner.invoke(cli, ["score"]).exit_code == 1
    assert runner.invoke(cli, ["score", str(doc), "--format", "xml"]).exit_code == 1
    assert runner.invoke(cli, ["score", str(doc), "--encoding", "nope"]).exit_code == 1
    bad = write("bad.toml", "PAK = [")
    result = runner.invoke(cli, ["score", str(doc), "--parties", str(bad)])
    assert result.exit_code == 1 and str(bad) in result.stderr and "line" not in result.stdout
    result = runner.invoke(cli, ["score", str(doc), "--speaker", "ZZZ"])
    assert result.exit_code == 1 and "unknown speaker" in result.stderr


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--max-mb", "inf", "inf is not between"),
        ("--max-mb", "nan", "nan is not between"),
        ("--max-mb", "1e308", "is not between"),
        ("--max-mb", "0.0000001", "is not between"),
        ("--encoding", "rot13", "'rot13' is not a text encoding"),
        ("--encoding", "base64", "'base64' is not a text encoding"),
    ],
)
def test_values_that_could_not_work_are_usage_errors(runner, doc, option, value, message):
    result = runner.invoke(cli, ["score", str(doc), option, value])
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert "Traceback" not in result.output


def test_stdin(runner):
    text = "Pakistan and the US agreed to cooperate."
    result = runner.invoke(cli, ["score", "-", "--format", "jsonl"], input=text)
    assert result.exit_code == 0
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["document"] == "stdin" and record["label"] == "convergence"


def test_stdin_jsonl(runner):
    lines = '{"id": "a", "text": "India condemned the attack."}\n{"id": "b", "text": "Fine."}\n'
    result = runner.invoke(cli, ["score", "-", "--format", "jsonl"], input=lines)
    assert [json.loads(x)["document"] for x in result.stdout.splitlines()] == ["a", "b"]


def test_parties_command(runner, examples):
    result = runner.invoke(cli, ["parties", str(examples["pakistan-us-trade-talks"])])
    assert result.exit_code == 0
    assert "PAK" in result.stdout and "USA" in result.stdout and "people:" in result.stdout
    result = runner.invoke(
        cli, ["parties", str(examples["pakistan-us-trade-talks"]), "--format", "json"]
    )
    record = json.loads(result.stdout)
    assert record["dyad"] == ["USA", "PAK"] or record["dyad"] == ["PAK", "USA"]
    people = {name for p in record["parties"] for name in p["people"]}
    assert {"Amina Qureshi", "Daniel Hart"} <= people


def test_parties_reports_documents_without_parties(runner, write):
    doc = write("weather.txt", "It rained all day.")
    result = runner.invoke(cli, ["parties", str(doc)])
    assert result.exit_code == 0 and "no party mentioned" in result.stdout


def test_explain_shows_scorers_cues_rules_and_attribution(runner):
    result = runner.invoke(cli, ["explain", "No agreement was reached between India and China."])
    assert result.exit_code == 0
    out = result.stdout
    for name in ("vader", "textblob", "tone", "stance"):
        assert name in out
    assert "negation" in out and "'agreement'" in out.lower()
    assert "India" in out and "China" in out


def test_explain_json(runner):
    result = runner.invoke(
        cli, ["explain", "Washington praised Islamabad's reforms.", "--format", "json"]
    )
    record = json.loads(result.stdout)
    assert record["label"] == "convergence" and record["source"] == "USA"
    assert set(record["scorers"]) == {"vader", "textblob", "tone", "stance"}


def test_explain_with_user_lexicon(runner, write):
    lexicon = write("extra.toml", '[cues]\n"frobnicated" = -6\n')
    result = runner.invoke(
        cli, ["explain", "India frobnicated China.", "--lexicon", str(lexicon), "--format", "json"]
    )
    record = json.loads(result.stdout)
    assert record["label"] == "divergence"
    assert record["cues"][0]["term"] == "frobnicated"


def test_scorers_lists_all(runner):
    result = runner.invoke(cli, ["scorers"])
    assert [line.split()[0] for line in result.stdout.splitlines()] == [
        "vader",
        "textblob",
        "tone",
        "stance",
    ]


def test_examples_and_demo(runner, tmp_path):
    listed = runner.invoke(cli, ["examples", "--path"]).stdout.split()
    assert len(listed) >= 3
    result = runner.invoke(cli, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0 and "convergence index" in result.stdout


def _stance_shell(command: str) -> "subprocess.CompletedProcess[str]":
    """``command`` in bash with ``pipefail``, ``stance`` being this interpreter's."""
    stance = f"{shlex.quote(sys.executable)} -m stance"
    script = "set -o pipefail; " + command.replace("stance ", stance + " ")
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)


def test_a_reader_that_stops_early_is_no_error(examples, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(
        examples["pakistan-us-trade-talks"].read_text(encoding="utf-8") * 40, encoding="utf-8"
    )
    for fmt in ("table", "jsonl"):
        done = _stance_shell(f"stance score {shlex.quote(str(big))} --format {fmt} | head -1")
        assert done.returncode == 0 and done.stderr == "", (fmt, done.stderr)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_one_error_line(examples):
    for command in (
        f"stance score {shlex.quote(str(examples['pakistan-us-trade-talks']))}",
        "stance explain 'We agree.'",
    ):
        done = _stance_shell(f"{command} > /dev/full")
        assert done.returncode == 2, done.stderr
        assert done.stderr == "error: output: No space left on device\n"


def test_closed_standard_output_is_no_error(examples):
    done = _stance_shell(
        f"stance score {shlex.quote(str(examples['pakistan-us-trade-talks']))} >&-"
    )
    assert done.returncode == 0 and done.stderr == ""


def test_explain_shows_control_characters_escaped(runner):
    result = runner.invoke(cli, ["explain", "Pakistan condemned\x1b[2J India."])
    assert result.exit_code == 0
    assert (
        "\x1b" not in result.stdout
        and "sentence: Pakistan condemned\\x1b[2J India." in result.stdout
    )


def test_explain_scorers_see_the_sentence_as_the_headline_does(runner):
    result = runner.invoke(
        cli, ["explain", "Islamabad rejected Washington's offer.", "--format", "json"]
    )
    record = json.loads(result.stdout)
    assert record["scorers"]["stance"]["value"] == pytest.approx(record["score"], abs=1e-4)
    assert record["scorers"]["stance"]["label"] == record["label"] == "divergence"
