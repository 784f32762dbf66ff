"""The outbox on both engines: leases, crash recovery, concurrent workers, constant work."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.dialects import postgresql

from bot.bootstrap import App, build_app
from bot.settings import Settings
from core.delivery.worker import DeliveryWorker
from core.faq.engine import FaqEngine
from core.identity import MemberKey
from core.outbox import Status
from core.pacing import load_pacing
from core.render_text import render_plain
from core.storage.sql_outbox import claim_statement
from tests.fake_messenger import Delivered, FakeMessenger, drain, make_worker, say
from tests.fakes import ManualClock

MOD = MemberKey("slack", "T1", "UMOD")
FAST = load_pacing().overridden({"slack": 1000.0})
LEASE = dt.timedelta(seconds=60)


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even except/finally cleanup in the worker."""


async def members(app: App, count: int) -> list[str]:
    users = [f"U{i:05}" for i in range(count)]
    now = app.core.services.clock.now()
    async with app.core.services.uow() as uow:
        for user in users:
            await uow.members.set_timezone(MemberKey("slack", "T1", user), "UTC", at=now)
        await uow.commit()
    return users


async def broadcast(app: App, text: str = "hello") -> None:
    await say(app.core, MOD, f"broadcast dm all: {text}", moderator=True)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)


@pytest.fixture
async def second_app(
    settings: Settings, clock: ManualClock, faq_engine: FaqEngine
) -> AsyncIterator[App]:
    """Another process's view of the same database: its own engine and connections."""
    built = build_app(settings, clock=clock, faq=faq_engine)
    yield built
    await built.close()


async def test_expired_leases_are_taken_over_and_the_old_owner_cannot_record(
    app: App, clock: ManualClock
) -> None:
    await members(app, 3)
    await broadcast(app)
    slack = FakeMessenger("slack", clock)
    await make_worker(app.core.services, slack, clock, pacing=FAST).run_once()  # expand only
    async with app.core.services.uow() as uow:
        mine = await uow.outbox.claim(
            owner="A", platforms=["slack"], now=clock.now(), lease=LEASE, limit=10
        )
        await uow.commit()
    assert len(mine) == 3
    async with app.core.services.uow() as uow:
        assert (
            await uow.outbox.claim(
                owner="B", platforms=["slack"], now=clock.now(), lease=LEASE, limit=10
            )
            == []
        )
    clock.advance(LEASE)
    async with app.core.services.uow() as uow:
        taken = await uow.outbox.claim(
            owner="B", platforms=["slack"], now=clock.now(), lease=LEASE, limit=10
        )
        await uow.commit()
    assert [r.id for r in taken] == [r.id for r in mine]
    assert all(r.attempts == 2 for r in taken)
    async with app.core.services.uow() as uow:
        assert not await uow.outbox.finish(
            mine[0],
            owner="A",
            status=Status.SENT,
            reason=None,
            at=clock.now(),
        )
        assert await uow.outbox.finish(
            taken[0],
            owner="B",
            status=Status.SENT,
            reason=None,
            at=clock.now(),
        )
        await uow.commit()


async def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_only_the_in_flight_send(
    app: App, clock: ManualClock
) -> None:
    users = await members(app, 20)
    await broadcast(app)
    slack = FakeMessenger("slack", clock)

    def kill_on_seventh(_: Delivered) -> None:
        if len(slack.sent) == 7:
            raise Killed  # after the platform accepted message 7, before it was recorded

    slack.after_send = kill_on_seventh
    doomed = make_worker(app.core.services, slack, clock, pacing=FAST, owner="doomed")
    await doomed.run_once()  # expansion
    with pytest.raises(Killed):
        await doomed.run_once()
    slack.after_send = None
    restarted = make_worker(app.core.services, slack, clock, pacing=FAST, owner="restarted")
    assert await drain(restarted) == 0  # the dead worker's leases still hold
    clock.advance(LEASE)
    assert await drain(restarted) == 14  # message 7 again, then 8..20
    assert sorted({d.to for d in slack.sent}) == users  # none lost
    assert slack.duplicates() == 1  # only the in-flight one, with the same idempotency key
    [repeated] = [k for k in {d.key for d in slack.sent} if sum(d.key == k for d in slack.sent) > 1]
    assert repeated == slack.sent[6].key


async def test_two_workers_on_one_database_never_double_send(
    app: App, second_app: App, clock: ManualClock
) -> None:
    users = await members(app, 300)
    await broadcast(app)
    slack = FakeMessenger("slack", clock)
    one = make_worker(app.core.services, slack, clock, pacing=FAST, owner="one")
    two = make_worker(second_app.core.services, slack, clock, pacing=FAST, owner="two")
    assert await one.run_once() == 1  # the run: expanded into 300 DMs
    handled = await asyncio.gather(drain(one), drain(two))
    assert sum(handled) == 300  # each DM handled by exactly one worker
    assert all(handled)  # both took part
    assert sorted(d.to for d in slack.sent) == users
    assert slack.duplicates() == 0


async def test_database_work_per_delivery_does_not_grow_with_the_audience(
    app: App, clock: ManualClock
) -> None:
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(app.engine.sync_engine, "before_cursor_execute", count)
    per_delivery = []
    for size, text in ((20, "first"), (200, "second")):
        await members(app, size)
        await say(app.core, MOD, f"broadcast dm all: {text}", moderator=True)
        async with app.core.services.uow() as uow:
            [latest] = await uow.broadcasts.recent(platform="slack", workspace="T1", limit=1)
        await say(app.core, MOD, f"broadcast confirm {latest.id}", moderator=True)
        slack = FakeMessenger("slack", clock)
        statements = 0
        await drain(make_worker(app.core.services, slack, clock, pacing=FAST))
        per_delivery.append(statements / len(slack.sent))
    event.remove(app.engine.sync_engine, "before_cursor_execute", count)
    assert per_delivery[1] <= per_delivery[0] * 1.05
    assert per_delivery[1] < 6


def test_the_claim_locks_rows_with_skip_locked_on_postgresql() -> None:
    statement = claim_statement(
        owner="w", platforms=["slack"], now=dt.datetime.now(dt.UTC), lease=LEASE, limit=10
    )
    sql = str(statement.compile(dialect=postgresql.dialect()))
    assert "FOR UPDATE SKIP LOCKED" in sql and "ORDER BY delivery.due_at" in sql


async def test_a_stopped_worker_finishes_its_send_and_releases_the_rest_of_its_batch(
    app: App, clock: ManualClock
) -> None:
    users = await members(app, 10)
    await broadcast(app)
    slack = FakeMessenger("slack", clock)
    stop = asyncio.Event()
    slack.after_send = lambda _: stop.set() if len(slack.sent) == 3 else None
    stopping = make_worker(app.core.services, slack, clock, pacing=FAST, owner="stopping")
    await stopping.run_once()  # expansion
    await stopping.run_forever(stop)
    assert len(slack.sent) == 3
    async with app.core.services.uow() as uow:  # the rest is free at once, not after the lease
        rest = await uow.outbox.claim(
            owner="next", platforms=["slack"], now=clock.now(), lease=LEASE, limit=100
        )
    assert len(rest) == 7 and all(r.attempts == 1 for r in rest)  # release undid the claim
    assert sorted([d.to for d in slack.sent] + [r.user or "" for r in rest]) == users


async def test_a_knowledge_reload_reaches_the_worker_without_a_restart(
    app: App, clock: ManualClock
) -> None:
    member = MemberKey("slack", "T1", "U1")
    await say(app.core, member, "remind in 1 hour")
    slack = FakeMessenger("slack", clock)
    worker = DeliveryWorker(
        services=replace(app.core.services, pacing=FAST),
        messengers={"slack": slack},
        sleep=asyncio.sleep,
        refresh=lambda: app.core.services,
    )
    knowledge = app.core.knowledge
    renamed = knowledge.guides["upwork"].model_copy(update={"name": "Upwork (renamed)"})
    app.core.reload(
        knowledge.model_copy(update={"guides": knowledge.guides | {"upwork": renamed}}),
        app.core.services.faq,
    )
    clock.advance(dt.timedelta(hours=2))
    await drain(worker)
    (reminder,) = slack.sent
    assert "upwork (renamed)" in render_plain(reminder.reply).lower()


async def test_with_sends_in_flight_a_kill_repeats_at_most_those(
    app: App, clock: ManualClock
) -> None:
    """Concurrency widens the in-flight window to `concurrency` sends, never more."""
    users = await members(app, 40)
    await broadcast(app)
    slack = FakeMessenger("slack", clock, yields=1)

    def kill_on_tenth(_: Delivered) -> None:
        if len(slack.sent) == 10:
            raise Killed

    slack.after_send = kill_on_tenth
    doomed = make_worker(app.core.services, slack, clock, pacing=FAST, concurrency=4)
    await doomed.run_once()  # expansion
    with pytest.raises(Killed):
        await doomed.run_once()
    slack.after_send = None
    clock.advance(LEASE)
    await drain(make_worker(app.core.services, slack, clock, pacing=FAST, concurrency=4))
    assert sorted({d.to for d in slack.sent}) == users  # none lost
    assert 1 <= slack.duplicates() <= 4
