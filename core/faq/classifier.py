"""The FAQ engine: the classifier's topic probabilities blended with the neighbours' votes.

p = (1 - w - e) * classifier + w * vote of the k nearest labelled questions by TF-IDF cosine
+ e * the same vote by static-embedding cosine, where e is zero for a message shorter than
`embedding_min_words` (core/faq/embeddings.py says why long messages need it). Community topics
(GIGGUARD_KNOWLEDGE_DIR faq.yaml) arrive at run time with a few phrasings and are not in
the artifact: their phrasings join the neighbours, and a question whose nearest neighbour
is one of them, at least `community_similarity` alike, is answered with that topic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from core.faq.dataset import FaqSettings
from core.faq.embeddings import StaticEmbeddings
from core.faq.engine import FaqMatch, MatchKind
from core.faq.model import OFF_TOPIC, FaqModel
from core.faq.neighbours import Neighbours, vote
from core.faq.text import is_junk, tokenize

_MAX_ALTERNATIVES = 2


class ClassifierFaqEngine:
    def __init__(
        self,
        *,
        model: FaqModel,
        settings: FaqSettings,
        embeddings: StaticEmbeddings,
        community: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self._model = model
        self._settings = settings
        self._embeddings = embeddings
        community = dict(community or {})
        self._classes = (*model.classes, *(t for t in community if t not in model.classes))
        self._community = frozenset(community)
        rows = [(topic, text) for topic, texts in community.items() for text in texts]
        self._community_rows = Neighbours.from_vectors(
            [model.vectorize(text) for _, text in rows],
            [self._classes.index(topic) for topic, _ in rows],
            size=model.size,
            blocks=len(model.blocks),
        )
        self._labels = np.concatenate([model.neighbours.labels, self._community_rows.labels])
        # Beside the model's own rows, never concatenated with them: a copy of the model's
        # (6,654 x 256 float32, 6.8 MB) would stay alive next to the cached model's.
        self._community_embeddings = embeddings.embed([text for _, text in rows])
        postings = np.diff(model.neighbours.starts)
        self._common = postings > settings.vote_common_share * len(model.neighbours.labels)
        self._off = self._classes.index(OFF_TOPIC)
        self._small_talk = frozenset(w for p in settings.small_talk for w in tokenize(p))

    def probabilities(
        self, question: str, tokens: Sequence[str] | None = None
    ) -> tuple[NDArray[np.float64], str, float]:
        """Every class's blended probability, the nearest neighbour's class and similarity.

        `tokens`: the question's (text.tokenize), when the caller has them already."""
        s = self._settings
        vector = self._model.vectorize(question)
        learned = np.zeros(len(self._classes))
        learned[: len(self._model.classes)] = self._model.probabilities(vector)
        columns, values = vector
        telling = ~self._common[columns]
        near = (columns[telling], values[telling])
        similarities = self._model.neighbours.similarities(near)
        if self._community:
            similarities = np.concatenate([similarities, self._community_rows.similarities(near)])
        shares, nearest, similarity = self._vote(similarities)
        blended = s.vote_weight * shares
        words = len(tokenize(question) if tokens is None else tokens)
        embedded = s.embedding_vote_weight if words >= s.embedding_min_words else 0.0
        if embedded:
            embedding = self._embeddings.embed([question])[0]
            gist = [self._model.embeddings @ embedding, self._community_embeddings @ embedding]
            gist_shares, _, _ = self._vote(np.concatenate(gist))
            blended += embedded * gist_shares
        blended += (1 - s.vote_weight - embedded) * learned
        return blended, self._classes[nearest], similarity

    def _vote(
        self, similarities: NDArray[np.floating[Any]]
    ) -> tuple[NDArray[np.float64], int, float]:
        return vote(
            similarities.astype(np.float64, copy=False),
            self._labels,
            classes=len(self._classes),
            k=self._settings.vote_k,
            temperature=self._settings.vote_temperature,
        )

    def match(self, question: str) -> FaqMatch:
        if not isinstance(question, str) or is_junk(question):
            return FaqMatch(kind=MatchKind.DECLINE, topic=None, confidence=0.0)
        tokens = tokenize(question)
        if tokens and all(t in self._small_talk for t in tokens):
            return FaqMatch(kind=MatchKind.GREETING, topic=None, confidence=1.0)
        p, nearest, similarity = self.probabilities(question, tokens)
        s = self._settings
        if nearest in self._community and similarity >= s.community_similarity:
            return FaqMatch(kind=MatchKind.ANSWER, topic=nearest, confidence=similarity)
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
            alternatives = tuple(self._classes[j] for j in runners if p[j] >= floor) or (
                self._classes[runners[0]],
            )
        return FaqMatch(
            kind=MatchKind.ANSWER,
            topic=self._classes[best],
            confidence=confidence,
            alternatives=alternatives,
        )
