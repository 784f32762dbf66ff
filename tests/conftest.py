"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL where asked) and the app."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.bootstrap import App, build_app
from bot.database import upgrade_database
from bot.settings import Settings
from core.faq.engine import FaqEngine
from core.faq.factory import build_faq_engine
from core.knowledge import load_knowledge
from tests import postgres
from tests.fakes import ManualClock

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once per session; each test gets a copy (migrations dominated test time).
    The migrations themselves are tested on empty databases in tests/storage/test_migrations.py."""
    path = tmp_path_factory.mktemp("template") / "gigguard.db"
    upgrade_database(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template_url() -> Iterator[str]:
    """A PostgreSQL database migrated once per session, cloned for each test."""
    url = postgres.create_database()
    upgrade_database(url)
    yield url
    postgres.drop_database(url)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    url = postgres.create_database()
    yield url
    postgres.drop_database(url)


def _migrated_url(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> str:
    if engine == "postgresql":
        url: str = request.getfixturevalue("postgres_server_url")
        asyncio.run(postgres.clone_database(request.getfixturevalue("postgres_template_url"), url))
        return url
    copy = tmp_path / "gigguard.db"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), copy)
    return f"sqlite+aiosqlite:///{copy}"


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


@pytest.fixture(scope="session")
def faq_engine() -> FaqEngine:
    """The shipped knowledge's FAQ engine, trained once for the whole session."""
    return build_faq_engine(load_knowledge())


@pytest.fixture
async def app(settings: Settings, clock: ManualClock, faq_engine: FaqEngine) -> AsyncIterator[App]:
    built = build_app(settings, clock=clock, faq=faq_engine)
    yield built
    await built.close()
