"""Admission control: a bounded number of commands at once, a bounded and timed queue.

The queue's time limit is an `expire` the test completes itself: no sleeps, no timing asserts.
"""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from core.admission import Admission, Busy
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.render_text import render_plain
from core.requests import Actor, Request
from core.service import Gigguard
from tests.fakes import FixedFaq, InMemoryStore, InMemoryUnitOfWork, ManualClock
from tests.services import make_services

ALICE = MemberKey("console", "w1", "alice")


class ManualExpiry:
    """Each wait's time limit, ended when the test says so."""

    def __init__(self) -> None:
        self.pending: list[asyncio.Event] = []

    async def __call__(self, seconds: float) -> None:
        ended = asyncio.Event()
        self.pending.append(ended)
        await ended.wait()

    def end_all(self) -> None:
        for ended in self.pending:
            ended.set()


async def hold(admission: Admission, entered: asyncio.Event, leave: asyncio.Event) -> None:
    async with admission.slot():
        entered.set()
        await leave.wait()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_within_the_limit_commands_run_at_once() -> None:
    admission = Admission(limit=2, queue=0, max_wait=1.0, expire=ManualExpiry())
    leave = asyncio.Event()
    entered = [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(hold(admission, e, leave)) for e in entered]
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in entered)), 60)
    leave.set()
    await asyncio.gather(*tasks)


async def test_a_full_queue_is_refused_at_once_and_the_slot_is_not_lost() -> None:
    admission = Admission(limit=1, queue=0, max_wait=1.0, expire=ManualExpiry())
    entered, leave = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(hold(admission, entered, leave))
    await asyncio.wait_for(entered.wait(), 60)
    with pytest.raises(Busy):
        async with admission.slot():
            pytest.fail("ran although the only slot was taken")
    leave.set()
    await holder
    async with admission.slot():  # the slot came back
        pass


async def test_a_waiter_gets_the_slot_first_come_first_served() -> None:
    admission = Admission(limit=1, queue=2, max_wait=1.0, expire=ManualExpiry())
    order: list[str] = []
    entered, leave = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(hold(admission, entered, leave))
    await asyncio.wait_for(entered.wait(), 60)

    async def wait_turn(name: str) -> None:
        async with admission.slot():
            order.append(name)

    waiters = [asyncio.create_task(wait_turn(n)) for n in ("first", "second")]
    await settle()
    assert admission.waiting == 2 and order == []
    leave.set()
    await asyncio.wait_for(asyncio.gather(holder, *waiters), 60)
    assert order == ["first", "second"]


async def test_a_wait_past_its_limit_becomes_busy_and_leaves_the_queue() -> None:
    expiry = ManualExpiry()
    admission = Admission(limit=1, queue=5, max_wait=1.0, expire=expiry)
    entered, leave = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(hold(admission, entered, leave))
    await asyncio.wait_for(entered.wait(), 60)

    async def waiter() -> None:
        async with admission.slot():
            pytest.fail("ran although its wait expired")

    waiting = asyncio.create_task(waiter())
    await settle()
    assert admission.waiting == 1
    expiry.end_all()
    with pytest.raises(Busy):
        await asyncio.wait_for(waiting, 60)
    assert admission.waiting == 0
    leave.set()
    await holder
    async with admission.slot():
        pass


async def test_a_cancelled_waiter_gives_its_turn_back() -> None:
    admission = Admission(limit=1, queue=5, max_wait=1.0, expire=ManualExpiry())
    entered, leave = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(hold(admission, entered, leave))
    await asyncio.wait_for(entered.wait(), 60)
    cancelled = asyncio.create_task(hold(admission, asyncio.Event(), asyncio.Event()))
    await settle()
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert admission.waiting == 0
    leave.set()
    await holder
    async with admission.slot():  # neither the holder's nor the cancelled turn leaked a slot
        pass


async def test_gigguard_answers_busy_without_touching_storage(clock: ManualClock) -> None:
    store = InMemoryStore()
    services = make_services(
        knowledge=load_knowledge(),
        uow=partial(InMemoryUnitOfWork, store),
        faq=FixedFaq(),
        clock=clock,
    )
    admission = Admission(limit=1, queue=0, max_wait=1.0, expire=ManualExpiry())
    core = Gigguard(services, admission=admission)
    entered, leave = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(hold(admission, entered, leave))
    await asyncio.wait_for(entered.wait(), 60)
    reply = await core.handle(Request(Actor(ALICE), "done communications"))
    assert "try again in a moment" in render_plain(reply) and reply.ephemeral
    assert store.toggles == {}  # refused before any work
    leave.set()
    await holder
    reply = await core.handle(Request(Actor(ALICE), "done communications"))
    assert "try again" not in render_plain(reply) and len(store.toggles) == 1
