"""Counters added up in memory and written in batches by a background task.

Some clicks and questions would otherwise write on every call just to bump a counter. Counts
are kept here and flushed every few seconds (and on shutdown) in one statement per flush. A
crash loses at most the counts of one flush interval; a flush that fails keeps its counts for
the next one. Counts stay anonymous: keys name a community and a topic, never who.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from core.errors import StorageError
from core.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

Key = TypeVar("Key", bound=Hashable)
Write = Callable[[UnitOfWork, dict[Key, int]], Awaitable[None]]


class BatchedCounts(Generic[Key]):
    def __init__(self, write: Write[Key], *, what: str) -> None:
        """`write` adds one batch inside a unit of work; `what` names the counts in the log."""
        self._write = write
        self._what = what
        self._pending: Counter[Key] = Counter()
        self._failing = False

    def count(self, key: Key) -> None:
        self._pending[key] += 1

    def unwritten(self) -> dict[Key, int]:
        """Counts not yet written (figures shown to moderators add them in)."""
        return dict(self._pending)

    async def flush(self, uow: UnitOfWorkFactory) -> int:
        """Write what is pending in one statement; return how many counts were written."""
        batch, self._pending = self._pending, Counter()
        if not batch:
            return 0
        try:
            async with uow() as work:
                await self._write(work, dict(batch))
                await work.commit()
        except StorageError:
            self._pending.update(batch)  # kept for the next flush
            if not self._failing:
                log.warning("could not write %s; keeping them for the next try", self._what)
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
