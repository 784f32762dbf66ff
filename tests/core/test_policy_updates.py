"""Policy updates: moderators record them, members re-check, pending audiences include them."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest

from bot.bootstrap import App
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.render_text import render_plain
from core.replies import Checklist, Reply, Table
from core.requests import Actor, Place, Request
from core.service import Gigguard
from tests.fake_messenger import FakeMessenger, drain, make_worker, say
from tests.fakes import FixedFaq, InMemoryStore, InMemoryUnitOfWork, ManualClock
from tests.services import make_services

MOD = MemberKey("slack", "T1", "UMOD")
ALICE = MemberKey("slack", "T1", "alice")
DAY = dt.timedelta(days=1)


@pytest.fixture
def core(clock: ManualClock) -> Gigguard:
    store = InMemoryStore()
    uow = partial(InMemoryUnitOfWork, store)
    return Gigguard(
        make_services(
            knowledge=load_knowledge(),
            uow=uow,
            faq=FixedFaq(),
            clock=clock,
        )
    )


async def run(
    core: Gigguard, text: str, *, who: MemberKey = ALICE, moderator: bool = False
) -> Reply:
    return await core.handle(Request(Actor(who, is_moderator=moderator), text, Place.DM))


def upwork(reply: Reply) -> Checklist:
    return next(b for b in reply.blocks if isinstance(b, Checklist))


async def test_a_toggle_recorded_before_an_update_needs_a_recheck(
    core: Gigguard, clock: ManualClock
) -> None:
    await run(core, "done all")
    clock.advance(DAY)
    reply = await run(
        core,
        "policy-update upwork source https://support.upwork.com/x Fourth toggle added",
        who=MOD,
        moderator=True,
    )
    assert "Policy update #1 recorded for Upwork on 2026-11-27" in render_plain(reply)
    nudge, listing = reply.buttons
    assert nudge.command.startswith("broadcast dm pending: Upwork changed its AI policy")
    assert listing.command == "policy-update"

    items = upwork(await run(core, "status")).items
    assert not any(i.done for i in items)
    assert items[0].detail == "re-check needed: Upwork changed its policy on 2026-11-27"
    assert items[0].button is not None
    assert (items[0].button.label, items[0].button.command) == (
        "I re-checked it",
        "done communications",
    )
    guide = upwork(await run(core, "guide upwork"))
    assert guide.items == items

    clock.advance(dt.timedelta(minutes=5))
    after = upwork(await run(core, "done communications")).items
    assert [i.done for i in after] == [True, False, False]
    assert "0 of 3" not in upwork(await run(core, "status")).summary


async def test_an_update_in_another_community_does_not_apply(
    core: Gigguard, clock: ManualClock
) -> None:
    await run(core, "done all")
    clock.advance(DAY)
    other_mod = MemberKey("slack", "T2", "UMOD2")
    await run(core, "policy-update upwork A fourth toggle was added", who=other_mod, moderator=True)
    assert all(i.done for i in upwork(await run(core, "status")).items)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("upwork", "Use /optout policy-update"),
        ("etsy something changed", "I have no guide for"),
        ("upwork source ftp://x.org/a changed", "is not a web address"),
        ("upwork source javascript:alert(1) changed", "is not a web address"),
        ("upwork source https://localhost changed", "is not a web address"),
        ("upwork source https://upwork.com", "Use /optout policy-update"),
        ("upwork " + "x" * 501, "keep it to 500"),
    ],
)
async def test_bad_policy_updates_are_refused(core: Gigguard, args: str, expected: str) -> None:
    reply = render_plain(await run(core, f"policy-update {args}", who=MOD, moderator=True))
    assert expected in reply
    assert "No policy updates" in render_plain(
        await run(core, "policy-update", who=MOD, moderator=True)
    )


async def test_the_note_is_neutralised_and_listed(core: Gigguard) -> None:
    await run(
        core,
        "policy-update upwork <!channel> @everyone *New* <@U1> toggle `x`",
        who=MOD,
        moderator=True,
    )
    listing = render_plain(await run(core, "policy-update", who=MOD, moderator=True))
    assert "New toggle x" in listing
    for raw in ("<!channel>", "@everyone", "*New*", "<@U1>", "`"):
        assert raw not in listing
    assert "for moderators only" in render_plain(await run(core, "policy-update upwork x"))


async def test_pending_broadcasts_and_reminders_reach_members_who_must_recheck(
    app: App, clock: ManualClock
) -> None:
    """On SQL: the audience count, the fan-out and the reminder skip all apply the re-check."""
    finished, stale = MemberKey("slack", "T1", "U1"), MemberKey("slack", "T1", "U2")
    await say(app.core, stale, "done all")
    await say(app.core, stale, "remind in 2 days")
    clock.advance(DAY)
    reply = await say(app.core, MOD, "policy-update upwork Fourth toggle", moderator=True)
    clock.advance(DAY)
    await say(app.core, finished, "done all")
    preview = render_plain(await say(app.core, MOD, reply.buttons[0].command, moderator=True))
    assert "1 recipient" in preview  # U2 must re-check; U1 finished after the update

    slack = FakeMessenger("slack", clock)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)
    await drain(make_worker(app.core.services, slack, clock))
    broadcast_to = sorted(d.to for d in slack.sent)
    assert "U2" in broadcast_to and "U1" not in broadcast_to
    reminder = [
        d.reply for d in slack.to("U2") if any(isinstance(b, Checklist) for b in d.reply.blocks)
    ]
    assert reminder and "re-check needed" in render_plain(reminder[0])

    counts = render_plain(await say(app.core, MOD, "stats", moderator=True))
    assert "Re-checks pending" in counts


async def test_the_contract_check_no_longer_counts_a_toggle_awaiting_recheck(
    core: Gigguard, clock: ManualClock
) -> None:
    await run(core, "done all")
    before = (await run(core, "contract no")).blocks[0]
    assert isinstance(before, Table) and [r[1] for r in before.rows] == ["No", "No", "No"]
    clock.advance(DAY)
    await run(core, "policy-update upwork Fourth toggle added", who=MOD, moderator=True)
    stale = (await run(core, "contract no")).blocks[0]
    assert isinstance(stale, Table) and [r[1] for r in stale.rows] == ["Yes", "Yes", "Yes"]
    clock.advance(DAY)
    await run(core, "done communications")
    rechecked = (await run(core, "contract no")).blocks[0]
    assert isinstance(rechecked, Table) and [r[1] for r in rechecked.rows] == ["No", "Yes", "Yes"]
