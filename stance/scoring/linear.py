"""Linear models over TF-IDF terms and dense features, stored as readable TSV files.

The learned stance and tone models are both a weighted sum: an intercept, plus for each
block of terms the L2-normalised TF-IDF vector of the sentence's terms (sublinear term
frequency, ``1 + ln(count)``, times the term's idf) dotted with the weights, plus the dense
features times theirs. This is what scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``
and a linear model compute; here it needs nothing but a dictionary and ``math``, so the
package runs without scikit-learn and a reader can look up any weight.

The file, one row per term or feature, tab-separated, ``#`` lines are comments::

    block      feature      idf       <output 1>  <output 2> ...
    intercept  -            -         -0.41       ...
    words      enta said    4.2031    0.0713      ...
    regions    mid:accused  5.1174    -0.0332     ...
    dense      vader        -         0.8127      ...

A file whose name ends in ``.gz`` is the same table gzip-compressed (``zcat`` reads it): the
stance model's 40,000 terms are 4 MB as text, 1.5 MB compressed.

Rows of block ``dense`` are features used as they are; every other block is a TF-IDF block,
normalised on its own. Block scales used in training are already folded into the weights.
Rows of block ``setting`` (``setting  name  value``) carry a scorer's settings chosen with the
model, such as thresholds.
"""

from __future__ import annotations

import gzip
import math
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DENSE = "dense"
INTERCEPT = "intercept"
SETTING = "setting"
HEADER = ("block", "feature", "idf")


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one term or feature added to each output: ``value`` (its normalised TF-IDF
    weight, or the feature's value) times its weights."""

    block: str
    feature: str
    value: float
    effects: tuple[float, ...]


class LinearModel:
    """A model file, loaded: outputs, intercept, TF-IDF vocabulary and dense weights."""

    def __init__(
        self,
        outputs: Sequence[str],
        intercept: Sequence[float],
        terms: Mapping[str, tuple[str, float, Sequence[float]]],
        dense: Mapping[str, Sequence[float]],
        notes: str = "",
        settings: Mapping[str, float] | None = None,
    ):
        self.outputs = tuple(outputs)
        self.intercept = tuple(float(w) for w in intercept)
        self.blocks = tuple(dict.fromkeys(block for block, _, _ in terms.values()))
        index = {block: i for i, block in enumerate(self.blocks)}
        # One dictionary for every term of every block: term -> (block index, idf, weights).
        self.terms = {
            term: (index[block], float(idf), tuple(map(float, weights)))
            for term, (block, idf, weights) in terms.items()
        }
        # For scoring: term -> (block index, idf, idf times each weight), so that a term seen
        # once adds its row as it is and a block's sum is one transposition (zip) away.
        self._scaled = {
            term: (block, idf, tuple(idf * w for w in weights))
            for term, (block, idf, weights) in self.terms.items()
        }
        self.dense = {name: tuple(map(float, weights)) for name, weights in dense.items()}
        self.notes = notes
        self.settings = dict(settings or {})
        width = len(self.outputs)
        if len(self.intercept) != width or any(
            len(w) != width for w in (*self.dense.values(), *(t[2] for t in self.terms.values()))
        ):
            raise ValueError(f"every row needs {width} weights, one per output")

    def scores(self, counts: Mapping[str, int], dense: Mapping[str, float]) -> list[float]:
        """The outputs for a sentence's term counts and dense feature values."""
        values: list[list[float]] = [[] for _ in self.blocks]
        rows: list[list[tuple[float, ...]]] = [[] for _ in self.blocks]
        scaled = self._scaled
        for term, count in counts.items():
            found = scaled.get(term)
            if found is None:
                continue
            block, idf, row = found
            if count > 1:
                tf = 1.0 + math.log(count)
                idf *= tf
                row = tuple(tf * w for w in row)
            values[block].append(idf)
            rows[block].append(row)
        out = list(self.intercept)
        for block_values, block_rows in zip(values, rows, strict=True):
            if block_values:
                norm = math.hypot(*block_values)
                for j, column in enumerate(zip(*block_rows, strict=True)):
                    out[j] += sum(column) / norm
        for name, value in dense.items():
            found_row = self.dense.get(name)
            if found_row is not None:
                for j, w in enumerate(found_row):
                    out[j] += value * w
        return out

    def term_effects(self, counts: Mapping[str, int], output: int) -> list[tuple[float, str]]:
        """What each known term added to one output, as (effect, term), largest first: the
        same numbers as :meth:`contributions` for that output, without building them all."""
        values: dict[str, float] = {}
        squares = [0.0] * len(self.blocks)
        scaled = self._scaled
        for term, count in counts.items():
            found = scaled.get(term)
            if found is not None:
                value = found[1] * (1.0 + math.log(count))
                values[term] = value
                squares[found[0]] += value * value
        norms = [math.sqrt(square) or 1.0 for square in squares]
        effects = []
        for term, value in values.items():
            block, idf, row = scaled[term]
            effects.append((value / idf * row[output] / norms[block], term))
        effects.sort(reverse=True)
        return effects

    def contributions(
        self, counts: Mapping[str, int], dense: Mapping[str, float]
    ) -> list[Contribution]:
        """Every term and feature that moved the outputs, with what it added to each."""
        values: dict[str, tuple[int, float]] = {}
        squares = [0.0] * len(self.blocks)
        for term, count in counts.items():
            row = self.terms.get(term)
            if row is not None:
                value = row[1] * (1.0 + math.log(count))
                values[term] = (row[0], value)
                squares[row[0]] += value * value
        out = []
        for term, (block, value) in values.items():
            value /= math.sqrt(squares[block])
            weights = self.terms[term][2]
            out.append(
                Contribution(self.blocks[block], term, value, tuple(value * w for w in weights))
            )
        for name, value in dense.items():
            dense_weights = self.dense.get(name)
            if dense_weights is not None and value:
                effects = tuple(value * w for w in dense_weights)
                out.append(Contribution(DENSE, name, value, effects))
        return out

    # the file ------------------------------------------------------------------------------

    @classmethod
    def read(cls, path: str | Path) -> LinearModel:
        """Load a model file; ValueError naming the line when it is malformed."""
        return cls.parse(model_text(Path(path).name, Path(path).read_bytes()), str(path))

    @classmethod
    def parse(cls, text: str, name: str = "model") -> LinearModel:
        outputs: list[str] | None = None
        intercept: list[float] | None = None
        terms: dict[str, tuple[str, float, list[float]]] = {}
        dense: dict[str, list[float]] = {}
        settings: dict[str, float] = {}
        notes = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.startswith("#"):
                notes.append(line[1:].strip())
                continue
            if not line.strip():
                continue
            cells = line.split("\t")
            if cells[0] == SETTING and len(cells) == 3:
                try:
                    settings[cells[1]] = float(cells[2])
                except ValueError:
                    raise ValueError(f"{name}:{number}: not a number") from None
                continue
            if outputs is None:
                if tuple(cells[:3]) != HEADER or len(cells) < 4:
                    raise ValueError(f"{name}:{number}: expected the header 'block feature idf'")
                outputs = cells[3:]
                continue
            if len(cells) != 3 + len(outputs):
                raise ValueError(f"{name}:{number}: expected {3 + len(outputs)} columns")
            block, feature, idf = cells[:3]
            try:
                weights = [float(w) for w in cells[3:]]
                if block == INTERCEPT:
                    intercept = weights
                elif block == DENSE:
                    dense[feature] = weights
                else:
                    terms[feature] = (block, float(idf), weights)
            except ValueError:
                raise ValueError(f"{name}:{number}: not a number") from None
        if outputs is None or intercept is None:
            raise ValueError(f"{name}: no header or no intercept row")
        return cls(outputs, intercept, terms, dense, "\n".join(notes), settings)

    def write(self, path: str | Path, comments: Iterable[str] = (), digits: int = 7) -> None:
        """Write the model as a TSV file with ``comments`` on top (weights rounded to
        ``digits`` significant digits, idf to nine)."""
        lines = [f"# {line}".rstrip() for line in comments]
        lines.append("\t".join((*HEADER, *self.outputs)))
        lines += [f"{SETTING}\t{name}\t{value:g}" for name, value in self.settings.items()]

        def row(block: str, feature: str, idf: str, weights: Iterable[float]) -> str:
            return "\t".join((block, feature, idf, *(f"{w:.{digits}g}" for w in weights)))

        lines.append(row(INTERCEPT, "-", "-", self.intercept))
        for term, (block, idf, weights) in self.terms.items():
            lines.append(row(self.blocks[block], term, f"{idf:.9g}", weights))
        for name, weights in self.dense.items():
            lines.append(row(DENSE, name, "-", weights))
        data = ("\n".join(lines) + "\n").encode("utf-8")
        if Path(path).suffix == ".gz":
            data = gzip.compress(data, mtime=0)  # the same model, the same bytes
        Path(path).write_bytes(data)

    def write_checked(
        self,
        path: str | Path,
        comments: Iterable[str],
        largest_difference: Callable[[LinearModel], float],
        tolerance: float,
        digits: int = 7,
    ) -> float:
        """Write the model beside nothing: to a temporary file first, read it back, and move it
        to ``path`` only when ``largest_difference`` (of the model as read back from the file,
        against the reference it was fitted as) is within ``tolerance``. Returns that
        difference; ``path`` is left untouched when it is too large."""
        target = Path(path)
        with tempfile.TemporaryDirectory() as folder:
            written = Path(folder) / target.name
            self.write(written, comments, digits)
            worst = largest_difference(LinearModel.read(written))
            if worst <= tolerance:
                target.write_bytes(written.read_bytes())
        return worst


def model_text(name: str, data: bytes) -> str:
    """The text of a model file's bytes, decompressed when its ``name`` ends in ``.gz``."""
    return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")
