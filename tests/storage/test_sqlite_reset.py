"""SQLite connections go back to the pool without a transaction left open, and without the
extra rollback SQLAlchemy's default reset sent after every unit of work's own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite.core
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.database import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    built = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'reset.db'}")
    async with built.begin() as conn:
        await conn.execute(text("CREATE TABLE note (n INTEGER)"))
    yield built
    await built.dispose()


async def test_a_connection_returned_mid_transaction_is_rolled_back(engine: AsyncEngine) -> None:
    def insert_below_sqlalchemy(sync_conn: Connection) -> bool:
        """Through the driver's own cursor: SQLAlchemy does not know a transaction is open."""
        dbapi_connection = sync_conn.connection.dbapi_connection
        assert dbapi_connection is not None
        cursor = dbapi_connection.cursor()
        cursor.execute("INSERT INTO note VALUES (1)")
        cursor.close()
        return bool(sync_conn.connection.driver_connection.in_transaction)  # type: ignore[union-attr]

    async with engine.connect() as conn:
        assert await conn.run_sync(insert_below_sqlalchemy)
    async with engine.connect() as conn:  # the pool's one connection, back from the pool
        assert (await conn.execute(text("SELECT count(*) FROM note"))).scalar() == 0


async def test_a_finished_unit_of_work_is_not_rolled_back_again(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    rollbacks = 0
    real = aiosqlite.core.Connection.rollback

    async def counted(self: aiosqlite.core.Connection) -> None:
        nonlocal rollbacks
        rollbacks += 1
        await real(self)

    monkeypatch.setattr(aiosqlite.core.Connection, "rollback", counted)
    async with engine.connect() as conn:
        await conn.execute(text("INSERT INTO note VALUES (1)"))
        await conn.commit()
    assert rollbacks == 0
