"""Errors that name the input they come from, so a batch can report them in one line and go on."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
"""An unpaired surrogate: a str holding one cannot be encoded as UTF-8."""


def printable(text: str) -> str:
    """``text`` safe to print on one line: control characters and line separators escaped
    (``\\n``, ``\\x1b``), unpaired surrogates shown as U+FFFD.

    A file name can hold a newline (forging a second message), terminal escape sequences,
    or bytes that are not UTF-8 (which Python keeps as surrogates that cannot be printed or
    written to JSON). Idempotent: the escapes it writes are printable.
    """
    if SURROGATE.search(text):
        try:
            text = os.fsencode(text).decode("utf-8", "replace")
        except UnicodeError:
            text = SURROGATE.sub("\ufffd", text)
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    char = m.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


class StanceError(Exception):
    """Base class of the errors stance reports to users."""


class InputError(StanceError):
    """A document, party file or lexicon that cannot be used: says which file and line."""

    def __init__(self, path: str | None, message: str, line: int | None = None):
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = printable(self.path or "<input>")
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"

    def __reduce__(self):
        return (type(self), (self.path, self.message, self.line))


def toml_error(name: str, exc: tomllib.TOMLDecodeError, text: str = "") -> InputError:
    """An :class:`InputError` naming the line of a TOML syntax error."""
    message = str(exc)
    m = re.search(r"\(at line (\d+), column \d+\)", message)
    if m:
        line: int | None = int(m.group(1))
    elif "end of document" in message and text:
        line = len(text.rstrip().splitlines()) or 1
    else:
        line = None
    detail = re.sub(r"\s*\(at (?:line|end of document).*\)", "", message)
    return InputError(name, "TOML syntax error: " + detail, line)


def parse_toml(text: str, name: str) -> dict:
    """A user's TOML text parsed, or an InputError naming the file and line of the mistake."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(name, exc, text) from None


def read_user_file(path: str | os.PathLike[str], kind: str) -> str:
    """The text of a user's file (party file, lexicon, config), or an InputError naming it."""
    name = str(path)
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(name, f"no such {kind}") from None
    except IsADirectoryError:
        raise InputError(name, f"{kind} is a folder") from None
    except PermissionError:
        raise InputError(name, f"cannot read {kind}: permission denied") from None
    except UnicodeDecodeError as exc:
        raise InputError(name, f"{kind} is not valid UTF-8 (byte offset {exc.start})") from None
    except OSError as exc:
        raise InputError(name, f"cannot read {kind}: {exc.strerror or exc}") from None
