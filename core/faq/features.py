"""What the FAQ model sees of a question: word and character n-grams.

The same functions feed scikit-learn at build time (core/faq/build.py) and the numpy
inference at run time (core/faq/model.py), so both sides always agree. Any change here
changes the artifact's data hash: the staleness test then asks for `gigguard faq build`.
"""

from __future__ import annotations

from itertools import pairwise

from core.faq.text import stem, tokenize

CHAR_SIZES = range(2, 6)


def word_grams(text: str) -> list[str]:
    """Light stems and their pairs: "opting out" -> "opt", "out", "opt out"."""
    stems = [stem(word) for word in tokenize(text)]
    return stems + [f"{a} {b}" for a, b in pairwise(stems)]


def char_grams(text: str) -> list[str]:
    """Character 2-5grams inside each word: they carry typos and unseen inflections."""
    grams: list[str] = []
    for word in tokenize(text):
        padded = f" {word} "
        for size in CHAR_SIZES:
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


BLOCKS = (word_grams, char_grams)  # each block is TF-IDF'd and L2-normalised on its own
