"""`tz EST` is accepted, but the reply says which zone it is and suggests the city zone."""

from __future__ import annotations

from bot.bootstrap import App
from core.identity import MemberKey
from core.render_text import render_plain
from tests.fake_messenger import say

ALICE = MemberKey("console", "local", "alice")


async def test_tz_est_says_what_it_means(app: App) -> None:
    text = render_plain(await say(app.core, ALICE, "tz EST"))
    assert "Your time zone is now EST" in text
    assert "fixed UTC-05:00 offset" in text and "/optout tz America/New_York" in text


async def test_tz_pst_is_not_a_zone_and_suggests_los_angeles(app: App) -> None:
    text = render_plain(await say(app.core, ALICE, "tz PST"))
    assert "Did you mean: America/Los_Angeles?" in text


async def test_a_city_zone_gets_no_note(app: App) -> None:
    text = render_plain(await say(app.core, ALICE, "tz America/New_York"))
    assert "Note:" not in text
