"""A policy update does not rewrite last week's "members finishing"."""

from __future__ import annotations

import datetime as dt

from bot.bootstrap import App
from core.identity import MemberKey
from core.replies import Reply, Table
from tests.fake_messenger import say
from tests.fakes import ManualClock

MOD = MemberKey("console", "local", "mod")
TREND = "Members finishing per week (last 8 ISO weeks)"


def trend(reply: Reply) -> dict[str, str]:
    table = next(b for b in reply.blocks if isinstance(b, Table) and b.title == TREND)
    return {str(k): str(v) for k, v in table.rows}


async def test_policy_update_keeps_last_weeks_finishers(app: App, clock: ManualClock) -> None:
    for n in range(5):
        if n == 2:
            clock.advance(dt.timedelta(days=7))
        await say(app.core, MemberKey("console", "local", f"m{n}"), "done all")
    before = trend(await say(app.core, MOD, "stats", moderator=True))
    assert (before["2026-W48"], before["2026-W49"]) == ("2", "3")
    await say(app.core, MOD, "policy-update upwork A fourth toggle appeared", moderator=True)
    after = trend(await say(app.core, MOD, "stats", moderator=True))
    assert (after["2026-W48"], after["2026-W49"]) == ("2", "3")
