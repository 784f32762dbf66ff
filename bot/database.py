"""The engine, the session factory and schema migrations (Alembic)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _ensure_sqlite_dir(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run beside the one writer; a busy timeout queues writers, not fails them."""
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def create_engine(
    url: str, *, pool_size: int | None = None, pool_timeout: float | None = None
) -> AsyncEngine:
    """SQLite gets one pooled connection by default: its single writer then queues fairly in
    asyncio instead of in SQLite's sleeping busy handler (which made p99 latency jump to ~1 s).

    No overflow beyond `pool_size`: admission control (core/admission.py) keeps the commands
    within it, so a pool wait means the database is the limit and more connections won't help.
    """
    _ensure_sqlite_dir(url)
    if make_url(url).get_backend_name() != "sqlite":
        if pool_size is None:
            return create_async_engine(url, pool_pre_ping=True)
        return create_async_engine(
            url,
            pool_pre_ping=True,
            pool_size=pool_size,
            max_overflow=0,
            pool_timeout=pool_timeout or 30,
        )
    engine = create_async_engine(
        url, pool_size=pool_size or 1, max_overflow=0, pool_timeout=pool_timeout or 60
    )
    event.listen(engine.sync_engine, "connect", _tune_sqlite)
    return engine


def settings_engine(settings: Settings) -> AsyncEngine:
    """The engine `gigguard run` uses: pool size and timeout from settings."""
    return create_engine(
        settings.database_url, pool_size=settings.pool_size, pool_timeout=settings.db_pool_timeout
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Apply migrations. Synchronous: Alembic's env runs its own event loop."""
    _ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), revision)
