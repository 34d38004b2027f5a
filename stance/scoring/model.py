"""The scorers' weights, read once from the readable data file ``data/model.json``."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def load_model() -> dict[str, Any]:
    """The built-in model: tone mixing weights and the stance scorer's parameters."""
    source = resources.files("stance").joinpath("data/model.json")
    return json.loads(source.read_text(encoding="utf-8"))
