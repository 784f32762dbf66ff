"""Run the bot's long-lived tasks until one ends or the process is told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def run_until_stopped(runs: list[Coroutine[Any, Any, None]]) -> None:
    """Run every coroutine as a task; on SIGTERM/SIGINT, or when any task ends, cancel the rest.

    A task that failed re-raises here, after the others have been cancelled and awaited.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows loops
            loop.add_signal_handler(sig, _stop, stop, sig)
    tasks = [asyncio.create_task(run) for run in runs]
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([*tasks, stopped], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for sig in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(sig)
        stopped.cancel()
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [r for r in results if isinstance(r, Exception)]
    if failures:
        raise failures[0]


def _stop(stop: asyncio.Event, sig: signal.Signals) -> None:
    log.info("received %s: shutting down", sig.name)
    stop.set()
