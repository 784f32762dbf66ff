"""Snoozing only ever moves a reminder later, counted from the later of now and its due time."""

from __future__ import annotations

import datetime as dt

from bot.bootstrap import App
from core.identity import MemberKey
from core.render_text import render_plain
from tests.fake_messenger import say

ALICE = MemberKey("console", "local", "alice")
UTC = dt.UTC


async def _due(app: App) -> list[dt.datetime]:
    async with app.core.services.uow() as uow:
        return [r.due_at for r in await uow.reminders.for_member(ALICE, pending_only=True)]


async def test_snooze_of_a_future_reminder_moves_it_later_not_to_today(app: App) -> None:
    # The clock reads Thu 2026-11-26 10:00 UTC; the reminder is due Friday 09:00.
    await say(app.core, ALICE, "remind friday")
    assert await _due(app) == [dt.datetime(2026, 11, 27, 9, tzinfo=UTC)]
    text = render_plain(await say(app.core, ALICE, "snooze 1 1h"))
    assert "Fri 2026-11-27 10:00" in text
    assert await _due(app) == [dt.datetime(2026, 11, 27, 10, tzinfo=UTC)]


async def test_snooze_tomorrow_of_a_reminder_due_tomorrow_moves_it_a_day(app: App) -> None:
    await say(app.core, ALICE, "remind in 1 hour")
    await say(app.core, ALICE, "remind tomorrow 9am")
    text = render_plain(await say(app.core, ALICE, "snooze 2 tomorrow"))
    assert "Sat 2026-11-28 09:00" in text
    assert dt.datetime(2026, 11, 28, 9, tzinfo=UTC) in await _due(app)
    week = render_plain(await say(app.core, ALICE, "snooze 2 week"))
    assert "Sat 2026-12-05 09:00" in week
