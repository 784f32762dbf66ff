"""Command throughput through the core with 100,000 members: SQLite and PostgreSQL side by side.

    .venv/bin/python bench/load.py [--members 100000] [--commands 6000] [--concurrency 16]
                                   [--rate 500]

Seeds the members (a third with some toggles off), then runs a mix of `status`, `done` and
`ask` requests from random members through `Gigguard.handle`, each request its own unit of
work, as adapters do. Two measurements per engine: saturated (closed loop, `--concurrency`
clients back to back: the most commands/s one process handles) and offered (open loop,
commands arriving at `--rate` per second: the latency members see at that load, queueing
included). PostgreSQL uses a throw-away database on 127.0.0.1:5432 (skipped without a server).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import resource
import tempfile
import time
import uuid
from functools import partial

import asyncpg
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.database import create_engine, session_factory, upgrade_database
from core.clock import SystemClock
from core.faq.factory import build_faq_engine
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.pacing import load_pacing
from core.requests import Actor, Request
from core.service import Gigguard
from core.services import Services
from core.storage.sql import SqlUnitOfWork
from core.storage.tables import Member, ToggleStatus

PLATFORM, WORKSPACE = "slack", "T_BENCH"
TOGGLES = ["communications", "work-product", "other-platform"]
QUESTIONS = [
    "does my opt-out protect my client",
    "how do I turn off upwork AI training",
    "is my 2023 work included",
    "what do I lose by opting out",
]


async def seed(url: str, members: int) -> None:
    engine = create_engine(url)
    now = dt.datetime.now(dt.UTC)
    batch = 5000
    async with engine.begin() as conn:
        for start in range(0, members, batch):
            rows = [
                {
                    "id": i + 1,
                    "platform": PLATFORM,
                    "workspace": WORKSPACE,
                    "user_id": f"U{i:07d}",
                    "muted": False,
                    "created_at": now,
                }
                for i in range(start, min(start + batch, members))
            ]
            await conn.execute(insert(Member), rows)
            toggles = [
                {
                    "member_id": row["id"],
                    "marketplace": "upwork",
                    "toggle": toggle,
                    "off": True,
                    "recorded_at": now,
                }
                for row in rows[::3]
                for toggle in TOGGLES[: 1 + row["id"] % 3]
            ]
            await conn.execute(insert(ToggleStatus), toggles)
    await engine.dispose()


def request_for(rng: random.Random, members: int) -> Request:
    key = MemberKey(PLATFORM, WORKSPACE, f"U{rng.randrange(members):07d}")
    kind = rng.random()
    if kind < 0.5:
        text = "status"
    elif kind < 0.8:
        text = f"done {rng.choice(TOGGLES)}"
    else:
        text = "ask " + rng.choice(QUESTIONS)
    return Request(Actor(key), text)


def build_core(url: str) -> tuple[Gigguard, AsyncEngine]:
    engine = create_engine(url)
    knowledge = load_knowledge()
    services = Services(
        knowledge=knowledge,
        uow=partial(SqlUnitOfWork, session_factory(engine)),
        faq=build_faq_engine(knowledge),
        clock=SystemClock(),
        pacing=load_pacing(),
    )
    return Gigguard(services), engine


def percentile(latencies: list[float], share: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


async def saturate(core: Gigguard, requests: list[Request], concurrency: int) -> dict[str, float]:
    """Closed loop: `concurrency` clients, each sending its next command as soon as answered."""
    latencies: list[float] = []
    queue: asyncio.Queue[Request] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)

    async def client() -> None:
        while not queue.empty():
            request = queue.get_nowait()
            started = time.perf_counter()
            await core.handle(request)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "rate": len(requests) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
    }


async def offered(core: Gigguard, requests: list[Request], rate: float) -> dict[str, float]:
    """Open loop: commands arrive at `rate` per second whatever the answers (as members do);
    latency counts from each command's arrival, so queueing shows up in it."""
    latencies: list[float] = []
    running: set[asyncio.Task[None]] = set()
    start = time.perf_counter()

    async def one(request: Request, arrived: float) -> None:
        await core.handle(request)
        latencies.append(time.perf_counter() - arrived)

    for index, request in enumerate(requests):  # each command is started when it arrives
        due = start + index / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        task = asyncio.create_task(one(request, due))
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)
    elapsed = time.perf_counter() - start
    return {
        "rate": len(requests) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
    }


async def run(
    url: str, members: int, commands: int, concurrency: int, rate: float
) -> tuple[dict[str, float], dict[str, float]]:
    core, engine = build_core(url)
    rng = random.Random(7)
    requests = [request_for(rng, members) for _ in range(commands)]
    for request in requests[:50]:  # warm the pool and caches
        await core.handle(request)
    try:
        return await saturate(core, requests, concurrency), await offered(core, requests, rate)
    finally:
        await engine.dispose()


async def postgres_url() -> str | None:
    name = f"gigguard_bench_{uuid.uuid4().hex[:8]}"
    try:
        conn = await asyncpg.connect(host="127.0.0.1", user="postgres", database="test", timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return None
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


async def drop_postgres(url: str) -> None:
    conn = await asyncpg.connect(host="127.0.0.1", user="postgres", database="test")
    await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--commands", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=500.0, help="offered load, commands/s")
    args = parser.parse_args()

    engines: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        engines.append(("sqlite", f"sqlite+aiosqlite:///{tmp}/bench.db"))
        pg = asyncio.run(postgres_url())
        if pg:
            engines.append(("postgresql", pg))
        else:
            print("PostgreSQL not reachable on 127.0.0.1:5432: its row is skipped")
        print(
            f"{args.members:,} members, {args.commands:,} commands "
            "(50% status, 30% done, 20% ask)\n"
            f"saturated: {args.concurrency} clients back to back; "
            f"offered: {args.rate:.0f} commands/s arriving on a schedule\n"
        )
        header = f"{'engine':<11} {'seed s':>7} | {'saturated cmd/s':>15} {'p50':>6} {'p99':>6} |"
        print(header + f" {'offered cmd/s':>13} {'p50':>6} {'p99 ms':>6}")
        try:
            for name, url in engines:
                upgrade_database(url)
                started = time.perf_counter()
                asyncio.run(seed(url, args.members))
                seeded = time.perf_counter() - started
                full, paced = asyncio.run(
                    run(url, args.members, args.commands, args.concurrency, args.rate)
                )
                print(
                    f"{name:<11} {seeded:>7.1f} | {full['rate']:>15.0f} {full['p50']:>6.1f} "
                    f"{full['p99']:>6.1f} | {paced['rate']:>13.0f} {paced['p50']:>6.1f} "
                    f"{paced['p99']:>6.1f}"
                )
        finally:
            if pg:
                asyncio.run(drop_postgres(pg))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\npeak RSS of this process: {peak_mb:.0f} MB (targets: >= 500 cmd/s saturated, "
        "p99 <= 50 ms at 500 cmd/s offered, RSS < 250 MB)"
    )


if __name__ == "__main__":
    main()
