"""A command mistyped in a DM ("stauts") gets "Did you mean “status”?" where the FAQ would
decline it; questions still go to the FAQ, and a suggestion never runs anything itself."""

from __future__ import annotations

from functools import partial

import pytest

from core.faq.engine import FaqMatch, MatchKind
from core.faq.factory import build_faq_engine
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.render_text import render_plain
from core.replies import Reply
from core.requests import Actor, Origin, Place, Request
from core.service import Gigguard
from tests.fakes import FixedFaq, InMemoryStore, InMemoryUnitOfWork, ManualClock
from tests.services import make_services

ALICE = MemberKey("console", "w1", "alice")
DECLINED = FaqMatch(MatchKind.DECLINE, None, 0.1)


@pytest.fixture
def faq() -> FixedFaq:
    return FixedFaq(DECLINED)


async def dm(core: Gigguard, text: str, *, moderator: bool = False) -> Reply:
    actor = Actor(ALICE, is_moderator=moderator)
    return await core.handle(Request(actor, text, Place.DM, Origin.DM_TEXT))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("stauts", "status"),
        ("hlep", "help"),
        ("remnders", "reminders"),
        ("forgte me", "forget-me"),
        ("my dta", "my-data"),
        ("mtue", "mute"),
        ("Stauts?", "status"),
    ],
)
async def test_a_mistyped_command_is_suggested_with_a_button_that_runs_it(
    core: Gigguard, faq: FixedFaq, typed: str, meant: str
) -> None:
    reply = await dm(core, typed)
    assert render_plain(reply).startswith(f"Did you mean “{meant}”?")
    assert [b.command for b in reply.buttons] == [meant, "topics"]
    assert faq.questions == [typed]  # the FAQ had its say first


async def test_a_suggestion_changes_nothing(core: Gigguard, store: InMemoryStore) -> None:
    await dm(core, "done all")
    for typed in ("forgte me", "mtue", "dnoe all"):
        await dm(core, typed)
    assert all(record.off for record in store.toggles.values()) and store.toggles
    assert not any(profile.muted for profile in store.profiles.values())


async def test_a_command_that_needs_an_argument_is_shown_with_it_and_no_button(
    core: Gigguard,
) -> None:
    reply = await dm(core, "remnd")
    assert render_plain(reply).startswith("Did you mean “remind <when>”?")
    assert [b.command for b in reply.buttons] == ["topics"]


@pytest.mark.parametrize("text", ["ok", "no", "yes", "why", "wow", "stauts of my opt out please"])
async def test_short_words_and_longer_texts_get_the_faq_decline(core: Gigguard, text: str) -> None:
    reply = await dm(core, text)
    assert "Did you mean" not in render_plain(reply)
    assert "topics" in [b.command for b in reply.buttons]  # the decline's own buttons


async def test_what_the_faq_answers_is_answered_even_when_it_looks_like_a_command(
    store: InMemoryStore, clock: ManualClock
) -> None:
    faq = FixedFaq(FaqMatch(MatchKind.ANSWER, "what-changed", 0.9))
    services = make_services(
        knowledge=load_knowledge(), uow=partial(InMemoryUnitOfWork, store), faq=faq, clock=clock
    )
    reply = await dm(Gigguard(services), "contact")
    assert "Did you mean" not in render_plain(reply)
    assert faq.questions == ["contact"]


async def test_moderator_commands_are_suggested_to_moderators_only(core: Gigguard) -> None:
    assert render_plain(await dm(core, "stast", moderator=True)).startswith("Did you mean “stats")
    assert "Did you mean" not in render_plain(await dm(core, "stast"))


async def test_with_the_shipped_faq_engine(store: InMemoryStore, clock: ManualClock) -> None:
    knowledge = load_knowledge()
    services = make_services(
        knowledge=knowledge,
        uow=partial(InMemoryUnitOfWork, store),
        faq=build_faq_engine(knowledge),
        clock=clock,
    )
    core = Gigguard(services)
    assert render_plain(await dm(core, "stauts")).startswith("Did you mean “status”?")
    answer = render_plain(await dm(core, "how do i opt out"))
    assert "Did you mean" not in answer and "Settings" in answer
