"""Learned pacing against platforms that enforce a limit the bot is not told.

The real delivery worker, on a real SQLite outbox, sends a 300-member DM broadcast to a fake
platform that accepts at most `limit` calls in any one-second window and answers the rest 429
with `retry_after` (the time until the window has room, as Discord reports it; with
`--whole-seconds`, rounded up as Slack's Retry-After header is). The worker starts from the
published figure (core/data/pacing.yaml: Slack 0.8 DM/s) and learns. Time is virtual
(tests/virtual_time.py), so the figures are the pacing's, not the machine's.

Targets (issue 11): at 20 msg/s, 300 DMs within 1.2x of 15 s; at 1 msg/s, at most 5% of calls
answered 429.

    .venv/bin/python bench/learned_pace.py [--members 300] [--whole-seconds]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import sys
import tempfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.bootstrap import build_app  # noqa: E402
from bot.database import upgrade_database  # noqa: E402
from bot.settings import Settings  # noqa: E402
from core.delivery.worker import DeliveryWorker  # noqa: E402
from core.errors import TransientDeliveryError  # noqa: E402
from core.identity import MemberKey  # noqa: E402
from core.outbox import Status, Target  # noqa: E402
from core.pacing import PaceBook, load_pacing  # noqa: E402
from core.ports import Sent  # noqa: E402
from core.replies import Reply  # noqa: E402
from core.storage.tables import Delivery, Member  # noqa: E402
from tests.fake_messenger import say  # noqa: E402
from tests.fakes import ManualClock  # noqa: E402
from tests.virtual_time import VirtualTime  # noqa: E402

MOD = MemberKey("slack", "T1", "UMOD")
WINDOW = dt.timedelta(seconds=1)


@dataclass
class LimitedPlatform:
    """Accepts at most `limit` calls in any one-second window; 429 for the rest."""

    clock: ManualClock
    limit: int
    whole_seconds: bool
    platform: str = "slack"
    accepted: deque[dt.datetime] = field(default_factory=deque)
    calls: int = 0
    limited: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None

    async def send_dm(
        self, workspace: str, user: str, reply: Reply, *, idempotency_key: str, resend: bool = False
    ) -> Sent:
        now = self.clock.now()
        self.calls += 1
        while self.accepted and now - self.accepted[0] >= WINDOW:
            self.accepted.popleft()
        if len(self.accepted) >= self.limit:
            self.limited += 1
            wait = (self.accepted[0] + WINDOW - now).total_seconds()
            raise TransientDeliveryError(
                "429", retry_after=float(math.ceil(wait)) if self.whole_seconds else wait
            )
        self.accepted.append(now)
        self.first = self.first or now
        self.last = now
        return Sent(message_id=idempotency_key)

    async def send_to_channel(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        return await self.send_dm(workspace, channel, reply, idempotency_key=idempotency_key)


async def run(db: Path, *, members: int, limit: int, whole_seconds: bool) -> dict[str, float]:
    clock = ManualClock()
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{db}")  # type: ignore[call-arg]
    app = build_app(settings, clock=clock)
    rows = [
        {"platform": "slack", "workspace": "T1", "user_id": f"U{i:05}", "muted": False}
        for i in range(members)
    ]
    async with app.engine.begin() as conn:
        await conn.execute(insert(Member).values(created_at=clock.now()), rows)
    await say(app.core, MOD, "broadcast dm all: hello", moderator=True)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)

    time = VirtualTime(clock)
    fake = LimitedPlatform(clock, limit, whole_seconds)
    paces = PaceBook(load_pacing(), ceiling=settings.max_send_rate)
    worker = DeliveryWorker(
        services=app.core.services,
        messengers={"slack": fake},
        sleep=time.sleep,
        paces=paces,
        concurrency=1,
    )
    time.tasks = 1
    task = asyncio.create_task(worker.run_forever())

    async def pending() -> int:
        async with app.engine.connect() as conn:
            query = select(func.count()).where(Delivery.status == Status.PENDING)
            return int((await conn.execute(query)).scalar_one())

    steps = 0
    while await pending():
        await time.step()
        steps += 1
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await app.close()
    assert fake.first is not None and fake.last is not None
    return {
        "limit": limit,
        "members": members,
        "seconds": (fake.last - fake.first).total_seconds(),
        "minimum": (members - 1) / limit,
        "calls": fake.calls,
        "limited": fake.limited,
        "learned": paces.rate("slack", "T1", Target.DM),
    }


def report(figures: dict[str, float], whole_seconds: bool) -> None:
    ratio = figures["seconds"] / figures["minimum"]
    share = figures["limited"] / figures["calls"]
    style = "whole-second Retry-After" if whole_seconds else "fractional retry_after"
    print(
        f"limit {figures['limit']:g}/s, {style}: {figures['members']:g} DMs in "
        f"{figures['seconds']:.1f} s (minimum {figures['minimum']:.1f} s, ratio {ratio:.2f}); "
        f"{figures['limited']:g} of {figures['calls']:g} calls answered 429 ({share:.1%}); "
        f"learned {figures['learned']:.2f}/s"
    )


def bench(members: int, whole_seconds: bool) -> list[dict[str, float]]:
    """Both limits, each on its own copy of a migrated database; prints and returns figures."""
    found = []
    with tempfile.TemporaryDirectory(prefix="gigguard-pace-") as tmp:
        base = Path(tmp) / "migrated.db"
        upgrade_database(f"sqlite+aiosqlite:///{base}")
        for limit in (20, 1):
            db = Path(tmp) / f"limit{limit}.db"
            db.write_bytes(base.read_bytes())
            figures = asyncio.run(
                run(db, members=members, limit=limit, whole_seconds=whole_seconds)
            )
            report(figures, whole_seconds)
            found.append(figures)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--whole-seconds", action="store_true")
    args = parser.parse_args()
    bench(args.members, args.whole_seconds)


if __name__ == "__main__":
    main()
