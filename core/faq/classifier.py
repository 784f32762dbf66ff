"""The FAQ engine: the trained model's topic probabilities, plus community topics by phrasing.

Community topics (GIGGUARD_KNOWLEDGE_DIR faq.yaml) arrive at run time with a few phrasings
and are not in the artifact. Rather than retraining at start-up, their phrasings are
vectorised with the model's own features, and a question close enough to one of them
(cosine >= `community_similarity`) gets that topic: a nearest-phrasing matcher in front of
the classifier, built in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from core.faq.dataset import FaqSettings
from core.faq.engine import FaqMatch, MatchKind
from core.faq.model import OFF_TOPIC, FaqModel, Sparse
from core.faq.text import is_junk, tokenize

_MAX_ALTERNATIVES = 2


class PhrasingMatcher:
    """Cosine similarity of a question to each topic's phrasings, in the model's features."""

    def __init__(self, model: FaqModel, phrasings: Mapping[str, Sequence[str]]) -> None:
        rows = [(topic, model.vectorize(text)) for topic, texts in phrasings.items() for text in texts]
        used = sorted({int(c) for _, (columns, _) in rows for c in columns})
        self._position = {column: i for i, column in enumerate(used)}
        self._matrix = np.zeros((len(rows), len(used)), dtype=np.float32)
        for i, (_, (columns, values)) in enumerate(rows):
            self._matrix[i, [self._position[int(c)] for c in columns]] = values
        self._topics = [topic for topic, _ in rows]
        self._blocks = len(model.blocks)

    def nearest(self, vector: Sparse) -> tuple[str | None, float]:
        """The topic of the most similar phrasing and that similarity (0..1)."""
        columns, values = vector
        query = np.zeros(self._matrix.shape[1], dtype=np.float32)
        for column, value in zip(columns.tolist(), values.tolist(), strict=True):
            position = self._position.get(column)
            if position is not None:
                query[position] = value
        if not self._topics:
            return None, 0.0
        # Each block is unit-length, so the full vector's squared norm is the block count.
        scores = self._matrix @ query / self._blocks
        best = int(np.argmax(scores))
        return self._topics[best], float(scores[best])


class ClassifierFaqEngine:
    def __init__(
        self, *, model: FaqModel, settings: FaqSettings, community: PhrasingMatcher | None = None
    ) -> None:
        self._model = model
        self._settings = settings
        self._community = community
        self._off = model.classes.index(OFF_TOPIC)
        self._small_talk = frozenset(w for p in settings.small_talk for w in tokenize(p))

    def probabilities(self, question: str) -> NDArray[np.float64]:
        return self._model.probabilities(self._model.vectorize(question))

    def match(self, question: str) -> FaqMatch:
        if not isinstance(question, str) or is_junk(question):
            return FaqMatch(kind=MatchKind.DECLINE, topic=None, confidence=0.0)
        tokens = tokenize(question)
        if tokens and all(t in self._small_talk for t in tokens):
            return FaqMatch(kind=MatchKind.GREETING, topic=None, confidence=1.0)
        vector = self._model.vectorize(question)
        s = self._settings
        if self._community is not None:
            topic, similarity = self._community.nearest(vector)
            if topic is not None and similarity >= s.community_similarity:
                return FaqMatch(kind=MatchKind.ANSWER, topic=topic, confidence=similarity)
        p = self._model.probabilities(vector)
        off = float(p[self._off])
        p[self._off] = -1.0
        order = np.argsort(-p)
        best = int(order[0])
        confidence = float(p[best])
        if off >= confidence or confidence < s.decline_below:
            return FaqMatch(kind=MatchKind.DECLINE, topic=None, confidence=confidence)
        alternatives: tuple[str, ...] = ()
        if confidence < s.sure_above:
            runners = [int(j) for j in order[1 : 1 + _MAX_ALTERNATIVES]]
            floor = confidence * s.alternative_ratio
            alternatives = tuple(self._model.classes[j] for j in runners if p[j] >= floor) or (
                self._model.classes[runners[0]],
            )
        return FaqMatch(
            kind=MatchKind.ANSWER,
            topic=self._model.classes[best],
            confidence=confidence,
            alternatives=alternatives,
        )
