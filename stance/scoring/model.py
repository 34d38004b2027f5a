"""The built-in learned models, each read once per process from its file in ``data/``.

``stance_model.tsv.gz`` is the stance model (``scripts/train_stance_model.py``) and
``tone_model.tsv`` the tone model (``scripts/train_tone_model.py``); both are readable
tables of weights, see :mod:`stance.scoring.linear` for the format.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources

from .linear import LinearModel, model_text

STANCE_FILE = "stance_model.tsv.gz"
TONE_FILE = "tone_model.tsv"


def _read(name: str) -> str:
    return model_text(name, resources.files("stance").joinpath("data", name).read_bytes())


@functools.cache
def stance_model() -> LinearModel:
    """The stance model: log-odds of four directed classes against neutral."""
    return LinearModel.parse(_read(STANCE_FILE), STANCE_FILE)


@functools.cache
def tone_model() -> LinearModel:
    """The tone model: a predicted human rating on the -4..4 scale."""
    return LinearModel.parse(_read(TONE_FILE), TONE_FILE)


@functools.cache
def model_version() -> str:
    """A short fingerprint of both model files: it changes whenever either is rebuilt."""
    digest = hashlib.sha256()
    for name in (STANCE_FILE, TONE_FILE):
        digest.update(_read(name).encode("utf-8"))
    return "m" + digest.hexdigest()[:10]
