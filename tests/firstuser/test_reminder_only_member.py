"""A member who only set a reminder is known: in `stats` and in broadcast audiences."""

from __future__ import annotations

from bot.bootstrap import App
from core.identity import MemberKey
from core.render_text import render_plain
from core.replies import Reply, Table
from tests.fake_messenger import say

MOD = MemberKey("console", "local", "mod")


def figures(reply: Reply, title: str) -> dict[str, str]:
    table = next(b for b in reply.blocks if isinstance(b, Table) and b.title == title)
    return {str(k): str(v) for k, v in table.rows}


async def test_members_with_only_a_reminder_count_in_stats_and_audiences(app: App) -> None:
    for n in range(5):
        await say(app.core, MemberKey("console", "local", f"m{n}"), "remind in 3 days")
    reply = await say(app.core, MOD, "stats", moderator=True)
    assert figures(reply, "Community overview")["Members known"] == "5"
    assert figures(reply, "Reminders and broadcasts")["Reminders waiting"] == "5"
    preview = render_plain(await say(app.core, MOD, "broadcast dm all: hello", moderator=True))
    assert "5 recipients" in preview
