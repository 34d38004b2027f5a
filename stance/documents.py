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
MAX_DOCUMENT_BYTES = 10_000_000
"""The largest document read (10 MB, about 1.6 million words): a bigger one is almost always
a dump that should be split, and would hold a worker and its memory for minutes."""
_INVISIBLE_CHARS = (
    "\u00ad\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")

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
    paths: Iterable[str | os.PathLike[str]],
    encoding: str = "utf-8",
    max_bytes: int | None = None,
) -> Iterator[Document | InputError]:
    """Documents from files, folders (recursively), JSONL files and ``-`` (standard input).

    Lazily yields one item per document, in input order; a bad input is yielded as an
    :class:`InputError` in its place and the rest goes on. A document larger than
    ``max_bytes`` (default :data:`MAX_DOCUMENT_BYTES`) is refused without being read.
    """
    return Reader(encoding, MAX_DOCUMENT_BYTES if max_bytes is None else max_bytes).read(paths)


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
    items = list(Reader(encoding).read_file(Path(path), Path(path).stem))
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


@dataclass(frozen=True)
class Reader:
    """Reads inputs with one encoding and one size limit per document."""

    encoding: str = "utf-8"
    max_bytes: int = MAX_DOCUMENT_BYTES

    def read(self, paths: Iterable[str | os.PathLike[str]]) -> Iterator[Document | InputError]:
        for raw in paths:
            path = os.fspath(raw)
            if path == "-":
                yield from self.read_stream(sys.stdin.buffer.read(), "<stdin>", "stdin")
                continue
            p = Path(path)
            try:
                is_folder, exists = p.is_dir(), p.exists()
            except OSError as exc:
                yield InputError(path, f"cannot access: {exc.strerror or exc}")
                continue
            if is_folder:
                found = False
                for file in _walk(p):
                    found = True
                    yield from self.read_file(file, file.relative_to(p).with_suffix("").as_posix())
                if not found:
                    yield InputError(path, "folder holds no .txt or .jsonl documents")
            elif exists:
                yield from self.read_file(p, p.stem)
            else:
                yield InputError(path, "no such file or folder")

    def read_file(self, path: Path, doc_id: str) -> Iterator[Document | InputError]:
        name = str(path)
        try:
            if path.suffix.lower() in JSONL_SUFFIXES:
                with path.open("rb") as handle:
                    yield from self.read_jsonl(handle, name, doc_id)
                return
            if path.stat().st_size > self.max_bytes:
                yield self._too_large(name, None, path.stat().st_size)
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
        yield from self.read_stream(data, name, doc_id, is_file=True)

    def read_stream(
        self, data: bytes, name: str, doc_id: str, is_file: bool = False
    ) -> Iterator[Document | InputError]:
        if not is_file and data.lstrip()[:1] == b"{":
            yield from self.read_jsonl(iter(data.splitlines(keepends=True)), name, doc_id)
            return
        if len(data) > self.max_bytes:
            yield self._too_large(name, None, len(data))
            return
        try:
            text = decode(data, name, self.encoding)
        except InputError as exc:
            yield exc
            return
        doc = document_from_text(text, id=doc_id, path=name)
        if not doc.text.strip():
            yield InputError(name, "no text after the header")
            return
        yield doc

    def read_jsonl(
        self, lines: Iterable[bytes], name: str, stem: str
    ) -> Iterator[Document | InputError]:
        seen_any = False
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            seen_any = True
            if len(raw) > self.max_bytes:
                yield self._too_large(name, number, len(raw))
                continue
            try:
                record = json.loads(decode(raw, name, self.encoding, line=number))
            except InputError as exc:
                yield exc
                continue
            except json.JSONDecodeError as exc:
                yield InputError(name, f"malformed JSON: {exc.msg} (column {exc.colno})", number)
                continue
            yield _record_document(record, name, stem, number)
        if not seen_any:
            yield InputError(name, "empty file")

    def _too_large(self, name: str, line: int | None, size: int) -> InputError:
        return InputError(
            name,
            f"{size / 1e6:.1f} MB is over the {self.max_bytes / 1e6:g} MB limit for one document; "
            "split it, or raise the limit with --max-mb",
            line,
        )


def decode(data: bytes, name: str, encoding: str = "utf-8", line: int | None = None) -> str:
    """Text from bytes, refusing empty, binary and wrongly encoded input with a clear error.

    Invisible formatting characters (zero-width spaces, word joiners, soft hyphens, stray
    byte-order marks, bidirectional embeddings and overrides) are removed: they split words
    that should match and can make text display differently from what it says.
    """
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
    text = strip_invisible(text)
    if not text.strip():
        raise InputError(name, "empty file" if line is None else "empty line", line)
    return text


def strip_invisible(text: str) -> str:
    """``text`` without zero-width and bidirectional control characters."""
    return text.translate(_INVISIBLE) if _HAS_INVISIBLE.search(text) else text


def _record_document(record: Any, name: str, stem: str, number: int) -> Document | InputError:
    if not isinstance(record, dict):
        return InputError(name, "line is not a JSON object", number)
    text = record.get("text")
    if not isinstance(text, str):
        problem = "missing 'text'" if text is None else "'text' is not a string"
        return InputError(name, problem, number)
    text = strip_invisible(text)
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
