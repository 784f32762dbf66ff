"""What /healthz reports: is the database answering and taking writes, and is every adapter
connected."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from core.storage.tables import KnowledgeGeneration

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
    error: str | None = None  # the exception's type
    reason: str | None = None  # what failed, for the operator reading /healthz


async def check_database(
    engine: AsyncEngine, *, timeout: float = DATABASE_TIMEOUT
) -> DatabaseCheck:
    """Read, then write and roll back: a database that answers SELECT 1 but refuses writes
    (read-only, disk full, out of locks) cannot serve the bot, so it is reported degraded."""
    stage = "cannot reach the database"
    try:
        async with asyncio.timeout(timeout), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            stage = "the database refuses writes"
            generation = col(KnowledgeGeneration.generation)
            await conn.execute(update(KnowledgeGeneration).values(generation=generation))
            await conn.rollback()
    # Any failure at all means "not usable": the probe answers, it never crashes.
    except Exception as exc:
        detail = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        reason = f"{stage}: {type(exc).__name__}" + (f": {detail}" if detail else "")
        log.warning("health: %s", reason)
        return DatabaseCheck(ok=False, error=type(exc).__name__, reason=reason)
    return DatabaseCheck(ok=True)
