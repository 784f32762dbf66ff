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
