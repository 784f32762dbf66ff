"""Command throughput through the core: SQLite and PostgreSQL, 1,000 and 100,000 members.

    .venv/bin/python bench/load.py [--members 1000,100000] [--commands 6000] [--concurrency 16]
                                   [--rate 500] [--engines sqlite,postgresql] [--processes 1,2]

Seeds the members (a third with some toggles off), then runs a mix of `status`, `done` and
`ask` requests from random members through `Gigguard.handle` (built by bot.bootstrap, so with
the settings' admission control and pool sizes), each request its own unit of work, as
adapters do. Per engine and size: the raw-SQL floor (bench/raw_floor.py, the same mix without
ORM or bot, in the same run so the ratio shows), saturated (closed loop, `--concurrency`
clients back to back: the most commands/s one process handles), offered (open loop, commands
arriving at `--rate` per second: the latency members see, queueing included) and overload
(twice the saturated rate offered: the share answered "busy" and how fast). Then the SQL
statements per command, counted with SQLAlchemy's before_cursor_execute event (deterministic,
unlike the times), and with PostgreSQL 1 vs 2 processes side by side on one database.
PostgreSQL uses throw-away databases on 127.0.0.1:5432 (skipped without a server).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from raw_floor import raw_floor
from sqlalchemy import event, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import App, build_app
from bot.database import create_engine
from bot.settings import Settings
from core.identity import MemberKey
from core.replies import Reply, Section
from core.requests import Actor, Request
from core.service import Gigguard
from core.storage.tables import Member, ToggleStatus

PLATFORM, WORKSPACE = "slack", "T_BENCH"
TOGGLES = ["communications", "work-product", "other-platform"]
QUESTIONS = [
    "does my opt-out protect my client",
    "how do I turn off upwork AI training",
    "is my 2023 work included",
    "what do I lose by opting out",
    # A long one: messages of 15 words or more also get the FAQ's embedding vote (round 8).
    "my agency shares one upwork account and last spring we sent a client's whole codebase"
    " through the messages, is any of that going to be used for their AI now",
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
        if conn.dialect.name == "postgresql":  # explicit ids left the sequence at 1
            await conn.execute(text("SELECT setval('member_id_seq', (SELECT max(id) FROM member))"))
    await engine.dispose()


def migrate(url: str) -> None:
    """As `make run`, systemd and the Dockerfile do: `gigguard db upgrade` in its own process
    before the bot starts, so Alembic is not in the bot's memory (nor in this peak RSS)."""
    env = {**os.environ, "GIGGUARD_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], env=env, check=True, capture_output=True
    )


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


def build_core(url: str) -> App:
    """Through the composition root, so admission and pool sizes are the settings' defaults."""
    return build_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]


def busy_text(core: Gigguard) -> str | None:
    try:
        return core.knowledge.message("busy")
    except KeyError:  # a core without admission control (measuring an older commit)
        return None


class Timings:
    """Latencies of one run, split into commands served and commands answered "busy"."""

    def __init__(self, core: Gigguard) -> None:
        self.busy_text = busy_text(core)
        self.served: list[float] = []
        self.busy: list[float] = []

    def add(self, reply: Reply, seconds: float) -> None:
        text = reply.blocks[0].text if reply.blocks and isinstance(reply.blocks[0], Section) else ""
        (self.busy if text == self.busy_text else self.served).append(seconds)

    def summary(self, elapsed: float, cpu: float = float("nan")) -> dict[str, float]:
        """`cpu`: this process's CPU seconds over the run (process_time, every thread)."""
        every = self.served + self.busy
        return {
            "rate": len(every) / elapsed,
            "cpu_ms": cpu * 1000 / len(every),
            "p50": percentile(self.served, 0.5),
            "p99": percentile(self.served, 0.99),
            "busy": len(self.busy) / len(every),
            "busy_p99": percentile(self.busy, 0.99),
        }


def percentile(latencies: list[float], share: float) -> float:
    if not latencies:
        return float("nan")
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


async def saturate(core: Gigguard, requests: list[Request], concurrency: int) -> dict[str, float]:
    """Closed loop: `concurrency` clients, each sending its next command as soon as answered."""
    timings = Timings(core)
    queue: asyncio.Queue[Request] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)

    async def client() -> None:
        while not queue.empty():
            request = queue.get_nowait()
            started = time.perf_counter()
            reply = await core.handle(request)
            timings.add(reply, time.perf_counter() - started)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return timings.summary(time.perf_counter() - started, time.process_time() - cpu)


async def offered(core: Gigguard, requests: list[Request], rate: float) -> dict[str, float]:
    """Open loop: commands arrive at `rate` per second whatever the answers (as members do);
    latency counts from each command's arrival, so queueing shows up in it."""
    timings = Timings(core)
    running: set[asyncio.Task[None]] = set()
    start, cpu = time.perf_counter(), time.process_time()

    async def one(request: Request, arrived: float) -> None:
        reply = await core.handle(request)
        timings.add(reply, time.perf_counter() - arrived)

    for index, request in enumerate(requests):  # each command is started when it arrives
        due = start + index / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        task = asyncio.create_task(one(request, due))
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)
    return timings.summary(time.perf_counter() - start, time.process_time() - cpu)


class StatementCounter:
    """SQL statements and commits on an engine (SQLAlchemy events): deterministic, unlike time."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements = self.commits = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)
        event.listen(engine.sync_engine, "commit", self._commit)

    def _statement(self, *_: object) -> None:
        self.statements += 1

    def _commit(self, *_: object) -> None:
        self.commits += 1


COUNTED = {
    "status": "status",
    "done (known member)": "done {toggle}",
    "undo": "undo {toggle}",
    "ask": "ask {question}",
    "status (Discord, in a server)": "status",
}
DISCORD_SERVER = "G_BENCH"
# CPU per command is timed in rounds of this many and the cheapest round is kept: other
# processes only ever add to a round's CPU time (cache and core contention), never take away.
ROUND = 50


def counted_actors(label: str, rng: random.Random, members: int, repeat: int) -> list[Actor]:
    """Random seeded Slack members; for the Discord row, members of one server (Discord ids
    are global, the server is the request's community)."""
    if label.endswith("(Discord, in a server)"):
        users = rng.sample(range(members), min(repeat, members))
        return [
            Actor(MemberKey("discord", "global", f"D{u:07d}"), community=DISCORD_SERVER)
            for u in users
        ]
    return [
        Actor(MemberKey(PLATFORM, WORKSPACE, f"U{rng.randrange(members):07d}"))
        for _ in range(repeat)
    ]


async def statements_per_command(
    app: App, members: int, repeat: int
) -> dict[str, tuple[float, float, float]]:
    """Each command alone, `repeat` times one after another, warm caches: (statements, commits,
    CPU ms) per command. CPU is this process's `process_time` (every thread, aiosqlite's
    included; not the PostgreSQL server's), the cheapest of the rounds of ROUND commands:
    unlike wall time it barely moves with the load of other processes on the machine."""
    counter = StatementCounter(app.engine)
    rng = random.Random(3)
    found: dict[str, tuple[float, float, float]] = {}
    for label, template in COUNTED.items():
        actors = counted_actors(label, rng, members, repeat)
        discord = actors[0].community is not None
        # Warm the policy cache; Discord members are not seeded: each is known (has used the bot
        # in the server) before it is measured.
        for actor in actors if discord else actors[:2]:
            await app.core.handle(Request(actor, "done communications"))
        requests = [
            Request(
                actor,
                template.format(toggle=rng.choice(TOGGLES), question=rng.choice(QUESTIONS)),
            )
            for actor in actors
        ]
        before = (counter.statements, counter.commits)
        cpu_ms = []
        for start in range(0, len(requests), ROUND):
            cpu = time.process_time()
            for request in requests[start : start + ROUND]:
                await app.core.handle(request)
            cpu_ms.append((time.process_time() - cpu) * 1000 / len(requests[start : start + ROUND]))
        found[label] = (
            (counter.statements - before[0]) / len(requests),
            (counter.commits - before[1]) / len(requests),
            min(cpu_ms),
        )
    before = (counter.statements, counter.commits, time.process_time())
    question_counts = getattr(app.core.services, "question_counts", None)
    if question_counts is not None:
        await question_counts.flush(app.core.services.uow)
        found["(ask counts flush, per flush)"] = (
            counter.statements - before[0],
            counter.commits - before[1],
            (time.process_time() - before[2]) * 1000,
        )
    return found


async def run(
    url: str, members: int, commands: int, concurrency: int, rate: float
) -> dict[str, dict[str, float]]:
    app = build_core(url)
    rng = random.Random(7)
    requests = [request_for(rng, members) for _ in range(commands)]
    try:
        for request in requests[:50]:  # warm the pool and caches
            await app.core.handle(request)
        full = await saturate(app.core, requests, concurrency)
        paced = await offered(app.core, requests, rate)
        over = await offered(app.core, requests, 2 * full["rate"])
        return {"saturated": full, "offered": paced, "overload": over}
    finally:
        await app.close()


def process_worker(
    url: str, members: int, commands: int, concurrency: int, seed: int, ready: Any, results: Any
) -> None:
    """One `gigguard run`-like process: its own core and pool, started with the others."""
    app = build_core(url)
    rng = random.Random(seed)
    requests = [request_for(rng, members) for _ in range(commands)]

    async def go() -> None:
        for request in requests[:50]:
            await app.core.handle(request)
        await asyncio.to_thread(ready.wait)
        started = time.time()
        figures = await saturate(app.core, requests, concurrency)
        results.put((started, time.time(), len(requests), figures["p99"], figures["busy"]))
        await app.close()

    asyncio.run(go())


def processes(url: str, members: int, commands: int, concurrency: int, count: int) -> dict:
    """`count` processes side by side on one database; commands/s of all of them together."""
    context = multiprocessing.get_context("spawn")
    ready, results = context.Barrier(count), context.Queue()
    workers = [
        context.Process(
            target=process_worker,
            args=(url, members, commands // count, concurrency, 100 + i, ready, results),
        )
        for i in range(count)
    ]
    for worker in workers:
        worker.start()
    found = [results.get(timeout=1800) for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = max(f[1] for f in found) - min(f[0] for f in found)
    return {
        "rate": sum(f[2] for f in found) / elapsed,
        "p99": max(f[3] for f in found),
        "busy": sum(f[4] for f in found) / count,
    }


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


def peak_rss_mb() -> float:
    """This process's own peak (VmHWM), not inherited from a parent like ru_maxrss."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str, url: str, members: int, args: argparse.Namespace) -> None:
    migrate(url)
    started = time.perf_counter()
    asyncio.run(seed(url, members))
    seeded = time.perf_counter() - started
    floor = asyncio.run(
        raw_floor(
            url,
            platform=PLATFORM,
            workspace=WORKSPACE,
            members=members,
            count=args.commands,
            concurrency=args.concurrency,
        )
    )
    runs = asyncio.run(run(url, members, args.commands, args.concurrency, args.rate))
    full, paced, over = runs["saturated"], runs["offered"], runs["overload"]
    print(
        f"{name:<10} {members:>7,} {seeded:>6.1f} | {floor['rate']:>6.0f} {floor['p99']:>5.1f} |"
        f" {full['rate']:>6.0f} {full['cpu_ms']:>5.2f} {full['p50']:>5.1f} {full['p99']:>6.1f}"
        f" {floor['rate'] / full['rate']:>5.1f}x |"
        f" {paced['rate']:>6.0f} {paced['p50']:>6.1f} {paced['p99']:>7.1f} {paced['busy']:>5.1%} |"
        f" {over['rate']:>6.0f} {over['busy']:>6.1%} {over['busy_p99']:>7.1f} {over['p99']:>7.1f}"
    )


def print_statements(url: str, members: int, repeat: int) -> None:
    async def go() -> dict[str, tuple[float, float, float]]:
        app = build_core(url)
        try:
            return await statements_per_command(app, members, repeat)
        finally:
            await app.close()

    print(
        f"\nPer command, {repeat} one after another (SQLAlchemy before_cursor_execute; commits;"
        " CPU ms of this process):"
    )
    for label, (statements, commits, cpu_ms) in asyncio.run(go()).items():
        print(
            f"  {label:<30} {statements:>5.2f} statements {commits:>5.2f} commits"
            f" {cpu_ms:>6.2f} CPU ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--members", default="1000,100000", help="comma-separated sizes")
    parser.add_argument("--commands", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=500.0, help="offered load, commands/s")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--processes", default="1,2", help="PostgreSQL: processes side by side")
    parser.add_argument("--repeat", type=int, default=200, help="per-command table: runs each")
    parser.add_argument(
        "--per-command",
        action="store_true",
        help="only seed and print the per-command table (statements, CPU ms): quick, and its"
        " CPU figures mean something on a loaded machine",
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.members.split(",")]
    engines = args.engines.split(",")

    print(
        f"{args.commands:,} commands (50% status, 30% done, 20% ask); saturated: "
        f"{args.concurrency} clients back to back; offered: {args.rate:.0f} commands/s on a "
        "schedule; overload: twice the saturated rate offered. floor: raw SQL, same mix, "
        f"{args.concurrency} clients; ratio = floor / saturated. Latencies in ms.\n"
    )
    print(
        f"{'engine':<10} {'members':>7} {'seed s':>6} | {'floor':>6} {'p99':>5} |"
        f" {'sat/s':>6} {'cpums':>5} {'p50':>5} {'p99':>6} {'ratio':>6} |"
        f" {'off/s':>6} {'p50':>6} {'p99':>7} {'busy':>5} |"
        f" {'2x/s':>6} {'busy':>6} {'busyp99':>7} {'srv p99':>7}"
    )
    for name in engines:
        for members in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                url = (
                    f"sqlite+aiosqlite:///{tmp}/bench.db"
                    if name == "sqlite"
                    else asyncio.run(postgres_url())
                )
                if url is None:
                    print(f"{name}: not reachable on 127.0.0.1:5432, skipped")
                    break
                try:
                    if args.per_command:
                        migrate(url)
                        asyncio.run(seed(url, members))
                        print(f"\n{name}, {members:,} members:", end="")
                        print_statements(url, members, args.repeat)
                        continue
                    measure(name, url, members, args)
                    if name == "sqlite" and members == sizes[0]:
                        print_statements(url, members, args.repeat)
                        print()
                    if name == "postgresql" and members == sizes[-1]:
                        print_statements(url, members, args.repeat)
                        rows = [
                            (n, processes(url, members, args.commands, args.concurrency, n))
                            for n in (int(c) for c in args.processes.split(","))
                        ]
                        print("\nPostgreSQL, processes side by side (saturated, all together):")
                        for n, row in rows:
                            print(
                                f"  {n} process(es): {row['rate']:>6.0f} cmd/s, worst p99 "
                                f"{row['p99']:.1f} ms, busy {row['busy']:.1%}"
                            )
                finally:
                    if name == "postgresql":
                        asyncio.run(drop_postgres(url))
    print(
        f"\npeak RSS of this process: {peak_rss_mb():.0f} MB (targets: >= 500 cmd/s saturated, "
        "p99 <= 50 ms at 500 cmd/s offered, RSS <= 250 MB)"
    )


if __name__ == "__main__":
    main()
