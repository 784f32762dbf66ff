"""Run the bot's long-lived tasks until one ends or the process is told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Inside Docker's default 10 s between SIGTERM and SIGKILL (systemd allows 90 s).
GRACE_SECONDS = 8.0

Graceful = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


async def run_until_stopped(
    runs: list[Coroutine[Any, Any, None]],
    *,
    graceful: Sequence[Graceful] = (),
    grace_seconds: float = GRACE_SECONDS,
    on_reload: Callable[[], object] | None = None,
) -> None:
    """Run every coroutine as a task; on SIGTERM/SIGINT, or when any task ends, cancel the rest.

    `graceful` tasks are handed the stop event instead of being cancelled outright: once it is
    set they get `grace_seconds` to wind down (the delivery worker finishes its send in flight
    and releases the rest) while the others, whose connections they may need, keep running.
    A task that failed re-raises here, after the others have been cancelled and awaited.
    SIGHUP calls `on_reload` (re-read the knowledge files) and keeps running.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows loops
            loop.add_signal_handler(sig, _stop, stop, sig)
    if on_reload is not None:
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal.SIGHUP, _reload, on_reload)
    winding = [asyncio.create_task(start(stop)) for start in graceful]
    tasks = [asyncio.create_task(run) for run in runs]
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([*tasks, *winding, stopped], return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        if winding:
            _, late = await asyncio.wait(winding, timeout=grace_seconds)
            if late:
                log.warning("shutdown: tasks still busy after %.0f s: %d", grace_seconds, len(late))
    finally:
        for sig in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(sig)
        if on_reload is not None:
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(signal.SIGHUP)
        stopped.cancel()
        for task in [*winding, *tasks]:
            task.cancel()
        results = await asyncio.gather(*winding, *tasks, return_exceptions=True)
    failures = [r for r in results if isinstance(r, Exception)]
    if failures:
        raise failures[0]


def _stop(stop: asyncio.Event, sig: signal.Signals) -> None:
    log.info("received %s: shutting down", sig.name)
    stop.set()


def _reload(on_reload: Callable[[], object]) -> None:
    log.info("received SIGHUP: reloading the knowledge files")
    on_reload()
