"""Storage tests run on both engines: an engine and a unit-of-work factory per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import ADAPTER_TABLES
from bot.database import create_engine, session_factory
from core.ports import UnitOfWorkFactory
from core.storage.sql import SqlUnitOfWork


@pytest.fixture
async def engine(any_database_url: str) -> AsyncIterator[AsyncEngine]:
    built = create_engine(any_database_url)
    yield built
    await built.dispose()


@pytest.fixture
def uow(engine: AsyncEngine) -> UnitOfWorkFactory:
    return partial(SqlUnitOfWork, session_factory(engine), adapter_tables=ADAPTER_TABLES)
