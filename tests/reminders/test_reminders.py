"""Member reminders on both engines: parse in the member's zone, deliver, drop, snooze."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import replace

import pytest

from bot.bootstrap import App
from core.broadcast_rules import BroadcastRules
from core.delivery.when import next_run, parse_schedule
from core.identity import MemberKey
from core.render_text import render_plain
from core.replies import Checklist
from core.service import Gigguard
from tests.fake_messenger import FakeMessenger, drain, make_worker, say
from tests.fakes import ManualClock

ALICE = MemberKey("console", "local", "alice")
UTC = dt.UTC


@pytest.fixture
def messenger(clock: ManualClock) -> FakeMessenger:
    return FakeMessenger("console", clock)


async def due_times(app: App, key: MemberKey = ALICE) -> list[dt.datetime]:
    async with app.core.services.uow() as uow:
        return [r.due_at for r in await uow.reminders.for_member(key, pending_only=True)]


@pytest.mark.parametrize(
    ("zone", "when", "expected"),
    [
        (None, "in 3 days", dt.datetime(2026, 11, 29, 9, 0, tzinfo=UTC)),
        ("Europe/Berlin", "tomorrow 9am", dt.datetime(2026, 11, 27, 8, 0, tzinfo=UTC)),
        ("Europe/Berlin", "friday", dt.datetime(2026, 11, 27, 8, 0, tzinfo=UTC)),
        ("Europe/Berlin", "tomorrow at 9", dt.datetime(2026, 11, 27, 8, 0, tzinfo=UTC)),
        (None, "friday at 10", dt.datetime(2026, 11, 27, 10, 0, tzinfo=UTC)),
        (None, "tomorrow at 9pm", dt.datetime(2026, 11, 27, 21, 0, tzinfo=UTC)),
        ("America/New_York", "2026-12-01 18:00", dt.datetime(2026, 12, 1, 23, 0, tzinfo=UTC)),
        ("Asia/Tokyo", "in 1 hour", dt.datetime(2026, 11, 26, 10, 0, tzinfo=UTC)),
    ],
)
async def test_remind_reads_times_in_the_members_zone(
    app: App, zone: str | None, when: str, expected: dt.datetime
) -> None:
    if zone:
        assert zone in render_plain(await say(app.core, ALICE, f"tz {zone}"))
    reply = await say(app.core, ALICE, f"remind {when}")
    assert "Reminder #1 set" in render_plain(reply)
    assert await due_times(app) == [expected]


async def test_without_a_zone_of_their_own_times_are_in_the_communitys(app: App) -> None:
    """GIGGUARD_DEFAULT_TIMEZONE: "tomorrow at 9" is 9:00 in Berlin; the member's own wins."""
    rules = replace(BroadcastRules(), default_timezone="Europe/Berlin")
    core = Gigguard(replace(app.core.services, broadcast_rules=rules))
    bob = MemberKey("console", "local", "bob")
    community = render_plain(await say(core, ALICE, "remind tomorrow at 9"))
    assert "Europe/Berlin" in render_plain(await say(core, ALICE, "tz"))
    await say(core, bob, "tz Asia/Tokyo")
    await say(core, bob, "remind tomorrow at 9")
    assert await due_times(app) == [dt.datetime(2026, 11, 27, 8, 0, tzinfo=UTC)]
    assert await due_times(app, bob) == [dt.datetime(2026, 11, 27, 0, 0, tzinfo=UTC)]
    assert "until you set your zone" not in community  # the UTC hint would be wrong here


async def test_bad_times_are_refused_with_examples(app: App) -> None:
    unreadable = render_plain(await say(app.core, ALICE, "remind whenever the moon is blue"))
    assert "couldn't read" in unreadable and "tomorrow 9am" in unreadable
    past = render_plain(await say(app.core, ALICE, "remind 2020-01-01 10:00"))
    assert "in the past" in past and "in 3 days" in past
    assert "When should I remind you?" in render_plain(await say(app.core, ALICE, "remind"))
    assert await due_times(app) == []


async def test_unknown_timezone_suggests_the_closest(app: App) -> None:
    text = render_plain(await say(app.core, ALICE, "tz Europe/Berln"))
    assert "Did you mean: Europe/Berlin" in text
    assert "Europe/Berlin" in render_plain(await say(app.core, ALICE, "tz europe/berlin"))
    assert "Your time zone is Europe/Berlin" in render_plain(await say(app.core, ALICE, "tz"))


def test_recurring_schedule_keeps_local_time_across_dst() -> None:
    schedule = parse_schedule("monday 09:00")
    assert schedule == "0 9 * * 1"
    before = next_run(
        schedule, after=dt.datetime(2026, 10, 14, tzinfo=UTC), timezone="Europe/Berlin"
    )
    after = next_run(schedule, after=before, timezone="Europe/Berlin")
    # 09:00 CEST (UTC+2) on 19 October, then 09:00 CET (UTC+1) after the 25 October change.
    assert before == dt.datetime(2026, 10, 19, 7, 0, tzinfo=UTC)
    assert after == dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    # A time that does not exist on the spring-forward night runs just after the gap.
    gap = next_run(
        "30 2 * * *", after=dt.datetime(2026, 3, 28, 12, tzinfo=UTC), timezone="Europe/Berlin"
    )
    assert gap == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert parse_schedule("0 9 * * 1-5") == "0 9 * * 1-5"


async def test_reminder_arrives_with_the_live_checklist_and_buttons(
    app: App, clock: ManualClock, messenger: FakeMessenger
) -> None:
    await say(app.core, ALICE, "done communications")
    await say(app.core, ALICE, "remind in 1 hour")
    worker = make_worker(app.core.services, messenger, clock)
    assert await drain(worker) == 0  # not due yet
    clock.advance(dt.timedelta(hours=1))
    assert await drain(worker) == 1
    [dm] = messenger.to("alice")
    checklist = next(b for b in dm.reply.blocks if isinstance(b, Checklist))
    assert [i.done for i in checklist.items] == [True, False, False]
    commands = [i.button.command for i in checklist.items if i.button]
    assert commands == ["undo communications", "done work-product", "done other-platform"]
    assert [b.command for b in dm.reply.buttons] == [
        "snooze 1 1h",
        "snooze 1 tomorrow",
        "snooze 1 week",
    ]
    assert dm.reply.context is None  # on time, not late
    # "I did it" is the ordinary `done` command line.
    reply = await say(app.core, ALICE, commands[1])
    assert "Recorded: Work Product Data" in render_plain(reply)
    assert await due_times(app) == []


async def test_reminder_is_dropped_silently_when_everything_is_done(
    app: App, clock: ManualClock, messenger: FakeMessenger
) -> None:
    await say(app.core, ALICE, "remind tomorrow 9am")
    await say(app.core, ALICE, "done all")
    clock.advance(dt.timedelta(days=2))
    assert await drain(make_worker(app.core.services, messenger, clock)) == 1
    assert messenger.sent == []
    data = (await say(app.core, ALICE, "my-data")).data
    assert data is not None
    assert data["reminders"][0]["status"] == "skipped"  # type: ignore[index]


async def test_snooze_requeues_the_reminder(
    app: App, clock: ManualClock, messenger: FakeMessenger
) -> None:
    worker = make_worker(app.core.services, messenger, clock)
    await say(app.core, ALICE, "remind in 1 hour")
    clock.advance(dt.timedelta(hours=1))
    await drain(worker)
    text = render_plain(await say(app.core, ALICE, "snooze 1 1h"))
    assert "Reminder #1 snoozed until Thu 2026-11-26 11:00 (UTC)" in text
    assert "1" in render_plain(await say(app.core, ALICE, "reminders"))
    clock.advance(dt.timedelta(minutes=59))
    await drain(worker)
    assert len(messenger.sent) == 1
    clock.advance(dt.timedelta(minutes=1))
    await drain(worker)
    assert len(messenger.sent) == 2
    tomorrow = render_plain(await say(app.core, ALICE, "snooze 1 tomorrow"))
    assert "Fri 2026-11-27 09:00" in tomorrow
    assert (
        "Use /optout snooze <number> <delay>, where the delay is 1h|tomorrow|week"
        in render_plain(await say(app.core, ALICE, "snooze 1 fortnight"))
    )
    bob = MemberKey("console", "local", "bob")
    assert "no reminder #1" in render_plain(await say(app.core, bob, "snooze 1 1h"))


async def test_cancelled_reminder_is_not_sent(
    app: App, clock: ManualClock, messenger: FakeMessenger
) -> None:
    await say(app.core, ALICE, "remind in 2 hours")
    await say(app.core, ALICE, "remind in 3 hours")
    listing = render_plain(await say(app.core, ALICE, "reminders"))
    assert "Thu 2026-11-26 11:00 (UTC)" in listing and "Thu 2026-11-26 12:00 (UTC)" in listing
    assert "cancelled" in render_plain(await say(app.core, ALICE, "reminders cancel 1"))
    assert "no reminder #1" in render_plain(await say(app.core, ALICE, "reminders cancel 1"))
    clock.advance(dt.timedelta(hours=4))
    await drain(make_worker(app.core.services, messenger, clock))
    assert [d.key for d in messenger.sent] == ["gigguard-delivery-2"]


async def test_reminders_due_during_downtime_go_out_marked_late(
    app: App, clock: ManualClock, messenger: FakeMessenger
) -> None:
    await say(app.core, ALICE, "remind in 1 hour")
    clock.advance(dt.timedelta(hours=6))  # the bot was down; a new worker starts
    await drain(make_worker(app.core.services, messenger, clock))
    [dm] = messenger.to("alice")
    assert dm.reply.context is not None and "comes late" in dm.reply.context
    data = (await say(app.core, ALICE, "my-data")).data
    assert data is not None
    assert data["reminders"] == [  # type: ignore[comparison-overlap]
        {
            "id": 1,
            "due_at": "2026-11-26T10:00:00+00:00",
            "status": "sent",
            "late": True,
            "created_at": "2026-11-26T09:00:00+00:00",
        }
    ]


async def test_mute_skips_broadcasts_but_not_reminders(
    app: App, clock: ManualClock, messenger: FakeMessenger
) -> None:
    mod = MemberKey("console", "local", "mod")
    await say(app.core, ALICE, "remind in 1 hour")
    assert "Muted" in render_plain(await say(app.core, ALICE, "mute"))
    await say(app.core, mod, "tz UTC")  # the moderator is a known member too
    preview = await say(app.core, mod, "broadcast dm all: Toggles check!", moderator=True)
    assert "1 recipient" in render_plain(preview)
    await say(app.core, mod, "broadcast confirm 1", moderator=True)
    clock.advance(dt.timedelta(hours=1))
    await drain(make_worker(app.core.services, messenger, clock))
    assert [len(messenger.to(u)) for u in ("alice", "mod")] == [1, 1]
    assert any(isinstance(b, Checklist) for b in messenger.to("alice")[0].reply.blocks)
    report = render_plain(await say(app.core, mod, "broadcasts", moderator=True))
    assert "muted 1" in report
    await say(app.core, ALICE, "unmute")
    await say(app.core, mod, "broadcast dm all: again", moderator=True)
    await say(app.core, mod, "broadcast confirm 2", moderator=True)
    await drain(make_worker(app.core.services, messenger, clock))
    assert len(messenger.to("alice")) == 2


async def test_my_data_lists_reminders_and_forget_me_deletes_them(app: App) -> None:
    await say(app.core, ALICE, "tz Europe/Berlin")
    await say(app.core, ALICE, "remind friday")
    document = (await say(app.core, ALICE, "my-data")).data
    assert document is not None
    assert document["timezone"] == "Europe/Berlin"
    assert [r["due_at"] for r in document["reminders"]] == [  # type: ignore[attr-defined]
        "2026-11-27T08:00:00+00:00"
    ]
    text = render_plain(await say(app.core, ALICE, "forget-me confirm"))
    assert "deleted 2 records" in text  # the reminder and the member
    document = (await say(app.core, ALICE, "my-data")).data
    assert document is not None and document["reminders"] == []
    assert json.dumps(document)


async def test_members_cannot_use_moderator_commands(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        for text in ("broadcast dm all: hi", "broadcasts", "broadcasts cancel 1"):
            assert "for moderators only" in render_plain(await say(app.core, ALICE, text))
    assert caplog.text.count("moderator command refused") == 3
    async with app.core.services.uow() as uow:
        assert await uow.broadcasts.recent(platform=None, workspace=None, limit=5) == []
