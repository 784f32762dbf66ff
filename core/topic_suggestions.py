"""The topics closest to a question the FAQ engine declined, offered as buttons.

The engine's match names alternatives only when it answers; a decline carries none, so the
closest topics are ranked here by the words the question shares with each topic's title,
answer and phrasings, rarer words weighing more (idf). A question sharing no word with any
topic gets the first topics, which is still better than a wall of thirteen lines.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from core.knowledge import Knowledge
from core.knowledge.models import CommunityTopic

SUGGESTED = 3
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    (
        *("a", "an", "and", "are", "be", "can", "do", "does", "for", "from", "how", "i"),
        *("if", "in", "is", "it", "its", "me", "my", "of", "on", "or", "so", "that", "the"),
        *("this", "to", "was", "what", "when", "which", "who", "why", "will", "with", "you"),
        *("your", "upwork"),
    )
)


def _terms(text: str) -> set[str]:
    words = (w.removesuffix("s") if len(w) > 3 else w for w in _WORD.findall(text.lower()))
    return {w for w in words if w not in _STOP}


def closest_topics(
    knowledge: Knowledge, question: str, *, first: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Up to SUGGESTED topic ids: `first` (the engine's own alternatives), then by shared words."""
    texts = {}
    for topic in knowledge.topics.values():
        asked = topic.questions if isinstance(topic, CommunityTopic) else []
        texts[topic.id] = _terms(" ".join([topic.title, topic.answer, *asked]))
    seen_in = Counter(term for terms in texts.values() for term in terms)
    idf = {term: math.log(len(texts) / n) + 1 for term, n in seen_in.items()}
    wanted = _terms(question)
    score = {tid: sum(idf[t] for t in terms & wanted) for tid, terms in texts.items()}
    order = list(knowledge.topics)
    ranked = sorted(order, key=lambda tid: (-score[tid], order.index(tid)))
    chosen = [tid for tid in first if tid in knowledge.topics]
    chosen += [tid for tid in ranked if tid not in chosen]
    return tuple(chosen[:SUGGESTED])
