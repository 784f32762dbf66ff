"""`stats`: community figures, hidden under five members, with a weekly trend chart."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest

from bot.bootstrap import App
from core.commands.moderation import weekly_trend
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.render_text import render_plain
from core.replies import Reply, Table
from core.requests import Actor, Place, Request
from core.service import Gigguard
from core.status import CommunityProgress
from tests.fake_messenger import say
from tests.fakes import FixedFaq, InMemoryStore, InMemoryUnitOfWork, ManualClock
from tests.services import make_services

MOD = MemberKey("slack", "T1", "UMOD")
PNG = b"\x89PNG\r\n\x1a\n"


def member(n: int) -> MemberKey:
    return MemberKey("slack", "T1", f"U{n}")


@pytest.fixture
def core(clock: ManualClock) -> Gigguard:
    uow = partial(InMemoryUnitOfWork, InMemoryStore())
    return Gigguard(
        make_services(
            knowledge=load_knowledge(),
            uow=uow,
            faq=FixedFaq(),
            clock=clock,
        )
    )


async def run(core: Gigguard, who: MemberKey, text: str, moderator: bool = False) -> Reply:
    return await core.handle(Request(Actor(who, is_moderator=moderator), text, Place.DM))


def figures(reply: Reply, title: str) -> dict[str, str]:
    table = next(b for b in reply.blocks if isinstance(b, Table) and b.title == title)
    return dict(table.rows)  # type: ignore[arg-type]


async def test_under_five_members_every_figure_is_hidden_and_no_chart(core: Gigguard) -> None:
    for n in range(4):
        await run(core, member(n), "done all")
    reply = await run(core, MOD, "stats", moderator=True)
    overview = figures(reply, "Community overview")
    assert set(overview.values()) == {"< 5"}
    assert reply.attachments == ()


async def test_figures_trend_and_chart(core: Gigguard, clock: ManualClock) -> None:
    for n in range(6):  # two finish a week ago, three this week, one never
        if n == 2:
            clock.advance(dt.timedelta(days=7))
        await run(core, member(n), "done all" if n < 5 else "done communications")
    await run(core, member(0), "remind in 3 days")
    await run(core, member(0), "ask anything")
    reply = await run(core, MOD, "stats", moderator=True)
    assert figures(reply, "Community overview") == {
        "Members known": "6",
        "Finished every toggle": "5",
        "Re-checks pending": "0",
    }
    trend = figures(reply, "Members finishing per week (last 8 ISO weeks)")
    assert list(trend)[-2:] == ["2026-W48", "2026-W49"]
    assert (trend["2026-W48"], trend["2026-W49"]) == ("2", "3")
    assert figures(reply, "Reminders and broadcasts")["Reminders waiting"] == "1"
    assert "decline rate 0%" in render_plain(reply)
    [chart] = reply.attachments
    assert chart.mime == "image/png" and chart.content.startswith(PNG)
    assert "W48 2, 2026-W49 3" in chart.alt_text


def test_weekly_trend_counts_iso_weeks_and_drops_older_ones() -> None:
    now = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)  # a Thursday, ISO week 48
    at = [now, now - dt.timedelta(days=3), now - dt.timedelta(days=4), now - dt.timedelta(weeks=9)]
    trend = weekly_trend(
        CommunityProgress(members=9, finished_at=[], rechecks=0, ever_finished_at=at), now
    )
    assert len(trend) == 8
    assert trend[-1] == ("2026-W48", 2) and trend[-2] == ("2026-W47", 1)
    assert sum(n for _, n in trend) == 3


async def test_stats_on_sql_count_rechecks_deliveries_and_policy_updates(
    app: App, clock: ManualClock
) -> None:
    for n in range(5):
        await say(app.core, member(n), "done all")
    await say(app.core, member(0), "remind in 1 hour")
    clock.advance(dt.timedelta(days=1))
    await say(app.core, MOD, "policy-update upwork Fourth toggle added", moderator=True)
    clock.advance(dt.timedelta(minutes=1))
    await say(app.core, member(1), "done all")
    reply = await say(app.core, MOD, "stats", moderator=True)
    assert figures(reply, "Community overview") == {
        "Members known": "5",
        "Finished every toggle": "1",
        "Re-checks pending": "4",
    }
    upwork = figures(reply, "Community progress on Upwork")
    assert upwork["Re-checks pending"] == "4" and upwork["Communications Data"] == "1"
    assert upwork["Latest policy update"] == "2026-11-27"
    assert figures(reply, "Reminders and broadcasts")["Reminders waiting"] == "1"
    assert len(reply.attachments) == 1
