"""Several workers, one database, a 2,000-member broadcast: nothing lost, nothing sent twice.

PostgreSQL keeps workers apart with FOR UPDATE SKIP LOCKED, SQLite with its single writer and
the lease columns; the fence before every send keeps a slow worker from sending what another
took over. Two workers in one process, each with its own engine, are tested in test_engine.py;
here they are two OS processes. Nothing here depends on how fast the machine is: the test waits
for states (A frozen, nothing pending), with timeouts only as hang guards, and the lease is
long enough that only a wedged or killed worker loses one.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlmodel import col

from bot.bootstrap import App, build_app
from bot.settings import Settings
from core.identity import MemberKey
from core.storage.tables import Delivery, Member
from tests.fake_messenger import say
from tests.waiting import until

ROOT = Path(__file__).resolve().parents[2]
MOD = MemberKey("slack", "T1", "UMOD")
AUDIENCE = 2000
LEASE_SECONDS = 20.0
HANG_GUARD = 300.0  # seconds; only against a hang, never the thing asserted


async def seed_broadcast(app: App, count: int = AUDIENCE) -> None:
    """`count` known members in T1 and a confirmed DM broadcast to all of them."""
    now = app.core.services.clock.now()
    rows = [
        {"platform": "slack", "workspace": "T1", "user_id": f"U{i:05}", "muted": False}
        for i in range(count)
    ]
    async with app.engine.begin() as conn:
        await conn.execute(insert(Member).values(created_at=now), rows)
    await say(app.core, MOD, "broadcast dm all: hello", moderator=True)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)


async def scalar(app: App, sql: str) -> int:
    async with app.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


def spawn(
    url: str, log: Path, owner: str, freeze_after: int | None = None
) -> subprocess.Popen[bytes]:
    args = [url, str(log), owner, str(LEASE_SECONDS)]
    args += [str(freeze_after)] if freeze_after is not None else []
    return subprocess.Popen(
        [sys.executable, "-m", "tests.delivery.worker_process", *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )


def lines(log: Path) -> list[tuple[str, str]]:
    if not log.exists():
        return []
    return [tuple(line.split()) for line in log.read_text().splitlines()]  # type: ignore[misc]


def sends(log: Path) -> list[tuple[str, str]]:
    return [(owner, key) for owner, key in lines(log) if key != "FROZEN"]


async def test_two_worker_processes_one_wedged_and_killed_nothing_lost_nothing_twice(
    database_url: str, tmp_path: Path
) -> None:
    app = build_app(Settings(_env_file=None, database_url=database_url))  # type: ignore[call-arg]
    log = tmp_path / "sent.log"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        await seed_broadcast(app)
        started = time.monotonic()
        # A sends 600, then hangs in its next send holding leased rows, as a wedged process would.
        doomed = spawn(database_url, log, "A", freeze_after=600)
        survivor = spawn(database_url, log, "B")
        processes += [doomed, survivor]

        async def a_is_wedged() -> bool:
            return ("A", "FROZEN") in lines(log)

        await until(
            a_is_wedged, what="worker A to send 600 and hang", timeout=HANG_GUARD, every=0.1
        )
        async with app.engine.connect() as conn:
            held_by_a = set(
                (
                    await conn.execute(
                        select(col(Delivery.id)).where(col(Delivery.lease_owner) == "A")
                    )
                )
                .scalars()
                .all()
            )
        doomed.kill()
        doomed.wait(timeout=HANG_GUARD)

        async def all_done() -> bool:
            return await scalar(app, "SELECT count(*) FROM delivery WHERE status = 'pending'") == 0

        await until(all_done, what="every delivery to be recorded", timeout=HANG_GUARD, every=0.1)
        elapsed = time.monotonic() - started
        survivor.terminate()
        assert survivor.wait(timeout=HANG_GUARD) == 0, (
            survivor.stderr.read() if survivor.stderr else ""
        )

        sent = sends(log)
        per_key = Counter(key for _, key in sent)
        async with app.engine.connect() as conn:
            dm_rows = select(col(Delivery.id)).where(col(Delivery.kind) == "dm")
            ids = (await conn.execute(dm_rows)).scalars().all()
        assert set(per_key) == {f"gigguard-delivery-{i}" for i in ids}  # none lost
        assert len(ids) == AUDIENCE
        assert [k for k, n in per_key.items() if n > 1] == []  # none twice
        assert Counter(owner for owner, _ in sent)["A"] == 600
        assert held_by_a  # A froze holding at least the row it was sending
        by_b = {key for owner, key in sent if owner == "B"}
        assert {f"gigguard-delivery-{i}" for i in held_by_a} <= by_b  # B took over what A held
        assert await scalar(app, "SELECT count(*) FROM delivery WHERE lease_owner IS NOT NULL") == 0
        print(
            f"{AUDIENCE} deliveries by two processes in {elapsed:.1f} s;"
            f" the {len(held_by_a)} A held when killed taken over"
        )
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        await app.close()
