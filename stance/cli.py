"""The ``stance`` command line: a thin layer over the library.

Exit codes: 0 all good, 1 usage error (bad option, unreadable party file, unknown speaker),
2 some inputs failed (each listed on standard error as ``error: FILE[:LINE]: reason``);
``stance run`` adds 3 (another run holds the lock) and 4 (the run itself failed: the database
or the output folder cannot be written).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import functools
import io
import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import click

from . import __version__, runner
from .analysis import Analyzer, DocumentAnalysis, SentenceResult
from .compare import Comparison, compare, corpus_from_analyses, corpus_from_store
from .compare_report import write_comparison_report
from .config import DEFAULT_NAME as DEFAULT_CONFIG
from .config import PERIOD_KINDS, PeriodRule, load_config
from .documents import MAX_DOCUMENT_BYTES, Document, iter_documents
from .engine import (
    ENGINES,
    AnalyzerConfig,
    Engine,
    EngineError,
    Rendered,
    analyze_document,
    get_engine,
    render_document,
)
from .errors import InputError, StanceError, printable
from .evaluate import FORMATS, SCHEMES
from .report.rows import CSV_COLUMNS, csv_row
from .scoring import SCORERS, available
from .scoring.stance import (
    CLASSES,
    STATE_CUE_TOTAL,
    Judgement,
    describe,
    input_from_result,
)
from .store import Problem, RunRecord, Settings, Store, StoreError, parties_fingerprint

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_INPUTS_FAILED = 2
EXIT_LOCKED = 3
EXIT_RUN_FAILED = 4


class OutputFailed(Exception):
    """An operating-system error out of a command, most often writing its output (a closed
    pipe, a full disk): raised past click, which would exit 1, a usage error, on a closed pipe
    and show a traceback for the rest."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or str(error))
        self.error = error


class StanceGroup(click.Group):
    """A click group that maps errors to stance's exit codes (usage errors are 1, not 2)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            raise OutputFailed(exc) from exc

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if sys.stdout is None:  # started with standard output closed (">&-"): nothing to show
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (open for the process's life)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else EXIT_OK
        except click.UsageError as exc:
            exc.show()
            code = EXIT_USAGE
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
        except click.Abort:
            click.echo("Aborted.", err=True)
            code = EXIT_USAGE
        except StanceError as exc:
            click.echo(f"error: {exc}", err=True)
            code = EXIT_USAGE
        except OutputFailed as exc:
            code = _output_failed(exc.error)
        if standalone_mode:
            sys.exit(code)
        return code


def _output_failed(error: OSError) -> int:
    """The exit code after an operating-system error: 0 when whoever read the output stopped
    (``stance score ... | head``), else one line and 2 (``No space left on device``)."""
    if isinstance(error, BrokenPipeError):
        # Send what is still buffered nowhere, so that exiting does not fail on it too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    where = f"{printable(str(error.filename))}: " if error.filename else "output: "
    click.echo(f"error: {where}{error.strerror or error}", err=True)
    return EXIT_INPUTS_FAILED


class Problems:
    """Collects failed inputs and warnings, prints each at once, and decides the exit code."""

    def __init__(self) -> None:
        self.failed = 0

    def error(self, error: InputError | str) -> None:
        self.failed += 1
        click.echo(f"error: {error}", err=True)

    def warn(self, message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    def exit_code(self) -> int:
        if self.failed:
            noun = "input" if self.failed == 1 else "inputs"
            click.echo(f"{self.failed} {noun} failed", err=True)
            return EXIT_INPUTS_FAILED
        return EXIT_OK


MAX_MB = 1_000_000  # a terabyte: beyond any document, and still a number a read can take


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        codec = codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r}") from None
    if not getattr(codec, "_is_text_encoding", True):  # rot13, base64, zlib ...
        raise click.BadParameter(f"{value!r} is not a text encoding")
    return value


def parties_option(func: Callable) -> Callable:
    return click.option(
        "--parties",
        "parties_file",
        type=click.Path(dir_okay=False),
        help="TOML file of parties and aliases (default: detect countries with the gazetteer).",
    )(func)


def speaker_option(func: Callable) -> Callable:
    return click.option(
        "--speaker", help="Party key whose voice 'we' is (a speech, a ministry statement)."
    )(func)


def lexicon_option(func: Callable) -> Callable:
    return click.option(
        "--lexicon",
        type=click.Path(dir_okay=False),
        help="TSV or TOML file of extra cue terms that extend or override the built-in lexicon.",
    )(func)


MAX_BYTES_KEY = "stance.max_bytes"


def _remember_max_bytes(ctx: click.Context, param: click.Parameter, value: float) -> None:
    if not 1e-6 <= value <= MAX_MB:  # also nan and inf; below one byte, nothing can be read
        raise click.BadParameter(f"{value:g} is not between 0.000001 and {MAX_MB:,}")
    ctx.meta[MAX_BYTES_KEY] = int(value * 1_000_000)


def encoding_option(func: Callable) -> Callable:
    """--encoding, and --max-mb, which :func:`read_inputs` reads from the context."""
    func = click.option(
        "--max-mb",
        type=click.FloatRange(min=0, min_open=True),
        default=MAX_DOCUMENT_BYTES / 1_000_000,
        show_default=True,
        expose_value=False,
        callback=_remember_max_bytes,
        help="Largest document to read, in MB; larger ones are reported and skipped.",
    )(func)
    return click.option(
        "--encoding",
        default="utf-8",
        show_default=True,
        callback=_check_encoding,
        help="Text encoding of the input files.",
    )(func)


def read_inputs(paths: Iterable[str], encoding: str) -> Iterator[Document | InputError]:
    """The documents of a command's PATHS, with its --encoding and --max-mb."""
    context = click.get_current_context(silent=True)
    max_bytes = context.meta.get(MAX_BYTES_KEY) if context else None
    return iter_documents(paths, encoding, max_bytes)


SCHEDULER_KEY = "stance.scheduler"


def _remember_scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    ctx.meta[SCHEDULER_KEY] = value


def engine_options(func: Callable) -> Callable:
    """--engine and --jobs (passed as ``engine_name`` and ``jobs``) and --scheduler, which
    :func:`open_engine` reads from the context so that commands need no parameter for it."""
    func = click.option(
        "--scheduler",
        metavar="ADDRESS",
        expose_value=False,
        callback=_remember_scheduler,
        help="Address of a running Dask scheduler (tcp://HOST:PORT) for --engine dask; "
        "without it the dask engine starts a local cluster.",
    )(func)
    func = click.option(
        "--jobs",
        type=click.IntRange(min=1),
        help="Worker processes (default: the CPU count; 2 for a local Dask cluster; "
        "an existing cluster given with --scheduler has its own).",
    )(func)
    return click.option(
        "--engine",
        "engine_name",
        type=click.Choice(ENGINES),
        default="auto",
        show_default=True,
        help="serial, processes, dask, or auto (serial for a handful of files, dask with "
        "--scheduler, else processes).",
    )(func)


@dataclass(frozen=True)
class AnalysisOptions:
    """The options of a command that analyses documents, gathered in one value."""

    parties_file: str | None
    speaker: str | None
    lexicon: str | None
    encoding: str
    engine_name: str
    jobs: int | None

    def config(self) -> AnalyzerConfig:
        return make_config(self.parties_file, self.lexicon, self.speaker)

    def engine(self, paths: Iterable[str]) -> Engine:
        return open_engine(self.engine_name, self.jobs, paths)


def analysis_options(func: Callable) -> Callable:
    """Add --parties, --speaker, --lexicon, --encoding, --engine and --jobs, passed to the
    command as one ``options`` value."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        names = [f.name for f in fields(AnalysisOptions)]
        options = AnalysisOptions(**{name: kwargs.pop(name) for name in names})
        return func(*args, options=options, **kwargs)

    decorated: Callable = command
    for option in (engine_options, encoding_option, lexicon_option, speaker_option):
        decorated = option(decorated)
    return parties_option(decorated)


def make_config(parties_file: str | None, lexicon: str | None, speaker: str | None):
    """The analyzer settings from command-line options, checked now: bad files or speakers
    are usage errors before any document is read."""
    config = AnalyzerConfig(parties_file, lexicon, speaker)
    config.build()
    return config


def open_engine(name: str, jobs: int | None, paths: Iterable[str]) -> Engine:
    """The engine for a command; ``auto`` counts plain files to decide."""
    context = click.get_current_context(silent=True)
    scheduler = context.meta.get(SCHEDULER_KEY) if context else None
    if scheduler and name not in ("auto", "dask"):
        raise click.UsageError(f"--scheduler needs --engine dask, not --engine {name}")
    paths = list(paths)
    few_files = all(os.path.isfile(p) and not p.endswith(".jsonl") for p in paths)
    return get_engine(name, jobs, inputs=len(paths) if few_files else None, scheduler=scheduler)


def analyses(
    config: AnalyzerConfig,
    paths: Iterable[str],
    encoding: str,
    problems: Problems,
    engine: Engine,
    render: Callable[[DocumentAnalysis], str] | None = None,
) -> Iterator[Any]:
    """Each readable input analysed in order; failures reported and skipped.

    Yields :class:`DocumentAnalysis` objects or, with ``render`` (a picklable function), the
    :class:`~stance.engine.Rendered` text that the workers made of them.
    """
    if render is None:
        task: Callable = functools.partial(analyze_document, config)
    else:
        task = functools.partial(render_document, config, render)
    for result in engine.map(task, read_inputs(paths, encoding)):
        if isinstance(result, InputError):
            problems.error(result)
            continue
        for warning in result.warnings:
            problems.warn(warning)
        yield result


@click.group(cls=StanceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="stance")
def cli() -> None:
    """Tone and convergence/divergence stance of diplomatic and political text."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@analysis_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "table"]),
    default="table",
    show_default=True,
    help="jsonl or csv for pipes, table for people.",
)
def score(paths: tuple[str, ...], options: AnalysisOptions, fmt: str) -> int:
    """Score every sentence of PATHS (files, folders, .jsonl, or - for standard input)."""
    config = options.config()
    encoding = options.encoding
    problems = Problems()
    out = sys.stdout
    with options.engine(paths) as engine:
        if fmt == "table":
            writer = TableWriter(out)
            for analysis in analyses(config, paths, encoding, problems, engine):
                writer.write(analysis)
                out.flush()
        else:
            # JSONL and CSV are written by the workers; only their text comes back.
            render = jsonl_text if fmt == "jsonl" else csv_text
            if fmt == "csv":
                csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)
            rendered: Rendered
            for rendered in analyses(config, paths, encoding, problems, engine, render):
                out.write(rendered.text)
                out.flush()
    return problems.exit_code()


def jsonl_text(analysis: DocumentAnalysis) -> str:
    """One JSON object per sentence, tagged with its document, one per line."""
    doc = analysis.document
    lines = []
    for s in analysis.sentences:
        record = {"document": doc.id, "path": doc.path, "date": analysis.metadata["date"]}
        record.update(s.to_dict())
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)


def csv_text(analysis: DocumentAnalysis) -> str:
    """One CSV row per sentence (no header); cues as ``term:effect`` joined by ``;``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(csv_row(analysis.document.id, s) for s in analysis.sentences)
    return out.getvalue()


class TableWriter:
    """An aligned table per document, sized to the terminal; control characters in the text
    are shown escaped, so a document cannot send escape sequences to the terminal."""

    def __init__(self, out: TextIO):
        self.out = out
        self.width = max(80, shutil.get_terminal_size((120, 24)).columns)

    def write(self, analysis: DocumentAnalysis) -> None:
        doc = analysis.document
        summary = analysis.summary
        date = analysis.metadata["date"] or "no date"
        parties = ", ".join(f"{p.key} ({p.mentions})" for p in analysis.parties) or "none found"
        self.out.write(f"\n{printable(doc.id)}  [{date}]  parties: {parties}\n")
        text_width = max(20, self.width - 46)
        self.out.write(f"{'#':>3}  {'label':<11} {'score':>6} {'tone':>6}  {'who':<15} text\n")
        for s in analysis.sentences:
            who = _who(s)
            text = printable(" ".join(s.text.split()))
            if len(text) > text_width:
                text = text[: text_width - 1] + "…"
            self.out.write(
                f"{s.index + 1:>3}  {s.label:<11} {s.score:>+6.2f} {s.tone:>+6.2f}  {who:<15} "
                f"{text}\n"
            )
        counts = summary["counts"]
        low, high = summary["interval"]
        self.out.write(
            f"convergence index {summary['convergence_index']:+.2f} [{low:+.2f}, {high:+.2f}]  "
            f"convergence {counts['convergence']}, neutral {counts['neutral']}, "
            f"divergence {counts['divergence']}, mean tone {summary['mean_tone']:+.2f}\n"
        )


def _who(s: SentenceResult) -> str:
    if s.source is None and s.target is None:
        return "-"
    arrow = "<->" if s.mutual else "->"
    return f"{s.source or '?'}{arrow}{s.target or '?'}"


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@parties_option
@speaker_option
@encoding_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def parties(
    paths: tuple[str, ...],
    parties_file: str | None,
    speaker: str | None,
    encoding: str,
    fmt: str,
) -> int:
    """Show the parties found in each document and how they were found."""
    config = make_config(parties_file, None, speaker)
    problems = Problems()
    for analysis in analyses(config, paths, encoding, problems, get_engine("serial")):
        if fmt == "json":
            record = {
                "document": analysis.document.id,
                "party_source": analysis.party_source,
                "dyad": list(analysis.dyad),
                "parties": [p.to_dict() for p in analysis.parties],
            }
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        source = "gazetteer" if analysis.party_source == "gazetteer" else "party file"
        dyad = " & ".join(analysis.dyad) or "none"
        click.echo(f"{analysis.document.id}  (from the {source}; dyad: {dyad})")
        if not analysis.parties:
            click.echo("  no party mentioned")
        for p in analysis.parties:
            how = ", ".join(f"{kind} {n}" for kind, n in p.found_by.items()) or "not mentioned"
            people = f"; people: {', '.join(p.people)}" if p.people else ""
            click.echo(f"  {p.key:<5} {p.name:<24} {p.mentions:>4} mentions ({how}){people}")
    return problems.exit_code()


@cli.command()
@click.argument("sentence")
@parties_option
@speaker_option
@lexicon_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def explain(
    sentence: str,
    parties_file: str | None,
    speaker: str | None,
    lexicon: str | None,
    fmt: str,
) -> int:
    """Show how one SENTENCE is scored: every scorer, the cues and rules, the attribution."""
    analyzer = make_config(parties_file, lexicon, speaker).build()
    result = analyzer.score_sentence(sentence)
    # Every scorer sees the sentence as the headline's did: its mentions and attribution.
    data = input_from_result(result, analyzer.lexicon, analyzer.parties.states)
    scorers = {name: cls().score(data) for name, cls in SCORERS.items()}
    judgement = analyzer.stance.judge(data)
    if fmt == "json":
        record = result.to_dict()
        record["scorers"] = {
            name: {"value": round(s.value, 4), "label": s.label, "details": dict(s.details)}
            for name, s in scorers.items()
        }
        record["model"] = model_record(judgement)
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return EXIT_OK
    click.echo(render_explanation(result, scorers, analyzer))
    click.echo(render_contributions(judgement, analyzer))
    return EXIT_OK


def model_record(judgement: Judgement) -> dict[str, Any]:
    """The stance model's probabilities and every contribution, for ``explain --format json``."""
    return {
        "first_party": judgement.features.first,
        "second_party": judgement.features.second,
        "probabilities": {
            name: round(p, 4)
            for name, p in zip(CLASSES, judgement.prediction.probabilities, strict=True)
        },
        "intercept": dict(zip(CLASSES[1:], judgement.model.intercept, strict=True)),
        "contributions": [
            {
                "block": c.block,
                "feature": c.feature,
                "description": describe(c),
                "value": round(c.value, 4),
                "log_odds": {
                    name: round(e, 4) for name, e in zip(CLASSES[1:], c.effects, strict=True)
                },
            }
            for c in judgement.contributions
        ],
    }


def render_contributions(judgement: Judgement, analyzer: Analyzer, limit: int = 10) -> str:
    """The model's reasons: probabilities, then the largest contributions to the log-odds
    (against neutral) of the predicted class, or of the likelier polar class."""
    prediction = judgement.prediction
    p = prediction.probabilities
    three = prediction.three
    out = io.StringIO()
    features = judgement.features
    names = analyzer.parties
    first = names.name(features.first) or "-"
    second = names.name(features.second) or "-"
    out.write(f"model (first party: {first}, second: {second})\n")
    out.write(f"  P(neutral) {three['neutral']:.2f}\n")
    for label in ("convergence", "divergence"):
        index = CLASSES.index(f"{label} first->second")
        out.write(
            f"  P({label}) {three[label]:.2f}   first->second {p[index]:.2f}, "
            f"second->first {p[index + 1]:.2f}\n"
        )
    density = judgement.score.details.get("cue_density")
    if density is not None:
        threshold = analyzer.stance.density_limits[features.first is None]
        decides = "the lexicon decides" if abs(density) >= threshold else "below"
        out.write(f"  cue density {density:+.2f} per word ({decides}: threshold {threshold:.2f})\n")
    evidence = judgement.score.details.get("state_cues")
    if evidence is not None:
        decides = "the lexicon decides" if abs(evidence) >= STATE_CUE_TOTAL else "below"
        out.write(
            f"  cues between states {evidence:+.2f} ({decides}: threshold {STATE_CUE_TOTAL:.2f})\n"
        )
    best = prediction.best or max(range(1, len(CLASSES)), key=lambda i: p[i])
    column = best - 1
    out.write(f"  log-odds of {CLASSES[best]} against neutral, largest contributions:\n")
    ranked = sorted(judgement.contributions, key=lambda c: -abs(c.effects[column]))
    for c in ranked[:limit]:
        value = "" if c.block != "dense" else f" = {c.value:+.2f}"
        out.write(f"    {(describe(c) + value)[:56]:<56} {c.effects[column]:+7.2f}\n")
    rest = sum(c.effects[column] for c in ranked[limit:])
    intercept = judgement.model.intercept[column]
    out.write(f"    {f'{len(ranked[limit:])} smaller contributions':<56} {rest:+7.2f}\n")
    out.write(f"    {'intercept':<56} {intercept:+7.2f}\n")
    total = intercept + sum(c.effects[column] for c in ranked)
    out.write(f"    {'total':<56} {total:+7.2f}\n")
    return out.getvalue()


def render_explanation(result: SentenceResult, scorers: dict, analyzer: Analyzer) -> str:
    """The readable layout of ``stance explain``."""
    out = io.StringIO()
    out.write(f"sentence: {printable(result.text)}\n\nscorers\n")
    for name, s in scorers.items():
        details = ", ".join(f"{k} {v:+.2f}" for k, v in s.details.items())
        out.write(f"  {name:<9} {s.value:+.3f}  {s.label:<11}  {details}\n")
    out.write(f"\nstance: {result.label} ({result.score:+.3f})\n")
    if not result.cues:
        out.write("  no cue: tone alone does not make a stance\n")
    for cue in result.cues:
        rules = "; ".join(cue.modifiers) or "-"
        out.write(
            f"  {cue.text!r:<24} {cue.weight:+5.1f} {cue.category:<22} -> {cue.effect:+5.1f}"
            f"   rules: {rules}\n"
        )
    out.write("\nattribution\n")
    names = analyzer.parties
    if result.source or result.target:
        arrow = "<->" if result.mutual else "->"
        out.write(
            f"  {names.name(result.source) or '?'} {arrow} {names.name(result.target) or '?'}"
            f"  (rule: {result.via}{', mutual' if result.mutual else ''})\n"
        )
    else:
        out.write("  no party in the sentence\n")
    for m in result.mentions:
        out.write(f"  mention {m.text!r} -> {m.key} ({m.kind})\n")
    return out.getvalue()


def example_paths() -> list[Path]:
    """The example documents shipped inside the package (written for stance)."""
    folder = Path(str(resources.files("stance").joinpath("examples")))
    return sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".jsonl"))


@cli.command()
@click.option("--path", "show_path", is_flag=True, help="Print only the paths, one per line.")
def examples(show_path: bool) -> int:
    """List the bundled example documents."""
    for path in example_paths():
        click.echo(str(path) if show_path else f"{path.name:<32} {path}")
    return EXIT_OK


def out_option(func: Callable) -> Callable:
    return click.option(
        "--out",
        default="reports",
        show_default=True,
        help="Folder for the reports: one subfolder per document and an index.html.",
    )(func)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@analysis_options
@out_option
@click.option(
    "--format",
    "fmt",
    default="html,png,json,csv",
    show_default=True,
    help="Comma-separated files to write: html, png, svg, pdf, json, csv.",
)
def report(paths: tuple[str, ...], options: AnalysisOptions, out: str, fmt: str) -> int:
    """Write a report for each document of PATHS: charts, an HTML page, JSON and CSV.

    Each document gets a folder under --out; OUT/index.html lists every report there.
    An output folder that cannot be written is a usage error (exit code 1).
    """
    from .report.writer import parse_formats

    try:
        formats = parse_formats(fmt)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--format'") from None
    problems = Problems()
    entries, index = write_reports(
        options.config(),
        paths,
        options.encoding,
        out,
        formats,
        problems,
        options.engine_name,
        options.jobs,
    )
    noun = "report" if len(entries) == 1 else "reports"
    click.echo(f"{len(entries)} {noun} written; index: {index}")
    return problems.exit_code()


def write_reports(
    config: AnalyzerConfig,
    paths: Iterable[str],
    encoding: str,
    out: str,
    formats: tuple[str, ...],
    problems: Problems,
    engine_name: str = "auto",
    jobs: int | None = None,
) -> tuple[list[dict], Path]:
    """Write the reports of ``paths`` into ``out`` with a progress bar on a terminal;
    returns the index entries written and the index's path."""
    from .report.writer import ReportSettings, prepare_output, report_all, write_index

    paths = list(paths)
    folder = prepare_output(out)
    settings = ReportSettings(config, str(folder.resolve()), formats)
    entries = []
    written: set[str] = set()
    with open_engine(engine_name, jobs, paths) as engine:
        results = report_all(settings, read_inputs(paths, encoding), engine)
        with progress(results, len(paths) if all(_is_text_file(p) for p in paths) else None) as bar:
            for result in bar:
                if isinstance(result, InputError):
                    problems.error(result)
                    continue
                for warning in result.warnings:
                    problems.warn(warning)
                if result.entry["folder"] in written:
                    # The same file named twice (or in a folder and alone): one report.
                    again = f"{printable(result.entry['id'])} ({result.entry['folder']})"
                    problems.warn(f"{again}: the same document given again, reported once")
                    continue
                written.add(result.entry["folder"])
                entries.append(result.entry)
    try:
        index = write_index(folder)
    except OSError as exc:
        index = folder / "index.html"
        problems.error(f"{index}: cannot write the index: {exc.strerror or exc}")
    return entries, index


def progress(items: Iterable, length: int | None) -> Any:
    """A progress bar on standard error when it is a terminal; nothing in pipes and cron."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(items)
    return click.progressbar(
        items, length=length, label="writing reports", file=sys.stderr, show_pos=True
    )


def _is_text_file(path: str) -> bool:
    """A plain text file holds one document (a folder or a .jsonl file may hold many)."""
    return os.path.isfile(path) and not path.endswith((".jsonl", ".ndjson"))


@cli.command()
@out_option
def demo(out: str) -> int:
    """Write reports for the bundled example documents and say where their index is."""
    from .report.writer import DEFAULT_FORMATS

    problems = Problems()
    paths = [str(p) for p in example_paths()]
    entries, index = write_reports(
        make_config(None, None, None), paths, "utf-8", out, DEFAULT_FORMATS, problems
    )
    for entry in entries:
        low, high = entry["interval"]
        click.echo(
            f"{entry['id']:<26} convergence index {entry['convergence_index']:+.2f} "
            f"[{low:+.2f}, {high:+.2f}]  {Path(out) / entry['folder']}"
        )
    click.echo(f"open {index}")
    return problems.exit_code()


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--text-col",
    required=True,
    help="Column of the sentence: a header name, or a 0-based index with --no-header.",
)
@click.option("--label-col", required=True, help="Column of the gold label.")
@click.option("--party-a-col", help="Column naming party A (the label's direction refers to it).")
@click.option("--party-b-col", help="Column naming party B.")
@click.option("--no-header", is_flag=True, help="The file has no header row: columns are indexes.")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="csv, tsv or jsonl (default: by suffix)."
)
@click.option(
    "--labels",
    "scheme",
    type=click.Choice(list(SCHEMES)),
    default="names",
    show_default=True,
    help="How labels are written: names (convergence, divergence a->b, neutral), directed5 "
    "(the directed-sentiment benchmark's 0-4), signed (-1, 0, 1).",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="RAW=LABEL",
    help="Map a raw label to a name, e.g. --map pos=convergence --map '3=divergence a->b' "
    "(repeatable; not with --labels).",
)
@click.option(
    "--strip-brackets",
    is_flag=True,
    help="Entities are marked [like this]: remove the brackets and complete cut names.",
)
@click.option(
    "--scorer",
    type=click.Choice(list(SCORERS)),
    default="stance",
    show_default=True,
    help="Scorer to evaluate; a tone scorer labels positive as convergence (+-0.05 band).",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False),
    help="Folder for confusion-matrix charts, the worst errors and metrics.json.",
)
@parties_option
@encoding_option
def evaluate(
    path: str,
    text_col: str,
    label_col: str,
    party_a_col: str | None,
    party_b_col: str | None,
    no_header: bool,
    fmt: str | None,
    scheme: str,
    mapping: tuple[str, ...],
    strip_brackets: bool,
    scorer: str,
    report_dir: str | None,
    parties_file: str | None,
    encoding: str,
) -> int:
    """Compare the scorer with the hand-coded labels of PATH (CSV, TSV or JSONL).

    Prints precision, recall and F1 per class, macro-F1 and the confusion matrix, for three
    classes and, when the labels carry a direction and both party columns are given, for
    five (convergence and divergence, each a->b or b->a). Rows without text or with an
    unknown label are reported with their line and skipped (exit code 2).
    """
    from . import evaluate as ev

    if (party_a_col is None) != (party_b_col is None):
        raise click.UsageError("give both --party-a-col and --party-b-col, or neither")
    columns = ev.Columns(text_col, label_col, party_a_col, party_b_col)
    if no_header:
        for option, value in (
            ("--text-col", text_col),
            ("--label-col", label_col),
            ("--party-a-col", party_a_col),
            ("--party-b-col", party_b_col),
        ):
            if value is not None and not value.isdigit():
                raise click.UsageError(f"{option} must be a 0-based column index with --no-header")
    explicit = click.get_current_context().get_parameter_source("scheme")
    if mapping and explicit is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("give --map or --labels, not both")
    try:
        labels = ev.label_mapping(mapping) if mapping else ev.SCHEMES[scheme]
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if report_dir:
        ev.check_report_folder(report_dir)
    party_set = make_config(parties_file, None, None).build().party_set if parties_file else None
    problems = Problems()
    examples, bad_rows = ev.read_examples(
        path, columns, labels, fmt, not no_header, strip_brackets, encoding
    )
    for bad in bad_rows:
        problems.error(bad)
    if not examples:
        problems.error(InputError(path, "no usable labelled sentence"))
        return problems.exit_code()
    outcomes = ev.score_examples(examples, scorer, party_set)
    result = ev.evaluate(outcomes, columns.has_parties)
    click.echo(f"{path}: {len(examples)} sentences scored by {scorer}, {len(bad_rows)} skipped")
    click.echo(ev.format_report(result.three, "\n3 classes"))
    if result.five:
        click.echo(ev.format_report(result.five, "\n5 classes (with direction)"))
    if report_dir:
        for written in ev.write_report(result, report_dir):
            click.echo(f"wrote {written}")
    return problems.exit_code()


@cli.command()
def scorers() -> int:
    """List the available scorers."""
    for name, description in available().items():
        click.echo(f"{name:<10} {description}")
    return EXIT_OK


# scheduled runs and history --------------------------------------------------------------


def config_option(func: Callable) -> Callable:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        default=DEFAULT_CONFIG,
        show_default=True,
        help="The run config (TOML): inputs, parties, period, output, database, engine.",
    )(func)


@cli.command("run")
@config_option
@click.option("--quiet", is_flag=True, help="Do not print warnings; errors and the summary only.")
def run_command(config_path: str, quiet: bool) -> int:
    """Analyse new and changed documents, store them, and write the comparison report.

    Exit codes: 0 done, 1 bad config, 2 some inputs failed (the run still completed),
    3 another run holds the lock, 4 the run failed (database or output not writable).
    """
    config = load_config(config_path)

    def show(problem: Problem) -> None:
        if problem.level == "error" or not quiet:
            click.echo(f"{problem.level}: {problem}", err=True)

    try:
        outcome = runner.run(config, show)
    except runner.RunLocked as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_LOCKED
    except (StoreError, EngineError, sqlite3.Error) as exc:
        click.echo(f"error: the run failed: {exc}", err=True)
        return EXIT_RUN_FAILED
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"error: the run failed: {where}{exc.strerror or exc}", err=True)
        return EXIT_RUN_FAILED
    click.echo(outcome.summary())
    if outcome.comparison_path:
        click.echo(f"comparison report: {outcome.comparison_path}")
    return EXIT_INPUTS_FAILED if outcome.errors else EXIT_OK


def open_history(config_path: str, db: str | None) -> Store:
    """The history database named by ``--db``, else by the config, opened read-only: the
    reading commands must not change it (nor migrate it), and must work beside a run."""
    path = Path(db) if db else load_config(config_path).database
    return Store(path, readonly=True)


@cli.command()
@config_option
@click.option("--db", type=click.Path(dir_okay=False), help="The database (default: the config's).")
@click.option("--run", "run_id", type=int, help="Show one run and the problems met in it.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def history(config_path: str, db: str | None, run_id: int | None, limit: int, fmt: str) -> int:
    """List past runs and their outcomes, the latest first."""
    with open_history(config_path, db) as store:
        if run_id is not None:
            record = store.run(run_id)
            if record is None:
                raise InputError(str(store.path), f"no run {run_id}")
            problems = store.run_problems(run_id)
            if fmt == "json":
                data = record.to_dict()
                data["problems"] = [vars(p) for p in problems]
                click.echo(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                click.echo(render_run(record, problems))
            return EXIT_OK
        records = store.runs(limit)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=2))
    elif not records:
        click.echo("no runs yet")
    else:
        click.echo(render_runs(records))
    return EXIT_OK


HISTORY_COLUMNS = ("new", "changed", "rescored", "skipped", "failed", "sentences")


def render_runs(records: Iterable[RunRecord]) -> str:
    """The table of ``stance history``."""
    counts = "".join(f" {name:>9}" for name in HISTORY_COLUMNS)
    lines = [f"{'run':>5}  {'started (UTC)':<25} {'took':>7}  {'status':<13}{counts} {'shifts':>6}"]
    for r in records:
        took = _duration(r.started_at, r.ended_at)
        values = "".join(f" {r.counts[name]:>9}" for name in HISTORY_COLUMNS)
        shifts = "-" if r.shifts is None else str(r.shifts)
        lines.append(f"{r.id:>5}  {r.started_at:<25} {took:>7}  {r.status:<13}{values} {shifts:>6}")
    return "\n".join(lines)


def render_run(record: RunRecord, problems: list[Problem]) -> str:
    """One run in detail, with every problem recorded against it."""
    out = io.StringIO()
    out.write(f"run {record.id}: {record.status}\n")
    out.write(f"  started   {record.started_at}\n  ended     {record.ended_at or '-'}\n")
    out.write(f"  config    {record.config or '-'}\n  pid       {record.pid or '-'}\n")
    for name in HISTORY_COLUMNS:
        out.write(f"  {name:<9} {record.counts[name]}\n")
    out.write(f"  shifts    {'-' if record.shifts is None else record.shifts}\n")
    if record.comparison:
        out.write(f"  report    {record.comparison}\n")
    if record.message:
        out.write(f"  message   {record.message}\n")
    errors = [p for p in problems if p.level == "error"]
    out.write(f"{len(errors)} errors, {len(problems) - len(errors)} warnings\n")
    for p in problems:
        out.write(f"  {p.level}: {p}\n")
    return out.getvalue().rstrip("\n")


def _duration(start: str, end: str | None) -> str:
    if not end:
        return "-"
    seconds = (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()
    return f"{seconds:.0f}s" if seconds < 600 else f"{seconds / 60:.0f}m"


@cli.command("compare")
@click.argument("first")
@click.argument("second")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Compare two periods of this config's history database (FIRST and SECOND are periods).",
)
@click.option(
    "--by",
    type=click.Choice(PERIOD_KINDS),
    help="With --config: group by this period instead of the config's.",
)
@analysis_options
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default="comparison",
    show_default=True,
    help="Folder of the comparison report (replaced as a whole).",
)
def compare_command(
    first: str,
    second: str,
    config_path: str | None,
    by: str | None,
    out: str,
    options: AnalysisOptions,
) -> int:
    """Compare two folders, two documents, or (with --config) two periods of the history.

    The change from FIRST to SECOND is tested as in scheduled runs, with the same charts.
    """
    problems = Problems()
    folder = Path(out)
    _check_compare_options(click.get_current_context(), bool(config_path))
    if config_path:
        if first == second:
            raise StanceError(f"FIRST and SECOND are the same period: {printable(first)}")
        comparison = compare_periods(config_path, by, folder, first, second)
    else:
        if Path(first).resolve() == Path(second).resolve():
            raise StanceError(f"FIRST and SECOND are the same path: {printable(first)}")
        config = options.config()
        labelled = []
        with options.engine([first, second]) as engine:
            for label in (first, second):
                found = list(analyses(config, [label], options.encoding, problems, engine))
                if not found:
                    raise InputError(label, "no document could be analysed here")
                labelled += [(label, a) for a in found]
        known = config.build().parties if options.parties_file else None
        names = {p.key: p.name for p in known} if known else {}
        order = {first: 0, second: 1}
        comparison = compare(
            corpus_from_analyses(labelled),
            order.__getitem__,
            known.keys() if known else (),
            names,
            "input",
        )
    path = write_comparison_report(comparison, folder, f"{second} against {first}")
    click.echo(render_comparison(comparison))
    click.echo(f"comparison report: {path}")
    return problems.exit_code()


PERIOD_COMPARE_OPTIONS = ("config_path", "by", "out")
GIVEN = (click.core.ParameterSource.COMMANDLINE, click.core.ParameterSource.ENVIRONMENT)


def _check_compare_options(ctx: click.Context, periods: bool) -> None:
    """Refuse an option given that the form of ``compare`` would ignore: with --config the
    config sets the parties, lexicon, encoding and engine; --by only groups the history."""
    for param in ctx.command.params:
        if (
            not isinstance(param, click.Option)
            or ctx.get_parameter_source(param.name or "") not in GIVEN
        ):
            continue
        flag = param.opts[0]
        if periods and param.name not in PERIOD_COMPARE_OPTIONS:
            raise StanceError(f"{flag} does not apply with --config: the config sets it")
        if not periods and param.name == "by":
            raise StanceError(f"{flag} applies only with --config (periods of the history)")


def compare_periods(
    config_path: str, by: str | None, folder: Path, first: str, second: str
) -> Comparison:
    """The comparison of two periods of a config's history database."""
    config = load_config(config_path)
    rule = PeriodRule(by) if by else config.period
    analyzer = config.analyzer.build()
    settings = Settings(analyzer.version, parties_fingerprint(analyzer.party_set))

    def link(report: str | None) -> str | None:
        if not report:
            return None
        target = Path(os.path.relpath(config.output / report, folder.resolve())).as_posix()
        return f"{quote(target)}/{runner.REPORT_PAGE}"

    with open_history(config_path, None) as store:
        corpus = corpus_from_store(store, settings, rule, link)
        known = sorted({d.period for d in corpus.documents}, key=rule.sort_key)
        for period in (first, second):
            if period not in known:
                shown = ", ".join(known[-12:]) or "none"
                raise InputError(
                    str(store.path), f"no documents in period {period!r} (latest: {shown})"
                )
        names = {p.key: p.name for p in analyzer.parties} if config.parties else {}
        order = {first: 0, second: 1}
        return compare(
            corpus.select((first, second)),
            order.__getitem__,
            config.parties_order,
            names,
            rule.label,
        )


def render_comparison(comparison: Comparison) -> str:
    """One line per group: the latest change, its interval, and whether it is a shift."""
    lines = []
    latest, previous = comparison.latest, comparison.previous
    for group in comparison.groups:
        point = group.latest
        change = point.index_change
        head = f"{group.title:<40} index"
        if point.index is None:
            lines.append(f"{group.title:<40} no sentences in {latest}")
            continue
        if change is None:
            lines.append(f"{head} {point.index:+.2f} in {latest} (nothing to compare)")
            continue
        before = point.index - change.delta
        verdict = f"SHIFT {change.direction}" if change.shift else change.note
        interval = (
            f"[{change.interval[0]:+.2f}, {change.interval[1]:+.2f}]" if change.interval else ""
        )
        lines.append(
            f"{head} {previous} {before:+.2f} -> {latest} {point.index:+.2f}  "
            f"change {change.delta:+.2f} {interval}  {verdict}"
        )
    return "\n".join(lines)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="stance")
