"""What the FAQ model sees of a question: word and character n-grams.

The same functions feed scikit-learn at build time (core/faq/build.py) and the numpy
inference at run time (core/faq/model.py), so both sides always agree. Any change here
changes the artifact's data hash: the staleness test then asks for `gigguard faq build`.
"""

from __future__ import annotations

from itertools import pairwise

from rapidfuzz.distance import DamerauLevenshtein

from core.faq.text import stem, tokenize

CHAR_SIZES = range(2, 6)
# The marketplaces' names decide a topic more than any other word, and members misspell them
# ("fivver", "upwrok"); other platforms' names (LinkedIn, Toptal) belong to questions to
# decline, so a misspelt one must not read as "some other platform".
MARKETPLACES = ("upwork", "fiverr")
_NAME_EDITS = 2  # edits (Damerau-Levenshtein) from a name, same first letter, 5+ letters


def _marketplace(word: str) -> str:
    if len(word) < 5:
        return word
    for name in MARKETPLACES:
        if word[0] == name[0] and DamerauLevenshtein.distance(word, name) <= _NAME_EDITS:
            return name
    return word


def words(text: str) -> list[str]:
    """The text's tokens (text.tokenize), the marketplaces' names spelt right."""
    return [_marketplace(word) for word in tokenize(text)]


def word_grams(text: str) -> list[str]:
    """Light stems and their pairs: "opting out" -> "opt", "out", "opt out"."""
    stems = [stem(word) for word in words(text)]
    return stems + [f"{a} {b}" for a, b in pairwise(stems)]


def char_grams(text: str) -> list[str]:
    """Character 2-5grams inside each word: they carry typos and unseen inflections."""
    grams: list[str] = []
    for word in words(text):
        padded = f" {word} "
        for size in CHAR_SIZES:
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


BLOCKS = (word_grams, char_grams)  # each block is TF-IDF'd and L2-normalised on its own
