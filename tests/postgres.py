"""A throw-away PostgreSQL database for the test session, or a clear skip (a failure in CI)."""

from __future__ import annotations

import asyncio
import os
import uuid

import asyncpg
import pytest

PG_HOST = os.environ.get("GIGGUARD_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("GIGGUARD_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("GIGGUARD_TEST_PG_USER", "postgres")
PG_ADMIN_DB = os.environ.get("GIGGUARD_TEST_PG_DATABASE", "test")
HOW_TO = (
    "PostgreSQL tests need a server on {host}:{port} (trust auth, database {db}); start one and "
    "re-run `make test`, or point GIGGUARD_TEST_PG_HOST/PORT/USER/DATABASE at yours."
)


async def admin(sql: str) -> None:
    conn = await asyncpg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, database=PG_ADMIN_DB, timeout=3
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_database() -> str:
    """Create a uniquely named database and return its SQLAlchemy URL; skip or fail if no server."""
    name = f"gigguard_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        message = HOW_TO.format(host=PG_HOST, port=PG_PORT, db=PG_ADMIN_DB) + f" ({exc})"
        if os.environ.get("CI") == "true":
            pytest.fail("CI requires PostgreSQL: " + message, pytrace=False)
        pytest.skip("PostgreSQL tests skipped: " + message)
    return f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def clone_database(template_url: str, url: str) -> None:
    """Replace the database at `url` with a copy of `template_url` (already migrated): much
    faster than running the migrations again. The template must have no open connections."""
    template, name = template_url.rsplit("/", 1)[1], url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, database=PG_ADMIN_DB, timeout=3
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()


async def reset_schema(url: str) -> None:
    """Empty a database: drop and recreate the public schema (tests that migrate it themselves)."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"), timeout=3)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()
