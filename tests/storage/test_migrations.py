"""The Alembic migrations, run on empty databases: other tests get a copy of one migrated per
session (tests/conftest.py), so this is where upgrading from nothing is tested."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import core.storage.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from adapters.slack.oauth import oauth_metadata
from bot.database import alembic_config, create_engine, upgrade_database
from tests import postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    url = postgres.create_database()
    yield url
    postgres.drop_database(url)


async def _tables_and_revision(url: str) -> tuple[set[str], str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            names = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    return names, str(revision)


def test_upgrading_an_empty_database_creates_every_table_at_head(empty_database_url: str) -> None:
    upgrade_database(empty_database_url)
    names, revision = asyncio.run(_tables_and_revision(empty_database_url))
    expected = set(SQLModel.metadata.tables) | set(oauth_metadata().tables) | {"alembic_version"}
    assert names == expected
    head = ScriptDirectory.from_config(alembic_config(empty_database_url)).get_current_head()
    assert revision == head


async def _member_columns(url: str) -> tuple[set[str], int]:
    """The member table's columns, and its rows."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            columns = await conn.run_sync(lambda sync: inspect(sync).get_columns("member"))
            rows = await conn.scalar(text("SELECT count(*) FROM member"))
    finally:
        await engine.dispose()
    return {c["name"] for c in columns}, int(rows or 0)


async def _add_member(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO member (platform, workspace, user_id, muted, created_at, "
                    "platform_language) VALUES ('slack', 'T1', 'U1', false, "
                    "'2026-12-02 00:00:00', 'es')"
                )
            )
    finally:
        await engine.dispose()


def test_the_platform_language_migration_goes_up_and_down(empty_database_url: str) -> None:
    from alembic import command

    upgrade_database(empty_database_url, "0013_member_platform_language")
    asyncio.run(_add_member(empty_database_url))
    command.downgrade(alembic_config(empty_database_url), "0012_broadcast_local_time")
    columns, rows = asyncio.run(_member_columns(empty_database_url))
    assert "platform_language" not in columns and "language" in columns
    assert rows == 1  # the member stays; only what their platform said is dropped
    upgrade_database(empty_database_url)
    columns, rows = asyncio.run(_member_columns(empty_database_url))
    assert "platform_language" in columns and rows == 1
