"""The raw-SQL floor under bench/load.py: the same mix with no ORM and no bot.

status reads a member's toggle rows; done upserts one toggle and reads the rows back in one
transaction; ask bumps a counter. SQLite through one aiosqlite connection (as the bot's pool
of one), PostgreSQL through an asyncpg pool; `concurrency` clients back to back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite
import asyncpg
from sqlalchemy.engine import make_url

TOGGLES = ["communications", "work-product", "other-platform"]
READ = (
    "SELECT t.marketplace, t.toggle, t.off, t.recorded_at FROM toggle_status t "
    "JOIN member m ON m.id = t.member_id WHERE m.platform = {0} AND m.workspace = {1} "
    "AND m.user_id = {2}"
)
UPSERT = (
    "INSERT INTO toggle_status (member_id, marketplace, toggle, off, recorded_at) "
    "VALUES ({0}, 'upwork', {1}, {2}, {3}) ON CONFLICT (member_id, marketplace, toggle) "
    "DO UPDATE SET off = excluded.off, recorded_at = excluded.recorded_at"
)
BUMP = (
    "INSERT INTO faq_topic_count (platform, workspace, topic, count) VALUES ({0}, {1}, {2}, 1) "
    "ON CONFLICT (platform, workspace, topic) DO UPDATE SET count = faq_topic_count.count + 1"
)

Op = Callable[[int], Awaitable[None]]


def _sqlite_ops(db: aiosqlite.Connection, lock: asyncio.Lock, platform: str, ws: str) -> list[Op]:
    read, upsert, bump = (q.format(*["?"] * 4) for q in (READ, UPSERT, BUMP))
    now = dt.datetime.now(dt.UTC).isoformat()

    async def status(i: int) -> None:
        async with lock, db.execute(read, (platform, ws, f"U{i:07d}")) as cursor:
            await cursor.fetchall()

    async def done(i: int) -> None:
        async with lock:
            await db.execute(upsert, (i + 1, TOGGLES[i % 3], True, now))
            async with db.execute(read, (platform, ws, f"U{i:07d}")) as cursor:
                await cursor.fetchall()
            await db.commit()

    async def ask(i: int) -> None:
        async with lock:
            await db.execute(bump, (platform, ws, "what-changed"))
            await db.commit()

    return [status, done, ask]


def _postgres_ops(pool: asyncpg.Pool, platform: str, ws: str) -> list[Op]:
    read, upsert, bump = (q.format("$1", "$2", "$3", "$4") for q in (READ, UPSERT, BUMP))
    now = dt.datetime.now(dt.UTC)

    async def status(i: int) -> None:
        async with pool.acquire() as conn:
            await conn.fetch(read, platform, ws, f"U{i:07d}")

    async def done(i: int) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(upsert, i + 1, TOGGLES[i % 3], True, now)
            await conn.fetch(read, platform, ws, f"U{i:07d}")

    async def ask(i: int) -> None:
        async with pool.acquire() as conn:
            await conn.execute(bump, platform, ws, "what-changed")

    return [status, done, ask]


async def _drive(ops: list[Op], members: int, count: int, concurrency: int) -> dict[str, float]:
    rng = random.Random(11)
    plan = [(rng.random(), rng.randrange(members)) for _ in range(count)]
    latencies: list[float] = []

    async def client(mine: list[tuple[float, int]]) -> None:
        for kind, member in mine:
            op = ops[0] if kind < 0.5 else ops[1] if kind < 0.8 else ops[2]
            started = time.perf_counter()
            await op(member)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client(plan[i::concurrency]) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rate": count / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


async def raw_floor(
    url: str, *, platform: str, workspace: str, members: int, count: int, concurrency: int
) -> dict[str, float]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database is not None
        db = await aiosqlite.connect(parsed.database)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
            await db.execute(f"PRAGMA {pragma}")
        try:
            ops = _sqlite_ops(db, asyncio.Lock(), platform, workspace)
            return await _drive(ops, members, count, concurrency)
        finally:
            await db.close()
    dsn: Any = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    pool = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)
    try:
        return await _drive(_postgres_ops(pool, platform, workspace), members, count, concurrency)
    finally:
        await pool.close()
