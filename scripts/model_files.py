"""Saving a trained model file, and checking scikit-learn is there, for the training scripts.

Why: a model file must never be replaced by one the runtime would not reproduce. Both
training scripts save through :func:`save_checked`: the file is written aside, read back as
the package reads it, compared with scikit-learn's own predictions, and moved into place
only when they agree within the tolerance. Running ``python scripts/train_x.py`` puts this
folder on ``sys.path``, so they import it directly.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from stance.scoring.linear import LinearModel


def save_checked(
    model: LinearModel,
    path: Path,
    notes: Iterable[str],
    largest_difference: Callable[[LinearModel], float],
    tolerance: float,
    rows: str,
    digits: int = 7,
) -> int:
    """Save ``model`` at ``path`` if it checks out; print what happened; the exit code."""
    worst = model.write_checked(path, notes, largest_difference, tolerance, digits)
    print(f"runtime vs scikit-learn on {rows}: largest difference {worst:.1e}")
    if worst > tolerance:
        print(f"the runtime does not reproduce the model (> {tolerance}): not written")
        return 1
    print(f"wrote {path} ({path.stat().st_size / 1e3:,.0f} kB)")
    return 0


def have_sklearn() -> bool:
    """Whether scikit-learn is installed (training needs it, the package does not); says
    how to get it when it is not."""
    if importlib.util.find_spec("sklearn") is not None:
        return True
    print("this script needs scikit-learn: pip install scikit-learn", file=sys.stderr)
    return False
