"""A lexical FAQ engine: TF-IDF nearest paraphrase, gated by a model of what is in scope.

A score threshold alone cannot tell "how do I opt out of AI training" from "how do I opt
out of marketing emails": they share most words. So a question is answered only if it
names an in-scope concept (an everyday word such as "old" or "safe" needs a second one),
names no other platform instead of ours, and carries no
off-topic intent (fees, payouts, passwords...) unless it also shows AI-training evidence
(`training_evidence` in the lexicon: "train", the AI toggles, or "ai" with an opt-out or
data word); a bare "opt out" does not override, so "opt out of marketing emails" declines.
Only then does similarity decide the topic and the calibrated confidence.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.faq.analyzer import CONCEPT_PREFIX, Analysis, Analyzer
from core.faq.engine import FaqMatch, MatchKind
from core.faq.lexicon import Calibration
from core.faq.text import is_junk

_MAX_ALTERNATIVES = 2
_AGREEMENT = 3  # paraphrases per topic that vote
_AGREEMENT_WEIGHT = 0.3


@dataclass(frozen=True, slots=True)
class Ranking:
    analysis: Analysis
    scores: tuple[tuple[str, float], ...]  # every topic, best first; cosine in 0..1
    in_scope: bool  # the concept gates passed


def _weights(terms: Sequence[str], idf: Mapping[str, float]) -> dict[str, float]:
    """Sublinear tf-idf, L2-normalised; terms the index has never seen carry no weight."""
    counts = Counter(t for t in terms if t in idf)
    vector = {t: (1 + math.log(n)) * idf[t] for t, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def _topic_score(doc_scores: list[float]) -> float:
    """Mostly the nearest paraphrase, plus agreement among the next ones.

    The nearest line alone lets one stray paraphrase win a topic; the mean of the best
    three rewards topics that several phrasings agree on (measured in bench/README.md).
    """
    best = sorted(doc_scores, reverse=True)[:_AGREEMENT]
    if not best:
        return 0.0
    return (1 - _AGREEMENT_WEIGHT) * best[0] + _AGREEMENT_WEIGHT * sum(best) / _AGREEMENT


def in_scope(analysis: Analysis, anchors: frozenset[str], home: frozenset[str]) -> bool:
    """The concept gates: an anchor concept, our platform, no unexplained off-topic intent."""
    concepts = analysis.concepts
    found = concepts & anchors
    if not found & analysis.strong and len(found) < 2:
        return False
    if analysis.platforms and not concepts & home:
        return False
    # Only non-weak concepts override: "date" must not make "what date does upwork pay"
    # a question about proof of opt-out.
    strong = analysis.strong
    return all(any(s <= strong for s in unless) for _, unless in analysis.intents)


class LexicalFaqEngine:
    def __init__(
        self,
        *,
        analyzer: Analyzer,
        documents: Mapping[str, Sequence[str]],
        calibration: Calibration,
        home_concepts: frozenset[str],
    ) -> None:
        self._analyzer = analyzer
        self._calibration = calibration
        self._home = home_concepts
        self._topics = tuple(documents)
        analysed = [
            (topic, analyzer.analyze(text).terms)
            for topic, texts in documents.items()
            for text in texts
        ]
        df = Counter(term for _, terms in analysed for term in set(terms))
        n = len(analysed)
        # Concepts are curated synonyms, so they count for more than a raw word match.
        self._idf = {
            t: (math.log((n + 1) / (f + 1)) + 1)
            * (calibration.concept_weight if t.startswith(CONCEPT_PREFIX) else 1.0)
            for t, f in df.items()
        }
        # Inverted index: term -> [(doc number, weight)], so a question touches only the
        # paraphrases that share a term with it.
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._doc_topic: list[str] = []
        for number, (topic, terms) in enumerate(analysed):
            self._doc_topic.append(topic)
            for term, weight in _weights(terms, self._idf).items():
                self._postings[term].append((number, weight))

    def _in_scope(self, analysis: Analysis) -> bool:
        return in_scope(analysis, self._analyzer.anchors, self._home)

    def rank(self, question: str) -> Ranking:
        """Every topic's similarity to the question; exposed for the calibration bench."""
        analysis = self._analyzer.analyze(question)
        doc_scores: dict[int, float] = defaultdict(float)
        for term, weight in _weights(analysis.terms, self._idf).items():
            for number, doc_weight in self._postings[term]:
                doc_scores[number] += weight * doc_weight
        per_topic: dict[str, list[float]] = {topic: [] for topic in self._topics}
        for number, score in doc_scores.items():
            per_topic[self._doc_topic[number]].append(score)
        scores = tuple(
            sorted(((t, _topic_score(s)) for t, s in per_topic.items()), key=lambda i: -i[1])
        )
        return Ranking(analysis=analysis, scores=scores, in_scope=self._in_scope(analysis))

    def confidence(self, scores: Sequence[tuple[str, float]]) -> float:
        """Probability that the best topic is right, from its score and its lead."""
        top = scores[0][1]
        lead = top - scores[1][1] if len(scores) > 1 else top
        c = self._calibration
        z = c.slope * (top - c.midpoint) + c.margin_weight * lead
        return 1 / (1 + math.exp(-z))

    def match(self, question: str) -> FaqMatch:
        if not isinstance(question, str) or is_junk(question):
            return FaqMatch(kind=MatchKind.DECLINE, topic=None, confidence=0.0)
        ranking = self.rank(question)
        if ranking.analysis.small_talk_only:
            return FaqMatch(kind=MatchKind.GREETING, topic=None, confidence=1.0)
        confidence = self.confidence(ranking.scores)
        if not ranking.in_scope or confidence < self._calibration.decline_below:
            return FaqMatch(kind=MatchKind.DECLINE, topic=None, confidence=confidence)
        topic, top = ranking.scores[0]
        alternatives: tuple[str, ...] = ()
        if confidence < self._calibration.sure_above:
            floor = top * self._calibration.alternative_ratio
            runners = ranking.scores[1 : 1 + _MAX_ALTERNATIVES]
            alternatives = tuple(t for t, s in runners if s >= floor and s > 0) or (runners[0][0],)
        return FaqMatch(
            kind=MatchKind.ANSWER, topic=topic, confidence=confidence, alternatives=alternatives
        )
