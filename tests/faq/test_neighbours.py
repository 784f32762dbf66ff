"""The neighbours' postings: stored narrow, scored as before."""

from __future__ import annotations

import numpy as np

from core.faq.model import load_model
from core.faq.neighbours import Neighbours


def _postings(rows: int) -> Neighbours:
    vectors = [
        (np.array([i % 3, 3 + i % 2], dtype=np.int64), np.array([0.6, 0.8], dtype=np.float32))
        for i in range(rows)
    ]
    return Neighbours.from_vectors(vectors, [i % 2 for i in range(rows)], size=5, blocks=1)


def test_row_numbers_take_16_bits_while_they_fit_and_more_after() -> None:
    assert _postings(300).rows.dtype == np.uint16
    assert _postings(70_000).rows.dtype == np.uint32
    assert load_model().neighbours.rows.dtype == np.uint16


def test_cosines_from_float16_postings_match_float32_ones() -> None:
    neighbours = _postings(10)
    question = (np.array([1, 4], dtype=np.int64), np.array([0.6, 0.8], dtype=np.float32))
    expected = [
        1.0 if i % 3 == 1 and i % 2 == 1 else 0.36 if i % 3 == 1 else 0.64 if i % 2 else 0.0
        for i in range(10)
    ]
    assert neighbours.data.dtype == np.float16
    assert np.allclose(neighbours.similarities(question), expected, atol=2e-3)
