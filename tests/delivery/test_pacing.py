"""Pacing that learns each workspace's limit: start at the published figure, speed up while
calls succeed, slow to what the platform let through on a 429, never send before Retry-After,
never above the operator's cap."""

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


T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_a_429_sets_the_pace_to_what_the_platform_let_through() -> None:
    pace = LearnedPace(0.8)
    for n in range(3):
        pace.succeeded(at(n * 0.1))
    assert pace.rate == 0.8 * 4**3  # fast while nothing says no
    for n in range(17):  # 20 calls accepted within one second, then a 429
        pace.succeeded(at(0.3 + n * 0.02))
    pace.limited(at(0.7))
    assert pace.rate == pytest.approx(0.95 * 20)


class Sender:
    """Sends at the pace's rate on a clock of its own and tells the pace each answer."""

    def __init__(self, pace: LearnedPace, start: float) -> None:
        self.pace = pace
        self.clock = start
        self.rates: list[float] = []

    def succeed(self, times: int) -> None:
        for _ in range(times):
            self.clock += 1 / self.pace.rate
            self.pace.succeeded(at(self.clock))
            self.rates.append(self.pace.rate)

    def limited(self) -> None:
        self.clock += 1 / self.pace.rate
        self.pace.limited(at(self.clock))


def test_probes_are_slow_and_stop_short_of_the_rate_that_drew_a_429() -> None:
    pace = LearnedPace(20.0)
    for n in range(20):
        pace.succeeded(at(n / 20))
    pace.limited(at(1.0))  # 20 calls went through in that second: 19/s
    sender = Sender(pace, 2.0)
    sender.succeed(LearnedPace.PROBE_AFTER - 1)
    assert sender.rates == [pytest.approx(19.0)] * len(sender.rates)  # held a while first
    sender.succeed(LearnedPace.PROBE_AFTER * 2)
    probed = sender.pace.rate
    assert probed == pytest.approx(19.0 * 1.05**2)  # then 5% above, PROBE_AFTER at each step
    sender.limited()  # the probe was too fast
    sender.succeed(LearnedPace.PROBE_AFTER * 10)
    assert max(sender.rates[-LearnedPace.PROBE_AFTER * 10 :]) < 0.98 * probed


def test_a_429_at_a_trusted_rate_halves_it() -> None:
    pace = LearnedPace(10.0)
    for n in range(10):
        pace.succeeded(at(n / 10))
    pace.limited(at(1.0))
    trusted = pace.rate
    for n in range(5):
        pace.succeeded(at(2 + n / trusted))
    pace.limited(at(2.5))  # someone else used the quota: slow right down
    assert pace.rate == pytest.approx(trusted / 2)


def test_the_operator_ceiling_is_never_exceeded() -> None:
    pace = LearnedPace(0.8, ceiling=5.0)
    for n in range(20):
        pace.succeeded(at(n))
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
    assert pacer.pace.rate < 2.0  # slower
    pacer.succeeded()
    await pacer.wait()
    assert slept[0] == 30.0
    assert slept[1] == pytest.approx(1 / pacer.pace.rate)


async def test_after_a_burst_draws_a_429_nothing_is_sent_until_the_burst_left_the_window() -> None:
    """A fractional retry_after says when the burst's oldest call leaves the platform's window;
    sending again then would meet the rest of the burst, and another 429."""
    clock = ManualClock(T0)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(dt.timedelta(seconds=seconds))

    pacer = Pacer(LearnedPace(50.0), clock=clock, sleep=sleep)
    for _ in range(20):
        await pacer.wait()
        pacer.succeeded()
    last_accepted = clock.now()
    await pacer.wait()
    pacer.limited(retry_after=0.25)
    await pacer.wait()
    assert clock.now() >= last_accepted + LearnedPace.WINDOW


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
    for _ in range(2):
        pace.succeeded(clock.now())  # the worker found 12.8/s fine
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
            pace.succeeded(clock.now())
        assert pace.rate == 2.0
    finally:
        await capped.close()
