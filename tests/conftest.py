"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL where asked) and the app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.bootstrap import App, build_app
from bot.database import upgrade_database
from bot.settings import Settings
from tests import postgres
from tests.fakes import ManualClock

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    url = postgres.create_database()
    yield url
    postgres.drop_database(url)


def _migrated_url(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> str:
    if engine == "postgresql":
        url: str = request.getfixturevalue("postgres_server_url")
        asyncio.run(postgres.reset_schema(url))
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'gigguard.db'}"
    upgrade_database(url)
    return url


@pytest.fixture
def database_url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A migrated SQLite database; tests that take `any_database_url` run on both engines."""
    return _migrated_url(request, "sqlite", tmp_path)


@pytest.fixture(params=ENGINES)
def any_database_url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return _migrated_url(request, request.param, tmp_path)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]


@pytest.fixture
async def app(settings: Settings, clock: ManualClock) -> AsyncIterator[App]:
    built = build_app(settings, clock=clock)
    yield built
    await built.close()
