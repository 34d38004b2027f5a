"""Documents: loading text files, JSONL, folders and standard input, and reading their headers.

A text file may start with a header. Two forms are read:

* header lines (``date: 2023-07-13``, ``title: ...``, ``speaker: PAK``, ``source: ...``) up to
  the first blank line;
* the inline form of scraped articles, where the body starts on the same line as the date:
  ``date 2023-07-13 Special Assistant ...``. The date is taken out of the body.

Bad inputs never raise out of :func:`iter_documents`: they are yielded as :class:`InputError`
values in their place, so a batch reports them and goes on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HEADER_KEYS = ("id", "title", "date", "speaker", "source", "author", "url", "language")
JSONL_META_KEYS = ("title", "date", "speaker", "source", "author", "url", "language")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_FORMS = [
    re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})"),
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}", re.IGNORECASE),
]
_DATE_SHAPE = re.sub(r"\?P<\w+>", "?:", "|".join(f"(?:{f.pattern})" for f in _DATE_FORMS))
_INLINE_HEADER = re.compile(rf"\A\s*date\s*:?\s+(?P<date>{_DATE_SHAPE})(?:\s+|\Z)", re.IGNORECASE)
_HEADER_LINE = re.compile(rf"\A(?P<key>{'|'.join(HEADER_KEYS)})\s*:\s*(?P<value>.*?)\s*\Z", re.I)


def parse_date(value: str) -> dt.date | None:
    """A date from ISO (``2023-07-13``) or written forms (``July 13, 2023``, ``13 July 2023``).

    Returns None when the text is not a date or names an impossible day.
    """
    value = value.strip()
    for form in _DATE_FORMS:
        m = form.fullmatch(value)
        if not m:
            continue
        month = m.group("month")
        month_number = int(month) if month.isdigit() else _MONTHS[month.lower()]
        try:
            return dt.date(int(m.group("year")), month_number, int(m.group("day")))
        except ValueError:
            return None
    return None


@dataclass
class Document:
    """A text to analyse, with where it came from and what its header said."""

    id: str
    text: str
    path: str | None = None
    date: dt.date | None = None
    title: str | None = None
    source: str | None = None
    speaker: str | None = None
    line: int | None = None
    body_offset: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def metadata(self) -> dict[str, Any]:
        """JSON-ready metadata: id, path, date (ISO), title, source, speaker and the rest."""
        meta: dict[str, Any] = {
            "id": self.id,
            "path": self.path,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "source": self.source,
            "speaker": self.speaker,
        }
        if self.line is not None:
            meta["line"] = self.line
        meta.update(self.extra)
        return meta

    def where(self) -> str:
        """How messages name this document: its path (and JSONL line), else its id."""
        if self.path and self.line is not None:
            return f"{self.path}:{self.line}"
        return self.path or self.id


def document_from_text(
    text: str, id: str = "text", path: str | None = None, **metadata: Any
) -> Document:
    """A document from raw text, reading its header; keyword metadata overrides the header."""
    header, body_offset = _split_header(text)
    doc = Document(id=id, text=text[body_offset:], path=path, body_offset=body_offset)
    fields = {**header, **{k: v for k, v in metadata.items() if v is not None}}
    _apply_metadata(doc, fields)
    return doc


def _split_header(text: str) -> tuple[dict[str, str], int]:
    """The header's fields and the offset where the body starts (0 when there is no header)."""
    lines = text.splitlines(keepends=True)
    first = next((line for line in lines if line.strip()), "")
    inline = _INLINE_HEADER.match(text)
    if inline and not _HEADER_LINE.match(first.strip()):
        return {"date": inline.group("date")}, inline.end()
    header: dict[str, str] = {}
    offset = index = 0
    while index < len(lines) and not lines[index].strip():
        offset += len(lines[index])
        index += 1
    while index < len(lines) and (m := _HEADER_LINE.match(lines[index].strip())):
        header[m.group("key").lower()] = m.group("value")
        offset += len(lines[index])
        index += 1
    if not header:
        return {}, 0
    while index < len(lines) and not lines[index].strip():
        offset += len(lines[index])
        index += 1
    return header, offset


def _apply_metadata(doc: Document, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if value is None:
            continue
        if key == "date":
            doc.date = _coerce_date(value, doc)
        elif key == "id":
            doc.id = str(value)
        elif key in ("title", "source", "speaker"):
            setattr(doc, key, str(value).strip() or None)
        else:
            doc.extra[key] = value


def _coerce_date(value: Any, doc: Document) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value))
    if parsed is None:
        doc.warnings.append(f"{doc.where()}: unparseable date {str(value)[:40]!r}, ignored")
        doc.extra["date_text"] = str(value)[:100]
    return parsed


def iter_documents(
    paths: Iterable[str | os.PathLike[str]], encoding: str = "utf-8"
) -> Iterator[Document | InputError]:
    """Documents from files, folders (recursively), JSONL files and ``-`` (standard input).

    Lazily yields one item per document, in input order; a bad input is yielded as an
    :class:`InputError` in its place and the rest goes on.
    """
    for raw in paths:
        path = os.fspath(raw)
        if path == "-":
            yield from _read_stream(sys.stdin.buffer.read(), "<stdin>", "stdin", encoding)
            continue
        p = Path(path)
        if p.is_dir():
            found = False
            for file in _walk(p):
                found = True
                rel = file.relative_to(p).with_suffix("").as_posix()
                yield from _read_file(file, rel, encoding)
            if not found:
                yield InputError(path, "folder holds no .txt or .jsonl documents")
        elif p.exists():
            yield from _read_file(p, p.stem, encoding)
        else:
            yield InputError(path, "no such file or folder")


def load_documents(
    paths: Iterable[str | os.PathLike[str]], encoding: str = "utf-8"
) -> tuple[list[Document], list[InputError]]:
    """All documents and all errors from ``paths``, for callers that want lists."""
    docs: list[Document] = []
    errors: list[InputError] = []
    for item in iter_documents(paths, encoding):
        (errors if isinstance(item, InputError) else docs).append(item)  # type: ignore[arg-type]
    return docs, errors


def load_document(path: str | os.PathLike[str], encoding: str = "utf-8") -> Document:
    """The single document in a text file; raises :class:`InputError` when it cannot be read."""
    items = list(_read_file(Path(path), Path(path).stem, encoding))
    for item in items:
        if isinstance(item, InputError):
            raise item
    if len(items) != 1:
        raise InputError(os.fspath(path), f"holds {len(items)} documents, expected one")
    return items[0]  # type: ignore[return-value]


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            file = Path(root, name)
            if file.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES:
                yield file


def _read_file(path: Path, doc_id: str, encoding: str) -> Iterator[Document | InputError]:
    name = str(path)
    try:
        if path.suffix.lower() in JSONL_SUFFIXES:
            with path.open("rb") as handle:
                yield from _read_jsonl(handle, name, doc_id, encoding)
            return
        data = path.read_bytes()
    except PermissionError:
        yield InputError(name, "permission denied")
        return
    except IsADirectoryError:
        yield InputError(name, "is a folder")
        return
    except OSError as exc:
        yield InputError(name, f"cannot read: {exc.strerror or exc}")
        return
    yield from _read_stream(data, name, doc_id, encoding, is_file=True)


def _read_stream(
    data: bytes, name: str, doc_id: str, encoding: str, is_file: bool = False
) -> Iterator[Document | InputError]:
    if not is_file and data.lstrip()[:1] == b"{":
        yield from _read_jsonl(iter(data.splitlines(keepends=True)), name, doc_id, encoding)
        return
    try:
        text = decode(data, name, encoding)
    except InputError as exc:
        yield exc
        return
    doc = document_from_text(text, id=doc_id, path=name)
    if not doc.text.strip():
        yield InputError(name, "no text after the header")
        return
    yield doc


def decode(data: bytes, name: str, encoding: str = "utf-8", line: int | None = None) -> str:
    """Text from bytes, refusing empty, binary and wrongly encoded input with a clear error."""
    if not data.strip():
        raise InputError(name, "empty file" if line is None else "empty line", line)
    is_utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")
    if is_utf8 and b"\x00" in data[:65536]:
        raise InputError(name, "binary file (contains NUL bytes), skipped", line)
    try:
        text = data.decode("utf-8-sig" if is_utf8 else encoding)
    except UnicodeDecodeError as exc:
        where = line if line is not None else data.count(b"\n", 0, exc.start) + 1
        label = "UTF-8" if is_utf8 else encoding
        raise InputError(
            name,
            f"not valid {label} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "use --encoding to read another encoding",
            where,
        ) from None
    except LookupError:
        raise InputError(name, f"unknown encoding {encoding!r}", line) from None
    if not text.strip():
        raise InputError(name, "empty file" if line is None else "empty line", line)
    return text


def _read_jsonl(
    lines: Iterable[bytes], name: str, stem: str, encoding: str
) -> Iterator[Document | InputError]:
    seen_any = False
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        seen_any = True
        try:
            text = decode(raw, name, encoding, line=number)
            record = json.loads(text)
        except InputError as exc:
            yield exc
            continue
        except json.JSONDecodeError as exc:
            yield InputError(name, f"malformed JSON: {exc.msg} (column {exc.colno})", number)
            continue
        yield _record_document(record, name, stem, number)
    if not seen_any:
        yield InputError(name, "empty file")


def _record_document(record: Any, name: str, stem: str, number: int) -> Document | InputError:
    if not isinstance(record, dict):
        return InputError(name, "line is not a JSON object", number)
    text = record.get("text")
    if not isinstance(text, str):
        problem = "missing 'text'" if text is None else "'text' is not a string"
        return InputError(name, problem, number)
    if not text.strip():
        return InputError(name, "empty 'text'", number)
    doc_id = record.get("id")
    doc = Document(
        id=str(doc_id) if doc_id not in (None, "") else f"{stem}-{number}",
        text=text,
        path=name,
        line=number,
    )
    meta = {k: record[k] for k in JSONL_META_KEYS if record.get(k) not in (None, "")}
    meta.update(
        {k: v for k, v in record.items() if k not in JSONL_META_KEYS and k not in ("id", "text")}
    )
    _apply_metadata(doc, meta)
    return doc
