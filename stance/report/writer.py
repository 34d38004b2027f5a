"""Writing reports: one folder per document, built aside and renamed into place, and the index.

A report folder under ``out`` is either complete or absent, even when the process is killed:
it is written into a hidden temporary folder inside ``out`` and renamed into place; an older
report of the same document is renamed aside first and removed afterwards. ``index.html`` is
written to a temporary file and moved over the old one with :func:`os.replace`.

Each folder also holds ``report.json``, the small record the index is built from, so the
index lists the reports of earlier runs into the same folder too.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import math
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..analysis import DocumentAnalysis
from ..documents import Document
from ..engine import AnalyzerConfig, Engine, analyze_document
from ..errors import InputError
from .figures import CHART_FORMATS, listed_parties, render_charts
from .html import document_page, index_page
from .paths import FolderNamer
from .rows import CSV_COLUMNS, csv_row

FORMATS = ("html", "png", "svg", "pdf", "json", "csv")
DEFAULT_FORMATS = ("html", "png", "json", "csv")
ENTRY_FILE = "report.json"
INDEX_FILE = "index.html"
TEMP_PREFIX = ".stance-tmp-"
STALE_SECONDS = 3600
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,png"`` -> ``("html", "png")``; ValueError naming any unknown format."""
    wanted = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise ValueError(
            f"unknown format {', '.join(map(repr, unknown)) or 'list'}; "
            f"choose from {','.join(FORMATS)}"
        )
    return tuple(f for f in FORMATS if f in wanted)


@dataclass(frozen=True)
class ReportSettings:
    """What a worker needs to analyse and write one report: picklable and small."""

    config: AnalyzerConfig
    out: str
    formats: tuple[str, ...] = DEFAULT_FORMATS


@dataclass
class Written:
    """A report written by a worker: its index entry and the document's warnings."""

    entry: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def prepare_output(out: str | os.PathLike[str]) -> Path:
    """The output folder, created and checked writable; raises a one-line InputError if not.
    Temporary folders that a killed run left behind (older than an hour) are removed."""
    path = Path(out)
    name = os.fspath(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = _new_temp_folder(path)
        probe.rmdir()
    except FileExistsError:
        raise InputError(name, "exists and is not a folder") from None
    except OSError as exc:
        raise InputError(name, f"cannot write reports here: {exc.strerror or exc}") from None
    sweep_leftovers(path)
    return path


def sweep_leftovers(out: Path, older_than: float = STALE_SECONDS) -> None:
    """Remove temporary folders of runs that were killed (not those of a running one)."""
    now = time.time()
    for child in out.glob(TEMP_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if now - child.lstat().st_mtime > older_than:
                shutil.rmtree(child)


def write_report(
    analysis: DocumentAnalysis,
    out: str | os.PathLike[str],
    folder: str,
    formats: Iterable[str] = DEFAULT_FORMATS,
) -> dict[str, Any]:
    """Write the report of one analysis into ``out/folder`` (``out`` is created if need be),
    replacing an older one whole; returns its index entry. ``folder`` must be one plain path
    component: :func:`stance.report.paths.folder_name` makes one from any document id."""
    if os.path.basename(folder) != folder or folder.startswith(".") or not folder:
        raise ValueError(f"not a plain folder name: {folder!r}")
    formats = tuple(formats)
    chart_formats = [f for f in CHART_FORMATS if f in formats]
    if "html" in formats and "png" not in chart_formats:
        chart_formats.insert(0, "png")
    charts = render_charts(analysis, chart_formats)
    files: dict[str, bytes] = {}
    for chart in charts:
        for fmt in CHART_FORMATS:
            if fmt in formats:
                files[f"{chart.slug}.{fmt}"] = chart.files[fmt]
    if "json" in formats:
        files["analysis.json"] = _json(analysis.to_dict())
    if "csv" in formats:
        files["sentences.csv"] = sentences_csv(analysis).encode("utf-8")
    if "html" in formats:
        page = document_page(analysis, charts, sorted(files))
        files[INDEX_FILE] = page.encode("utf-8")
    entry = index_entry(analysis, folder, sorted([*files, ENTRY_FILE]))
    files[ENTRY_FILE] = _json(entry)
    Path(out).mkdir(parents=True, exist_ok=True)
    install_folder(Path(out), folder, files)
    return entry


def sentences_csv(analysis: DocumentAnalysis) -> str:
    """One row per sentence, the columns of ``stance score --format csv``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in analysis.sentences:
        writer.writerow(csv_row(analysis.document.id, s))
    return buffer.getvalue()


def index_entry(analysis: DocumentAnalysis, folder: str, files: list[str]) -> dict[str, Any]:
    """What the index shows of a report: small, and enough to list it without the rest."""
    meta = analysis.metadata
    summary = analysis.summary
    return {
        "folder": folder,
        "id": analysis.document.id,
        "title": meta.get("title"),
        "date": meta.get("date"),
        "source": meta.get("source"),
        "parties": [
            {"key": p.key, "name": p.name, "mentions": p.mentions} for p in listed_parties(analysis)
        ],
        "convergence_index": summary["convergence_index"],
        "interval": summary["interval"],
        "counts": summary["counts"],
        "sentences": summary["sentences"],
        "files": files,
        "scorer_version": analysis.scorer_version,
        "stance_version": __version__,
    }


def install_folder(out: Path, folder: str, files: dict[str, bytes]) -> Path:
    """Write ``files`` into a temporary folder inside ``out``, then rename it to
    ``out/folder``; an existing folder of that name is moved aside first and removed."""
    temp = _new_temp_folder(out)
    target = out / folder
    try:
        for name, content in files.items():
            (temp / name).write_bytes(content)
        for _ in range(3):
            try:
                temp.rename(target)
                break
            except OSError:
                if not target.exists():
                    raise
            aside = _new_temp_folder(out)
            with contextlib.suppress(FileNotFoundError):
                target.rename(aside / folder)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            raise OSError(f"{target} keeps being replaced by another run")
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return target


def _new_temp_folder(out: Path) -> Path:
    """A new hidden folder inside ``out`` (created with the usual permissions)."""
    while True:
        path = out / f"{TEMP_PREFIX}{secrets.token_hex(6)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_entries(out: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The index entries of every report folder in ``out``, newest document first.
    Folders without a readable, well-formed ``report.json`` are left out."""
    entries = []
    for child in Path(out).iterdir():
        if child.name.startswith(".") or not child.is_dir():
            continue
        try:
            data = json.loads((child / ENTRY_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        entry = _checked_entry(data, child.name)
        if entry is not None:
            entries.append(entry)
    entries.sort(key=lambda e: (e["title"] or e["id"]).lower())
    entries.sort(key=lambda e: e["date"] or "", reverse=True)
    return entries


def _checked_entry(data: Any, folder: str) -> dict[str, Any] | None:
    """The entry with its fields of the expected types, or None: the folder names the
    report, and numbers are numbers, whatever the file on disk says."""
    try:
        index = float(data["convergence_index"])
        low, high = (float(v) for v in data["interval"])
        counts = {k: int(data["counts"][k]) for k in ("convergence", "neutral", "divergence")}
        parties = [
            {"key": str(p["key"]), "name": str(p["name"]), "mentions": int(p["mentions"])}
            for p in data["parties"]
        ]
        files = [str(f) for f in data["files"]]
        numbers = (index, low, high)
        if not all(math.isfinite(v) and -1 <= v <= 1 for v in numbers):
            return None
        date = data.get("date")
        return {
            "folder": folder,
            "id": str(data["id"]),
            "title": str(data["title"]) if data.get("title") else None,
            "date": date if isinstance(date, str) and _ISO_DATE.fullmatch(date) else None,
            "parties": parties,
            "convergence_index": index,
            "interval": [low, high],
            "counts": counts,
            "sentences": int(data["sentences"]),
            "files": files,
        }
    except (KeyError, TypeError, ValueError):
        return None


def write_index(out: str | os.PathLike[str]) -> Path:
    """Write ``out/index.html`` listing every report folder in ``out`` (atomically)."""
    path = Path(out) / INDEX_FILE
    page = index_page(read_entries(out))
    temp = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}.html")
    try:
        temp.write_text(page, encoding="utf-8")
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path


def report_document(settings: ReportSettings, item: tuple[Document, str] | InputError) -> Any:
    """The engines' task: analyse one document and write its report folder. Returns a
    :class:`Written`, or an :class:`InputError` naming the document when anything failed."""
    if isinstance(item, InputError):
        return item
    document, folder = item
    analysis = analyze_document(settings.config, document)
    if isinstance(analysis, InputError):
        return analysis
    try:
        entry = write_report(analysis, settings.out, folder, settings.formats)
    except OSError as exc:
        return InputError(document.where(), f"cannot write the report: {exc.strerror or exc}")
    except Exception as exc:  # one bad document must not stop a batch
        problem = f"internal error while writing the report: {type(exc).__name__}: {exc}"
        return InputError(document.where(), problem)
    return Written(entry, list(analysis.warnings))


def report_all(
    settings: ReportSettings, items: Iterable[Document | InputError], engine: Engine
) -> Iterator[Written | InputError]:
    """Every document's report written by ``engine``, in input order; failures as
    InputErrors. Folder names are chosen here, in input order, so they never clash."""
    namer = FolderNamer()
    named = (item if isinstance(item, InputError) else (item, namer(item)) for item in items)
    return engine.map(functools.partial(report_document, settings), named)
