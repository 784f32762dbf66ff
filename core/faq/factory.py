"""Build the production FAQ engine from the knowledge base and the FAQ data files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from functools import partial
from pathlib import Path

import numpy as np

from core.faq.analyzer import Analyzer
from core.faq.classifier import OFF_TOPIC, ClassifierFaqEngine, train_softmax
from core.faq.features import Featurizer
from core.faq.lexical import LexicalFaqEngine, in_scope
from core.faq.lexicon import DATA_DIR, FaqData, FaqDataError, load_faq_data
from core.faq.text import tokenize
from core.knowledge import Knowledge

Documents = dict[str, list[str]]


def _key(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


def _documents(knowledge: Knowledge, data: FaqData, data_dir: Path, left_out: set) -> Documents:
    """Each topic's title plus its paraphrases; every topic must have phrasings.

    The knowledge base owns which topics exist; the FAQ data only says how people ask.
    A topic without phrasings, or phrasings for a topic that does not exist, is an error
    at start-up rather than a topic that silently can never be found.
    """
    # A community's own FAQ entries (GIGGUARD_KNOWLEDGE_DIR) bring their phrasings with them.
    phrasings = {topic_id: entry.questions for topic_id, entry in data.index.topics.items()}
    phrasings |= knowledge.community_phrasings()
    phrased = set(phrasings)
    known = set(knowledge.topics)
    if phrased != known:
        raise FaqDataError(
            f"{data_dir / 'topics_index.yaml'}: topics without phrasings "
            f"{sorted(known - phrased)}, phrasings for unknown topics {sorted(phrased - known)}"
        )
    return {
        topic_id: [
            text for text in (topic.title, *phrasings[topic_id]) if _key(text) not in left_out
        ]
        for topic_id, topic in knowledge.topics.items()
    }


def _analyzer(knowledge: Knowledge, data: FaqData, documents: Documents) -> Analyzer:
    corpus = [text for texts in documents.values() for text in texts]
    corpus.extend(topic.answer for topic in knowledge.topics.values())
    return Analyzer(data.lexicon, corpus)


def build_lexical_engine(
    knowledge: Knowledge, data_dir: Path = DATA_DIR, *, exclude: Collection[str] = ()
) -> LexicalFaqEngine:
    """The round-3 engine (concept gates, nearest paraphrase); the bench's baseline.

    `exclude` leaves phrasings out of the index, so the bench can score a split the index
    was fed from without the engine simply recognising its own copy.
    """
    data = load_faq_data(data_dir)
    documents = _documents(knowledge, data, data_dir, {_key(t) for t in exclude})
    return LexicalFaqEngine(
        analyzer=_analyzer(knowledge, data, documents),
        documents=documents,
        calibration=data.calibration,
        home_concepts=frozenset(data.lexicon.home_concepts),
    )


def build_faq_engine(
    knowledge: Knowledge, data_dir: Path = DATA_DIR, *, exclude: Collection[str] = ()
) -> ClassifierFaqEngine:
    """Train the classifier on every topic's phrasings plus training.jsonl, at start-up.

    Community topics added at run time are trained on their few phrasings, up-weighted to
    `min_class_rows` so a small topic is not drowned by the curated ones. `exclude` leaves
    questions out of both the phrasings and the training rows (leave-one-set-out).
    """
    data = load_faq_data(data_dir)
    left_out = {_key(t) for t in exclude}
    documents = _documents(knowledge, data, data_dir, left_out)
    rows = [(text, topic) for topic, texts in documents.items() for text in texts]
    for row in data.training:
        unknown = set(row.ok) - set(documents)
        if unknown:
            raise FaqDataError(f"{data_dir / 'training.jsonl'}: unknown topics {sorted(unknown)}")
        if _key(row.q) not in left_out:
            # A question with two right answers teaches its first one.
            rows.append((row.q, row.ok[0] if row.ok else OFF_TOPIC))
    analyzer = _analyzer(knowledge, data, documents)
    home = frozenset(data.lexicon.home_concepts)
    featurizer, matrix = Featurizer.fit(
        analyzer, partial(in_scope, anchors=analyzer.anchors, home=home), [q for q, _ in rows]
    )
    classes = [OFF_TOPIC, *documents]
    labels = np.array([classes.index(label) for _, label in rows], dtype=np.int64)
    settings = data.calibration.classifier
    sizes = Counter(label for _, label in rows)
    sample_weights = np.array(
        [max(1.0, settings.min_class_rows / sizes[label]) for _, label in rows]
    )
    weights, bias = train_softmax(matrix, labels, sample_weights, len(classes), settings.c)
    return ClassifierFaqEngine(
        featurizer=featurizer, classes=classes, weights=weights, bias=bias, settings=settings
    )
