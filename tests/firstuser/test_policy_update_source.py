"""`policy-update upwork https://... note` stores the URL as the source, not in the note."""

from __future__ import annotations

from bot.bootstrap import App
from core.identity import MemberKey
from core.replies import Table
from tests.fake_messenger import say

MOD = MemberKey("console", "local", "mod")
URL = "https://support.upwork.com/hc/en-us/articles/ai-preferences"


async def test_a_leading_url_is_the_source(app: App) -> None:
    await say(app.core, MOD, f"policy-update upwork {URL} Fourth toggle added", moderator=True)
    await say(app.core, MOD, f"policy-update upwork source {URL} Renamed", moderator=True)
    reply = await say(app.core, MOD, "policy-update", moderator=True)
    [table] = [b for b in reply.blocks if isinstance(b, Table)]
    notes = {str(row[2]): str(row[3]) for row in table.rows}
    assert notes == {"Fourth toggle added": URL, "Renamed": URL}
