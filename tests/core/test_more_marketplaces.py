"""A third marketplace is a data file: guide, status, done, reminders and stats cover it with no
code change. Its toggle ids may repeat another marketplace's: `done market:toggle` picks one."""

from __future__ import annotations

import datetime as dt
import shutil
from functools import partial
from pathlib import Path

import pytest
import yaml

from core.delivery.compose import reminder_reply
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.knowledge.loader import DEFAULT_DIR
from core.progress import Progress
from core.render_text import render_plain
from core.replies import Checklist, Reply, Table
from core.requests import Actor, Origin, Place, Request
from core.service import Gigguard
from tests.fakes import FixedFaq, InMemoryStore, InMemoryUnitOfWork, ManualClock
from tests.services import make_services

EXAMPLE = {
    "id": "examplemarket",
    "name": "ExampleMarket",
    "summary": "A test-only marketplace with two AI-training toggles.",
    "steps": [{"title": "Open settings", "text": "Open Settings, then Privacy."}],
    "toggles": [
        {
            "id": "communications",  # the same id as an Upwork toggle
            "name": "Example Messages",
            "covers": "Your chats",
            "controlled_by": "Your own setting alone",
            "double_opt_in": False,
        },
        {
            "id": "portfolio",
            "name": "Example Portfolio",
            "covers": "Your portfolio items",
            "controlled_by": "Your own setting alone",
            "double_opt_in": False,
        },
    ],
    "sources": ["aiguide101"],
    "last_checked": "2026-11-25",
}
ALICE = MemberKey("console", "w1", "alice")


@pytest.fixture
def core(tmp_path: Path, clock: ManualClock) -> Gigguard:
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, directory)
    (directory / "marketplaces" / "examplemarket.yaml").write_text(yaml.safe_dump(EXAMPLE))
    uow = partial(InMemoryUnitOfWork, InMemoryStore())
    return Gigguard(
        make_services(
            knowledge=load_knowledge(directory),
            uow=uow,
            faq=FixedFaq(),
            clock=clock,
        )
    )


async def run(
    core: Gigguard, text: str, *, who: MemberKey = ALICE, moderator: bool = False
) -> Reply:
    return await core.handle(Request(Actor(who, is_moderator=moderator), text, Place.DM))


def lists(reply: Reply) -> dict[str, Checklist]:
    return {b.title: b for b in reply.blocks if isinstance(b, Checklist)}


async def test_status_guide_and_done_cover_the_third_marketplace(core: Gigguard) -> None:
    status = lists(await run(core, "status"))
    example = status["Your ExampleMarket AI-training opt-out"]
    assert [i.label for i in example.items] == ["Example Messages", "Example Portfolio"]
    assert [i.button.command for i in example.items if i.button] == [
        "done examplemarket:communications",
        "done portfolio",
    ]
    upwork = status["Your Upwork AI-training opt-out"]
    assert upwork.items[0].button and upwork.items[0].button.command == "done upwork:communications"

    ambiguous = render_plain(await run(core, "done communications"))
    assert "Choose one of: examplemarket:communications, upwork:communications" in ambiguous

    after = lists(await run(core, "done examplemarket:communications"))
    assert [i.done for i in after["Your ExampleMarket AI-training opt-out"].items] == [True, False]
    assert not any(i.done for i in after["Your Upwork AI-training opt-out"].items)
    after = lists(await run(core, "done portfolio"))
    assert (
        "All ExampleMarket toggles are switched off"
        in after["Your ExampleMarket AI-training opt-out"].summary
    )

    guide = await run(core, "guide examplemarket")
    assert "Opting out on ExampleMarket" in render_plain(guide)
    assert "Your ExampleMarket AI-training opt-out" in lists(guide)
    assert "examplemarket:communications" in render_plain(await run(core, "help"))


async def test_reminders_and_stats_cover_it(core: Gigguard, clock: ManualClock) -> None:
    for n in range(5):
        await run(core, "done all", who=MemberKey("console", "w1", f"u{n}"))
    await run(core, "done portfolio")
    async with core.services.uow() as uow:
        records = await uow.members.toggles(ALICE)
    reminder = reminder_reply(
        core.services,
        Progress(records, {}),
        reminder_id=1,
        due_at=clock.now() + dt.timedelta(hours=1),
        timezone=None,
        late=False,
    )
    assert "Example Portfolio" in render_plain(
        reminder
    ) and "[x] Example Portfolio" in render_plain(reminder)
    stats = await run(core, "stats", who=MemberKey("console", "w1", "mod"), moderator=True)
    example = next(
        b
        for b in stats.blocks
        if isinstance(b, Table) and b.title == "Community progress on ExampleMarket"
    )
    assert dict(example.rows)["Example Portfolio"] == "6"  # type: ignore[arg-type]
    overview = next(
        b for b in stats.blocks if isinstance(b, Table) and b.title == "Community overview"
    )
    assert dict(overview.rows)["Finished every toggle"] == "5"  # type: ignore[arg-type]


async def test_words_shared_by_two_marketplaces_name_neither(core: Gigguard) -> None:
    text = render_plain(
        await core.handle(Request(Actor(ALICE), "I switched off comms", Place.DM, Origin.DM_TEXT))
    )
    assert "Recorded" not in text
    recorded = render_plain(await run(core, "done example portfolio"))
    assert "Recorded: Example Portfolio switched off" in recorded
