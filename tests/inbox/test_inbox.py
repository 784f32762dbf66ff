"""Declined questions reach the moderators anonymously; their answer becomes an FAQ entry
that the next member asking gets, and the asker who wanted to know is told by DM."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Row, select
from sqlmodel import col

from bot.bootstrap import App
from core.delivery.worker import DeliveryWorker
from core.identity import MemberKey
from core.replies import MAX_ACTION_ID, Reply
from core.storage.tables import InboxQuestion
from tests.fake_messenger import FakeMessenger, clock_sleep, drain, say
from tests.fakes import ManualClock
from tests.inbox.conftest import ASK_MODERATORS, TELL_ME, button, text_of

MOD = MemberKey("slack", "T1", "UMOD")
ANA = MemberKey("slack", "T1", "UANA")
BEN = MemberKey("slack", "T1", "UBEN")
OTHER_MOD = MemberKey("slack", "T2", "UMOD2")
MEETUP = "Is there a Berlin meetup for freelancers in December?"
ALIKE = "is there a berlin meetup for freelancers in december"
LINK = "https://example.org/meetups"


async def declined(app: App, key: MemberKey, question: str = MEETUP) -> Reply:
    reply = await say(app.core, key, f"ask {question}")
    assert any(b.command.startswith("inbox-send ") for b in reply.buttons), text_of(reply)
    return reply


async def send(app: App, key: MemberKey, question: str = MEETUP, *, notify: bool = False) -> Reply:
    reply = await declined(app, key, question)
    return await say(app.core, key, button(reply, TELL_ME if notify else ASK_MODERATORS))


async def rows(app: App) -> list[Row[Any]]:
    """The inbox table as stored (read past the repositories, to see every column)."""
    async with app.engine.connect() as conn:
        found = await conn.execute(select(InboxQuestion).order_by(col(InboxQuestion.id)))
        return list(found)


async def test_a_decline_is_one_line_with_the_closest_topics_and_the_moderators(
    app: App,
) -> None:
    reply = await declined(app, ANA, "Can my cat sign the NDA for the Berlin meetup?")
    assert len(reply.blocks) == 1 and "\n" not in text_of(reply).split("[")[0].strip()
    commands = [b.command for b in reply.buttons]
    topics = [c for c in commands if c.startswith("ask ")]
    assert len(topics) == 3 and "ask client-confidentiality" in topics
    labels = [b.label for b in reply.buttons]
    assert "Ask the moderators (anonymous)" in labels
    assert "…and tell me when it is answered" in labels
    assert commands[-1] == "topics"
    assert all(len(b.action_id) <= MAX_ACTION_ID for b in reply.buttons)
    listed = await say(app.core, ANA, "topics")
    assert len([b for b in listed.buttons if b.command.startswith("ask ")]) == len(
        app.core.knowledge.topics
    )


async def test_nothing_is_stored_until_the_member_clicks(app: App) -> None:
    await declined(app, ANA)
    assert await rows(app) == []
    assert len(app.core.services.declined) == 1


async def test_the_click_stores_the_scrubbed_text_with_community_and_day_only(
    app: App, clock: ManualClock
) -> None:
    hostile = (
        "<@U0BEN> <!channel> @everyone mail ana.smith@example.com or see https://x.io/a?b=1, "
        "call +49 30 1234567: is the Berlin meetup on 2026-12-12?"
    )
    reply = await send(app, ANA, hostile)
    assert "without your name" in text_of(reply)
    (row,) = await rows(app)
    assert row.text == (
        "[mention] [mention] [mention] mail [e-mail] or see [link] call [phone]: "
        "is the Berlin meetup on 2026-12-12?"
    )
    assert (row.platform, row.workspace, row.asked_on) == ("slack", "T1", clock.now().date())
    assert row.notify_user is None and row.notify_workspace is None
    values = {str(value) for value in row}
    assert not any(ANA.user in v for v in values)


async def test_a_token_works_once_for_its_own_asker_and_expires(
    app: App, clock: ManualClock
) -> None:
    command = button(await declined(app, ANA), ASK_MODERATORS)
    stolen = await say(app.core, BEN, command)
    assert "no longer have that question" in text_of(stolen)
    await say(app.core, ANA, command)
    again = await say(app.core, ANA, command)
    assert "no longer have that question" in text_of(again)
    late = button(await declined(app, ANA), ASK_MODERATORS)
    clock.advance(dt.timedelta(minutes=31))
    assert "no longer have that question" in text_of(await say(app.core, ANA, late))
    assert len(await rows(app)) == 1


async def test_tell_me_keeps_the_id_listed_in_my_data_and_forget_me_drops_it(app: App) -> None:
    reply = await send(app, ANA, notify=True)
    assert "my-data" in text_of(reply)
    (row,) = await rows(app)
    assert (row.notify_workspace, row.notify_user) == ("T1", "UANA")
    exported = (await say(app.core, ANA, "my-data")).data
    assert isinstance(exported, dict)
    assert exported["questions_to_moderators"] == [
        {"id": row.id, "asked_on": row.asked_on.isoformat(), "text": MEETUP, "answered": False}
    ]
    await say(app.core, ANA, "forget-me confirm")
    (kept,) = await rows(app)
    assert kept.text == MEETUP and kept.notify_user is None and kept.notify_workspace is None


async def test_inbox_groups_alike_questions_and_is_for_moderators_only(app: App) -> None:
    await send(app, ANA, MEETUP)
    await send(app, BEN, ALIKE)
    await send(app, BEN, "How much does Upwork charge in fees?")
    refused = await say(app.core, ANA, "inbox")
    assert "for moderators only" in text_of(refused)
    listing = text_of(await say(app.core, MOD, "inbox", moderator=True))
    first, second = (line for line in listing.splitlines() if line.startswith("#"))
    assert first.startswith("#1 · asked 2× · newest") and MEETUP in first
    assert second.startswith("#3 · asked 1×") and "fees" in second
    elsewhere = text_of(await say(app.core, OTHER_MOD, "inbox", moderator=True))
    assert "No open questions" in elsewhere


async def test_inbox_pages(app: App) -> None:
    subjects = [
        "How much does Upwork charge in fees?",
        "Is there a Berlin meetup for freelancers in December?",
        "Can I pay taxes through the platform?",
        "Where do I find invoice templates",
        "Who moderates the design channel here",
        "Are there mentors for new copywriters?",
        "Does the community run portfolio reviews",
        "When is the next webinar on pricing",
        "Could someone review my cover letter please",
        "What time zone do the office hours use?",
        "Is Toptal better paid than this",
        "Should I learn Figma or Sketch",
    ]
    for subject in subjects:
        await send(app, ANA, subject)
    first = await say(app.core, MOD, "inbox", moderator=True)
    assert "page 1 of 2" in text_of(first)
    assert button(first, "Next page") == "inbox 2"
    second = text_of(await say(app.core, MOD, "inbox 2", moderator=True))
    assert sum(line.startswith("#") for line in second.splitlines()) == 2
    assert "no page 3" in text_of(await say(app.core, MOD, "inbox 3", moderator=True))


async def test_an_answer_becomes_the_faq_entry_the_next_member_gets(
    app: App, knowledge_dir: Path, clock: ManualClock
) -> None:
    await send(app, ANA, MEETUP, notify=True)
    await send(app, BEN, ALIKE)
    answer = f"Yes: every second Tuesday at the Betahaus, see {LINK}"
    done = text_of(await say(app.core, MOD, f"inbox answer 1 {answer}", moderator=True))
    assert "asked-1" in done and "waiting for it: 1" in done

    (entry,) = yaml.safe_load((knowledge_dir / "faq.yaml").read_text())
    assert entry["id"] == "asked-1" and entry["answer"] == answer
    assert set(entry["questions"]) == {
        MEETUP,
        ALIKE,
    }
    (source,) = yaml.safe_load((knowledge_dir / "sources.yaml").read_text())
    assert source["url"] == LINK and entry["sources"] == [source["id"]]

    later = await say(
        app.core, MemberKey("slack", "T1", "UCAT"), "ask any Berlin meetup in December?"
    )
    assert answer in text_of(later) and "example.org" in (later.context or "")
    assert "No open questions" in text_of(await say(app.core, MOD, "inbox", moderator=True))

    fake = FakeMessenger("slack", clock)
    worker = DeliveryWorker(
        services=app.core.services,
        messengers={"slack": fake},
        sleep=clock_sleep(clock),  # type: ignore[arg-type]
    )
    await drain(worker)
    (dm,) = fake.to(ANA.user)
    assert "The moderators answered your question" in text_of(dm.reply)
    assert answer in text_of(dm.reply) and MEETUP[:40] in text_of(dm.reply)
    assert fake.to(BEN.user) == []
    assert all(row.notify_user is None for row in await rows(app))
    exported = (await say(app.core, ANA, "my-data")).data
    assert isinstance(exported, dict)
    assert [q["answered"] for q in exported["questions_to_moderators"]] == [True]


async def test_a_refused_answer_changes_nothing(app: App, knowledge_dir: Path) -> None:
    await send(app, ANA)
    cases = {
        "inbox answer 1 Yes, every Tuesday.": "Add the link",
        f"inbox answer 1 {'x' * 600} {LINK}": "at most 600 characters",
        f"inbox answer 7 Yes {LINK}": "no open question #7",
        "inbox answer 1": "Write the answer",
        "inbox answer x": "Use /optout inbox",
    }
    for command, expected in cases.items():
        assert expected in text_of(await say(app.core, MOD, command, moderator=True)), command
    other = text_of(await say(app.core, OTHER_MOD, f"inbox answer 1 Yes {LINK}", moderator=True))
    assert "no open question #1" in other
    assert list(knowledge_dir.iterdir()) == []
    assert [r.state for r in await rows(app)] == ["open"]


async def test_without_a_knowledge_directory_the_answer_says_why(
    settings: object, clock: ManualClock, faq_engine: object
) -> None:
    from bot.bootstrap import build_app

    app = build_app(settings, clock=clock, faq=faq_engine)  # type: ignore[arg-type]
    try:
        await send(app, ANA)
        reply = await say(app.core, MOD, f"inbox answer 1 Yes {LINK}", moderator=True)
        assert "GIGGUARD_KNOWLEDGE_DIR" in text_of(reply)
    finally:
        await app.close()


async def test_dismiss_removes_the_group_and_only_in_its_community(app: App) -> None:
    await send(app, ANA)
    await send(app, BEN, ALIKE)
    assert "no open question #1" in text_of(
        await say(app.core, OTHER_MOD, "inbox dismiss 1", moderator=True)
    )
    done = text_of(await say(app.core, MOD, "inbox dismiss #1", moderator=True))
    assert "Questions removed: 2" in done
    assert await rows(app) == []
