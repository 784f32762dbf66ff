"""The inbox's vocabulary and the storage port it needs (implemented in core/storage)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.identity import MemberKey


class QuestionState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    id: int
    text: str
    asked_on: dt.date


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Open questions alike enough to be answered once; `id` is its first question's id."""

    id: int
    questions: tuple[OpenQuestion, ...]  # oldest first

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def newest(self) -> dt.date:
        return max(q.asked_on for q in self.questions)

    @property
    def representative(self) -> str:
        return self.questions[0].text


@dataclass(frozen=True, slots=True)
class AnsweredQuestion:
    """What the DM telling a member of the answer shows."""

    text: str
    asked_on: dt.date
    answer: str
    topic: str


@dataclass(frozen=True, slots=True)
class WaitingQuestion:
    """A question whose asker wants to hear of the answer (listed by `my-data`)."""

    id: int
    asked_on: dt.date
    text: str
    answered: bool


class InboxRepository(Protocol):
    async def add(
        self,
        *,
        platform: str,
        community: str,
        text: str,
        on: dt.date,
        notify: MemberKey | None,
    ) -> int: ...

    async def open_questions(self, *, platform: str, community: str) -> list[OpenQuestion]:
        """Oldest first."""
        ...

    async def answer(
        self,
        ids: Sequence[int],
        *,
        platform: str,
        community: str,
        topic: str,
        answer: str,
        at: dt.datetime,
    ) -> int:
        """Mark these open questions answered and queue one DM for each asker who wanted to
        hear of it (a delivery of kind `answer`), moving their id out of the question; return
        how many DMs were queued."""
        ...

    async def dismiss(self, ids: Sequence[int], *, platform: str, community: str) -> int:
        """Delete these open questions; return how many."""
        ...

    async def answered_for(self, delivery_id: int) -> AnsweredQuestion | None:
        """The question an `answer` delivery tells its member about."""
        ...


class FeedbackRepository(Protocol):
    """ "Helpful" / "Not helpful" counts per topic; never who clicked."""

    async def add_counts(self, counts: dict[tuple[str, str, str, bool], int]) -> None:
        """Add counts per (platform, community, topic, helpful), in one write."""
        ...

    async def topic_counts(
        self, *, platform: str, workspace: str
    ) -> dict[tuple[str, bool], int]: ...
