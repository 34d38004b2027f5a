import datetime as dt
import os
import re

import pytest
from history_corpus import PARTIES

from stance.config import PeriodRule, SpeakerRule, load_config
from stance.documents import document_from_text
from stance.errors import InputError

FULL = """
inputs = ["speeches/", "more/*.txt", "feeds/statements.jsonl"]
parties = "parties.toml"
period = { field = "session" }
output = "out"
database = "db/history.db"
encoding = "latin-1"

[speaker]
rule = "filename"
pattern = '(?P<speaker>[A-Z]{3})_(?P<session>\\d+)_(?P<year>\\d{4})'

[engine]
name = "processes"
jobs = 2
batch = 10
"""


def write(folder, text, name="stance.toml"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config_resolves_paths_against_its_folder(tmp_path, monkeypatch):
    write(tmp_path, PARTIES, "parties.toml")
    path = write(tmp_path, FULL)
    monkeypatch.chdir("/")
    config = load_config(path)
    assert config.inputs == (
        str(tmp_path / "speeches"),
        str(tmp_path / "more" / "*.txt"),
        str(tmp_path / "feeds" / "statements.jsonl"),
    )
    assert config.parties == str(tmp_path / "parties.toml")
    assert config.parties_order == ("PAK", "IND")
    assert config.database == tmp_path / "db" / "history.db"
    assert config.output == tmp_path / "out"
    assert config.period == PeriodRule("field", "session")
    assert (config.engine, config.jobs, config.batch, config.encoding) == (
        "processes",
        2,
        10,
        "latin-1",
    )
    assert config.speaker.rule == "filename"


def test_defaults_and_inline_parties(tmp_path):
    path = write(tmp_path, 'inputs = "in"\n' + PARTIES)
    config = load_config(path)
    assert config.parties == str(path) and config.parties_order == ("PAK", "IND")
    assert config.database == tmp_path / "stance.db" and config.output == tmp_path / "reports"
    assert config.period == PeriodRule("month") and config.engine == "auto"
    assert config.speaker == SpeakerRule()


def test_fixed_speaker_is_resolved_to_a_party_key(tmp_path):
    path = write(tmp_path, 'inputs = ["in"]\n[speaker]\nrule = "fixed"\nkey = "india"\n' + PARTIES)
    config = load_config(path)
    assert config.speaker == SpeakerRule("fixed", "IND")
    doc = document_from_text("speaker: PAK\n\nWe agreed.", path="a.txt")
    config.speaker.apply(doc)
    assert doc.speaker == "IND"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('inputs = ["in"]\nouptut = "x"\n', 2, "unknown setting 'ouptut'"),
        ('inputs = ["in"]\nperiod = "fortnight"\n', 2, "unknown period 'fortnight'"),
        ('inputs = ["in"]\nperiod = { name = "x" }\n', 2, "period table"),
        ("period = 'year'\n", None, "'inputs' is missing"),
        ("inputs = [1, 2]\n", 1, "'inputs' must be a list"),
        ('inputs = ["in"]\n\n[engine]\nname = "quantum"\n', 4, "unknown engine name 'quantum'"),
        ('inputs = ["in"]\n[engine]\njobs = 0\n', 3, "'jobs' in [engine] must be"),
        ('inputs = ["in"]\n[engine]\nbatch = true\n', 3, "'batch' in [engine] must be"),
        ('inputs = ["in"]\n[engine]\nthreads = 4\n', 3, "unknown setting 'threads' in [engine]"),
        (
            'inputs = ["in"]\n[engine]\nname = "serial"\nscheduler = "tcp://h:1"\n',
            4,
            "'scheduler' needs the dask engine, not 'serial'",
        ),
        ('inputs = ["in"]\nspeaker = "PAK"\n', 2, "'speaker' must be a table"),
        (
            'inputs = ["in"]\n[speaker]\nrule = "filename"\npattern = "(["\n',
            4,
            "bad speaker pattern",
        ),
        ('inputs = ["in"]\n[speaker]\nrule = "filename"\npattern = "x"\n', 4, "no named group"),
        ('inputs = ["in"]\n[speaker]\nrule = "fixed"\n', 3, "needs key"),
        ('inputs = ["in"]\n[speaker]\nrule = "fixed"\nkey = "ZZZ"\n', 4, "unknown speaker 'ZZZ'"),
        ('inputs = ["in"]\nencoding = "klingon"\n', 2, "unknown encoding"),
        ('inputs = ["in"\nperiod = "year"\n', 2, "TOML syntax error"),
    ],
)
def test_bad_configs_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    error = caught.value
    assert error.path == str(path) and error.line == line
    assert message in error.message
    assert "\n" not in str(error)


def test_party_file_errors_name_the_party_file(tmp_path):
    write(tmp_path, "[parties.PAK]\naliases = [\n", "parties.toml")
    path = write(tmp_path, 'inputs = ["in"]\nparties = "parties.toml"\n')
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert caught.value.path == str(tmp_path / "parties.toml") and caught.value.line == 2
    missing = write(tmp_path, 'inputs = ["in"]\nparties = "nowhere.toml"\n')
    with pytest.raises(InputError, match="no such party file"):
        load_config(missing)


def test_a_config_is_data_only(tmp_path):
    """Values that look like code are only ever strings: nothing is evaluated or imported."""
    marker = tmp_path / "pwned"
    text = (
        f"inputs = [\"__import__('os').system('touch {marker}')\"]\n"
        f"output = \"{{{{ __import__('os').system('touch {marker}') }}}}\"\n"
        'period = "year"\n'
    )
    config = load_config(write(tmp_path, text))
    assert config.inputs[0].endswith("__import__('os').system('touch " + str(marker) + "')")
    items = list(config.documents())
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert not marker.exists()


def test_missing_config_file(tmp_path):
    with pytest.raises(InputError, match="no such config file"):
        load_config(tmp_path / "nope.toml")


def test_filename_rule_gives_speaker_date_and_fields():
    rule = SpeakerRule(
        "filename",
        pattern=re.compile(r"(?P<speaker>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})"),
    )
    doc = document_from_text(
        "speaker: IND\n\nWe spoke.", id="PAK_78_2023", path="x/PAK_78_2023.txt"
    )
    assert rule.apply(doc) is None
    assert doc.speaker == "PAK" and doc.date is None
    assert doc.extra == {"session": "78", "year": 2023}
    assert PeriodRule("year").of(doc.metadata) == "2023"
    assert PeriodRule("field", "session").of(doc.metadata) == "78"
    assert PeriodRule("month").of(doc.metadata) is None
    other = document_from_text("Text.", id="notes", path="x/notes.txt")
    assert rule.apply(other) == "x/notes.txt: file name does not match the speaker pattern"


def test_filename_date_groups():
    dated = SpeakerRule("filename", pattern=re.compile(r"_(?P<date>\d{4}-\d{2}-\d{2})"))
    doc = document_from_text("date: 2020-01-01\n\nText.", path="statement_2024-05-20.txt")
    dated.apply(doc)
    assert doc.date == dt.date(2024, 5, 20)
    parts = SpeakerRule(
        "filename", pattern=re.compile(r"(?P<year>\d{4})(?P<month>\d\d)(?P<day>\d\d)")
    )
    doc = document_from_text("Text.", path="report-20240229.txt")
    parts.apply(doc)
    assert doc.date == dt.date(2024, 2, 29)
    doc = document_from_text("Text.", path="report-20230229.txt")  # no such day
    parts.apply(doc)
    assert doc.date is None


@pytest.mark.parametrize(
    ("kind", "date", "expected"),
    [
        ("day", "2024-03-05", "2024-03-05"),
        ("week", "2021-01-03", "2020-W53"),
        ("week", "2024-12-30", "2025-W01"),
        ("month", "2024-03-05", "2024-03"),
        ("quarter", "2024-03-31", "2024-Q1"),
        ("quarter", "2024-04-01", "2024-Q2"),
        ("year", "2024-03-05", "2024"),
        ("year", None, None),
    ],
)
def test_periods_of_dates(kind, date, expected):
    assert PeriodRule(kind).of({"date": date}) == expected


def test_period_order_is_numeric_for_numbers():
    rule = PeriodRule("field", "session")
    assert sorted(["10", "9", "78", "b", "a"], key=rule.sort_key) == ["9", "10", "78", "a", "b"]
    assert sorted(["2024-W10", "2023-W52", "2024-W02"], key=PeriodRule("week").sort_key) == [
        "2023-W52",
        "2024-W02",
        "2024-W10",
    ]


def test_glob_inputs_and_unmatched_pattern(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "b.txt").write_text("India and China agreed.", encoding="utf-8")
    (tmp_path / "in" / "a.txt").write_text("India and China met.", encoding="utf-8")
    path = write(tmp_path, 'inputs = ["in/*.txt", "none/*.txt"]\n')
    items = list(load_config(path).documents())
    assert [os.path.basename(i.path) for i in items[:2]] == ["a.txt", "b.txt"]
    assert isinstance(items[2], InputError) and "no file matches" in items[2].message


UN_NAME = re.compile(r"(?P<speaker>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})")
MONTH_NAME = re.compile(r"_(?P<year>\d{4})-(?P<month>\d{2})")
KINDS = ("year", "quarter", "month", "week", "day")


@pytest.mark.parametrize(
    ("pattern", "name", "header", "contradicted", "periods"),
    [
        # The name's year contradicts the header: the header's date goes, the year stays.
        (UN_NAME, "PAK_78_2023", "2024-05-01", "year 2023", ("2023", None, None, None, None)),
        # The header agrees with the name's year: its full date gives every period.
        (
            UN_NAME,
            "PAK_78_2023",
            "2023-09-22",
            None,
            ("2023", "2023-Q3", "2023-09", "2023-W38", "2023-09-22"),
        ),
        # Year and month in the name: a header of the same year but another month goes too.
        (
            MONTH_NAME,
            "note_2023-04",
            "2023-11-02",
            "year 2023, month 04",
            ("2023", "2023-Q2", "2023-04", None, None),
        ),
        (
            MONTH_NAME,
            "note_2023-04",
            "2023-04-17",
            None,
            ("2023", "2023-Q2", "2023-04", "2023-W16", "2023-04-17"),
        ),
    ],
)
def test_a_file_name_year_wins_over_the_header_date(pattern, name, header, contradicted, periods):
    rule = SpeakerRule("filename", pattern=pattern)
    doc = document_from_text(f"date: {header}\n\nWe spoke.", id=name, path=f"x/{name}.txt")
    warning = rule.apply(doc)
    if contradicted:
        assert doc.date is None
        assert warning == (
            f"x/{name}.txt: the header's date {header} contradicts the file name "
            f"({contradicted}); the file name's is used"
        )
    else:
        assert doc.date == dt.date.fromisoformat(header) and warning is None
    assert tuple(PeriodRule(kind).of(doc.metadata) for kind in KINDS) == periods
