"""The knowledge-generation watcher outlives a database that refuses connections (asyncpg
raises a plain ConnectionRefusedError, not a SQLAlchemy error), backs off, logs once."""

from __future__ import annotations

import logging
import socket

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.bootstrap import App
from bot.knowledge_reload import watch_generation
from bot.settings import Settings
from core.outage import MAX_BACKOFF_SECONDS


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Stop(Exception):
    """Ends the watcher after the attempts the test wants to see."""


async def test_the_watcher_backs_off_and_logs_the_outage_once(
    app: App, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_async_engine(f"postgresql+asyncpg://bot:pw@127.0.0.1:{closed_port()}/bot")
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:  # an injected clock: no real waiting
        pauses.append(seconds)
        if len(pauses) == 8:
            raise Stop

    caplog.set_level(logging.WARNING, logger="bot.knowledge_reload")
    try:
        with pytest.raises(Stop):
            await watch_generation(app.core, engine, settings, every=10.0, sleep=sleep)
    finally:
        await engine.dispose()
    assert pauses == [10.0, 20.0, 40.0, *[MAX_BACKOFF_SECONDS] * 5]
    outage = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(outage) == 1 and "ConnectionRefusedError" in outage[0].getMessage()


async def test_the_watcher_says_when_the_database_is_back(
    app: App, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    down = create_async_engine(f"postgresql+asyncpg://bot:pw@127.0.0.1:{closed_port()}/bot")
    engines = iter([down, down, app.engine, app.engine])
    pauses: list[float] = []

    class Switching:
        """The database comes back after two attempts (the app's real SQLite engine)."""

        def connect(self):  # type: ignore[no-untyped-def]
            return next(engines).connect()

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 4:
            raise Stop

    caplog.set_level(logging.WARNING, logger="bot.knowledge_reload")
    try:
        with pytest.raises(Stop):
            switching = Switching()
            await watch_generation(app.core, switching, settings, every=10.0, sleep=sleep)  # type: ignore[arg-type]
    finally:
        await down.dispose()
    assert pauses == [10.0, 20.0, 10.0, 10.0]  # back to the normal poll once it answers
    messages = [r.getMessage() for r in caplog.records]
    assert sum("database unavailable" in m for m in messages) == 1
    assert sum("database is back" in m for m in messages) == 1
