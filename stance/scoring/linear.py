"""Linear models over TF-IDF terms and dense features, stored as readable TSV files.

The learned stance and tone models are both a weighted sum: an intercept, plus for each
block of terms the L2-normalised TF-IDF vector of the sentence's terms (sublinear term
frequency, ``1 + ln(count)``, times the term's idf) dotted with the weights, plus the dense
features times theirs. This is what scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``
and a linear model compute; here it needs nothing but a dictionary and numpy (which the
sentences of a document share: they are scored in one batch), so the package runs without
scikit-learn and a reader can look up any weight.

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
import itertools
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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


@dataclass(frozen=True)
class TermEffects:
    """What each known term of each sentence of a batch added to each output: sentence
    ``i``'s terms are ``terms[bounds[i]:bounds[i + 1]]``, their effects the same rows of
    ``effects`` (one column per output)."""

    names: list[str]
    bounds: list[int]
    terms: np.ndarray
    values: np.ndarray  # each term's TF-IDF value, normalised within its block
    effects: np.ndarray

    def largest(self, outputs: Sequence[int], minimum: float) -> list[list[tuple[float, str]]]:
        """For each sentence of the batch, its terms that added at least ``minimum`` to its
        output of ``outputs`` (none for a sentence whose output is -1), as (effect, term),
        largest first: the effects are compared for the whole batch at once."""
        found: list[list[tuple[float, str]]] = [[] for _ in outputs]
        bounds = np.asarray(self.bounds)
        column = np.repeat(np.asarray(outputs, dtype=np.int64), np.diff(bounds))
        rows = np.nonzero(column >= 0)[0]
        effects = self.effects[rows, column[rows]]
        strong = effects >= minimum
        rows = rows[strong]
        owners = np.searchsorted(bounds, rows, side="right") - 1
        names = self.names
        for owner, effect, term in zip(
            owners.tolist(), effects[strong].tolist(), self.terms[rows].tolist(), strict=True
        ):
            found[owner].append((effect, names[term]))
        for terms in found:
            terms.sort(reverse=True)
        return found


class LinearModel:
    """A model file, loaded: outputs, intercept, TF-IDF vocabulary and dense weights.

    The weights are held in numpy arrays, one row per term, so that the sentences of a
    document are scored together (:meth:`batch_of`) and the vocabulary takes little memory
    (a dictionary from term to row, and three arrays).
    """

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
        width = len(self.outputs)
        if len(self.intercept) != width or any(
            len(w) != width for w in (*dense.values(), *(t[2] for t in terms.values()))
        ):
            raise ValueError(f"every row needs {width} weights, one per output")
        block_index = {block: i for i, block in enumerate(self.blocks)}
        self.index = {term: row for row, term in enumerate(terms)}
        self.names = list(terms)
        self.block_of = np.array([block_index[b] for b, _, _ in terms.values()], dtype=np.int64)
        self.idf = np.array([float(idf) for _, idf, _ in terms.values()])
        self.weights = np.array([list(map(float, w)) for _, _, w in terms.values()]).reshape(
            len(terms), width
        )
        self.dense_names = tuple(dense)
        self.dense_weights = np.array([list(map(float, w)) for w in dense.values()]).reshape(
            len(dense), width
        )
        self.notes = notes
        self.settings = dict(settings or {})

    def term_rows(self, sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the known terms of each sentence of a batch (repeats kept), as two
        arrays for :meth:`batch_of`: the sentence (its place in ``sentences``) of each, and
        the row."""
        rows, sentence, _ = looked_up(self.index, sentences, -1)
        known = rows >= 0
        return sentence[known], rows[known]

    def dense_vector(self, dense: Mapping[str, float]) -> list[float]:
        """The model's dense features in its order, 0 for those ``dense`` lacks."""
        return [float(dense.get(name, 0.0)) for name in self.dense_names]

    def batch_of(
        self, sentence: np.ndarray, rows: np.ndarray, dense: Sequence[Sequence[float]] | np.ndarray
    ) -> tuple[np.ndarray, TermEffects]:
        """The outputs of many sentences at once, one row each, and what each term of each
        sentence added to each output: given the rows of all the sentences' terms as one
        array, the sentence (0 .. one less than the length of ``dense``) of each in another
        (see :meth:`term_rows`), and each sentence's dense vector (see :meth:`dense_vector`)."""
        count = len(dense)
        out = np.tile(np.array(self.intercept), (count, 1))
        if self.dense_names and count:
            out += np.asarray(dense, dtype=float).reshape(count, -1) @ self.dense_weights
        size, blocks = len(self.names), len(self.blocks)
        keys, repeats = np.unique(sentence * size + rows, return_counts=True)
        sentence, term = np.divmod(keys, size)
        values = (1.0 + np.log(repeats)) * self.idf[term]
        group = sentence * blocks + self.block_of[term]
        norms = np.sqrt(np.bincount(group, values * values, minlength=count * blocks))
        values /= norms[group]
        effects = np.take(self.weights, term, axis=0)
        effects *= values[:, None]
        # ``keys`` come sorted, so each sentence's terms are one run of rows: summed a run at
        # a time, for the sentences that have any
        bounds = np.searchsorted(sentence, np.arange(count + 1))
        starts = bounds[:-1]
        has_terms = starts < bounds[1:]
        if len(term):
            out[has_terms] += np.add.reduceat(effects, starts[has_terms], axis=0)
        return out, TermEffects(self.names, bounds.tolist(), term, values, effects)

    def scores(self, counts: Mapping[str, int], dense: Mapping[str, float]) -> list[float]:
        """The outputs for one sentence's term counts and dense feature values."""
        return self._one(counts, dense)[0][0].tolist()

    def _one(
        self, counts: Mapping[str, int], dense: Mapping[str, float]
    ) -> tuple[np.ndarray, TermEffects]:
        """:meth:`batch_of` for one sentence, given its term counts and dense values."""
        terms = [term for term, n in counts.items() for _ in range(n)]
        return self.batch_of(*self.term_rows([terms]), [self.dense_vector(dense)])

    def contributions(
        self, counts: Mapping[str, int], dense: Mapping[str, float]
    ) -> list[Contribution]:
        """Every term and feature that moved the outputs, with what it added to each."""
        _, batch = self._one(counts, dense)
        found = dict(
            zip(
                batch.terms.tolist(),
                zip(batch.values.tolist(), batch.effects.tolist(), strict=True),
                strict=True,
            )
        )
        out = []
        for term in counts:  # in the order given
            row = self.index.get(term)
            if row is not None:
                value, effects = found[row]
                out.append(
                    Contribution(self.blocks[self.block_of[row]], term, value, tuple(effects))
                )
        for name, weights in zip(self.dense_names, self.dense_weights.tolist(), strict=True):
            value = dense.get(name)
            if value:
                out.append(Contribution(DENSE, name, value, tuple(value * w for w in weights)))
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
        for term, block, idf, weights in zip(
            self.names, self.block_of, self.idf.tolist(), self.weights.tolist(), strict=True
        ):
            lines.append(row(self.blocks[block], term, f"{idf:.9g}", weights))
        for name, weights in zip(self.dense_names, self.dense_weights.tolist(), strict=True):
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


def looked_up(
    index: Mapping[str, int], sentences: Sequence[Sequence[str]], missing: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every word of a batch of sentences looked up in ``index`` (``missing`` for a word it
    lacks), as one array for the whole batch; with the sentence of each word and the number
    of words of each sentence."""
    lengths = np.fromiter(map(len, sentences), np.int64, len(sentences))
    found = np.fromiter(
        map(index.get, itertools.chain.from_iterable(sentences), itertools.repeat(missing)),
        np.int64,
        int(lengths.sum()),
    )
    sentence = np.repeat(np.arange(len(sentences), dtype=np.int64), lengths)
    return found, sentence, lengths


def model_text(name: str, data: bytes) -> str:
    """The text of a model file's bytes, decompressed when its ``name`` ends in ``.gz``."""
    return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")
