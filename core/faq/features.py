"""Sparse TF-IDF features of a question for the FAQ classifier.

Two blocks, each L2-normalised: word 1-2grams over the analyzer's terms (stems and
@concepts), the off-topic intents and scope gate it found, and the raw stems; and character
2-5grams inside words, which carry typos, inflections and words no lexicon lists.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from core.faq.analyzer import Analysis, Analyzer
from core.faq.text import stem, tokenize

_CHAR_SIZES = range(2, 6)
_CHAR_MIN_DF = 2  # a character n-gram seen once is noise, not evidence

Sparse = tuple[NDArray[np.int64], NDArray[np.float64]]  # feature columns, weights


def word_tokens(analysis: Analysis, in_scope: bool, text: str) -> list[str]:
    """Analyzer terms plus its gate signals ("#intent-money", "#out") and the plain stems.

    The plain stems ("~") let the model learn what the lexicon has never listed; the gate
    signals let it learn how far to trust the lexicon's judgement of scope.
    """
    tokens = list(analysis.terms)
    tokens.extend(f"#intent-{name}" for name, _ in analysis.intents)
    tokens.extend(f"#platform-{name}" for name in sorted(analysis.platforms))
    tokens.append("#in" if in_scope else "#out")
    tokens.extend("~" + stem(word) for word in tokenize(text))
    return tokens


def _word_grams(tokens: Sequence[str]) -> Counter[str]:
    grams = Counter(tokens)
    grams.update(f"{a} {b}" for a, b in pairwise(tokens))
    return grams


def _char_grams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in tokenize(text):
        padded = f" {word} "
        for size in _CHAR_SIZES:
            grams.update(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def _document_frequency(documents: Iterable[Counter[str]]) -> Counter[str]:
    df: Counter[str] = Counter()
    for grams in documents:
        df.update(grams.keys())
    return df


class _Block:
    """One TF-IDF block: sublinear tf, smoothed idf, L2 norm (as scikit-learn computes it)."""

    def __init__(self, df: Counter[str], documents: int, min_df: int, offset: int) -> None:
        kept = sorted(gram for gram, n in df.items() if n >= min_df)
        self.columns = {gram: offset + i for i, gram in enumerate(kept)}
        self.idf = {gram: math.log((1 + documents) / (1 + df[gram])) + 1 for gram in kept}

    def weigh(self, grams: Counter[str]) -> dict[int, float]:
        vector = {
            self.columns[g]: (1 + math.log(c)) * self.idf[g]
            for g, c in grams.items()
            if g in self.idf
        }
        norm = math.sqrt(sum(w * w for w in vector.values()))
        return {col: w / norm for col, w in vector.items()} if norm else {}


class Featurizer:
    """Turns any question into sparse feature weights, as fitted on the training questions."""

    def __init__(
        self,
        analyzer: Analyzer,
        in_scope: Callable[[Analysis], bool],
        words: Sequence[Counter[str]],
        char_df: Counter[str],
    ) -> None:
        self._analyzer = analyzer
        self._in_scope = in_scope
        self._words = _Block(_document_frequency(words), len(words), min_df=1, offset=0)
        self._chars = _Block(char_df, len(words), _CHAR_MIN_DF, len(self._words.idf))
        self.size = len(self._words.idf) + len(self._chars.idf)

    @classmethod
    def fit(
        cls, analyzer: Analyzer, in_scope: Callable[[Analysis], bool], texts: Sequence[str]
    ) -> tuple[Featurizer, csr_matrix]:
        """The featurizer and the training questions as rows of a sparse matrix.

        The n-gram counts of the training questions are not kept: they would outweigh the
        model in memory. Character n-grams are even counted twice (document frequencies, then
        weights) rather than held for every question: that halves the start-up's peak memory.
        """
        words = []
        for text in texts:
            analysis = analyzer.analyze(text)
            words.append(_word_grams(word_tokens(analysis, in_scope(analysis), text)))
        featurizer = cls(
            analyzer, in_scope, words, _document_frequency(_char_grams(t) for t in texts)
        )
        rows = [featurizer._vector(w, _char_grams(t)) for w, t in zip(words, texts, strict=True)]
        indptr = np.cumsum([0, *(len(columns) for columns, _ in rows)])
        columns = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int64)
        values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        return featurizer, csr_matrix((values, columns, indptr), shape=(len(rows), featurizer.size))

    def _vector(self, words: Counter[str], chars: Counter[str]) -> Sparse:
        weights = self._words.weigh(words) | self._chars.weigh(chars)
        columns = np.fromiter(weights, dtype=np.int64, count=len(weights))
        return columns, np.fromiter(weights.values(), dtype=np.float64, count=len(weights))

    def transform(self, text: str) -> tuple[Analysis, Sparse]:
        """The question's analysis (for small talk) and its feature weights."""
        analysis = self._analyzer.analyze(text)
        words = _word_grams(word_tokens(analysis, self._in_scope(analysis), text))
        return analysis, self._vector(words, _char_grams(text))
