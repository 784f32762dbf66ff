"""The engine, the session factory and schema migrations (Alembic)."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InvalidatePoolError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolResetState

from bot import sqlite_driver

if TYPE_CHECKING:
    from alembic.config import Config

    from bot.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(
    r"^(down_revision|revision)\s*=\s*(?:None|[\"']([^\"']+)[\"'])", re.MULTILINE
)


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


# A pooled connection unused for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 5.0
_LAST_USED = "gigguard_last_used"  # in the pool's per-connection info, cleared on reconnect


def _note_use(_dbapi_connection: Any, record: Any, *_: Any) -> None:
    record.info[_LAST_USED] = time.monotonic()


def _check_liveness(engine: AsyncEngine, idle_ping_seconds: float) -> None:
    """Hand out only live PostgreSQL connections, without `pool_pre_ping`'s three round trips
    (BEGIN, `;`, ROLLBACK) on every checkout, 35-45% of a command's cost.

    A connection the server closed (a restart, a cut proxy) is known to the driver without a
    round trip: asyncpg sees the socket close while the connection waits in the pool. Only a
    connection idle for longer than `idle_ping_seconds` is pinged as well (one dropped
    silently, by a firewall, say). A dead one invalidates the whole pool, as a failed pre-ping
    does, since its neighbours died with it; a connection that dies in use in between fails
    that one command with the storage message, and SQLAlchemy invalidates the pool then too.
    """
    dialect = engine.dialect
    broken = (dialect.loaded_dbapi.Error, OSError)

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if dbapi_connection.driver_connection.is_closed():
            raise InvalidatePoolError("the database closed the connection")
        if time.monotonic() - record.info.get(_LAST_USED, 0.0) > idle_ping_seconds:
            try:
                dialect.do_ping(dbapi_connection)
            except broken as exc:
                raise InvalidatePoolError("an idle connection no longer answers") from exc

    event.listen(engine.sync_engine, "connect", _note_use)
    event.listen(engine.sync_engine, "checkin", _note_use)
    event.listen(engine.sync_engine, "checkout", checkout)


def _reset_sqlite(dbapi_connection: Any, _record: Any, reset_state: PoolResetState) -> None:
    """Roll a connection back on its return to the pool only if a transaction is still open.

    Every unit of work ends with its own rollback or commit, after which SQLAlchemy's default
    reset rolled back once more: one more round trip to aiosqlite's thread per command. (The
    custom reset scheme SQLAlchemy documents for the `reset` event with
    `pool_reset_on_return=None`.) A connection that is only being discarded is left alone.
    """
    if reset_state.terminate_only or not reset_state.asyncio_safe:
        return
    if dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()


def create_engine(
    url: str,
    *,
    pool_size: int | None = None,
    pool_timeout: float | None = None,
    idle_ping_seconds: float = IDLE_PING_SECONDS,
) -> AsyncEngine:
    """SQLite gets one pooled connection by default: its single writer then queues fairly in
    asyncio instead of in SQLite's sleeping busy handler (which made p99 latency jump to ~1 s).

    No overflow beyond `pool_size`: admission control (core/admission.py) keeps the commands
    within it, so a pool wait means the database is the limit and more connections won't help.
    """
    _ensure_sqlite_dir(url)
    if make_url(url).get_backend_name() != "sqlite":
        if pool_size is None:
            engine = create_async_engine(url)
        else:
            engine = create_async_engine(
                url, pool_size=pool_size, max_overflow=0, pool_timeout=pool_timeout or 30
            )
        _check_liveness(engine, idle_ping_seconds)
        return engine
    engine = create_async_engine(
        url,
        pool_size=pool_size or 1,
        max_overflow=0,
        pool_timeout=pool_timeout or 60,
        pool_reset_on_return=None,
        connect_args={"async_creator_fn": sqlite_driver.connect},
    )
    event.listen(engine.sync_engine, "connect", _tune_sqlite)
    event.listen(engine.sync_engine, "reset", _reset_sqlite)
    return engine


def settings_engine(settings: Settings) -> AsyncEngine:
    """The engine `gigguard run` uses: pool size and timeout from settings."""
    return create_engine(
        settings.database_url, pool_size=settings.pool_size, pool_timeout=settings.db_pool_timeout
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migration_heads() -> set[str]:
    """The newest revisions, read from the migration files' `revision = "..."` lines.

    Alembic's ScriptDirectory gives the same (a test checks) but imports every migration
    and then the slack_sdk tables: half a second that every `gigguard console` start paid.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for name, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            if value:
                (revisions if name == "revision" else parents).add(value)
    return revisions - parents


async def _current_revisions(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return {str(r[0]) for r in rows}
    except SQLAlchemyError:  # no such table yet: a new database
        return set()
    finally:
        await engine.dispose()


def upgrade_database(url: str, revision: str = "head") -> None:
    """Apply migrations. Synchronous: Alembic's env runs its own event loop.

    A database already at the head is left alone without starting Alembic at all.
    """
    _ensure_sqlite_dir(url)
    if revision == "head" and asyncio.run(_current_revisions(url)) == migration_heads():
        return
    from alembic import command

    command.upgrade(alembic_config(url), revision)
