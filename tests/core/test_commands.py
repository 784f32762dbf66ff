"""The /optout subcommands through the core entry point, on in-memory fakes of its ports."""

from __future__ import annotations

import datetime as dt
import json
import logging
from functools import partial

import pytest

from core.faq.engine import FaqMatch, MatchKind
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.render_text import render_plain
from core.replies import Checklist, CodeBlock, Reply, Table
from core.requests import Actor, Origin, Place, Request
from core.service import Gigguard
from tests.fakes import FixedFaq, InMemoryStore, InMemoryUnitOfWork, ManualClock, RecordingMetrics
from tests.services import make_services

ALICE = MemberKey("console", "w1", "alice")
TOGGLES = ("communications", "work-product", "other-platform")


async def run(
    core: Gigguard,
    text: str,
    *,
    moderator: bool = False,
    origin: Origin = Origin.COMMAND,
    who: MemberKey = ALICE,
) -> Reply:
    request = Request(Actor(who, is_moderator=moderator), text, Place.DM, origin)
    return await core.handle(request)


def checklist(reply: Reply) -> Checklist:
    return next(block for block in reply.blocks if isinstance(block, Checklist))


def done_labels(reply: Reply) -> list[str]:
    return [item.label for item in checklist(reply).items if item.done]


async def test_status_starts_with_nothing_done(core: Gigguard) -> None:
    reply = await run(core, "status")
    items = checklist(reply).items
    assert [i.label for i in items] == [
        "Communications Data",
        "Work Product Data",
        "Other Platform Data",
    ]
    assert not any(i.done for i in items)
    assert [i.button.command for i in items if i.button] == [f"done {t}" for t in TOGGLES]
    assert "0 of 3" in checklist(reply).summary


async def test_done_records_todays_date_and_undo_reverts(
    core: Gigguard, store: InMemoryStore, clock: ManualClock
) -> None:
    reply = await run(core, "done work-product")
    assert done_labels(reply) == ["Work Product Data"]
    record = store.toggles[(ALICE, "upwork", "work-product")]
    assert record.off and record.recorded_at == clock.now()
    assert "2026-11-26" in render_plain(reply)

    reply = await run(core, "undo work-product")
    assert done_labels(reply) == []
    assert not store.toggles[(ALICE, "upwork", "work-product")].off


async def test_done_all_finishes_the_checklist(core: Gigguard) -> None:
    reply = await run(core, "done all")
    assert done_labels(reply) == ["Communications Data", "Work Product Data", "Other Platform Data"]
    assert "All Upwork toggles are switched off" in checklist(reply).summary
    assert [i.button.command for i in checklist(reply).items if i.button] == [
        f"undo {t}" for t in TOGGLES
    ]


async def test_members_are_kept_apart(core: Gigguard) -> None:
    await run(core, "done all")
    bob = MemberKey("console", "w1", "bob")
    assert done_labels(await run(core, "status", who=bob)) == []


async def test_unknown_subcommand_suggests_the_closest(core: Gigguard) -> None:
    assert "Did you mean /optout status?" in render_plain(await run(core, "stauts"))
    assert "Did you mean /optout forget-me?" in render_plain(await run(core, "forgt-me"))
    assert "Did you mean /optout my-data?" in render_plain(await run(core, "my dta"))
    assert "Try /optout help" in render_plain(await run(core, "xyzzy"))


async def test_unknown_toggle_lists_the_valid_ones(core: Gigguard, store: InMemoryStore) -> None:
    text = render_plain(await run(core, "done microphone"))
    assert "communications, work-product, other-platform, all" in text
    assert store.toggles == {}


async def test_empty_ask_asks_for_a_question(core: Gigguard, faq: FixedFaq) -> None:
    assert "What would you like to know?" in render_plain(await run(core, "ask   "))
    assert faq.questions == []


async def test_overlong_input_is_refused_and_nothing_stored(
    core: Gigguard, store: InMemoryStore
) -> None:
    text = render_plain(await run(core, "done all " + "x" * 2000))
    assert "limit is 2,000" in text
    assert store.toggles == {} and store.profiles == {}


@pytest.mark.parametrize(
    "hostile", ["<!channel>", "@everyone", "<@U123>", "**bold** `code`", "evil\x1b[31mred\x07"]
)
async def test_hostile_text_is_never_echoed_raw(core: Gigguard, hostile: str) -> None:
    text = render_plain(await run(core, f"done {hostile}"))
    for raw in ("<!channel>", "@everyone", "<@U123>", "**", "`code`", "\x1b", "\x07"):
        assert raw not in text


async def test_moderator_command_refused_to_members_and_logged(
    core: Gigguard, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        reply = await run(core, "stats")
    assert "for moderators only" in render_plain(reply)
    assert any(
        "moderator command refused" in r.message and "alice" in r.message for r in caplog.records
    )
    assert isinstance((await run(core, "stats", moderator=True)).blocks[0], Table)


async def test_help_lists_every_subcommand_a_member_may_use(core: Gigguard) -> None:
    member_help = render_plain(await run(core, "help"))
    for name in (
        "guide",
        "status",
        "done",
        "undo",
        "ask",
        "compare",
        "clause",
        "contract",
        "my-data",
        "forget-me",
    ):
        assert f"/optout {name}" in member_help
    assert "/optout stats" not in member_help
    assert "/optout stats" in render_plain(await run(core, "help", moderator=True))


async def test_guide_has_a_button_per_toggle_and_cites_its_source(core: Gigguard) -> None:
    reply = await run(core, "guide upwork")
    assert [i.button.label for i in checklist(reply).items if i.button] == [
        "I switched this off"
    ] * 3
    assert reply.context and "Last checked 2026-11-25" in reply.context
    fiverr = await run(core, "guide fiverr")
    assert [b.command for b in fiverr.buttons] == ["clause"]
    assert "no guide for" in render_plain(await run(core, "guide etsy"))


async def test_compare_and_clause(core: Gigguard) -> None:
    table = (await run(core, "compare")).blocks[0]
    assert isinstance(table, Table) and table.headers == ("Feature", "Upwork", "Fiverr")
    clause = await run(core, "clause")
    assert any(isinstance(b, CodeBlock) and "train" in b.text for b in clause.blocks)


@pytest.mark.parametrize(
    ("own", "client", "expected"),
    [
        ((), "yes", ("No", "No", "Yes")),
        ((), "no", ("Yes", "Yes", "Yes")),
        ((), "unknown", ("Possibly", "Possibly", "Yes")),
        (("communications", "other-platform"), "no", ("No", "Yes", "No")),
        (("all",), "unknown", ("No", "No", "No")),
    ],
)
async def test_contract_applies_the_double_opt_in(
    core: Gigguard, own: tuple[str, ...], client: str, expected: tuple[str, ...]
) -> None:
    for toggle in own:
        await run(core, f"done {toggle}")
    table = (await run(core, f"contract {client}")).blocks[0]
    assert isinstance(table, Table)
    assert tuple(row[1] for row in table.rows) == expected


async def test_contract_needs_a_valid_answer(core: Gigguard) -> None:
    assert "yes|no|unknown" in render_plain(await run(core, "contract maybe"))


async def test_my_data_follows_the_contract(core: Gigguard, clock: ManualClock) -> None:
    await run(core, "done communications")
    reply = await run(core, "my-data")
    document = json.loads(next(b.text for b in reply.blocks if isinstance(b, CodeBlock)))
    assert document == reply.data
    assert document["member"] == {"platform": "console", "workspace": "w1", "user": "alice"}
    assert document["toggles"]["communications"] == {
        "off": True,
        "recorded_at": clock.now().isoformat(),
    }
    assert document["toggles"]["work-product"] == {"off": False, "recorded_at": None}
    assert set(document) == {
        "member",
        "toggles",
        "muted",
        "timezone",
        "language",
        "platform_language",
        "reminders",
        "communities",
        "broadcasts_created",
        "broadcasts_approved",
        "broadcast_copies",
        "slack_installations",
        "welcomed",
        "questions_to_moderators",
    }
    assert document["muted"] is False and document["timezone"] is None
    assert document["broadcasts_created"] == document["broadcast_copies"] == []


async def test_forget_me_asks_first_then_deletes_everything(
    core: Gigguard, store: InMemoryStore
) -> None:
    await run(core, "done all")
    ask_first = await run(core, "forget-me")
    assert [b.command for b in ask_first.buttons] == ["forget-me confirm"]
    assert store.toggles  # nothing deleted yet
    await run(core, "forget-me confirm")
    assert store.toggles == {} and store.profiles == {}


async def test_storage_failure_is_polite_and_leaves_no_partial_state(
    core: Gigguard, store: InMemoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.fail_on_commit = True
    with caplog.at_level(logging.ERROR):
        reply = await run(core, "done all")
    assert "Nothing was changed" in render_plain(reply)
    assert store.toggles == {}
    assert any(r.exc_info for r in caplog.records)


async def test_dm_text_is_a_question_unless_it_reads_like_a_subcommand(
    core: Gigguard, faq: FixedFaq
) -> None:
    assert checklist(await run(core, "status", origin=Origin.DM_TEXT))
    assert done_labels(await run(core, "done all", origin=Origin.DM_TEXT)) == [
        "Communications Data",
        "Work Product Data",
        "Other Platform Data",
    ]
    await run(core, "how do I switch off communications?", origin=Origin.DM_TEXT)
    await run(core, "what changed?", origin=Origin.DM_TEXT)
    assert faq.questions == ["how do I switch off communications?", "what changed?"]


async def test_ask_answers_with_source_and_offers_alternatives(
    core: Gigguard, faq: FixedFaq, store: InMemoryStore
) -> None:
    faq.result = FaqMatch(MatchKind.ANSWER, "older-data", 0.6, ("not-retroactive",))
    reply = await run(core, "ask are old files safe")
    assert "January 5, 2026" in render_plain(reply)
    assert reply.context and "Last checked" in reply.context
    assert "ask not-retroactive" in [b.command for b in reply.buttons]
    assert store.topic_counts == {}  # counted in memory, written by the periodic flush
    assert await core.services.question_counts.flush(core.services.uow) == 1
    assert store.topic_counts == {("console", "w1", "older-data"): 1}  # a count, never who asked


async def test_decline_lists_what_the_bot_can_answer(core: Gigguard, faq: FixedFaq) -> None:
    faq.result = FaqMatch(MatchKind.DECLINE, None, 0.1)
    text = render_plain(await run(core, "ask how do I get paid faster"))
    assert "moderator" in text and "How to opt out on Upwork" in text


async def test_topic_buttons_answer_with_details(core: Gigguard, faq: FixedFaq) -> None:
    text = render_plain(await run(core, "ask how-to-opt-out"))
    assert "Account settings > My info" in text  # the details, shown on demand
    assert faq.questions == []


async def test_recorded_date_follows_the_clock(core: Gigguard, clock: ManualClock) -> None:
    clock.advance(dt.timedelta(days=3))
    assert "2026-11-29" in render_plain(await run(core, "done communications"))


async def test_answers_whose_facts_changed_say_when(
    store: InMemoryStore, faq: FixedFaq, clock: ManualClock
) -> None:
    knowledge = load_knowledge()
    topic = knowledge.topics["older-data"]
    changed = topic.model_copy(update={"updated": dt.date(2026, 11, 20)})
    knowledge = knowledge.model_copy(update={"topics": knowledge.topics | {"older-data": changed}})
    core = Gigguard(
        make_services(
            knowledge=knowledge,
            uow=partial(InMemoryUnitOfWork, store),
            faq=faq,
            clock=clock,
        )
    )
    faq.result = FaqMatch(MatchKind.ANSWER, "older-data", 0.9)
    reply = await run(core, "ask is my 2023 work included")
    assert reply.context and reply.context.startswith("Updated on 2026-11-20.")
    faq.result = FaqMatch(MatchKind.ANSWER, "what-changed", 0.9)
    other = await run(core, "ask what changed")
    assert other.context and "Updated on" not in other.context


async def test_commands_and_declines_are_counted_without_identities(
    store: InMemoryStore, faq: FixedFaq, clock: ManualClock
) -> None:
    metrics = RecordingMetrics()
    core = Gigguard(
        make_services(
            knowledge=load_knowledge(),
            uow=partial(InMemoryUnitOfWork, store),
            faq=faq,
            clock=clock,
            metrics=metrics,
        )
    )
    faq.result = FaqMatch(MatchKind.DECLINE, None, 0.1)
    await run(core, "status")
    await run(core, "ask what's the fee")
    await run(core, "bogus")
    assert metrics.counted == [
        ("commands_handled", {"command": "status", "platform": "console"}),
        ("commands_handled", {"command": "ask", "platform": "console"}),
        ("faq_declines", {"platform": "console"}),
    ]


async def test_a_servers_members_are_remembered_for_its_moderators(
    core: Gigguard, store: InMemoryStore
) -> None:
    async def in_server(user: str, server: str, text: str, *, moderator: bool = False) -> Reply:
        actor = Actor(MemberKey("discord", "global", user), moderator, community=server)
        return await core.handle(Request(actor, text))

    await in_server("stranger", "G1", "help")  # a stranger is not recorded anywhere
    assert store.communities == set()
    for user in ("a", "b", "c", "d", "e"):
        await in_server(user, "G1", "done all")
    await in_server("z", "G2", "done all")
    g1 = (await in_server("mod", "G1", "stats", moderator=True)).blocks[0]
    g2 = (await in_server("mod", "G2", "stats", moderator=True)).blocks[0]
    assert isinstance(g1, Table) and isinstance(g2, Table)
    assert g1.rows[0] == ("Members known", "5") and g2.rows[0] == ("Members known", "< 5")
    exported = (await in_server("a", "G1", "my-data")).data
    assert exported is not None and exported["communities"] == ["G1"]
