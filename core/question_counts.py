"""Per-topic question counts, added up in memory and written in batches.

`ask` is the one command that would otherwise write on every call just to bump a counter.
Counts are kept here and flushed by a background task every few seconds (and on shutdown) in
one statement per flush. A crash loses at most the counts of one flush interval; a flush that
fails keeps its counts for the next one. Counts stay anonymous: a topic, never who asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter

from core.errors import StorageError
from core.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)

TopicKey = tuple[str, str, str | None]  # (platform, community, topic; None: declined)


class QuestionCounts:
    def __init__(self) -> None:
        self._pending: Counter[TopicKey] = Counter()
        self._failing = False

    def add(self, *, platform: str, workspace: str, topic: str | None) -> None:
        self._pending[(platform, workspace, topic)] += 1

    def pending(self, *, platform: str, workspace: str) -> dict[str | None, int]:
        """Counts of this community not yet written (moderators' stats add them in)."""
        return {t: n for (p, w, t), n in self._pending.items() if (p, w) == (platform, workspace)}

    async def flush(self, uow: UnitOfWorkFactory) -> int:
        """Write what is pending in one statement; return how many questions were written."""
        batch, self._pending = self._pending, Counter()
        if not batch:
            return 0
        try:
            async with uow() as work:
                await work.faq_stats.add_counts(batch)
                await work.commit()
        except StorageError:
            self._pending.update(batch)  # kept for the next flush
            if not self._failing:
                log.warning("could not write question counts; keeping them for the next try")
            self._failing = True
            return 0
        self._failing = False
        return sum(batch.values())

    async def flush_every(
        self, uow: UnitOfWorkFactory, stop: asyncio.Event, *, seconds: float
    ) -> None:
        """Flush every `seconds` until `stop` is set, then once more."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=seconds)
            await self.flush(uow)
        await self.flush(uow)  # stopped before the first wait ended, or counted meanwhile
