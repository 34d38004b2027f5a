"""Validate the scorer on hand-coded sentences: read a labelled file, score, compare.

A labelled file is CSV, TSV or JSONL with one sentence per row, its label and optionally the
two parties the label is about (party A and party B). Labels are read by a scheme:

* ``names``: ``convergence``, ``divergence``, ``neutral``; a polar label may carry its
  direction, ``convergence a->b`` (party A is the source) or ``divergence b->a``;
* ``directed5``: the directed-sentiment benchmark's numbers, 0 neutral, 1 A positive toward
  B, 2 B positive toward A, 3 A negative toward B, 4 B negative toward A;
* ``signed``: -1 divergence, 0 neutral, 1 convergence;

or by an explicit mapping (``pos=convergence``, ``3=divergence a->b``). Rows with no text, an
unknown label or an unusable party are reported with their line and skipped.

The predicted direction is the result's source (for the stance scorer, the model's own
direction when the sentence names both parties): party A as source is ``a->b``, party B is
``b->a``; a mutual statement or one without a source takes the first-mentioned party as the
source. Tone baselines take the source from attribution alone.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .analysis import SentenceResult
from .errors import InputError, printable
from .parties import Mention
from .scoring import get_scorer
from .scoring.base import SentenceInput, polarity_label
from .scoring.tone import TONE_THRESHOLD
from .textmatch import normalise

LABELS3 = ("neutral", "convergence", "divergence")
DIRECTIONS = ("a->b", "b->a")
LABELS5 = ("neutral", *(f"{label} {d}" for label in LABELS3[1:] for d in DIRECTIONS))
FORMATS = ("csv", "tsv", "jsonl")
PARTY_A, PARTY_B = "A", "B"
_DIRECTED5 = {
    "0": ("neutral", None),
    "1": ("convergence", "a->b"),
    "2": ("convergence", "b->a"),
    "3": ("divergence", "a->b"),
    "4": ("divergence", "b->a"),
}
_SIGNED = {"-1": ("divergence", None), "0": ("neutral", None), "1": ("convergence", None)}
_NAMED = re.compile(
    r"\s*(neutral|convergence|divergence)(?:\s*[:(]?\s*([ab])\s*->\s*([ab])\s*\)?)?\s*",
    re.IGNORECASE,
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Gold = tuple[str, str | None]


def parse_named(raw: str) -> Gold | None:
    """``convergence``, ``divergence a->b`` ... as (label, direction); None if not a label."""
    m = _NAMED.fullmatch(raw)
    if not m:
        return None
    label = m.group(1).lower()
    if m.group(2) is None:
        return label, None
    source, target = m.group(2).lower(), m.group(3).lower()
    if label == "neutral" or source == target:
        return None
    return label, f"{source}->{target}"


SCHEMES: dict[str, Callable[[str], Gold | None]] = {
    "names": parse_named,
    "directed5": lambda raw: _DIRECTED5.get(raw.strip()),
    "signed": lambda raw: _SIGNED.get(raw.strip().lstrip("+")),
}


def label_mapping(pairs: Iterable[str]) -> Callable[[str], Gold | None]:
    """A scheme from ``RAW=LABEL`` pairs, LABEL in the ``names`` form; ValueError if bad."""
    table: dict[str, Gold] = {}
    for pair in pairs:
        raw, sep, label = pair.partition("=")
        gold = parse_named(label) if sep else None
        if gold is None:
            raise ValueError(
                f"bad label mapping {pair!r}: expected RAW=LABEL with LABEL one of "
                "neutral, convergence, divergence (optionally 'a->b' or 'b->a')"
            )
        if not raw.strip():
            raise ValueError(f"bad label mapping {pair!r}: the raw label before '=' is empty")
        if table.setdefault(raw.strip(), gold) != gold:
            raise ValueError(f"label {raw.strip()!r} is mapped twice, to different labels")
    return lambda raw: table.get(raw.strip())


@dataclass(frozen=True)
class Columns:
    """Where the text, label and parties are: header names, or 0-based indexes."""

    text: str
    label: str
    party_a: str | None = None
    party_b: str | None = None

    @property
    def has_parties(self) -> bool:
        return self.party_a is not None and self.party_b is not None


@dataclass
class Example:
    """One labelled sentence, ready to score."""

    line: int
    text: str
    label: str
    direction: str | None = None
    party_a: str | None = None
    party_b: str | None = None


@dataclass
class Outcome:
    """An example with what the scorer said about it."""

    example: Example
    label: str
    score: float
    direction: str | None
    result: SentenceResult


def read_examples(
    path: str | Path,
    columns: Columns,
    scheme: Callable[[str], Gold | None],
    fmt: str | None = None,
    header: bool = True,
    strip_brackets: bool = False,
    encoding: str = "utf-8",
) -> tuple[list[Example], list[InputError]]:
    """The usable examples of a labelled file and an error for every row skipped."""
    name = str(path)
    fmt = fmt or guess_format(name)
    try:
        text = Path(path).read_text(encoding=encoding)
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(name, f"cannot read: {exc}") from None
    text = text.removeprefix("\ufeff")
    header_line, names, rows = _table(text, fmt, header, name)
    _check_columns(name, columns, header_line, names, rows)
    examples: list[Example] = []
    problems: list[InputError] = []
    for line, row in rows:
        try:
            examples.append(_example(row, line, columns, scheme, strip_brackets))
        except ValueError as exc:
            problems.append(InputError(name, str(exc), line))
    return examples, problems


def read_directed_benchmark(path: str | Path) -> tuple[list[Example], list[InputError]]:
    """The directed-sentiment benchmark as it is: TSV without header, sentence, entity 1,
    entity 2, label 0-4, entities in brackets."""
    columns = Columns(text="0", label="3", party_a="1", party_b="2")
    return read_examples(
        path, columns, SCHEMES["directed5"], fmt="tsv", header=False, strip_brackets=True
    )


def guess_format(name: str) -> str:
    """The format from the file name: .tsv/.tab, .jsonl/.ndjson, else CSV."""
    suffix = Path(name).suffix.lower()
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    return "csv"


Row = Mapping[str, Any] | list[str]


def _lines(text: str) -> list[str]:
    """The lines of a file, ended only by \\n, \\r\\n or \\r (as ``open(newline="")`` reads
    them): ``str.splitlines`` would also cut at U+2028, form feeds and the like inside a
    sentence, and shift every later line number."""
    return io.StringIO(text, newline="").readlines()


def _table(
    text: str, fmt: str, header: bool, name: str
) -> tuple[int, list[str] | None, list[tuple[int, Row]]]:
    """The header's line and names (None without a header) and each row with its line."""
    rows: list[tuple[int, Row]] = []
    if fmt == "jsonl":
        for line, raw in enumerate(_lines(text), 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as exc:
                rows.append((line, {"__error__": f"not valid JSON: {exc.msg}"}))
                continue
            rows.append(
                (line, record if isinstance(record, dict) else {"__error__": "not an object"})
            )
        return 0, None, rows
    if fmt == "tsv":
        reader = csv.reader(_lines(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(_lines(text), delimiter=",", quoting=csv.QUOTE_MINIMAL)
    names: list[str] | None = None
    header_line = 0
    line = 1
    for row in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if header and names is None:
            header_line, names = start, [cell.strip() for cell in row]
            continue
        rows.append((start, dict(zip(names, row, strict=False)) if names is not None else row))
    if header and names is None:
        raise InputError(name, "empty file: no header row")
    return header_line, names, rows


def _has(row: Mapping[str, Any] | list[str], column: str) -> bool:
    """Whether a header name (or key) or 0-based index names a cell of ``row``."""
    if isinstance(row, Mapping) and column in row:
        return True
    return column.isdigit() and int(column) < len(row)


def _check_columns(
    name: str,
    columns: Columns,
    header_line: int,
    names: list[str] | None,
    rows: list[tuple[int, Row]],
) -> None:
    """An InputError for a column the file does not have, before any row is read: a wrong
    ``--label-col`` is one mistake, not one per row. A JSONL field counts as present if any
    record has it; without a header, the first row's width decides."""
    wanted = [columns.text, columns.label, columns.party_a, columns.party_b]
    if names is not None:
        for column in filter(None, wanted):
            if column not in names and not _has(names, column):
                listed = printable(", ".join(names))
                hint = "; it looks tab-separated: --format tsv" if "\\t" in listed else ""
                raise InputError(
                    name, f"no column {column!r} (columns: {listed}){hint}", header_line
                )
        return
    usable = [(line, row) for line, row in rows if not _failed(row)]
    if not usable:
        return
    first_line, first = usable[0]
    if isinstance(first, list):
        for column in filter(None, wanted):
            if not _has(first, column):
                raise InputError(
                    name, f"no column {column} (the first row has {len(first)} columns)", first_line
                )
        return
    for column in filter(None, wanted):
        if not any(_has(row, column) for _, row in usable):
            fields = list(dict.fromkeys(key for _, row in usable for key in row))
            listed = ", ".join(fields[:12]) + (", ..." if len(fields) > 12 else "")
            raise InputError(
                name, f"no field {column!r} in any record (fields: {listed})", first_line
            )


_JSON_TYPES = {dict: "an object", list: "an array", bool: "true or false"}


def _failed(row: Row) -> bool:
    """A JSONL line that could not be read as an object (reported by :func:`_example`)."""
    return isinstance(row, Mapping) and "__error__" in row


def _cell(row: Row, column: str | None) -> Any:
    """A cell by header name (or key), or by 0-based index: a string from CSV and TSV, any
    JSON value from JSONL; None if the row has no such cell."""
    if column is None:
        return None
    if isinstance(row, Mapping):
        if column in row:
            return row[column]
        return list(row.values())[int(column)] if _has(row, column) else None
    index = int(column)
    return row[index] if index < len(row) else None


def _string(value: Any, what: str, numbers: bool = False) -> str | None:
    """A cell as text; ValueError for a JSON value that is not text (nor, for a label, a
    number): ``["a list"]`` scored as the string "['a list']" would be a silent mistake."""
    if value is None or isinstance(value, str):
        return value
    if numbers and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    kind = _JSON_TYPES.get(type(value), "a number")
    expected = "a string or a number" if numbers else "a string"
    raise ValueError(f"{what} must be {expected}, not {kind}")


def _example(
    row: Row,
    line: int,
    columns: Columns,
    scheme: Callable[[str], Gold | None],
    strip_brackets: bool,
) -> Example:
    if isinstance(row, Mapping) and "__error__" in row:
        raise ValueError(str(row["__error__"]))
    text = (_string(_cell(row, columns.text), "text") or "").strip()
    if not text:
        raise ValueError("no text")
    raw_label = _string(_cell(row, columns.label), "label", numbers=True)
    if raw_label is None or not raw_label.strip():
        raise ValueError("no label")
    gold = scheme(raw_label)
    if gold is None:
        raise ValueError(f"unknown label {raw_label.strip()!r}")
    party_a = _string(_cell(row, columns.party_a), "party A")
    party_b = _string(_cell(row, columns.party_b), "party B")
    named = [name for name in (party_a, party_b) if name and name.strip()]
    # One party is enough ("We welcome India's offer": the speaker is the other); a label
    # with a direction needs both.
    if columns.has_parties and (not named or (gold[1] and len(named) < 2)):
        raise ValueError("missing party name")
    if strip_brackets:
        text, party_a, party_b = strip_entity_brackets(text, party_a, party_b)
    return Example(line, text, gold[0], gold[1], _clean(party_a), _clean(party_b))


def _clean(name: str | None) -> str | None:
    return " ".join(name.split()) if name else None


def strip_entity_brackets(text: str, *entities: str | None) -> tuple[str, str | None, str | None]:
    """Remove the ``[...]`` that mark entities, and complete a name cut inside them.

    The directed-sentiment benchmark brackets entities and sometimes cuts the name short
    ("[Los Angele]s", "[Congre]ss"): the letters glued after the bracket belong to it.
    """
    completed: list[str | None] = []
    for entity in entities:
        if not entity:
            completed.append(entity)
            continue
        m = re.search(re.escape(f"[{entity}]") + r"([^\W_]*)", text)
        completed.append(entity + m.group(1) if m else entity)
    for entity in entities:
        if entity:
            text = text.replace(f"[{entity}]", entity)
    text = text.replace("[", "").replace("]", "")
    return text, completed[0], completed[1] if len(completed) > 1 else None


def usable_party(name: str | None) -> bool:
    """A party name the matcher can look for: two letters or digits at least."""
    return bool(name) and len(normalise(name or "")) >= 2


# scoring -----------------------------------------------------------------------------------


def score_examples(
    examples: Iterable[Example],
    scorer: str = "stance",
    parties: Any = None,
) -> Iterator[Outcome]:
    """Each example scored through :func:`stance.score_sentence`; with ``scorer`` other than
    ``stance`` the label comes from that tone scorer (positive = convergence) and the
    direction from attribution alone (the stance model's direction is not lent to it)."""
    from . import score_sentence
    from .analysis import Analyzer

    tone_scorer = None if scorer == "stance" else get_scorer(scorer)
    for example in examples:
        own = {
            key: [name]
            for key, name in ((PARTY_A, example.party_a), (PARTY_B, example.party_b))
            if usable_party(name)
        }
        result = score_sentence(example.text, parties=own or parties)
        if tone_scorer is None:
            direction = predicted_direction(result, result.label)
            yield Outcome(example, result.label, result.score, direction, result)
            continue
        mentions, attribution = Analyzer(own or parties).sentence_parts(example.text)
        value = tone_scorer.score(SentenceInput(example.text, _lexicon())).value
        label = polarity_label(value, TONE_THRESHOLD, "convergence", "divergence")
        attributed = dataclasses.replace(
            result,
            source=attribution.source,
            target=attribution.target,
            mutual=attribution.mutual,
            mentions=tuple(mentions),
        )
        yield Outcome(example, label, value, predicted_direction(attributed, label), attributed)


def _lexicon():
    from .scoring import CueLexicon

    return CueLexicon.builtin()


class Stated(Protocol):
    """What :func:`predicted_direction` reads of a sentence result."""

    @property
    def mutual(self) -> bool: ...

    @property
    def source(self) -> str | None: ...

    @property
    def mentions(self) -> tuple[Mention, ...]: ...


def predicted_direction(result: Stated, label: str) -> str | None:
    """``a->b`` or ``b->a`` from the source of a polar label. Without a source (or for a
    mutual statement) the first-mentioned of the two parties is the source: a target alone
    is weak evidence of who holds the view."""
    if label == "neutral":
        return None
    if not result.mutual and result.source in (PARTY_A, PARTY_B):
        return "a->b" if result.source == PARTY_A else "b->a"
    for mention in result.mentions:
        if mention.key in (PARTY_A, PARTY_B) and mention.kind != "venue":
            return "a->b" if mention.key == PARTY_A else "b->a"
    return "a->b"


# metrics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassScore:
    """Scores of one class; None for a class neither in the gold labels nor predicted, which
    has nothing to score (0 would pull macro-F1 down for a class the file does not have)."""

    label: str
    precision: float | None
    recall: float | None
    f1: float | None
    support: int


@dataclass
class Report:
    """Per-class scores, macro-F1, accuracy and the confusion matrix (rows: gold)."""

    labels: tuple[str, ...]
    matrix: list[list[int]]
    classes: list[ClassScore] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        """The mean F1 of the classes in the gold labels or the predictions (scikit-learn's
        ``f1_score(average="macro")`` without ``labels``)."""
        scored = [c.f1 for c in self.classes if c.f1 is not None]
        return sum(scored) / len(scored) if scored else 0.0

    @property
    def accuracy(self) -> float:
        total = sum(map(sum, self.matrix))
        return sum(self.matrix[i][i] for i in range(len(self.labels))) / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "classes": [
                {
                    "label": c.label,
                    "precision": _rounded(c.precision),
                    "recall": _rounded(c.recall),
                    "f1": _rounded(c.f1),
                    "support": c.support,
                }
                for c in self.classes
            ],
            "confusion": self.matrix,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def report(gold: list[str], predicted: list[str], labels: tuple[str, ...]) -> Report:
    """Precision, recall and F1 per class and the confusion matrix."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    classes = []
    for i, label in enumerate(labels):
        tp = matrix[i][i]
        predicted_n = sum(row[i] for row in matrix)
        support = sum(matrix[i])
        if not support and not predicted_n:
            classes.append(ClassScore(label, None, None, None, 0))
            continue
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        classes.append(ClassScore(label, precision, recall, f1, support))
    return Report(labels, matrix, classes)


def directed(label: str, direction: str | None) -> str:
    """The five-class name of a label and direction ("convergence a->b")."""
    return label if label == "neutral" or direction is None else f"{label} {direction}"


@dataclass
class Evaluation:
    """Everything ``stance evaluate`` reports."""

    outcomes: list[Outcome]
    three: Report
    five: Report | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": len(self.outcomes),
            "three_class": self.three.to_dict(),
            "five_class": self.five.to_dict() if self.five else None,
        }


def evaluate(outcomes: Iterable[Outcome], with_direction: bool) -> Evaluation:
    """The 3-class report, and the 5-class one when every polar gold label has a direction."""
    done = list(outcomes)
    three = report([o.example.label for o in done], [o.label for o in done], LABELS3)
    five = None
    polar = [o for o in done if o.example.label != "neutral"]
    if with_direction and polar and all(o.example.direction for o in polar):
        five = report(
            [directed(o.example.label, o.example.direction) for o in done],
            [directed(o.label, o.direction) for o in done],
            LABELS5,
        )
    return Evaluation(done, three, five)


def worst_errors(outcomes: Iterable[Outcome], limit: int = 50) -> list[Outcome]:
    """The wrong ones, worst first: convergence taken for divergence (or the reverse) before
    a missed or invented stance, and within each, the most confident score first."""
    wrong = [o for o in outcomes if o.label != o.example.label]

    def badness(o: Outcome) -> tuple[bool, float]:
        opposite = "neutral" not in (o.label, o.example.label)
        return (opposite, abs(o.score))

    return sorted(wrong, key=badness, reverse=True)[:limit]


def safe_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def format_report(rep: Report, title: str) -> str:
    """A plain-text table of a report: per-class scores, then the confusion matrix."""
    width = max(len(label) for label in rep.labels) + 2
    lines = [f"{title}", f"  {'':<{width}}{'precision':>10}{'recall':>9}{'F1':>8}{'support':>9}"]
    for c in rep.classes:
        p, r, f = (_shown(v) for v in (c.precision, c.recall, c.f1))
        lines.append(f"  {c.label:<{width}}{p:>10}{r:>9}{f:>8}{c.support:>9}")
    lines.append(f"  macro-F1 {rep.macro_f1:.3f}   accuracy {rep.accuracy:.3f}")
    lines.append("  confusion (rows: gold, columns: predicted)")
    cell = max(8, *(len(label) + 1 for label in rep.labels))
    lines.append("  " + " " * width + "".join(f"{label:>{cell}}" for label in rep.labels))
    for label, row in zip(rep.labels, rep.matrix, strict=True):
        lines.append(f"  {label:<{width}}" + "".join(f"{n:>{cell}}" for n in row))
    return "\n".join(lines)


def _shown(value: float | None) -> str:
    """A score for the table: "-" for a class with nothing to score."""
    return "-" if value is None else f"{value:.3f}"


# report files --------------------------------------------------------------------------------


def plot_confusion(matrix: list[list[int]], labels: tuple[str, ...], ax, title: str = ""):
    """Draw a confusion matrix (rows gold, columns predicted) with counts; returns ``ax``."""
    totals = [sum(row) or 1 for row in matrix]
    shares = [[n / total for n in row] for row, total in zip(matrix, totals, strict=True)]
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for i, row in enumerate(matrix):
        for j, n in enumerate(row):
            color = "white" if shares[i][j] > 0.5 else "black"
            ax.text(j, i, str(n), ha="center", va="center", color=color)
    if title:
        ax.set_title(title)
    return ax


REPORT_FILES = ("confusion-3class.png", "confusion-5class.png", "worst-errors.csv", "metrics.json")


def check_report_folder(folder: str | Path) -> None:
    """An InputError if the report files cannot go into ``folder``; creates nothing. Run
    before scoring, so a wrong ``--report`` fails at once rather than after the work."""
    out = Path(folder)
    existing = next(path for path in (out, *out.parents) if path.exists() or path == Path())
    if not existing.is_dir():
        raise InputError(str(folder), f"{existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(str(folder), f"cannot write in {existing}: permission denied")
    for name in REPORT_FILES:
        target = out / name
        if target.exists() and not target.is_file():
            raise InputError(str(folder), f"{target} is in the way: it is not a file")


def write_report(evaluation: Evaluation, folder: str | Path, limit: int = 50) -> list[Path]:
    """Confusion-matrix charts (PNG), the worst errors (CSV) and the metrics (JSON).

    All or nothing: every file is written to a temporary name beside its place and moved
    there only when all were written, so a failure leaves the folder's earlier report whole
    rather than half replaced. Failures are InputErrors naming the folder."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    check_report_folder(folder)
    out = Path(folder)
    charts = [("confusion-3class.png", evaluation.three, "3 classes")]
    if evaluation.five:
        charts.append(("confusion-5class.png", evaluation.five, "5 classes (with direction)"))
    writers: list[tuple[str, Callable[[Path], Any]]] = []
    for name, rep, title in charts:
        writers.append((name, functools.partial(_save_chart, plt, rep, title)))
    wrong = worst_errors(evaluation.outcomes, limit)
    writers.append(("worst-errors.csv", functools.partial(_write_errors, outcomes=wrong)))
    metrics = json.dumps(evaluation.to_dict(), indent=2)
    writers.append(("metrics.json", lambda tmp: tmp.write_text(metrics, encoding="utf-8")))
    staged: list[tuple[Path, Path]] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, write in writers:
            # named by the process (not mkstemp, which would make the report private)
            tmp = out / f".{name}.{os.getpid()}.tmp"
            staged.append((tmp, out / name))
            write(tmp)
        for tmp, path in staged:
            tmp.replace(path)
    except OSError as exc:
        raise InputError(str(folder), f"cannot write the report: {exc.strerror or exc}") from None
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):  # not ours (a folder), or already moved
                tmp.unlink(missing_ok=True)
    return [path for _, path in staged]


def _save_chart(plt: Any, rep: Report, title: str, path: Path) -> None:
    size = 4.5 if len(rep.labels) == 3 else 6.5
    fig, ax = plt.subplots(figsize=(size, size * 0.9))
    try:
        plot_confusion(rep.matrix, rep.labels, ax, f"{title}: macro-F1 {rep.macro_f1:.3f}")
        fig.tight_layout()
        fig.savefig(path, format="png", dpi=110)
    finally:
        plt.close(fig)


def _write_errors(path: Path, outcomes: list[Outcome]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "gold", "predicted", "score", "source", "target", "cues", "text"])
        for o in outcomes:
            cues = "; ".join(f"{c.text}:{c.effect:+.1f}" for c in o.result.cues)
            writer.writerow(
                [
                    o.example.line,
                    directed(o.example.label, o.example.direction),
                    directed(o.label, o.direction),
                    f"{o.score:+.3f}",
                    safe_cell(o.result.source or ""),
                    safe_cell(o.result.target or ""),
                    safe_cell(cues),
                    safe_cell(o.example.text),
                ]
            )
