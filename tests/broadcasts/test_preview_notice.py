"""The chat preview says when mentions were taken out, and shows the text as it will be sent."""

from __future__ import annotations

from bot.bootstrap import App
from core.identity import MemberKey
from core.render_text import render_plain
from core.replies import Section
from tests.fake_messenger import say

MOD = MemberKey("slack", "T1", "UMOD")


async def test_preview_names_the_removed_mentions(app: App) -> None:
    typed = "broadcast dm all: CLI test <!channel> @everyone"
    reply = await say(app.core, MOD, typed, moderator=True)
    [_, message] = [b for b in reply.blocks if isinstance(b, Section)]
    assert message.text == "CLI test everyone"
    assert "took out 2 mention" in render_plain(reply)


async def test_plain_text_gets_no_notice(app: App) -> None:
    reply = await say(app.core, MOD, "broadcast dm all: Toggles are due friday", moderator=True)
    assert "took out" not in render_plain(reply)
