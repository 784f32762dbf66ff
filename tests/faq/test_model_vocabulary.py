"""The model's vocabulary: sorted bytes found by binary search, exactly the grams it holds."""

from __future__ import annotations

import numpy as np
import pytest

from core.faq.dataset import FaqDataError
from core.faq.model import Block, from_parts, load_model


def _block(*grams: str) -> Block:
    return Block(
        grams=np.array([g.encode() for g in grams]), idf=np.ones(len(grams), np.float32), offset=0
    )


def test_only_grams_in_the_vocabulary_are_counted_and_each_as_often_as_it_occurs() -> None:
    block = _block(" ab", "opt", "opt out", "out")
    columns, counts = block.counted(["opt", "zz", "opt out", "opt", "opt outs", "a", "op"])
    assert dict(zip(columns.tolist(), counts.tolist(), strict=True)) == {1: 2.0, 2: 1.0}


def test_a_gram_past_the_last_one_or_before_the_first_is_not_found() -> None:
    block = _block("b", "c")
    columns, _ = block.counted(["zzz", "a", "cc"])
    assert columns.size == 0


def test_a_vocabulary_out_of_order_is_refused() -> None:
    model = load_model()
    with pytest.raises(FaqDataError, match="sorted"):
        from_parts(
            classes=model.classes,
            vocabularies=[["b", "a"], ["c"]],
            idfs=[np.ones(2, np.float32), np.ones(1, np.float32)],
            coef=np.zeros((3, len(model.classes)), np.float32),
            intercept=model.intercept,
            neighbours=model.neighbours,
            embeddings=model.embeddings,
            data_hash="",
        )
