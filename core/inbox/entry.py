"""A moderator's answer to a group of questions, as a community FAQ entry and its source.

The entry goes into GIGGUARD_KNOWLEDGE_DIR/faq.yaml like any hand-written one; the group's
questions are its phrasings, which the FAQ engine matches new questions against
(core/faq/classifier.py: a question close enough to a community phrasing gets that topic).
Every answer cites a source, so the moderator's answer must link to one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import ValidationError

from core.inbox.models import QuestionGroup
from core.knowledge import Knowledge
from core.knowledge.models import CommunityTopic, Source
from core.text_fit import clip

MAX_ANSWER = 600  # what a topic's answer holds (core/knowledge/models.py)
MAX_TITLE = 100
MIN_PHRASINGS = 3  # what a community topic needs (core/knowledge/models.py)
_URL = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)


class EntryError(ValueError):
    """The answer cannot become an entry; the message key says why (messages.yaml)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class Entry:
    topic: CommunityTopic
    new_source: Source | None  # None: the link is already a known source


def topic_id(group: QuestionGroup) -> str:
    return f"asked-{group.id}"


def phrasings(group: QuestionGroup) -> list[str]:
    """The group's distinct questions. A community topic needs three; a smaller group
    repeats its own, adding no word members did not use."""
    distinct = list(dict.fromkeys(q.text for q in group.questions))
    return [distinct[i % len(distinct)] for i in range(max(MIN_PHRASINGS, len(distinct)))]


def _source(knowledge: Knowledge, url: str, new_id: str) -> tuple[str, Source | None]:
    for known in knowledge.sources.values():
        if str(known.url).rstrip("/") == url.rstrip("/"):
            return known.id, None
    host = urlsplit(url).hostname or url
    source = Source.model_validate(
        {"id": new_id, "title": f"{host} (linked by the moderators)", "url": url}
    )
    return new_id, source


def build_entry(knowledge: Knowledge, group: QuestionGroup, answer: str, on: dt.date) -> Entry:
    answer = answer.strip()
    if not answer:
        raise EntryError("inbox_answer_empty", id=group.id)
    if len(answer) > MAX_ANSWER:
        raise EntryError("inbox_answer_long", max=MAX_ANSWER, length=len(answer))
    link = _URL.search(answer)
    if link is None:
        raise EntryError("inbox_answer_source")
    tid = topic_id(group)
    try:
        source_id, new_source = _source(knowledge, link.group(0).rstrip(".,;:!?)"), tid)
        topic = CommunityTopic(
            id=tid,
            title=clip(group.representative, MAX_TITLE),
            answer=answer,
            sources=[source_id],
            last_checked=on,
            questions=phrasings(group),
        )
    except ValidationError as exc:
        raise EntryError("inbox_answer_refused", reason=exc.errors()[0]["msg"]) from exc
    return Entry(topic=topic, new_source=new_source)
