"""What core needs from the outside world: services receive these, bot/ provides them."""

from __future__ import annotations

import datetime as dt
from types import TracebackType
from typing import Protocol, Self

from core.identity import MemberKey
from core.status import MemberProfile, ToggleCounts, ToggleRecord


class MemberRepository(Protocol):
    async def profile(self, key: MemberKey) -> MemberProfile | None: ...

    async def toggles(self, key: MemberKey) -> list[ToggleRecord]: ...

    async def set_toggle(
        self, key: MemberKey, *, marketplace: str, toggle: str, off: bool, at: dt.datetime
    ) -> None:
        """Record a toggle, creating the member on first use."""
        ...

    async def delete(self, key: MemberKey) -> int:
        """Delete every row about the member; return how many rows went."""
        ...

    async def toggle_counts(
        self, *, platform: str, workspace: str, marketplace: str, toggles: list[str]
    ) -> ToggleCounts: ...


class FaqStatsRepository(Protocol):
    """Per-topic question counts for moderators. Never who asked, never the question text."""

    async def count_question(self, *, platform: str, workspace: str, topic: str | None) -> None: ...

    async def topic_counts(self, *, platform: str, workspace: str) -> dict[str | None, int]: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    members: MemberRepository
    faq_stats: FaqStatsRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
