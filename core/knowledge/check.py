"""`gigguard knowledge check`: everything load-time validation covers, plus completeness and age."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator
from pathlib import Path

from core.knowledge.loader import KnowledgeError, load_knowledge_and_gaps
from core.knowledge.models import Knowledge, Sourced

MAX_EFFECTIVE_AHEAD = dt.timedelta(days=366)


def topic_ids_from_markdown(path: Path) -> set[str]:
    """The `## topic-id` headings of a topic list such as shared/faq/TOPICS.md."""
    return set(re.findall(r"^## ([a-z0-9][a-z0-9-]*)\s*$", path.read_text(encoding="utf-8"), re.M))


def _facts(knowledge: Knowledge) -> Iterator[tuple[str, Sourced]]:
    yield from ((f"topic {t.id}", t) for t in knowledge.topics.values())
    yield from ((f"guide {g.id}", g) for g in knowledge.guides.values())
    yield from ((f"comparison row {r.feature!r}", r) for r in knowledge.comparison.rows)
    yield "clause", knowledge.clause


def _date_problems(where: str, fact: Sourced, today: dt.date, stale_days: int) -> Iterator[str]:
    if fact.last_checked > today:
        yield f"{where}: last_checked {fact.last_checked} is in the future"
    elif (today - fact.last_checked).days > stale_days:
        yield (
            f"{where}: last checked {fact.last_checked}, more than {stale_days} days ago; "
            "re-check its sources and update last_checked"
        )
    if fact.effective and fact.effective > today + MAX_EFFECTIVE_AHEAD:
        yield f"{where}: effective date {fact.effective} is more than a year ahead"
    if fact.updated and fact.updated > fact.last_checked:
        yield f"{where}: updated {fact.updated} after it was last checked {fact.last_checked}"


def check_knowledge(
    directory: Path,
    *,
    today: dt.date,
    stale_days: int,
    required_topics: Collection[str],
    overrides: Path | None = None,
) -> list[str]:
    """Every problem found, as `where: what` lines; an empty list means the files are good.

    A translation that misses an id, has one English lacks, or words a message with other
    placeholders is a problem here, though the bot runs with English in its place."""
    try:
        knowledge, gaps = load_knowledge_and_gaps(directory, overrides)
    except KnowledgeError as exc:
        return [str(exc)]
    problems = gaps + [
        f"{directory / 'topics.yaml'}: topic {topic_id!r} is missing"
        for topic_id in sorted(set(required_topics) - set(knowledge.topics))
    ]
    for where, fact in _facts(knowledge):
        problems.extend(_date_problems(where, fact, today, stale_days))
    return problems
