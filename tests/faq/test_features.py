"""What the model reads of a question: the marketplaces' names spelt right, nothing else."""

from __future__ import annotations

import pytest

from core.faq.features import char_grams, word_grams, words


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("fivver", "fiverr"),
        ("fiver", "fiverr"),
        ("fiverrs", "fiverr"),
        ("upwrok", "upwork"),
        ("uwpork", "upwork"),
        ("upworks", "upwork"),
    ],
)
def test_a_misspelt_marketplace_is_read_as_its_name(typed: str, read: str) -> None:
    assert words(f"does {typed} have an ai optout") == ["does", read, "have", "an", "ai", "optout"]


@pytest.mark.parametrize("word", ["update", "upload", "river", "feature", "toptal", "fine"])
def test_other_words_are_left_alone(word: str) -> None:
    assert words(word) == [word]


def test_both_feature_blocks_read_the_corrected_name() -> None:
    assert word_grams("fivver fees") == word_grams("fiverr fees")
    assert char_grams("upwrok") == char_grams("upwork")
