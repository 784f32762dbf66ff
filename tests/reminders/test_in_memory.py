"""Reminder commands on the in-memory fakes: the ports' contract, without a database."""

from __future__ import annotations

from functools import partial

from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.render_text import render_plain
from core.service import Gigguard
from tests.fake_messenger import say
from tests.fakes import FixedFaq, InMemoryStore, InMemoryUnitOfWork, ManualClock
from tests.services import make_services

ALICE = MemberKey("console", "w1", "alice")


async def test_reminders_mute_and_forget_me_on_the_fakes(clock: ManualClock) -> None:
    store = InMemoryStore()
    core = Gigguard(
        make_services(
            knowledge=load_knowledge(),
            uow=partial(InMemoryUnitOfWork, store),
            faq=FixedFaq(),
            clock=clock,
        )
    )
    await say(core, ALICE, "tz Asia/Kolkata")
    assert "Reminder #1 set for Fri 2026-11-27 09:00 (Asia/Kolkata)" in render_plain(
        await say(core, ALICE, "remind tomorrow 9am")
    )
    await say(core, ALICE, "mute")
    document = (await say(core, ALICE, "my-data")).data
    assert document is not None and document["muted"] is True
    assert len(document["reminders"]) == 1  # type: ignore[arg-type]
    assert "deleted 2 records" in render_plain(await say(core, ALICE, "forget-me confirm"))
    assert store.reminders == {} and store.profiles == {}
