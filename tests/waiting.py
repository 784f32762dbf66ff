"""Waiting for a condition in tests: look again until it holds, never assert on how long it took.

`timeout` only stops a hang (CI machines are small and busy); it is never the point of a test.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

HANG_GUARD = 120.0


async def until(
    check: Callable[[], bool | Awaitable[bool]],
    *,
    what: str = "the condition",
    timeout: float = HANG_GUARD,
    every: float = 0.01,
) -> None:
    """Return once `check()` (plain or async) is true; fail naming `what` after `timeout`."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                found = check()
                if inspect.isawaitable(found):
                    found = await found
                if found:
                    return
                await asyncio.sleep(every)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None
