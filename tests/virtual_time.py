"""Virtual time for tests with many concurrent tasks: nothing waits on the real clock.

Every task under test sleeps through `VirtualTime.sleep`. The driver lets all of them run until
each one is parked in such a sleep (however long their database calls take on a loaded
machine), then moves the clock to the earliest wake-up and wakes that one sleeper alone. So the
order of events depends only on the seed and the virtual delays, never on machine speed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import itertools

from tests.fakes import ManualClock

HANG_GUARD_SECONDS = 120.0  # only against a hang: nothing is asserted about real time


class VirtualTime:
    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self._sleepers: list[tuple[dt.datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._changed = asyncio.Event()
        self.tasks = 0  # how many tasks must be parked before time moves on

    async def sleep(self, seconds: float) -> None:
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        moment = self.clock.now() + dt.timedelta(seconds=max(0.0, seconds))
        heapq.heappush(self._sleepers, (moment, next(self._order), wake))
        self._changed.set()
        await wake

    def _parked(self) -> int:
        self._sleepers = [s for s in self._sleepers if not s[2].done()]  # cancelled: killed
        heapq.heapify(self._sleepers)
        return len(self._sleepers)

    async def settle(self) -> None:
        """Wait until every task is parked in a virtual sleep."""
        while self._parked() < self.tasks:
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), HANG_GUARD_SECONDS)

    async def step(self) -> None:
        """Settle, then wake the earliest sleeper (the clock moves to its time) and let it run
        until it parks again."""
        await self.settle()
        moment, _, wake = heapq.heappop(self._sleepers)
        self.clock.current = max(self.clock.current, moment)
        wake.set_result(None)
        await self.settle()
