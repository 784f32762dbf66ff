"""Broadcasts that cannot spam: a minimum repeat, an end date, a weekly cap per community,
drafts that expire, and an optional second moderator's approval."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from bot.bootstrap import App
from bot.settings import Settings
from core.broadcast_rules import BroadcastRules
from core.identity import MemberKey
from core.outbox import BroadcastState
from core.render_text import render_plain
from core.service import Gigguard
from tests.fake_messenger import FakeMessenger, drain, make_worker, say
from tests.fakes import ManualClock

MOD = MemberKey("console", "local", "mod")
OTHER_MOD = MemberKey("console", "local", "mod2")
MEMBER = MemberKey("console", "local", "alice")


async def mod(app: App, text: str, who: MemberKey = MOD) -> str:
    return render_plain(await say(app.core, who, text, moderator=True))


def with_rules(app: App, **rules: object) -> App:
    """The same app (database, clock) with other broadcast rules."""
    rules_ = replace(BroadcastRules(), **rules)  # type: ignore[arg-type]
    core = Gigguard(replace(app.core.services, broadcast_rules=rules_))
    return App(core=core, engine=app.engine)


async def test_a_schedule_more_often_than_daily_is_refused(app: App) -> None:
    refused = await mod(app, "broadcast dm all every * * * * *: buy now")
    assert "repeats more often than once every 1 day" in refused
    assert "every 0 */12 * * *" not in refused
    assert "more often" in await mod(app, "broadcast dm all every 0 */12 * * *: twice a day")
    assert "preview" in await mod(app, "broadcast dm all every day 9am: daily tip")
    app = with_rules(app, min_repeat=dt.timedelta(hours=12))
    assert "preview" in await mod(app, "broadcast dm all every 0 */12 * * *: twice a day")


def test_min_repeat_and_approvers_come_from_settings() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, GIGGUARD_MIN_REPEAT="PT12H", GIGGUARD_BROADCAST_APPROVERS="2"
    )
    assert settings.min_repeat == dt.timedelta(hours=12) and settings.broadcast_approvers == 2
    assert Settings(_env_file=None).min_repeat == dt.timedelta(days=1)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="time zone"):
        Settings(_env_file=None, GIGGUARD_DEFAULT_TIMEZONE="EST5")  # type: ignore[call-arg]


async def test_until_ends_a_recurring_broadcast(app: App, clock: ManualClock) -> None:
    await say(app.core, MEMBER, "done communications")
    preview = await mod(app, "broadcast dm all every monday 9am until 2026-12-10: weekly")
    assert "Last run: no later than Thu 2026-12-10 00:00 (UTC)" in preview, preview
    assert "Broadcast #1 confirmed" in await mod(app, "broadcast confirm 1")
    messenger = FakeMessenger("console", clock)
    worker = make_worker(app.core.services, messenger, clock)
    for _ in range(4):  # Mondays 30 Nov, 7, 14 and 21 Dec
        clock.advance(dt.timedelta(days=7))
        await drain(worker)
    assert len(messenger.to("alice")) == 2
    async with app.core.services.uow() as uow:
        broadcast = await uow.broadcasts.get("console", "local", 1)
    assert broadcast is not None and broadcast.state is BroadcastState.DONE
    assert "only applies to a repeating" in await mod(app, "broadcast dm all until friday: x")


async def test_weekly_cap_per_community(app: App, clock: ManualClock) -> None:
    for n in range(1, 4):
        await mod(app, f"broadcast dm all: news {n}")
        assert f"Broadcast #{n} confirmed" in await mod(app, f"broadcast confirm {n}")
    await mod(app, "broadcast dm all: news 4")
    refused = await mod(app, "broadcast confirm 4")
    assert "already started 3 broadcasts in the last 7 days" in refused
    clock.advance(dt.timedelta(days=7, minutes=1))
    await mod(app, "broadcast dm all: news 5")
    assert "Broadcast #5 confirmed" in await mod(app, "broadcast confirm 5")


async def test_drafts_expire_after_a_day_and_are_not_listed(app: App, clock: ManualClock) -> None:
    await mod(app, "broadcast dm all: forgotten preview")
    assert "draft" in await mod(app, "broadcasts")
    clock.advance(dt.timedelta(hours=25))
    assert "has expired" in await mod(app, "broadcast confirm 1")
    assert "No broadcasts" in await mod(app, "broadcasts") or "#1" not in await mod(
        app, "broadcasts"
    )


async def test_a_second_moderator_must_confirm(app: App) -> None:
    app = with_rules(app, approvers=2)
    preview = await mod(app, "broadcast dm all: important")
    assert "Needs a second moderator" in preview
    refused = await mod(app, "broadcast confirm 1")
    assert "needs a second moderator" in refused
    async with app.core.services.uow() as uow:
        draft = await uow.broadcasts.get("console", "local", 1)
    assert draft is not None and draft.state is BroadcastState.DRAFT
    assert "Broadcast #1 confirmed" in await mod(app, "broadcast confirm 1", OTHER_MOD)
    async with app.core.services.uow() as uow:
        confirmed = await uow.broadcasts.get("console", "local", 1)
    assert confirmed is not None and confirmed.approved_by == "mod2"
