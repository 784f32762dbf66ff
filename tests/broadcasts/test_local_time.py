"""`at 9am local`: each member gets the broadcast at 9:00 on their own clock; members without a
zone at the community default (GIGGUARD_DEFAULT_TIMEZONE), then UTC. The preview says from
when to when the deliveries spread."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import App
from bot.settings import Settings
from core.broadcast_rules import BroadcastRules
from core.delivery.when import member_moment, parse_timing
from core.identity import MemberKey
from core.render_text import render_plain
from core.service import Gigguard
from tests.fake_messenger import FakeMessenger, drain, make_worker, say
from tests.fakes import ManualClock

MOD = MemberKey("console", "local", "mod")
ZONES = {"tokyo": "Asia/Tokyo", "berlin": "Europe/Berlin", "newyork": "America/New_York"}
UTC = dt.UTC


@pytest.fixture
def settings(any_database_url: str) -> Settings:
    """Both engines: each member's due time is one CASE over their zones in the fan-out."""
    return Settings(_env_file=None, database_url=any_database_url)  # type: ignore[call-arg]


def with_default_zone(app: App, zone: str | None) -> App:
    rules = replace(BroadcastRules(), default_timezone=zone)
    return App(core=Gigguard(replace(app.core.services, broadcast_rules=rules)), engine=app.engine)


async def mod(app: App, text: str) -> str:
    return render_plain(await say(app.core, MOD, text, moderator=True))


async def members(app: App) -> None:
    for user, zone in ZONES.items():
        await say(app.core, MemberKey("console", "local", user), f"tz {zone}")
    await say(app.core, MemberKey("console", "local", "nozone"), "unmute")


async def deliveries_hour_by_hour(
    app: App, clock: ManualClock, hours: int
) -> dict[str, dt.datetime]:
    """Advance the clock an hour at a time, running the worker; when each member got it."""
    messenger = FakeMessenger("console", clock)
    worker = make_worker(app.core.services, messenger, clock)
    for _ in range(hours):
        await drain(worker)
        clock.advance(dt.timedelta(hours=1))
    return {d.to: d.at for d in messenger.sent}


def on_the_hour(moment: dt.datetime) -> dt.datetime:
    """The hour step in which the worker sent it (the pacer may add seconds)."""
    return moment.replace(minute=0, second=0, microsecond=0)


@pytest.mark.parametrize(
    ("default", "nozone_at"),
    [
        ("America/Sao_Paulo", dt.datetime(2026, 11, 27, 12, tzinfo=UTC)),  # 09:00 UTC-03:00
        (None, dt.datetime(2026, 11, 27, 9, tzinfo=UTC)),  # no default: 09:00 UTC
    ],
)
async def test_each_member_gets_it_at_9am_on_their_own_clock(
    app: App, clock: ManualClock, default: str | None, nozone_at: dt.datetime
) -> None:
    app = with_default_zone(app, default)
    await members(app)  # the clock reads Thu 2026-11-26 09:00 UTC
    preview = await mod(app, "broadcast dm all at tomorrow 9am local: Check your toggles")
    author_zone = default or "UTC"  # the moderator set no zone: the community's
    assert "each member gets it at Fri 2026-11-27 09:00 on their own clock" in preview, preview
    assert f"members without a time zone get it at that time in {author_zone}" in preview
    # Tokyo (UTC+09:00) is first, New York (UTC-05:00) last.
    first = dt.datetime(2026, 11, 27, 0, tzinfo=UTC).astimezone(ZoneInfo(author_zone))
    last = dt.datetime(2026, 11, 27, 14, tzinfo=UTC).astimezone(ZoneInfo(author_zone))
    assert f"spread from {first:%a %Y-%m-%d %H:%M} ({author_zone})" in preview, preview
    assert f"to {last:%a %Y-%m-%d %H:%M} ({author_zone})" in preview, preview
    assert "Broadcast #1 confirmed" in await mod(app, "broadcast confirm 1")

    got = await deliveries_hour_by_hour(app, clock, hours=32)
    assert {user: on_the_hour(at) for user, at in got.items()} == {
        "tokyo": dt.datetime(2026, 11, 27, 0, tzinfo=UTC),
        "berlin": dt.datetime(2026, 11, 27, 8, tzinfo=UTC),
        "newyork": dt.datetime(2026, 11, 27, 14, tzinfo=UTC),
        "nozone": nozone_at,
    }


async def test_a_weekly_local_schedule_keeps_9am_for_everyone(app: App, clock: ManualClock) -> None:
    await members(app)
    preview = await mod(app, "broadcast dm all every monday 9am local: Weekly check")
    assert "Repeats: 0 9 * * 1 (cron, each member's own time)" in preview, preview
    await mod(app, "broadcast confirm 1")
    messenger = FakeMessenger("console", clock)
    worker = make_worker(app.core.services, messenger, clock)
    for _ in range(24 * 12):  # twelve days, hour by hour: two Mondays
        await drain(worker)
        clock.advance(dt.timedelta(hours=1))
    local = [
        on_the_hour(d.at).astimezone(ZoneInfo(ZONES[d.to])).strftime("%a %H:%M")
        for d in messenger.sent
        if d.to in ZONES
    ]
    assert local == ["Mon 09:00"] * 6, local


async def test_local_time_is_refused_for_a_channel(app: App) -> None:
    refused = await mod(app, "broadcast channel C1 at tomorrow 9am local: hi")
    assert "local time is for DMs only" in refused
    assert "preview" not in refused


def test_at_and_every_read_local_with_the_same_parser() -> None:
    now = dt.datetime(2026, 11, 26, 9, tzinfo=UTC)
    once = parse_timing(at="tomorrow 9am local", every=None, until=None, now=now, timezone=None)
    weekly = parse_timing(at=None, every="monday 9am local", until=None, now=now, timezone=None)
    plain = parse_timing(at=None, every="monday 9am", until=None, now=now, timezone=None)
    assert once.local and weekly.local and not plain.local
    assert weekly.schedule == plain.schedule == "0 9 * * 1"
    # A run is due when its time first arrives anywhere (UTC+14) ...
    assert once.first_at == dt.datetime(2026, 11, 26, 19, tzinfo=UTC)
    # ... and reaches each zone at that wall-clock time there.
    assert member_moment(once.first_at, "Europe/Berlin") == dt.datetime(2026, 11, 27, 8, tzinfo=UTC)
    assert member_moment(weekly.first_at, None) == dt.datetime(2026, 11, 30, 9, tzinfo=UTC)
