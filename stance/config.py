"""The run config (``stance.toml``): what a scheduled run reads, how, and where it writes.

The file is TOML and only ever parsed as data: no code, no imports, no templates are run from
it. Relative paths resolve against the folder of the config file, so a project folder can be
moved as a whole. Every mistake is reported in one line naming the file and, where it can be
found, the line of the offending key.

    inputs = ["incoming/", "archive/*.txt", "feeds/statements.jsonl"]
    parties = "parties.toml"        # or [parties.XXX] tables in this file
    lexicon = "extra-cues.toml"     # optional
    period = "month"                # day, week, month, quarter, year, or { field = "session" }
    output = "reports"
    database = "stance.db"

    [speaker]
    rule = "filename"               # header (default), fixed (with key = "PAK"), filename
    pattern = '(?P<speaker>[A-Z]{3})_(?P<session>\\d+)_(?P<year>\\d{4})'

    [engine]
    name = "auto"                   # serial, processes, dask, auto
    jobs = 2
    batch = 50                      # documents stored per transaction
"""

from __future__ import annotations

import codecs
import datetime as dt
import glob
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .analysis import Analyzer
from .documents import MAX_DOCUMENT_BYTES, Document, iter_documents, parse_date
from .engine import ENGINES, AnalyzerConfig
from .errors import InputError, parse_toml, read_user_file

DEFAULT_NAME = "stance.toml"
PERIOD_KINDS = ("day", "week", "month", "quarter", "year")
SPEAKER_RULES = ("header", "fixed", "filename")
DATE_GROUPS = ("date", "year", "month", "day")
TOP_KEYS = ("inputs", "parties", "lexicon", "period", "output", "database", "encoding", "max_mb")
TABLE_KEYS = {
    "speaker": ("rule", "key", "pattern"),
    "engine": ("name", "jobs", "batch", "scheduler"),
}
DEFAULT_BATCH = 50


@dataclass(frozen=True)
class SpeakerRule:
    """Whose voice "we" is: the header's ``speaker:``, one fixed key, or the file name."""

    rule: str = "header"
    key: str | None = None
    pattern: re.Pattern[str] | None = None

    def apply(self, doc: Document) -> str | None:
        """Set the speaker (and date and other fields) a file name gives; a warning when the
        name does not match, or when it contradicts the header's date.

        Values from the file name win over the header's. A full date in the name replaces the
        header's; a partial one (a year, or a year and month) keeps the header's date only
        where it agrees with every part the name gives, else drops it, so the period comes
        from the name's parts alone (a year period from the year; a month or quarter only
        when the name gives the month too)."""
        if self.rule == "fixed":
            doc.speaker = self.key
            return None
        if self.rule != "filename" or self.pattern is None:
            return None
        name = Path(doc.path).name if doc.path else doc.id
        m = self.pattern.search(name)
        if not m:
            return f"{doc.where()}: file name does not match the speaker pattern"
        fields = {k: v for k, v in m.groupdict().items() if v is not None}
        if "speaker" in fields:
            doc.speaker = fields.pop("speaker")
        date = _date_from(fields)
        warning = None
        if date is not None:
            doc.date = date
        elif doc.date is not None and not _agrees(doc.date, fields):
            given = ", ".join(f"{k} {fields[k]}" for k in DATE_GROUPS if k in fields)
            warning = (
                f"{doc.where()}: the header's date {doc.date} contradicts the file name "
                f"({given}); the file name's is used"
            )
            doc.date = None
        for key, value in fields.items():
            doc.extra[key] = int(value) if key in DATE_GROUPS and value.isdigit() else value
        return warning


def _date_from(fields: dict[str, str]) -> dt.date | None:
    if "date" in fields:
        return parse_date(fields.pop("date"))
    try:
        return dt.date(int(fields["year"]), int(fields["month"]), int(fields["day"]))
    except (KeyError, ValueError):
        return None


def _agrees(date: dt.date, fields: dict[str, str]) -> bool:
    """Whether ``date`` has every year, month and day the file name gives (as numbers)."""
    return all(
        int(fields[part]) == getattr(date, part)
        for part in ("year", "month", "day")
        if fields.get(part, "").isdigit()
    )


@dataclass(frozen=True)
class PeriodRule:
    """How documents are grouped in time: by their date, or by a metadata field."""

    kind: str = "month"
    field: str | None = None

    @property
    def label(self) -> str:
        return f"field {self.field}" if self.kind == "field" else self.kind

    def of(self, metadata: dict[str, Any]) -> str | None:
        """The period a document falls in, or None (no date, or no such field)."""
        if self.kind == "field":
            value = metadata.get(self.field or "")
            return None if value in (None, "") else str(value)
        date = _as_date(metadata.get("date"))
        if date is None:
            return _partial_period(self.kind, metadata)
        if self.kind == "day":
            return date.isoformat()
        if self.kind == "week":
            year, week, _ = date.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{date.year}-{date.month:02d}"
        if self.kind == "quarter":
            return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
        return str(date.year)

    def sort_key(self, period: str) -> tuple:
        """Periods in time order: finite numbers numerically, then other values as strings.

        A total order, so the latest period never depends on the order periods were found:
        "NaN", "inf" and "1e999" are not numbers here (NaN compares with nothing).
        """
        try:
            number = float(period)
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            return (0, number, period)
        return (1, 0.0, period)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _partial_period(kind: str, metadata: dict[str, Any]) -> str | None:
    """Year or month periods from ``year``/``month`` fields a file name gave without a day."""
    year, month = metadata.get("year"), metadata.get("month")
    if not str(year or "").isdigit():
        return None
    if kind == "year":
        return str(int(year))  # type: ignore[arg-type]
    if not str(month or "").isdigit() or not 1 <= int(month) <= 12:  # type: ignore[arg-type]
        return None
    month_number = int(month)  # type: ignore[arg-type]
    if kind == "month":
        return f"{int(year)}-{month_number:02d}"  # type: ignore[arg-type]
    if kind == "quarter":
        return f"{int(year)}-Q{(month_number - 1) // 3 + 1}"  # type: ignore[arg-type]
    return None


@dataclass(frozen=True)
class RunConfig:
    """A checked run config, every path absolute."""

    path: Path
    inputs: tuple[str, ...]
    parties: str | None
    parties_order: tuple[str, ...]
    lexicon: str | None
    speaker: SpeakerRule
    period: PeriodRule
    output: Path
    database: Path
    encoding: str = "utf-8"
    max_bytes: int = MAX_DOCUMENT_BYTES
    engine: str = "auto"
    jobs: int | None = None
    scheduler: str | None = None
    batch: int = DEFAULT_BATCH

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def analyzer(self) -> AnalyzerConfig:
        return AnalyzerConfig(self.parties, self.lexicon, None)

    def relative(self, path: str | os.PathLike[str]) -> str:
        """How a path is stored: relative to the config folder when inside it."""
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.folder).as_posix()
        except ValueError:
            return absolute.as_posix()

    def documents(self) -> Iterator[Document | InputError]:
        """Every input document in order (globs expanded, sorted); bad inputs in place."""
        for entry in self.inputs:
            if glob.has_magic(entry):
                matches = sorted(glob.glob(entry, recursive=True))
                if not matches:
                    yield InputError(self.relative(entry), "no file matches this pattern")
                yield from iter_documents(matches, self.encoding, self.max_bytes)
            else:
                yield from iter_documents([entry], self.encoding, self.max_bytes)


def load_config(path: str | os.PathLike[str]) -> RunConfig:
    """Read and check a run config; raises :class:`InputError` with file and line."""
    path = Path(os.path.abspath(path))
    name = str(path)
    text = read_user_file(path, "config file")
    return _Checker(path, text, parse_toml(text, name)).config()


class _Checker:
    """Turns the parsed TOML into a :class:`RunConfig`, naming the line of each mistake."""

    def __init__(self, path: Path, text: str, data: dict[str, Any]):
        self.path = path
        self.text = text
        self.data = data
        self.folder = path.parent

    def fail(self, message: str, key: str | None = None, table: str | None = None) -> InputError:
        line = find_line(self.text, key, table) if key else None
        return InputError(str(self.path), message, line)

    def config(self) -> RunConfig:
        for key in self.data:
            if key not in TOP_KEYS and key not in TABLE_KEYS:
                raise self.fail(f"unknown setting {key!r}", key)
        for table, keys in TABLE_KEYS.items():
            section = self.data.get(table, {})
            if not isinstance(section, dict):
                raise self.fail(f"{table!r} must be a table ([{table}])", table)
            for key in section:
                if key not in keys:
                    raise self.fail(f"unknown setting {key!r} in [{table}]", key, table)
        parties, lexicon = self.parties(), self.optional_path("lexicon")
        analyzer = AnalyzerConfig(parties, lexicon, None).build()  # errors name their file
        engine = self.data.get("engine", {})
        name = self.choice(engine, "name", ENGINES, "auto", "engine")
        scheduler = self.string(engine, "scheduler", "engine")
        if scheduler is not None and name not in ("dask", "auto"):
            raise self.fail(
                f"'scheduler' needs the dask engine, not {name!r}", "scheduler", "engine"
            )
        return RunConfig(
            path=self.path,
            inputs=self.inputs(),
            parties=parties,
            parties_order=tuple(analyzer.parties.keys()) if parties else (),
            lexicon=lexicon,
            speaker=self.speaker(analyzer),
            period=self.period(),
            output=self.path_setting("output", "reports"),
            database=self.path_setting("database", "stance.db"),
            encoding=self.encoding(),
            max_bytes=self.max_bytes(),
            engine=name,
            jobs=self.positive(engine, "jobs", None),
            scheduler=scheduler,
            batch=self.positive(engine, "batch", DEFAULT_BATCH) or DEFAULT_BATCH,
        )

    def inputs(self) -> tuple[str, ...]:
        raw = self.data.get("inputs")
        if raw is None:
            raise self.fail("'inputs' is missing: list the folders, files or globs to read")
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
            raise self.fail("'inputs' must be a list of folders, files or globs", "inputs")
        return tuple(self.resolve(entry) for entry in raw)

    def parties(self) -> str | None:
        """The file the parties are read from: a named file, or this config's [parties]."""
        raw = self.data.get("parties")
        if raw is None:
            return None
        if isinstance(raw, dict):
            source = str(self.path)
            if not raw:
                raise self.fail("[parties] is empty", "parties")
        elif isinstance(raw, str) and raw.strip():
            source = self.resolve(raw)
        else:
            raise self.fail("'parties' must be a file name or [parties.KEY] tables", "parties")
        return source

    def optional_path(self, key: str) -> str | None:
        raw = self.data.get(key)
        if raw is None:
            return None
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail(f"{key!r} must be a file name", key)
        return self.resolve(raw)

    def path_setting(self, key: str, default: str) -> Path:
        raw = self.data.get(key, default)
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail(f"{key!r} must be a path", key)
        return Path(self.resolve(raw))

    def resolve(self, raw: str) -> str:
        expanded = os.path.expanduser(raw.strip())
        return os.path.normpath(os.path.join(self.folder, expanded))

    def encoding(self) -> str:
        value = self.data.get("encoding", "utf-8")
        try:
            codecs.lookup(value)
        except (LookupError, TypeError):
            raise self.fail(f"unknown encoding {value!r}", "encoding") from None
        return value

    def max_bytes(self) -> int:
        value = self.data.get("max_mb", MAX_DOCUMENT_BYTES / 1_000_000)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.fail("'max_mb' must be a positive number of megabytes", "max_mb")
        return int(value * 1_000_000)

    def speaker(self, analyzer: Analyzer) -> SpeakerRule:
        table = self.data.get("speaker", {})
        rule = self.choice(table, "rule", SPEAKER_RULES, "header", "speaker")
        if rule == "fixed":
            key = self.string(table, "key", "speaker")
            if not key:
                raise self.fail("speaker rule 'fixed' needs key = \"PARTY\"", "rule", "speaker")
            try:
                return SpeakerRule("fixed", analyzer.resolve_speaker(key))
            except InputError as exc:
                raise self.fail(exc.message, "key", "speaker") from None
        if rule == "filename":
            raw = self.string(table, "pattern", "speaker")
            if not raw:
                raise self.fail("speaker rule 'filename' needs a pattern", "rule", "speaker")
            try:
                pattern = re.compile(raw)
            except re.error as exc:
                raise self.fail(f"bad speaker pattern: {exc}", "pattern", "speaker") from None
            if not pattern.groupindex:
                raise self.fail(
                    "the speaker pattern has no named group such as (?P<speaker>...)",
                    "pattern",
                    "speaker",
                )
            return SpeakerRule("filename", pattern=pattern)
        return SpeakerRule()

    def period(self) -> PeriodRule:
        raw = self.data.get("period", "month")
        if isinstance(raw, dict):
            field = raw.get("field")
            if set(raw) != {"field"} or not isinstance(field, str) or not field.strip():
                raise self.fail('period table must be { field = "NAME" }', "period")
            return PeriodRule("field", field.strip())
        if raw not in PERIOD_KINDS:
            choices = ", ".join(PERIOD_KINDS)
            raise self.fail(
                f'unknown period {raw!r}; choose {choices}, or {{ field = "NAME" }}', "period"
            )
        return PeriodRule(raw)

    def choice(
        self, table: dict[str, Any], key: str, choices: tuple[str, ...], default: str, name: str
    ) -> str:
        value = table.get(key, default)
        if value not in choices:
            raise self.fail(
                f"unknown {name} {key} {value!r}; choose {', '.join(choices)}", key, name
            )
        return value

    def string(self, table: dict[str, Any], key: str, name: str) -> str | None:
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"{key!r} in [{name}] must be a string", key, name)
        return value

    def positive(self, table: dict[str, Any], key: str, default: int | None) -> int | None:
        value = table.get(key, default)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 1
        ):
            raise self.fail(
                f"{key!r} in [engine] must be a whole number of at least 1", key, "engine"
            )
        return value


_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


def find_line(text: str, key: str, table: str | None = None) -> int | None:
    """The line where ``key`` is set (inside ``[table]`` when given), for error messages."""
    setting = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
    header = re.compile(rf"^\s*\[\s*{re.escape(key)}(?:\.[^\]]*)?\s*\]")
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        m = _TABLE.match(line)
        if m:
            current = m.group(1).split(".")[0].strip()
            if table is None and header.match(line):
                return number
            continue
        if current == table and setting.match(line):
            return number
    return None
