"""Broadcast delivery benchmark: 10,000 DMs through the outbox, then a SIGKILL half-way.

The Slack/Discord adapters do not implement Messenger yet, so the messenger here is an
in-process fake (`RecordingMessenger`) that appends each delivery's idempotency key to a file.
Pacing is on, at an overridden DM rate so the run fits in about a minute; the ETA at the real
published-limit pace is printed alongside.

    .venv/bin/python bench/broadcast.py [--members 10000] [--rate 400]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.bootstrap import App, build_app  # noqa: E402
from bot.database import upgrade_database  # noqa: E402
from bot.settings import Settings  # noqa: E402
from core.delivery import broadcasting  # noqa: E402
from core.delivery.broadcasting import Order  # noqa: E402
from core.delivery.models import Audience, Target  # noqa: E402
from core.delivery.pacing import load_pacing  # noqa: E402
from core.delivery.worker import DeliveryWorker  # noqa: E402
from core.identity import MemberKey  # noqa: E402
from core.ports import Sent  # noqa: E402
from core.replies import Reply  # noqa: E402
from core.storage.tables import Member  # noqa: E402

PLATFORM = "slack"
LEASE = dt.timedelta(seconds=10)


class RecordingMessenger:
    """Stands in for the platform: a send is a line (the idempotency key) in a log file."""

    platform = PLATFORM

    def __init__(self, log: Path) -> None:
        self._log = log.open("a", buffering=1)
        self.count = 0

    async def send_dm(
        self, workspace: str, user: str, reply: Reply, *, idempotency_key: str
    ) -> Sent:
        self._log.write(idempotency_key + "\n")
        self.count += 1
        return Sent(idempotency_key)

    async def send_to_channel(
        self, workspace: str, channel: str, reply: Reply, *, idempotency_key: str
    ) -> Sent:
        self._log.write(idempotency_key + "\n")
        return Sent(idempotency_key)


def settings_for(db: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{db}")  # type: ignore[call-arg]


def worker_for(app: App, messenger: RecordingMessenger, rate: float) -> DeliveryWorker:
    return DeliveryWorker(
        services=app.core.services,
        messengers={PLATFORM: messenger},
        pacing=load_pacing().overridden({PLATFORM: rate}),
        sleep=asyncio.sleep,
        lease=LEASE,
        poll_seconds=0.2,
    )


async def prepare(db: Path, workspace: str, members: int) -> int:
    app = build_app(settings_for(db))
    now = dt.datetime.now(dt.UTC)
    async with app.engine.begin() as conn:
        await conn.execute(
            insert(Member),
            [
                {
                    "platform": PLATFORM,
                    "workspace": workspace,
                    "user_id": f"U{i:06}",
                    "muted": False,
                    "created_at": now,
                }
                for i in range(members)
            ],
        )
    key = MemberKey(PLATFORM, workspace, "UMOD")
    order = Order(target=Target.DM, audience=Audience.ALL, text="Have you switched off all three?")
    shown = await broadcasting.draft(app.core.services, key, order)
    await broadcasting.confirm(app.core.services, key, shown.broadcast.id)
    await app.close()
    return shown.recipients


def sends(log: Path) -> Counter[str]:
    return Counter(log.read_text().split()) if log.exists() else Counter()


async def in_process(db: Path, log: Path, members: int, rate: float) -> dict[str, float]:
    app = build_app(settings_for(db))
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(app.engine.sync_engine, "before_cursor_execute", count)
    messenger = RecordingMessenger(log)
    worker = worker_for(app, messenger, rate)
    started = time.perf_counter()
    while messenger.count < members:
        if not await worker.run_once():
            await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    await app.close()
    got = sends(log)
    return {
        "elapsed": elapsed,
        "lost": members - len(got),
        "duplicated": sum(got.values()) - len(got),
        "statements_per_delivery": statements / max(1, sum(got.values())),
    }


async def run_worker_process(db: Path, log: Path, rate: float) -> None:
    app = build_app(settings_for(db))
    await worker_for(app, RecordingMessenger(log), rate).run_forever()


def spawn(db: Path, log: Path, rate: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, __file__, "--worker", str(db), str(log), str(rate)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_half_way(db: Path, log: Path, members: int, rate: float) -> dict[str, float]:
    first = spawn(db, log, rate)
    while sum(sends(log).values()) < members // 2:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    at_kill = sum(sends(log).values())
    second = spawn(db, log, rate)
    deadline = time.monotonic() + 120
    while len(sends(log)) < members and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # anything sent twice would show up now
    second.send_signal(signal.SIGTERM)
    second.wait()
    got = sends(log)
    return {
        "killed_after": at_kill,
        "lost": members - len(got),
        "duplicated": sum(got.values()) - len(got),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=400.0, help="DMs per second (override)")
    parser.add_argument("--worker", nargs=3, metavar=("DB", "LOG", "RATE"))
    args = parser.parse_args()
    if args.worker:
        db, log, rate = args.worker
        asyncio.run(run_worker_process(Path(db), Path(log), float(rate)))
        return
    pacing = load_pacing()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name in ("a", "b"):
            upgrade_database(f"sqlite+aiosqlite:///{base / name}.db")
        recipients = asyncio.run(prepare(base / "a.db", "TA", args.members))
        figures = asyncio.run(in_process(base / "a.db", base / "a.log", recipients, args.rate))
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        asyncio.run(prepare(base / "b.db", "TB", args.members))
        killed = kill_half_way(base / "b.db", base / "b.log", recipients, args.rate)
    minimum = recipients / args.rate
    print(f"members: {recipients:,} DMs, paced at {args.rate:g}/s (override)")
    for name in ("slack", "discord"):
        eta = pacing.eta(name, recipients)
        print(f"  at the real {name} pace ({pacing.platform(name).dm_per_second}/s): ETA {eta}")
    print(
        f"in-process run: {figures['elapsed']:.1f} s vs minimum {minimum:.1f} s "
        f"(ratio {figures['elapsed'] / minimum:.3f})"
    )
    print(f"  lost {figures['lost']:.0f}, duplicated {figures['duplicated']:.0f}")
    print(f"  DB statements per delivery: {figures['statements_per_delivery']:.2f}")
    print(f"  peak RSS (bench process): {rss_mb:.0f} MB")
    print(f"SIGKILL after {killed['killed_after']:.0f} sends, restarted (lease {LEASE.seconds} s):")
    print(f"  lost {killed['lost']:.0f}, duplicated {killed['duplicated']:.0f} (in-flight window)")


if __name__ == "__main__":
    main()
