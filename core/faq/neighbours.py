"""Nearest labelled questions, by cosine similarity in the model's own features.

The classifier generalises from weights; the neighbours remember phrasings. Their vote,
blended into the classifier's probabilities, is what lifted questions by unseen authors
most (bench/README.md). Community topics (GIGGUARD_KNOWLEDGE_DIR faq.yaml) are a second,
small set of rows built at start-up, so they are found without retraining.

Rows are stored by feature column (an inverted index, CSC): a question touches only the
postings of its own n-grams, not every stored value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Sparse = tuple[NDArray[np.int64], NDArray[np.float32]]  # feature columns, weights


@dataclass(frozen=True, slots=True)
class Neighbours:
    starts: NDArray[np.integer[Any]]  # postings of column c: starts[c] .. starts[c + 1]
    rows: NDArray[np.integer[Any]]  # the row of each posting
    data: NDArray[np.floating[Any]]  # its weight
    labels: NDArray[np.int32]  # class number of each row
    blocks: int  # unit-length blocks per vector: a vector's squared norm

    @classmethod
    def compact(
        cls,
        *,
        starts: NDArray[np.integer[Any]],
        rows: NDArray[np.integer[Any]],
        data: NDArray[np.floating[Any]],
        labels: Sequence[int],
        blocks: int,
    ) -> Neighbours:
        """The postings in the narrowest types that hold them: row numbers in 16 bits for the
        model's 10,347 rows (wider past 65,535), weights (0..1) in float16: 4 bytes less for each
        of the 1.9 million postings (7.5 MB) in every process that answers questions; cosines
        move by about 1e-3, a hundredth of the vote's temperature."""
        return cls(
            starts=starts.astype(np.min_scalar_type(int(starts[-1]) if len(starts) else 0)),
            rows=rows.astype(np.min_scalar_type(max(len(labels) - 1, 0))),
            data=data.astype(np.float16),
            labels=np.asarray(labels, dtype=np.int32),
            blocks=blocks,
        )

    @classmethod
    def from_vectors(
        cls, vectors: Sequence[Sparse], labels: Sequence[int], *, size: int, blocks: int
    ) -> Neighbours:
        lengths = [len(columns) for columns, _ in vectors]
        columns = np.concatenate([c for c, _ in vectors] or [np.zeros(0, np.int64)])
        data = np.concatenate([v for _, v in vectors] or [np.zeros(0, np.float32)])
        rows = np.repeat(np.arange(len(vectors), dtype=np.int32), lengths)
        order = np.argsort(columns, kind="stable")
        starts = np.searchsorted(columns[order], np.arange(size + 1))
        return cls.compact(
            starts=starts, rows=rows[order], data=data[order], labels=labels, blocks=blocks
        )

    def similarities(self, vector: Sparse) -> NDArray[np.float64]:
        """Cosine of the question with every row (0..1)."""
        columns, values = vector
        begin, end = self.starts[columns], self.starts[columns + 1]
        # The postings of the question's columns, copied slice by slice: half the time of
        # gathering them by position, with the same values in the same order.
        spans = [slice(b, e) for b, e in zip(begin.tolist(), end.tolist(), strict=True)]
        rows = np.concatenate([self.rows[s] for s in spans] or [self.rows[:0]])
        data = np.concatenate([self.data[s] for s in spans] or [self.data[:0]])
        weights = data.astype(np.float32) * np.repeat(values, end - begin)
        sums = np.bincount(rows, weights=weights, minlength=len(self.labels))
        return sums / self.blocks


def vote(
    similarities: NDArray[np.float64],
    labels: NDArray[np.int32],
    *,
    classes: int,
    k: int,
    temperature: float,
) -> tuple[NDArray[np.float64], int, float]:
    """Class shares of the k most similar rows (softmax of similarity), and the class and
    similarity of the nearest one."""
    k = min(k, len(similarities))
    nearest = np.argpartition(-similarities, k - 1)[:k]
    weights = np.exp((similarities[nearest] - similarities[nearest].max()) / temperature)
    shares = np.bincount(labels[nearest], weights=weights, minlength=classes)
    best = int(nearest[np.argmax(similarities[nearest])])
    return shares / shares.sum(), int(labels[best]), float(similarities[best])
