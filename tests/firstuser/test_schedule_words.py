"""`every monday 9am` is read like `at tomorrow 9am`: one time reader for both."""

from __future__ import annotations

import pytest

from bot.bootstrap import App
from core.delivery.when import parse_schedule
from core.identity import MemberKey
from core.render_text import render_plain
from tests.fake_messenger import say

MOD = MemberKey("console", "local", "mod")


@pytest.mark.parametrize(
    ("typed", "cron"),
    [
        ("monday 9am", "0 9 * * 1"),
        ("monday at 9:30am", "30 9 * * 1"),
        ("friday 5pm", "0 17 * * 5"),
        ("day noon", "0 12 * * *"),
        ("monday 09:00", "0 9 * * 1"),
    ],
)
def test_schedules_read_am_pm_and_words(typed: str, cron: str) -> None:
    assert parse_schedule(typed) == cron


async def test_every_monday_9am_is_accepted_in_chat(app: App) -> None:
    reply = render_plain(
        await say(app.core, MOD, "broadcast dm all every monday 9am: hello", moderator=True)
    )
    assert "First send: Mon 2026-11-30 09:00 (UTC)" in reply
