"""What /healthz reports: is the database answering, and is every adapter connected."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 2.0


class AdapterStatus:
    """Each running adapter's connection state, by adapter name.

    An adapter that knows its connection (Slack, Discord) reports it through `reporter`;
    one that does not (the console) counts as connected while its task runs.
    """

    def __init__(self) -> None:
        self._connected: dict[str, bool] = {}

    def connected(self, name: str) -> None:
        self._connected[name] = True

    def disconnected(self, name: str) -> None:
        self._connected[name] = False

    def snapshot(self) -> dict[str, bool]:
        return dict(self._connected)

    def reporter(self, name: str) -> Callable[[bool], None]:
        """The `on_connection` callback an adapter config takes."""

        def report(connected: bool) -> None:
            if connected:
                self.connected(name)
            else:
                self.disconnected(name)

        return report

    async def track(
        self, name: str, run: Coroutine[Any, Any, None], *, self_reported: bool = False
    ) -> None:
        """Run an adapter until it returns, fails or is cancelled; disconnected after that.

        Unless `self_reported`, it counts as connected from the start."""
        if self_reported:
            self.disconnected(name)
        else:
            self.connected(name)
        try:
            await run
        finally:
            self.disconnected(name)


@dataclass(frozen=True, slots=True)
class DatabaseCheck:
    ok: bool
    error: str | None = None


async def check_database(
    engine: AsyncEngine, *, timeout: float = DATABASE_TIMEOUT
) -> DatabaseCheck:
    try:
        async with asyncio.timeout(timeout), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    # Any failure at all means "not reachable": the probe answers, it never crashes.
    except Exception as exc:
        log.warning("health: database check failed: %s: %s", type(exc).__name__, exc)
        return DatabaseCheck(ok=False, error=type(exc).__name__)
    return DatabaseCheck(ok=True)
