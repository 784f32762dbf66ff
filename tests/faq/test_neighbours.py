"""The neighbours' postings: stored narrow, scored as before; common n-grams cast no vote."""

from __future__ import annotations

import numpy as np

from core.faq.model import load_model
from core.faq.neighbours import Neighbours
from tests.faq.engines import engine_with


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


def test_the_vote_ignores_the_ngrams_most_training_questions_share() -> None:
    # " a", "e ", "th": in more than vote_common_share of the rows, they only slow the vote.
    shipped, every_gram = engine_with(), engine_with(vote_common_share=1.0)
    _, _, shipped_similarity = shipped.probabilities("a")
    _, _, full_similarity = every_gram.probabilities("a")
    assert shipped_similarity < full_similarity
    _, _, rare = shipped.probabilities("7719 8823")
    _, _, rare_full = every_gram.probabilities("7719 8823")
    assert rare == rare_full
