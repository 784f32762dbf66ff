"""A SQLite statement is one hand-off to aiosqlite's thread (execute and fetch together), and
its rows come back whole, whichever way SQLAlchemy fetches them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.database import create_engine


class CountedQueue:
    """Stands in for aiosqlite's queue to its thread, counting what is handed to it."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue
        self.handed = 0

    def put_nowait(self, item: Any) -> None:
        self.handed += 1
        self.queue.put_nowait(item)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    built = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with built.begin() as conn:
        await conn.execute(text("CREATE TABLE note (n INTEGER)"))
        await conn.execute(text("INSERT INTO note VALUES (1), (2), (3)"))
    yield built
    await built.dispose()


async def test_a_statement_is_one_hand_off(engine: AsyncEngine) -> None:
    def count_hand_offs(sync_conn: Connection) -> CountedQueue:
        driver = sync_conn.connection.driver_connection
        counted = CountedQueue(driver._tx)  # type: ignore[union-attr]
        driver._tx = counted  # type: ignore[union-attr]
        return counted

    async with engine.connect() as conn:
        counted = await conn.run_sync(count_hand_offs)
        rows = (await conn.execute(text("SELECT n FROM note ORDER BY n"))).all()
        assert [n for (n,) in rows] == [1, 2, 3]
        assert counted.handed == 1
        await conn.rollback()  # a read opened no transaction: nothing to hand off
        assert counted.handed == 1
        result = await conn.execute(text("UPDATE note SET n = n + 10 WHERE n > 1"))
        assert result.rowcount == 2
        assert counted.handed == 2
        await conn.commit()
        assert counted.handed == 3
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT sum(n) FROM note"))).scalar() == 1 + 12 + 13


async def test_rows_streamed_come_back_whole(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        result = await conn.stream(text("SELECT n FROM note ORDER BY n"))
        assert [n for (n,) in await result.fetchmany(2)] == [1, 2]
        assert [n for (n,) in await result.all()] == [3]
        returned = await conn.execute(text("DELETE FROM note WHERE n < 3 RETURNING n"))
        assert sorted(n for (n,) in returned) == [1, 2]
