"""The members' languages, kept in process for all of them: a change committed here is seen at
once, one made in another process once the map is `ttl` old, and a change committed while the
map is being read is not lost to that read."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.bootstrap import ADAPTER_TABLES
from bot.database import create_engine, session_factory
from core.identity import MemberKey
from core.storage.language_cache import LanguageCache
from core.storage.sql import SqlUnitOfWork
from tests.fakes import Seconds

BOB = MemberKey("slack", "T1", "bob")
ANN = MemberKey("slack", "T1", "ann")
TTL = 60.0
AT = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


class Process:
    """One bot process: its own language cache on the shared database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.seconds = Seconds()
        self.cache = LanguageCache(ttl=TTL, now=self.seconds)
        self.uow = partial(
            SqlUnitOfWork,
            session_factory(engine),
            adapter_tables=ADAPTER_TABLES,
            language_cache=self.cache,
        )

    async def language(self, key: MemberKey) -> str | None:
        async with self.uow() as uow:
            return await uow.members.language(key)

    async def set_language(self, key: MemberKey, language: str | None) -> None:
        async with self.uow() as uow:
            await uow.members.set_language(key, language, at=AT)
            await uow.commit()

    async def forget(self, key: MemberKey) -> None:
        async with self.uow() as uow:
            await uow.members.delete(key)
            await uow.commit()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    built = create_engine(database_url)
    yield built
    await built.dispose()


async def test_a_change_made_here_is_seen_at_once(engine: AsyncEngine) -> None:
    here = Process(engine)
    assert await here.language(BOB) is None
    await here.set_language(BOB, "es")
    assert await here.language(BOB) == "es"
    await here.set_language(BOB, None)
    assert await here.language(BOB) is None
    await here.set_language(BOB, "fr")
    await here.forget(BOB)
    assert await here.language(BOB) is None


async def test_a_change_made_in_another_process_is_seen_once_the_map_is_old(
    engine: AsyncEngine,
) -> None:
    here, there = Process(engine), Process(engine)
    await there.set_language(ANN, "de")
    assert await here.language(BOB) is None
    assert await here.language(ANN) == "de"
    await there.set_language(BOB, "es")
    await there.forget(ANN)
    here.seconds.now = TTL - 1
    assert await here.language(BOB) is None  # within the documented delay
    here.seconds.now = TTL
    assert await here.language(BOB) == "es"
    assert await here.language(ANN) is None


class PausedSession:
    """A session whose read of the map waits until released, returning `rows`."""

    def __init__(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.rows = rows
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.reads = 0

    async def execute(self, *_: Any) -> PausedSession:
        self.reads += 1
        self.started.set()
        await self.release.wait()
        return self

    def tuples(self) -> Iterator[tuple[str, str, str, str]]:
        return iter(self.rows)


@pytest.mark.parametrize(
    ("read", "committed", "expected"),
    [
        ([], "es", "es"),  # the read began before the change was committed
        ([("slack", "T1", "bob", "fr")], None, None),  # ... before a forget-me was
    ],
)
async def test_a_change_committed_during_a_read_is_kept(
    read: list[tuple[str, str, str, str]], committed: str | None, expected: str | None
) -> None:
    cache = LanguageCache(ttl=TTL, now=Seconds())
    session = PausedSession(read)
    reading = asyncio.create_task(cache.language(cast(AsyncSession, session), BOB))
    await session.started.wait()
    cache.changed({BOB: committed})
    session.release.set()
    assert await reading == expected
    assert await cache.language(cast(AsyncSession, session), BOB) == expected  # and kept


async def test_requests_arriving_during_the_first_read_wait_for_it() -> None:
    """Two reads at once could finish out of order, the older answer installed last."""
    cache = LanguageCache(ttl=TTL, now=Seconds())
    session = PausedSession([("slack", "T1", "bob", "fr")])
    first = asyncio.create_task(cache.language(cast(AsyncSession, session), ANN))
    await session.started.wait()
    second = asyncio.create_task(cache.language(cast(AsyncSession, session), BOB))
    await asyncio.sleep(0)  # let it start (no clock involved: one turn of the loop)
    session.release.set()
    assert (await first, await second) == (None, "fr")
    assert session.reads == 1
