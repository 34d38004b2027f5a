"""Safe, stable folder names for report folders.

A document's id is untrusted: it may hold ``..``, slashes, an absolute path, a reserved
Windows device name, nothing at all, or thousands of characters. The folder name keeps the
id's letters, digits, ``.``, ``-`` and ``_`` (at most :data:`MAX_STEM` of them, never a
leading dot, never two dots in a row) and always ends with a short hash of the document's
identity (its resolved path and id), so two documents with the same name never share a
folder and the same document gets the same folder on every run.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata

from ..documents import Document

MAX_STEM = 60
HASH_LENGTH = 8
_UNSAFE = re.compile(r"[^\w.-]+")
_DOTS = re.compile(r"\.{2,}")


def document_key(doc: Document) -> str:
    """What identifies a document across runs: its resolved file path and its id."""
    if doc.path and not doc.path.startswith("<"):
        return f"{os.path.abspath(doc.path)}#{doc.id}"
    return f"{doc.path or ''}#{doc.id}"


def folder_name(doc_id: str, key: str) -> str:
    """``<safe stem of the id>-<hash of key>``: one path component, never hidden or special."""
    stem = _DOTS.sub(".", _UNSAFE.sub("-", unicodedata.normalize("NFKC", doc_id)))
    stem = stem.strip("._-")[:MAX_STEM].rstrip("._-") or "document"
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{stem}-{digest[:HASH_LENGTH]}"


class FolderNamer:
    """Names the documents of one run; a second document with the same identity (a repeated
    id inside one JSONL file) gets its line number into the key, so it does not overwrite
    the first."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, doc: Document) -> str:
        key = document_key(doc)
        name = folder_name(doc.id, key)
        if name in self.used and doc.line is not None:
            name = folder_name(doc.id, f"{key}:{doc.line}")
        self.used.add(name)
        return name
