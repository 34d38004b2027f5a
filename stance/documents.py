"""Documents: loading text files, JSONL, folders and standard input, and reading their headers.

A text file may start with a header. Two forms are read:

* header lines (``date: 2023-07-13``, ``title: ...``, ``speaker: PAK``, ``source: ...``) up to
  the first blank line. Other ``key: value`` lines (``category: news``) belong to the header
  when the block holds a known field and ends at a blank line; they are kept as extra
  metadata. Without both, an unknown key is body text (``Washington: The US said ...``);
* the inline form of scraped articles, where the body starts on the same line as the date:
  ``date 2023-07-13 Special Assistant ...`` or ``date: 2023-07-13 Special Assistant ...``
  (unless header lines follow). The date is taken out of the body.

Dates may carry an ISO 8601 time (``2023-07-13T10:00:00+05:00``): the calendar date is kept as
written, without converting time zones, since the day the text was dated is what is compared.

Metadata from a header or a JSONL record never overrides where a document came from: fields
named ``path`` or ``line`` are ignored with a warning.

Bad inputs never raise out of :func:`iter_documents`: they are yielded as :class:`InputError`
values in their place, so a batch reports them and goes on.
"""

from __future__ import annotations

import codecs
import datetime as dt
import itertools
import json
import math
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import SURROGATE, InputError, printable

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HEADER_KEYS = ("id", "title", "date", "speaker", "source", "author", "url", "language")
JSONL_META_KEYS = ("title", "date", "speaker", "source", "author", "url", "language")
RESERVED_KEYS = ("id", "path", "line", "date", "title", "source", "speaker")
"""Metadata stance sets itself; extra fields can never override them."""
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
_TIME = (  # An ISO 8601 time after the date; the date is kept as written.
    r"(?:[T ](?:[01]?\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:[.,]\d+)?)?"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_DATE_FORMS = [
    re.compile(rf"(?P<year>\d{{4}})[-/.](?P<month>\d{{1,2}})[-/.](?P<day>\d{{1,2}}){_TIME}"),
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}", re.IGNORECASE),
]
_DATE_SHAPE = re.sub(r"\?P<\w+>", "?:", "|".join(f"(?:{f.pattern})" for f in _DATE_FORMS))
_INLINE_HEADER = re.compile(rf"\A\s*date\s*:?\s+(?P<date>{_DATE_SHAPE})(?:\s+|\Z)", re.IGNORECASE)
_HEADER_LINE = re.compile(rf"\A(?P<key>{'|'.join(HEADER_KEYS)})\s*:\s*(?P<value>.*?)\s*\Z", re.I)
_ANY_HEADER_LINE = re.compile(r"\A(?P<key>[A-Za-z][\w-]{0,39})[^\S\n]*:[^\S\n]*(?P<value>.*?)\s*\Z")
_UTF8_BOM = b"\xef\xbb\xbf"


def parse_date(value: str) -> dt.date | None:
    """A date from ISO (``2023-07-13``) or written forms (``July 13, 2023``, ``13 July 2023``).

    An ISO date may carry a time (``2023-07-13T10:00:00Z``, ``2023-07-13 10:00``); the date is
    taken as written, without time-zone conversion. Returns None when the text is not a date
    or names an impossible day.
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
        meta.update((k, v) for k, v in self.extra.items() if k not in RESERVED_KEYS)
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
    offset = index = 0
    while index < len(lines) and not lines[index].strip():
        offset += len(lines[index])
        index += 1
    inline = _INLINE_HEADER.match(text)
    if inline and _is_inline(lines, index, inline.group("date")):
        return {"date": inline.group("date")}, inline.end()
    header: dict[str, str] = {}
    block = _header_block(lines, index)
    if block:
        matches = [m for line in block if (m := _ANY_HEADER_LINE.match(line.strip()))]
    else:  # Known fields only, up to the first other line (no blank line needed).
        matches = []
        while index + len(matches) < len(lines):
            m = _HEADER_LINE.match(lines[index + len(matches)].strip())
            if not m:
                break
            matches.append(m)
    for m in matches:
        header[m.group("key").lower()] = m.group("value")
        offset += len(lines[index])
        index += 1
    if not header:
        return {}, 0
    while index < len(lines) and not lines[index].strip():
        offset += len(lines[index])
        index += 1
    return header, offset


def _is_inline(lines: list[str], index: int, date: str) -> bool:
    """Whether the first line is the inline form: the body goes on after the date on its line
    (``date: 2023-07-13 Special Assistant ...``) and no header line follows.

    A line that is not ``key: value`` at all (`` date 2023-07-13 ...``) is always inline.
    """
    if index >= len(lines):
        return False
    first = _HEADER_LINE.match(lines[index].strip())
    if not first:
        return True
    if first.group("key").lower() != "date" or first.group("value") == date:
        return False
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return not _ANY_HEADER_LINE.match(following.strip())


def _header_block(lines: list[str], index: int) -> list[str]:
    """The ``key: value`` lines at ``index`` when they form a header with unknown keys too:
    at least one known field and a blank line (or the end) after them; else empty."""
    end = index
    while end < len(lines) and _ANY_HEADER_LINE.match(lines[end].strip()):
        end += 1
    block = lines[index:end]
    ends_cleanly = end == len(lines) or not lines[end].strip()
    if ends_cleanly and any(_HEADER_LINE.match(line.strip()) for line in block):
        return block
    return []


def _apply_metadata(doc: Document, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if value is None:
            continue
        if key in ("path", "line"):
            doc.warnings.append(
                f"{doc.where()}: field {key!r} ignored: stance records where the document came from"
            )
        elif key == "date":
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
    """Reads inputs with one encoding and one size limit per document.

    Nothing is read past the limit: text files and standard input are read with a bounded
    read (a device or pipe has no size to check first), JSONL a bounded line at a time.
    """

    encoding: str = "utf-8"
    max_bytes: int = MAX_DOCUMENT_BYTES

    def read(self, paths: Iterable[str | os.PathLike[str]]) -> Iterator[Document | InputError]:
        for raw in paths:
            path = os.fspath(raw)
            if path == "-":
                yield from self.read_stdin(sys.stdin.buffer)
                continue
            p = Path(path)
            name = printable(path)
            try:
                is_folder, exists = p.is_dir(), p.exists()
            except OSError as exc:
                yield InputError(name, f"cannot access: {exc.strerror or exc}")
                continue
            if is_folder:
                found = False
                for file in _walk(p):
                    found = True
                    yield from self.read_file(file, file.relative_to(p).with_suffix("").as_posix())
                if not found:
                    yield InputError(name, "folder holds no .txt or .jsonl documents")
            elif exists:
                yield from self.read_file(p, p.stem)
            else:
                yield InputError(name, "no such file or folder")

    def read_file(self, path: Path, doc_id: str) -> Iterator[Document | InputError]:
        """The documents of one file, read through its real path but named printably."""
        name, doc_id = printable(str(path)), printable(doc_id)
        try:
            with path.open("rb") as handle:
                if path.suffix.lower() in JSONL_SUFFIXES:
                    yield from self.read_jsonl(_bounded_lines(handle, self.max_bytes), name, doc_id)
                    return
                size = os.fstat(handle.fileno()).st_size
                if size > self.max_bytes:
                    yield self._too_large(name, None, size)
                    return
                data = _read_at_most(handle, self.max_bytes, size)
        except PermissionError:
            yield InputError(name, "permission denied")
            return
        except IsADirectoryError:
            yield InputError(name, "is a folder")
            return
        except OSError as exc:
            yield InputError(name, f"cannot read: {exc.strerror or exc}")
            return
        yield from self.read_stream(data, name, doc_id)

    def read_stdin(self, stream: IO[bytes]) -> Iterator[Document | InputError]:
        """Standard input: JSONL when its first non-blank byte (after a BOM) is ``{``, else one
        text document. The limit applies per document, so a JSONL stream can be any length."""
        name = "<stdin>"
        lines = _bounded_lines(stream, self.max_bytes)
        head: list[bytes | None] = []
        size = 0
        for raw in lines:
            head.append(raw)
            size += self.max_bytes + 1 if raw is None else len(raw)
            if raw is None or raw.removeprefix(_UTF8_BOM).strip() or size > self.max_bytes:
                break
        first = head[-1] if head else b""
        if first is not None and first.removeprefix(_UTF8_BOM).lstrip()[:1] == b"{":
            yield from self.read_jsonl(itertools.chain(head, lines), name, "stdin")
            return
        if first is None or size > self.max_bytes:
            yield self._too_large(name, None, None)
            return
        data = b"".join(raw for raw in head if raw is not None)
        data += _read_at_most(stream, self.max_bytes - len(data))
        yield from self.read_stream(data, name, "stdin")

    def read_stream(self, data: bytes, name: str, doc_id: str) -> Iterator[Document | InputError]:
        """One text document from at most ``max_bytes + 1`` bytes."""
        if len(data) > self.max_bytes:
            yield self._too_large(name, None, None)
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
        self, lines: Iterable[bytes | None], name: str, stem: str
    ) -> Iterator[Document | InputError]:
        """Documents from the lines of a JSONL input; a line over the limit comes as None."""
        seen_any = False
        for number, raw in enumerate(lines, start=1):
            if raw is None:
                seen_any = True
                yield self._too_large(name, number, None)
                continue
            if not raw.strip():
                continue
            seen_any = True
            try:
                record = json.loads(
                    decode(raw, name, self.encoding, line=number),
                    parse_constant=_refuse_constant,
                    parse_float=_finite_float,
                )
            except InputError as exc:
                yield exc
                continue
            except json.JSONDecodeError as exc:
                yield InputError(name, f"malformed JSON: {exc.msg} (column {exc.colno})", number)
                continue
            except ValueError as exc:
                yield InputError(name, f"malformed JSON: {exc}", number)
                continue
            yield _record_document(record, name, stem, number)
        if not seen_any:
            yield InputError(name, "empty file")

    def _too_large(self, name: str, line: int | None, size: int | None) -> InputError:
        """The error for a document over the limit; ``size`` is None when it was not read."""
        limit = f"over the {self.max_bytes / 1e6:g} MB limit for one document"
        what = limit if size is None else f"{size / 1e6:.1f} MB is {limit}"
        return InputError(name, f"{what}; split it, or raise the limit with --max-mb", line)


def _read_at_most(stream: IO[bytes], limit: int, size: int = 0) -> bytes:
    """At most ``limit + 1`` bytes of ``stream``, a chunk at a time: ``read(n)`` sets aside
    n bytes before it reads, however short the stream (a limit of 100 GB failed with a
    MemoryError on a 1 kB file). ``size``, when the stream is a file that has one, is the
    first chunk: a whole ordinary file in one read."""
    chunks = []
    left = limit + 1
    chunk = min(left, size + 1 if size else 1 << 16)
    while left > 0 and (data := stream.read(chunk)):
        chunks.append(data)
        left -= len(data)
        chunk = min(left, 1 << 20)
    return b"".join(chunks)


def _bounded_lines(stream: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """Each line of ``stream``, holding at most ``limit + 1`` bytes of it.

    A longer line comes as None before the rest of it is skipped, so a caller
    that stops there (a text document over the limit) never reads further.
    """
    chunk = 1 << 16
    while line := stream.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        yield None
        while (rest := stream.readline(chunk)) and not rest.endswith(b"\n"):
            pass


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large for a JSON number")
    return value


def decode(data: bytes, name: str, encoding: str = "utf-8", line: int | None = None) -> str:
    """Text from bytes, refusing empty, binary and wrongly encoded input with a clear error.

    Invisible formatting characters (zero-width spaces, word joiners, soft hyphens, stray
    byte-order marks, bidirectional embeddings and overrides) are removed: they split words
    that should match and can make text display differently from what it says.
    """
    if not data.strip():
        raise InputError(name, "empty file" if line is None else "empty line", line)
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(name, f"unknown encoding {encoding!r}", line) from None
    is_utf8 = codec in ("utf-8", "utf-8-sig")
    # Only UTF-16 and UTF-32 text holds NUL bytes; in any other encoding they mean binary.
    if not codec.startswith(("utf-16", "utf-32")) and b"\x00" in data[:65536]:
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
    if (where := _surrogate_field(record)) is not None:
        return InputError(name, f"unpaired surrogate (\\ud800-\\udfff escape) in {where}", number)
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


def _surrogate_field(record: dict[str, Any]) -> str | None:
    """Which field of a JSONL record holds an unpaired surrogate (a ``\\ud800`` escape without
    its pair), anywhere in its keys or nested values; None when there is none.

    Such a string cannot be encoded as UTF-8, so it would fail only when output is written.
    """
    for key, value in record.items():
        if SURROGATE.search(key):
            return "a field name"
        if _has_surrogate(value):
            return f"{printable(key)!r}"
    return None


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False
