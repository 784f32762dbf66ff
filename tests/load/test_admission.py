"""Admission control: a bounded number of commands at once, a bounded and timed queue.

The queue's time limit is an `expire` the test completes itself, and the event loop's delay is
read on a clock the test sets: no sleeps, no timing asserts.
"""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from core.admission import Admission, Busy, LoopDelay
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.render_text import render_plain
from core.requests import Actor, Request
from core.service import Gigguard
from tests.fakes import FixedFaq, InMemoryStore, InMemoryUnitOfWork, ManualClock
from tests.services import make_services

ALICE = MemberKey("console", "w1", "alice")


class Clock:
    """Seconds, as the test sets them."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def on_time() -> LoopDelay:
    """A loop that is never behind: the queue's own rules alone."""
    return LoopDelay(now=Clock())


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
    admission = Admission(
        limit=2, queue=0, max_wait=1.0, expire=ManualExpiry(), loop_delay=on_time()
    )
    leave = asyncio.Event()
    entered = [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(hold(admission, e, leave)) for e in entered]
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in entered)), 60)
    leave.set()
    await asyncio.gather(*tasks)


async def test_a_full_queue_is_refused_at_once_and_the_slot_is_not_lost() -> None:
    admission = Admission(
        limit=1, queue=0, max_wait=1.0, expire=ManualExpiry(), loop_delay=on_time()
    )
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
    admission = Admission(
        limit=1, queue=2, max_wait=1.0, expire=ManualExpiry(), loop_delay=on_time()
    )
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
    admission = Admission(limit=1, queue=5, max_wait=1.0, expire=expiry, loop_delay=on_time())
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
    admission = Admission(
        limit=1, queue=5, max_wait=1.0, expire=ManualExpiry(), loop_delay=on_time()
    )
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
    admission = Admission(
        limit=1, queue=0, max_wait=1.0, expire=ManualExpiry(), loop_delay=on_time()
    )
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


async def test_the_loop_delay_is_the_wait_of_a_probe_and_forgets_an_old_overload() -> None:
    clock = Clock()
    delay = LoopDelay(now=clock, fresh_for=1.0)
    assert delay.sample() == 0.0  # sends a probe
    clock.now = 0.7  # the loop is busy elsewhere before the probe's turn
    assert delay.sample() == 0.7  # at least the waiting probe's age
    await settle()  # the probe's turn
    assert delay.sample() == 0.7  # what it measured, still fresh
    await settle()
    clock.now = 5.0
    assert delay.sample() == 0.0  # four seconds old: says nothing any more


async def test_with_every_slot_taken_a_loop_behind_refuses_at_once() -> None:
    clock = Clock()
    delay = LoopDelay(clock)
    admission = Admission(limit=1, queue=5, max_wait=0.5, expire=ManualExpiry(), loop_delay=delay)
    entered, leave = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(hold(admission, entered, leave))
    await asyncio.wait_for(entered.wait(), 60)
    waiter = asyncio.create_task(hold(admission, asyncio.Event(), leave))
    await settle()
    assert admission.waiting == 1  # the loop on time: queued as before
    delay.sample()  # a probe sent ...
    clock.now += 0.6  # ... and the loop busy for longer than max_wait before its turn

    async def enter() -> None:
        async with admission.slot():
            pytest.fail("ran although the loop is behind")

    # Queued instead of refused would wait for an expiry that never comes: fail, not hang.
    with pytest.raises(Busy, match="behind"):
        await asyncio.wait_for(enter(), 60)
    assert admission.waiting == 1  # refused without queueing
    leave.set()
    await asyncio.gather(holder, waiter)


async def test_a_free_slot_is_taken_however_far_behind_the_loop_is() -> None:
    clock = Clock()
    admission = Admission(limit=1, queue=0, max_wait=0.5, loop_delay=LoopDelay(clock))
    clock.now = 100.0
    async with admission.slot():  # nothing waits, so nothing to protect
        pass
