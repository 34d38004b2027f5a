"""Rows of the hand-written TSV data files, for the data-check scripts.

Why: the package's loaders stop at the first problem (or forgive it), while a check should
report every structural problem of ``countries.tsv`` or ``cues.tsv`` in one run, each with its
line number. Both check scripts read their file through :func:`read_rows`; running
``python scripts/check_x.py`` puts this folder on ``sys.path``, so they import it directly.
"""

from __future__ import annotations

from pathlib import Path

Row = tuple[int, list[str]]


def read_rows(path: Path, header: list[str], errors: list[str]) -> list[Row]:
    """The data rows of ``path`` as (line number, columns), after its header line.

    Blank lines and lines starting with ``#`` are skipped (the package's loaders skip them
    too). A wrong header, a row with the wrong number of columns or an unreadable file is added
    to ``errors``; such rows are left out.
    """
    rows: list[Row] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(f"{path}: cannot read: {exc}")
        return rows
    header_seen = False
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if not header_seen:
            header_seen = True
            if cols != header:
                errors.append(f"line {lineno}: header is {cols}, expected {header}")
            continue
        if len(cols) != len(header):
            errors.append(f"line {lineno}: {len(cols)} columns, expected {len(header)}: {line!r}")
            continue
        rows.append((lineno, cols))
    if not header_seen:
        errors.append("no header line")
    return rows
