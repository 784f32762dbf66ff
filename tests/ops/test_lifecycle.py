"""Shutdown: a signal or the end of any task stops every task; adapters report their state."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from bot.health import AdapterStatus
from bot.lifecycle import run_until_stopped

HANG_GUARD = 120.0  # seconds; only stops a hung test, never what is asserted


async def forever(cancelled: list[str], name: str) -> None:
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        cancelled.append(name)
        raise


async def test_sigterm_cancels_every_task_and_returns() -> None:
    cancelled: list[str] = []

    async def terminate_me() -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        await forever(cancelled, "sender")

    await asyncio.wait_for(
        run_until_stopped([forever(cancelled, "slack"), terminate_me()]), timeout=HANG_GUARD
    )
    assert sorted(cancelled) == ["sender", "slack"]
    # The handler is gone again: SIGTERM is back to its default.
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


async def test_the_end_of_one_task_stops_the_others() -> None:
    cancelled: list[str] = []

    async def console_at_eof() -> None:
        return None

    await asyncio.wait_for(
        run_until_stopped([forever(cancelled, "ops"), console_at_eof()]), timeout=HANG_GUARD
    )
    assert cancelled == ["ops"]


async def test_a_failing_task_stops_the_others_then_raises() -> None:
    cancelled: list[str] = []

    async def crash() -> None:
        raise RuntimeError("gateway refused the token")

    with pytest.raises(RuntimeError, match="gateway refused"):
        await asyncio.wait_for(
            run_until_stopped([forever(cancelled, "ops"), crash()]), timeout=HANG_GUARD
        )
    assert cancelled == ["ops"]


async def test_a_tracked_adapter_is_connected_while_it_runs() -> None:
    status = AdapterStatus()
    started = asyncio.Event()

    async def adapter() -> None:
        started.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(status.track("discord", adapter()))
    await started.wait()
    assert status.snapshot() == {"discord": True}
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert status.snapshot() == {"discord": False}


async def test_graceful_tasks_wind_down_while_the_others_still_run() -> None:
    cancelled: list[str] = []
    order: list[str] = []

    async def worker(stop: asyncio.Event) -> None:
        await stop.wait()
        for _ in range(3):  # finishing the send in flight needs the adapter alive meanwhile
            await asyncio.sleep(0)
        order.append("worker done" if not cancelled else "too late")

    async def terminate_me() -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        await forever(cancelled, "adapter")

    await asyncio.wait_for(
        run_until_stopped([terminate_me()], graceful=[worker]), timeout=HANG_GUARD
    )
    assert order == ["worker done"] and cancelled == ["adapter"]


async def test_a_graceful_task_that_overruns_is_cancelled() -> None:
    cancelled: list[str] = []

    async def stuck(stop: asyncio.Event) -> None:
        await stop.wait()
        await forever(cancelled, "stuck worker")

    async def console_at_eof() -> None:
        return None

    await asyncio.wait_for(
        run_until_stopped([console_at_eof()], graceful=[stuck], grace_seconds=0.1),
        timeout=HANG_GUARD,
    )
    assert cancelled == ["stuck worker"]
