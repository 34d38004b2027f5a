"""Shared fixtures: paths to the bundled examples and to ../shared (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stance.cli import example_paths

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "pakistan-us-2023-07-13.txt"

SEED_PARTIES = """
[parties.PAK]
name = "Pakistan"
aliases = ["Pakistan", "Islamabad", "Pakistani"]
officials = ["Jawad Sohrab Malik", "Malik", "SAPM"]

[parties.USA]
name = "United States"
aliases = ["United States", "US", "Washington", "American"]
officials = ["Donald Blome", "Blome"]
"""


@pytest.fixture
def seed() -> Path:
    if not SEED.exists():
        pytest.skip("../shared/seed is not available")
    return SEED


@pytest.fixture
def seed_parties(tmp_path: Path) -> Path:
    path = tmp_path / "seed-parties.toml"
    path.write_text(SEED_PARTIES, encoding="utf-8")
    return path


@pytest.fixture
def examples() -> dict[str, Path]:
    return {p.stem: p for p in example_paths()}


@pytest.fixture
def write(tmp_path: Path):
    """Write a file under tmp_path: text (str) or raw bytes."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
