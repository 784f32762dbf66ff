"""Four workers, stalls longer than the lease, 429 storms and kills, all in virtual time.

The fake platform below is shared by the workers (each sends through its own Messenger, which
knows its owner). On every call it checks in the database that the caller still holds a live
lease on the row: a send without one is the bug this test exists to catch ("unfenced"). It
stalls some sends for longer than the lease, posting before or after the stall, answers 429
with `retry_after` to everything during storms, and recognises a resend of the same
idempotency key within NONCE_WINDOW (Discord's nonce; Slack's adapter finds the earlier message
by its metadata). A kill cancels a parked worker, mid-send or not, and throws it away, like
SIGKILL: nothing it would have done afterwards happens. Lost and duplicated must both be 0.
With the fence removed from the worker, every seed here makes 78-142 unfenced sends.

The same seed on the same engine replays the same run (tests/virtual_time.py); PostgreSQL and
SQLite runs of one seed differ a little (the engines order some claims apart).
With a 5-minute recognition window seed 3 showed one duplicate: a resend after kill + 429
storm came later than that. That is the in-flight limit, which only the key can cover.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy import insert, select
from sqlmodel import col

from bot.bootstrap import App
from core.delivery.worker import DeliveryWorker
from core.errors import TransientDeliveryError
from core.identity import MemberKey
from core.outbox import Kind, Status
from core.ports import Sent
from core.replies import Reply
from core.storage.tables import Delivery, Member
from tests.fake_messenger import say
from tests.fakes import ManualClock
from tests.virtual_time import VirtualTime

MOD = MemberKey("slack", "T1", "UMOD")
AUDIENCE = 200
WORKERS = 4
LEASE = dt.timedelta(seconds=60)
NONCE_WINDOW = dt.timedelta(minutes=15)  # a resend this soon after the first is recognised
STALL_SHARE = 0.06
KILL_SHARE = 0.01  # per scheduler step
STORM_SHARE = 0.015  # per call outside a storm: a 429 storm starts
STORM_EVERY = 80
MAX_STEPS = 60_000


@dataclass
class Platform:
    """What members would see, and how the workers behaved towards the platform."""

    app: App
    clock: ManualClock
    time: VirtualTime
    rng: random.Random
    first_post: dict[str, dt.datetime] = field(default_factory=dict)
    posts: Counter[str] = field(default_factory=Counter)  # messages members actually got
    absorbed: int = 0  # resends the idempotency key caught
    unfenced: list[str] = field(default_factory=list)
    limited: int = 0
    calls: int = 0
    storm_until: dt.datetime | None = None
    stalled: int = 0  # sends parked in a stall right now

    async def holds_lease(self, owner: str, key: str) -> bool:
        delivery_id = int(key.rsplit("-", 1)[1])
        async with self.app.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(Delivery.lease_owner, Delivery.lease_until, Delivery.status).where(
                        col(Delivery.id) == delivery_id
                    )
                )
            ).one_or_none()
        if row is None:
            return False
        lease_owner, lease_until, status = row
        if lease_until is not None and lease_until.tzinfo is None:
            lease_until = lease_until.replace(tzinfo=dt.UTC)
        return bool(
            lease_owner == owner
            and status == Status.PENDING
            and lease_until is not None
            and lease_until > self.clock.now()
        )

    def post(self, key: str) -> None:
        now = self.clock.now()
        first = self.first_post.get(key)
        if first is not None and now - first <= NONCE_WINDOW:
            self.absorbed += 1
            return
        self.first_post.setdefault(key, now)
        self.posts[key] += 1

    async def call(self, owner: str, key: str) -> Sent:
        self.calls += 1
        if not await self.holds_lease(owner, key):
            self.unfenced.append(key)
        now = self.clock.now()
        if self.storm_until is None or now >= self.storm_until:
            self.storm_until = None
            # Random storms, and one every STORM_EVERY calls at least, so each seed has some
            # whatever order the database lets the workers' calls arrive in.
            if self.calls % STORM_EVERY == 0 or self.rng.random() < STORM_SHARE:
                self.storm_until = now + dt.timedelta(seconds=self.rng.uniform(5, 150))
        if self.storm_until is not None:
            self.limited += 1
            wait = (self.storm_until - now).total_seconds()
            raise TransientDeliveryError("429", retry_after=wait)
        if self.rng.random() < STALL_SHARE:
            posted_first = self.rng.random() < 0.5
            if posted_first:
                self.post(key)
            self.stalled += 1
            try:
                await self.time.sleep(self.rng.uniform(1.1, 3.0) * LEASE.total_seconds())
            finally:
                self.stalled -= 1
            if not posted_first:
                self.post(key)
        else:
            self.post(key)
        return Sent(message_id=key)


@dataclass
class WorkerMessenger:
    platform_: Platform
    owner: str
    platform: str = "slack"

    async def send_dm(
        self,
        workspace: str,
        user: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        return await self.platform_.call(self.owner, idempotency_key)

    async def send_to_channel(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        return await self.platform_.call(self.owner, idempotency_key)


def start(platform: Platform, name: str) -> asyncio.Task[None]:
    worker = DeliveryWorker(
        services=platform.app.core.services,
        messengers={"slack": WorkerMessenger(platform, name)},
        sleep=platform.time.sleep,
        owner=name,
        lease=LEASE,
        concurrency=1,  # one sleeper per worker: the scheduler knows when all are parked
    )
    platform.time.tasks += 1
    return asyncio.create_task(worker.run_forever(), name=name)


async def pending(app: App) -> int:
    async with app.engine.connect() as conn:
        query = select(col(Delivery.id)).where(col(Delivery.status) == Status.PENDING)
        return len((await conn.execute(query)).all())


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_four_workers_stalls_storms_and_kills_lose_nothing_and_send_nothing_twice(
    app: App, clock: ManualClock, seed: int
) -> None:
    rows = [
        {"platform": "slack", "workspace": "T1", "user_id": f"U{i:04}", "muted": False}
        for i in range(AUDIENCE)
    ]
    async with app.engine.begin() as conn:
        await conn.execute(insert(Member).values(created_at=clock.now()), rows)
    await say(app.core, MOD, "broadcast dm all: hello", moderator=True)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)

    time = VirtualTime(clock)
    rng = random.Random(seed)
    platform = Platform(app, clock, time, rng)
    workers = {f"w{i}": start(platform, f"w{i}") for i in range(WORKERS)}
    kills = 0
    try:
        for step in range(MAX_STEPS):
            await time.step()
            if rng.random() < KILL_SHARE:
                await time.settle()
                victim = rng.choice(sorted(workers))
                workers.pop(victim).cancel()
                time.tasks -= 1
                kills += 1
                name = f"w{WORKERS + kills}"
                workers[name] = start(platform, name)
            if step % 25 == 0 and not platform.stalled and not await pending(app):
                break
        else:
            raise AssertionError("deliveries still pending after the step budget")
    finally:
        for task in workers.values():
            task.cancel()
        await asyncio.gather(*workers.values(), return_exceptions=True)

    async with app.engine.connect() as conn:
        dms = (
            await conn.execute(
                select(col(Delivery.id), col(Delivery.status)).where(col(Delivery.kind) == Kind.DM)
            )
        ).all()
    keys = {f"gigguard-delivery-{i}" for i, _ in dms}
    lost = len(keys - set(platform.posts))
    duplicated = sum(n - 1 for n in platform.posts.values())
    statuses = Counter(status for _, status in dms)
    print(
        f"seed {seed}: {len(dms)} DMs, {WORKERS} workers, {kills} kills, "
        f"{platform.calls} calls, {platform.limited} answered 429, "
        f"{platform.absorbed} resends caught by the idempotency key, "
        f"{len(platform.unfenced)} unfenced sends; lost {lost}, duplicated {duplicated}; "
        f"{(clock.now() - dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))} virtual"
    )
    assert len(dms) == AUDIENCE
    assert platform.unfenced == []
    assert (lost, duplicated) == (0, 0)
    assert statuses == {Status.SENT: AUDIENCE}
    assert kills > 0 and platform.absorbed > 0 and platform.limited > 0  # the faults happened
