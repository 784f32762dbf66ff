"""Pacing that learns each workspace's limit: start at the published figure, speed up while
calls succeed, halve on 429, never send before Retry-After, never above the operator's cap."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.bootstrap import App, build_app
from bot.settings import Settings
from core.delivery import broadcasting
from core.delivery.broadcasting import Order
from core.errors import TransientDeliveryError
from core.identity import MemberKey
from core.outbox import Audience, Target
from core.pacing import LearnedPace, PaceBook, Pacer, load_pacing
from core.requests import Actor
from tests.fake_messenger import FakeMessenger, drain, make_worker, say
from tests.fakes import ManualClock

MOD = MemberKey("slack", "T1", "UMOD")


def test_the_pace_speeds_up_until_a_429_then_halves_and_settles_below_it() -> None:
    pace = LearnedPace(0.8)
    for _ in range(5):
        pace.succeeded()
    assert pace.rate == 0.8 * 2**5
    pace.limited()
    assert pace.rate == 0.8 * 2**4
    for _ in range(10):
        pace.succeeded()
    assert pace.rate == 0.8 * 2**5 * 0.9  # back to just under where the 429 came
    for _ in range(LearnedPace.PROBE_AFTER * 3):
        pace.succeeded()
    assert pace.rate > 0.8 * 2**5 * 0.9  # and probing above it, slowly


def test_the_operator_ceiling_is_never_exceeded() -> None:
    pace = LearnedPace(0.8, ceiling=5.0)
    for _ in range(20):
        pace.succeeded()
    assert pace.rate == 5.0
    assert PaceBook(load_pacing(), ceiling=0.5).published("slack", Target.DM) == 0.5


async def test_no_send_before_retry_after_and_the_next_slot_uses_the_new_rate() -> None:
    clock = ManualClock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(dt.timedelta(seconds=seconds))

    pacer = Pacer(LearnedPace(2.0), clock=clock, sleep=sleep)
    await pacer.wait()
    pacer.limited(retry_after=30.0)
    await pacer.wait()
    assert slept == [30.0]
    assert pacer.pace.rate == 1.0  # halved
    pacer.succeeded()  # and climbing back
    await pacer.wait()
    assert slept[0] == 30.0
    assert slept[1] == pytest.approx(1 / pacer.pace.rate) and slept[1] < 1.0


async def test_the_worker_learns_from_429s_and_waits_out_retry_after(
    app: App, clock: ManualClock
) -> None:
    users = ["UA", "UB", "UC"]
    for user in users:
        async with app.core.services.uow() as uow:
            await uow.members.set_timezone(MemberKey("slack", "T1", user), "UTC", at=clock.now())
            await uow.commit()
    await say(app.core, MOD, "broadcast dm all: hello", moderator=True)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)
    slack = FakeMessenger("slack", clock)
    slack.failures["UA"] = [TransientDeliveryError("429", retry_after=42.0)]
    worker = make_worker(app.core.services, slack, clock)
    limited_at = clock.now()
    await drain(worker)
    await drain(worker)
    assert sorted(d.to for d in slack.sent) == users
    tried = [at for to, at in slack.tries]
    assert all(at - limited_at >= dt.timedelta(seconds=42) for at in tried[1:])
    assert slack.duplicates() == 0


async def test_the_preview_eta_uses_the_learned_rate(app: App, clock: ManualClock) -> None:
    for i in range(100):
        async with app.core.services.uow() as uow:
            await uow.members.set_timezone(MemberKey("slack", "T1", f"U{i}"), "UTC", at=clock.now())
            await uow.commit()
    actor = Actor(MOD, is_moderator=True)
    order = Order(target=Target.DM, audience=Audience.ALL, text="hi", channel=None)
    published = await broadcasting.draft(app.core.services, actor, order)
    assert published.eta == dt.timedelta(seconds=125)  # 100 at the published 0.8/s
    pace = app.core.services.paces.pace("slack", "T1", Target.DM)
    for _ in range(4):
        pace.succeeded()  # the worker found 12.8/s fine
    learned = await broadcasting.draft(app.core.services, actor, order)
    assert learned.eta == dt.timedelta(seconds=8)


async def test_gigguard_max_send_rate_caps_what_the_worker_may_learn(
    settings: Settings, clock: ManualClock
) -> None:
    capped = build_app(settings.model_copy(update={"max_send_rate": 2.0}), clock=clock)
    try:
        pace = capped.core.services.paces.pace("console", "local", Target.DM)
        assert pace.rate == 2.0  # the console's published 50/s, capped
        for _ in range(10):
            pace.succeeded()
        assert pace.rate == 2.0
    finally:
        await capped.close()
