"""Admission control: at most `limit` commands run at once, at most `queue` wait for a turn.

Without it, work that arrives faster than the database serves it piles up in the connection
pool until SQLAlchemy's pool timeout (30 s) and then fails anyway. With it, a command that
finds the queue full, or waits longer than `max_wait`, is refused at once and the member is
told to try again in a moment, so every command is answered within about a second.

The queue only sees commands that reached it. When the process itself is short of CPU (the
database server on the same cores, twice the load it can serve), arrivals wait in the event
loop's own ready queue before they get here, and a timed queue alone then answers "busy" late
or not at all. So, while every slot is taken, a command is also refused when the loop is more
than `max_wait` behind (`LoopDelay`): refusing costs a fraction of serving, so the loop catches
up and the commands it does take are served in time.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from core.errors import GigguardError


class Busy(GigguardError):
    """Too much work already: the command was not started (nothing was read or written)."""


class LoopDelay:
    """How far behind the event loop is: how long a callback scheduled now waits for its turn
    (the wait of every task ready before it). Sampled on demand, one probe at a time, so an idle
    process runs nothing; while a probe waits, the delay is at least its age. A measurement
    older than `fresh_for` seconds no longer says anything (the overload it saw may be over)."""

    def __init__(self, now: Callable[[], float] = time.monotonic, fresh_for: float = 1.0) -> None:
        self._now = now
        self._fresh_for = fresh_for
        self._last = 0.0
        self._arrived_at = -fresh_for
        self._sent: float | None = None

    def sample(self) -> float:
        now = self._now()
        if self._sent is not None:
            return max(self._last, now - self._sent)
        self._sent = now
        asyncio.get_running_loop().call_soon(self._arrived)
        return self._last if now - self._arrived_at <= self._fresh_for else 0.0

    def _arrived(self) -> None:
        if self._sent is not None:
            self._arrived_at = self._now()
            self._last = self._arrived_at - self._sent
            self._sent = None


class Admission:
    """A fair (first come, first served) bounded semaphore with a bounded, timed queue.

    `expire(seconds)` is awaited to end a wait; tests pass one they complete themselves.
    """

    def __init__(
        self,
        *,
        limit: int,
        queue: int,
        max_wait: float,
        expire: Callable[[float], Awaitable[None]] = asyncio.sleep,
        loop_delay: LoopDelay | None = None,
    ) -> None:
        if limit < 1 or queue < 0 or max_wait < 0:
            raise ValueError("admission needs limit >= 1, queue >= 0 and max_wait >= 0")
        self._free = limit
        self._queue = queue
        self._max_wait = max_wait
        self._expire = expire
        self._loop_delay = loop_delay or LoopDelay()
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiting)  # only turns not yet handed over: release pops them

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the `limit` slots for the block, or raise Busy without running it."""
        await self._acquire()
        try:
            yield
        finally:
            self._release()

    async def _acquire(self) -> None:
        if self._free > 0 and not self.waiting:
            self._free -= 1
            return
        if self.waiting >= self._queue:
            raise Busy("the queue is full")
        if self._loop_delay.sample() > self._max_wait:
            raise Busy("the event loop is behind")
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        timer = asyncio.ensure_future(self._expire(self._max_wait))
        try:
            await asyncio.wait((turn, timer), return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            self._give_up(turn)
            raise
        finally:
            timer.cancel()
        if not turn.done():
            self._give_up(turn)
            raise Busy("waited too long for a turn")

    def _give_up(self, turn: asyncio.Future[None]) -> None:
        """Leave the queue; a slot handed over in the meantime goes to the next in line."""
        if turn.done():
            self._release()
        else:
            turn.cancel()
            self._waiting.remove(turn)

    def _release(self) -> None:
        if self._waiting:
            self._waiting.popleft().set_result(None)  # the slot passes straight on
        else:
            self._free += 1
