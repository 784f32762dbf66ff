"""Moderator broadcasts on both engines: preview, confirm, pacing, failures, report, cancel."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.bootstrap import App
from core.errors import PermanentDeliveryError, TransientDeliveryError
from core.identity import MemberKey
from core.pacing import load_pacing
from core.render_text import render_plain
from core.replies import Section
from tests.fake_messenger import FakeMessenger, drain, make_worker, say
from tests.fakes import ManualClock

MOD = MemberKey("slack", "T1", "UMOD")
UTC = dt.UTC


def member(user: str) -> MemberKey:
    return MemberKey("slack", "T1", user)


async def add_members(app: App, users: list[str], *, finished: tuple[str, ...] = ()) -> None:
    now = app.core.services.clock.now()
    async with app.core.services.uow() as uow:
        for user in users:
            for toggle in ("communications", "work-product", "other-platform"):
                off = user in finished
                await uow.members.set_toggle(
                    member(user), marketplace="upwork", toggle=toggle, off=off, at=now
                )
        await uow.commit()


async def mod(app: App, text: str, channel: str | None = None) -> str:
    return render_plain(await say(app.core, MOD, text, moderator=True, channel=channel))


@pytest.fixture
def slack(clock: ManualClock) -> FakeMessenger:
    return FakeMessenger("slack", clock)


async def test_preview_confirm_progress_and_report(
    app: App, clock: ManualClock, slack: FakeMessenger
) -> None:
    await add_members(app, ["U1", "U2", "U3", "U4"], finished=("U3",))
    await say(app.core, member("U4"), "mute")
    preview = await mod(app, "broadcast dm pending: Please switch your toggles off @everyone")
    assert "Broadcast #1: preview (nothing sent yet)" in preview
    assert "2 recipients" in preview  # U1, U2: U3 finished, U4 muted
    assert "48 per minute (slack limits)" in preview
    assert "@everyone" not in preview
    worker = make_worker(app.core.services, slack, clock)
    assert await drain(worker) == 0  # nothing is queued before confirmation
    assert "1 min" in await mod(app, "broadcast confirm 1")
    assert "not waiting for confirmation" in await mod(app, "broadcast confirm 1")
    assert "0/0" in await mod(app, "broadcasts")  # confirmed, not yet expanded
    await worker.run_once()  # expands the run and starts sending
    await drain(worker)
    assert sorted(d.to for d in slack.sent) == ["U1", "U2"]
    dm = slack.to("U1")[0].reply
    assert isinstance(dm.blocks[0], Section)
    assert dm.blocks[0].text == "Please switch your toggles off everyone"  # no ping
    assert [b.command for b in dm.buttons] == ["mute"]
    # Paced from the published 0.8/s, learning: after one success 3.2/s, so 0.3125 s apart.
    assert slack.sent[1].at - slack.sent[0].at == dt.timedelta(seconds=0.3125)
    report = await mod(app, "broadcasts")
    assert "4/4" in report and "finished 1, muted 1" in report
    assert "done" in report


async def test_failures_permanent_transient_and_retry_after(
    app: App, clock: ManualClock, slack: FakeMessenger
) -> None:
    await add_members(app, ["U1", "U2", "U3", "U4"])
    slack.failures = {
        "U1": [PermanentDeliveryError("dms_closed")],
        "U2": [PermanentDeliveryError("user_not_found")],
        "U3": [TransientDeliveryError("ratelimited", retry_after=30)],
        "U4": [TransientDeliveryError("boom")] * 20,
    }
    await mod(app, "broadcast dm all: hello")
    await mod(app, "broadcast confirm 1")
    worker = make_worker(app.core.services, slack, clock)
    await drain(worker)
    # retry_after is honoured: U3's second try came 30 s or more after the 429.
    first, second = [at for to, at in slack.tries if to == "U3"]
    assert second - first >= dt.timedelta(seconds=30)
    assert [d.to for d in slack.sent] == ["U3"]
    for _ in range(40):  # U4 keeps failing: backed off, then given up after max_attempts
        clock.advance(dt.timedelta(minutes=15))
        await drain(worker)
    assert slack.to("U4") == [] and len(slack.failures["U4"]) == 20 - 8
    report = await mod(app, "broadcasts")
    assert "dms_closed 1, other 1, user_not_found 1" in report
    failed = await mod(app, "broadcasts failed 1")
    rows = [line.replace(" ", "") for line in failed.splitlines()]
    assert {"U1|dms_closed", "U2|user_not_found", "U4|other"} <= set(rows)
    # Permanent failures were never retried.
    assert slack.failures["U1"] == [] and slack.failures["U2"] == []


async def test_retry_after_pauses_the_whole_platform(
    app: App, clock: ManualClock, slack: FakeMessenger
) -> None:
    await add_members(app, ["U1", "U2"])
    slack.failures = {"U1": [TransientDeliveryError("ratelimited", retry_after=120)]}
    await mod(app, "broadcast dm all: hello")
    await mod(app, "broadcast confirm 1")
    start = clock.now()
    await drain(make_worker(app.core.services, slack, clock))
    assert [d.to for d in slack.to("U2")] == ["U2"]
    assert slack.to("U2")[0].at >= start + dt.timedelta(seconds=120)


async def test_cancel_stops_the_rest(app: App, clock: ManualClock, slack: FakeMessenger) -> None:
    users = [f"U{i:02}" for i in range(10)]
    await add_members(app, users)
    await mod(app, "broadcast dm all: hello")
    await mod(app, "broadcast confirm 1")
    # A 5 s lease makes the worker claim 2 DMs at a time (what 0.8/s sends in half a lease).
    worker = make_worker(app.core.services, slack, clock, lease=dt.timedelta(seconds=5))
    await worker.run_once()  # expands the run into 10 deliveries
    await worker.run_once()
    await worker.run_once()
    assert len(slack.sent) == 4
    assert "cancelled; 6 deliveries" in await mod(app, "broadcasts cancel 1")
    await drain(worker)
    assert len(slack.sent) == 4
    assert "cancelled" in await mod(app, "broadcasts")
    assert "There is no broadcast #9" in await mod(app, "broadcasts cancel 9")


async def test_bad_broadcasts_are_refused_before_anything_is_queued(app: App) -> None:
    assert "has no text" in await mod(app, "broadcast dm all: <!channel> <!here> <@&123>")
    assert "Use /optout broadcast dm all|pending" in await mod(app, "broadcast to everyone")
    assert "Use /optout broadcast" in await mod(app, "broadcast dm everybody: hi")
    assert "limit is 2,000" in await mod(app, "broadcast dm all: " + "x" * 2100)
    assert "in the past" in await mod(app, "broadcast dm all at 2020-01-01 10:00: hi")
    assert "as a schedule" in await mod(app, "broadcast dm all every fortnight: hi")
    assert "Which channel?" in await mod(app, "broadcast channel: hi")
    async with app.core.services.uow() as uow:
        assert await uow.broadcasts.recent(platform=None, workspace=None, limit=5) == []


async def test_discord_length_limit_is_enforced() -> None:
    pacing = load_pacing()
    assert pacing.platform("discord").max_length == 2000
    assert pacing.platform("slack").max_length == 40000


async def test_channel_broadcast_at_a_time(
    app: App, clock: ManualClock, slack: FakeMessenger
) -> None:
    preview = await mod(app, "broadcast channel <#C42|general> at 2026-11-26 18:00: Town hall!")
    assert "channel C42" in preview and "Thu 2026-11-26 18:00 (UTC)" in preview
    await mod(app, "broadcast confirm 1")
    worker = make_worker(app.core.services, slack, clock)
    await drain(worker)
    assert slack.sent == []
    clock.current = dt.datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    await drain(worker)
    assert [d.to for d in slack.sent] == ["#C42"]
    assert slack.sent[0].reply.buttons == ()  # no mute button in a channel


async def test_recurring_broadcast_across_dst_in_the_moderators_zone(
    app: App, clock: ManualClock, slack: FakeMessenger
) -> None:
    clock.current = dt.datetime(2026, 10, 14, 12, 0, tzinfo=UTC)
    await add_members(app, ["U1"])
    await say(app.core, MOD, "tz Europe/Berlin")
    preview = await mod(app, "broadcast dm all every monday 09:00: Weekly check-in")
    assert "Mon 2026-10-19 09:00 (Europe/Berlin)" in preview
    await mod(app, "broadcast confirm 1")
    worker = make_worker(app.core.services, slack, clock)
    due = [
        dt.datetime(2026, 10, 19, 7, 0, tzinfo=UTC),  # 09:00 CEST
        dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC),  # 09:00 CET, after the 25 October change
        dt.datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
    ]
    for moment in due:
        clock.current = moment - dt.timedelta(minutes=1)
        await drain(worker)
        clock.current = moment
        await drain(worker)
    assert [d.at for d in slack.to("U1")] == due
    async with app.core.services.uow() as uow:
        [broadcast] = await uow.broadcasts.recent(platform="slack", workspace="T1", limit=1)
    assert broadcast.runs == 3
    assert broadcast.next_run_at == dt.datetime(2026, 11, 9, 8, 0, tzinfo=UTC)
    assert "cancelled" in await mod(app, "broadcasts cancel 1")
    clock.advance(dt.timedelta(days=14))
    await drain(worker)
    assert len(slack.to("U1")) == 3
