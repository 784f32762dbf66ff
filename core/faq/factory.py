"""Build the production FAQ engine from the knowledge base and the FAQ data files."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from core.faq.analyzer import Analyzer
from core.faq.lexical import LexicalFaqEngine
from core.faq.lexicon import DATA_DIR, FaqDataError, load_faq_data
from core.faq.text import tokenize
from core.knowledge import Knowledge


def _key(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


def build_faq_engine(
    knowledge: Knowledge, data_dir: Path = DATA_DIR, *, exclude: Collection[str] = ()
) -> LexicalFaqEngine:
    """Index each topic's title plus its paraphrases; every topic must have phrasings.

    The knowledge base owns which topics exist; the FAQ data only says how people ask.
    A topic without phrasings, or phrasings for a topic that does not exist, is an error
    at start-up rather than a topic that silently can never be found. `exclude` leaves
    phrasings out of the index, so the bench can score a split the index was fed from
    without the engine simply recognising its own copy.
    """
    data = load_faq_data(data_dir)
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
    left_out = {_key(text) for text in exclude}
    documents = {
        topic_id: [
            text for text in (topic.title, *phrasings[topic_id]) if _key(text) not in left_out
        ]
        for topic_id, topic in knowledge.topics.items()
    }
    corpus = [text for texts in documents.values() for text in texts]
    corpus.extend(topic.answer for topic in knowledge.topics.values())
    return LexicalFaqEngine(
        analyzer=Analyzer(data.lexicon, corpus),
        documents=documents,
        calibration=data.calibration,
        home_concepts=frozenset(data.lexicon.home_concepts),
    )
