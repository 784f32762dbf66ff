"""Group open questions that ask the same thing, so moderators answer each once.

Greedy, in the order the questions arrived: a question joins the earlier group whose first
question it is most alike (at least SIMILAR), or starts a group of its own, named by its id.
A group's membership therefore never changes when newer questions arrive or other groups are
answered or dismissed, so the ids `inbox` shows stay valid for `inbox answer` and `dismiss`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from core.inbox.models import OpenQuestion, QuestionGroup

SIMILAR = 70.0  # rapidfuzz token_sort_ratio, 0..100
_WORD = re.compile(r"\w+")


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def group_questions(questions: Sequence[OpenQuestion]) -> list[QuestionGroup]:
    """Groups in the order of their first question; `questions` oldest first."""
    firsts: list[tuple[str, list[OpenQuestion]]] = []
    for question in questions:
        text = _normal(question.text)
        scored = [(fuzz.token_sort_ratio(text, first), members) for first, members in firsts]
        best = max(scored, key=lambda pair: pair[0], default=None)
        if best is not None and best[0] >= SIMILAR:
            best[1].append(question)
        else:
            firsts.append((text, [question]))
    return [QuestionGroup(id=members[0].id, questions=tuple(members)) for _, members in firsts]
