"""Small corpora for the run-history tests: Pakistan-India statements over several periods.

Each sentence below was checked to score as labelled with the parties in ``PARTIES``; a test
corpus is built by choosing how many of each kind a document holds, so the index of every
period is known by hand.
"""

from __future__ import annotations

import itertools
from pathlib import Path

CONVERGENT = (
    "Pakistan and India agreed to expand trade.",
    "India praised Pakistan for its help after the floods.",
    "Pakistan welcomed the offer of talks from India.",
    "Pakistan thanked India for the warm welcome.",
)
DIVERGENT = (
    "Islamabad accused New Delhi of violating the ceasefire.",
    "India condemned Pakistan over the attack.",
    "India threatened Pakistan with sanctions.",
    "India warned Pakistan against provocations.",
)
NEUTRAL = ("The weather in the region was mild.", "The ministers met on Tuesday.")

PARTIES = """
[parties.PAK]
name = "Pakistan"
aliases = ["Pakistan", "Islamabad"]

[parties.IND]
name = "India"
aliases = ["India", "New Delhi"]
"""


def body(convergent: int, divergent: int, neutral: int = 0) -> str:
    """A paragraph with the given numbers of convergent, divergent and neutral sentences."""
    sentences = (
        list(itertools.islice(itertools.cycle(CONVERGENT), convergent))
        + list(itertools.islice(itertools.cycle(DIVERGENT), divergent))
        + list(itertools.islice(itertools.cycle(NEUTRAL), neutral))
    )
    return " ".join(sentences) + "\n"


def write_doc(
    folder: Path, name: str, convergent: int, divergent: int, neutral: int = 0, date: str = ""
) -> Path:
    """A text file; ``date`` goes into its header when given."""
    header = f"date: {date}\ntitle: Statement {name}\n\n" if date else ""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body(convergent, divergent, neutral), encoding="utf-8")
    return path


def write_config(folder: Path, extra: str = "", inputs: str = '["incoming/"]', **settings) -> Path:
    """A stance.toml with the Pakistan-India parties, serial engine, given settings."""
    lines = [f"inputs = {inputs}"]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    text = "\n".join(lines) + "\n" + extra + "\n" + PARTIES
    if "[engine]" not in extra:
        text += '\n[engine]\nname = "serial"\n'
    path = folder / "stance.toml"
    path.write_text(text, encoding="utf-8")
    return path


def quarterly_corpus(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Six documents over three quarters of 2024, dates in headers and in file names.

    Returns the convergent, divergent and neutral counts of each quarter.
    """
    incoming = folder / "incoming"
    write_doc(incoming, "jan.txt", 6, 1, 1, date="2024-01-15")
    write_doc(incoming, "feb.txt", 5, 1, 1, date="14 February 2024")
    write_doc(incoming, "apr.txt", 4, 3, 0, date="2024-04-02")
    write_doc(incoming, "statement_2024-05-20.txt", 3, 2, 1)
    write_doc(incoming, "jul.txt", 1, 8, 1, date="July 3, 2024")
    write_doc(incoming, "statement_2024-08-09.txt", 1, 9, 0)
    return {"2024-Q1": (11, 2, 2), "2024-Q2": (7, 5, 1), "2024-Q3": (2, 17, 1)}


FILENAME_DATES = """
[speaker]
rule = "filename"
pattern = 'statement_(?P<date>\\d{4}-\\d{2}-\\d{2})'
"""
