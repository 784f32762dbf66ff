"""Wording a first user tripped over: proper plurals, no nested brackets, readable help
arguments, source lines that list every source once and cleanly, the guide saying who controls
each toggle, and the Fiverr clause in the seller's and the buyer's voice."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from core.identity import MemberKey
from core.knowledge import KnowledgeError, load_knowledge
from core.knowledge.loader import DEFAULT_DIR
from core.knowledge.plurals import category
from core.render_text import render_plain
from core.replies import CodeBlock, Reply, Section
from core.requests import Actor, Place, Request
from core.service import Gigguard

ALICE = MemberKey("console", "local", "alice")
PLURAL_IN_BRACKETS = re.compile(r"\w\((?:s|es|ies)\)")
NESTED = re.compile(r"[\[(<][^\])>]*[\[(<]")  # a bracket opened inside another


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, target)
    return target


async def run(core: Gigguard, text: str, *, moderator: bool = False) -> Reply:
    return await core.handle(Request(Actor(ALICE, is_moderator=moderator), text, Place.DM))


def every_text() -> list[tuple[str, str]]:
    found = []
    for key, text in load_knowledge().messages.items():
        forms = [text] if isinstance(text, str) else list(text.values())
        found += [(key, form) for form in forms]
    return found


def test_counts_take_the_plural_form_of_their_number() -> None:
    message = load_knowledge().message
    assert message("forget_me_done", count=1).startswith("Done: I deleted 1 record about you.")
    assert message("forget_me_done", count=4).startswith("Done: I deleted 4 records about you.")
    assert message("broadcast_cancelled", id=3, count=1).endswith(
        "1 delivery not yet made was stopped."
    )
    assert message("span_days", count=2) == "2 days"
    # CLDR's rules: 0 is "one" in Portuguese, "other" in English and Spanish.
    assert [category(lang, 0) for lang in ("en", "es", "pt", "pt-BR")] == [
        "other",
        "other",
        "one",
        "one",
    ]


def test_no_message_hedges_a_plural_or_nests_brackets() -> None:
    hedged = [key for key, text in every_text() if PLURAL_IN_BRACKETS.search(text)]
    nested = [key for key, text in every_text() if NESTED.search(text)]
    assert (hedged, nested) == ([], [])


async def test_help_arguments_read_as_what_to_type(core: Gigguard) -> None:
    help_text = render_plain(await run(core, "help", moderator=True))
    lines = [line for line in help_text.splitlines() if line.startswith("/optout ")]
    assert "/optout snooze <number> <delay>: " in help_text
    assert "/optout reminders [cancel NUMBER]: " in help_text
    assert "/optout broadcasts [failed NUMBER | cancel NUMBER]: " in help_text
    assert "/optout stats [export]: " in help_text
    assert not [line for line in lines if re.search(r"<\w+-and-\w+>|<broadcast-id>", line)]
    assert not [line for line in lines if NESTED.search(line.partition(": ")[0])]


def test_plural_forms_are_validated(knowledge_copy: Path) -> None:
    path = knowledge_copy / "messages.yaml"
    messages = yaml.safe_load(path.read_text())
    messages["span_days"] = {"one": "{count} day", "several": "{count} days"}
    path.write_text(yaml.safe_dump(messages))
    with pytest.raises(KnowledgeError, match=r"span_days: unknown plural categories \['several'\]"):
        load_knowledge(knowledge_copy)


async def test_the_source_line_lists_every_source_the_topic_cites(core: Gigguard) -> None:
    knowledge = load_knowledge()
    guide = await run(core, "guide upwork")
    assert guide.context is not None
    for source in ("aiguide101", "upwork-help-ai-preferences", "upwork-settings"):
        assert str(knowledge.sources[source].url) in guide.context
    assert guide.context.startswith("Sources: aiguide101.com: Upwork AI training opt-out (https://")
    assert not re.search(r"\)\s*\(", guide.context)  # no "(site) (url)"
    topic = knowledge.topics["data-categories"]
    one = knowledge.cite(topic)
    assert [str(knowledge.sources[s].url) in one for s in topic.sources] == [True, True]
    compare = await run(core, "compare")
    assert compare.context is not None and "fiverr.com" in compare.context


async def test_the_guide_says_who_controls_each_toggle(core: Gigguard) -> None:
    reply = await run(core, "guide upwork")
    [controls] = [
        b for b in reply.blocks if isinstance(b, Section) and b.title == "Who controls each toggle"
    ]
    lines = controls.text.splitlines()
    assert lines[0].startswith("• Communications Data: both parties.")
    assert lines[1].startswith("• Work Product Data: both parties.")
    assert lines[2].startswith("• Other Platform Data: yours alone.")
    assert "if either of you switches it off" in lines[0]


async def test_the_clause_comes_in_the_sellers_voice_and_the_buyers(core: Gigguard) -> None:
    seller = await run(core, "clause")
    [text] = [b.text for b in seller.blocks if isinstance(b, CodeBlock)]
    assert text.startswith(
        "AI statement: I deliver this order without generative AI tools. I do not consent"
    )
    assert [b.command for b in seller.buttons] == ["clause buyer"]
    assert seller == await run(core, "clause seller")
    buyer = await run(core, "clause buyer")
    [text] = [b.text for b in buyer.blocks if isinstance(b, CodeBlock)]
    assert text.startswith("AI restriction: no material I provide")
    assert [b.command for b in buyer.buttons] == ["clause seller"]
    assert "Choose one of: seller|buyer" in render_plain(await run(core, "clause vendor"))


def test_a_clause_without_the_sellers_voice_is_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / "clause.yaml"
    clause = yaml.safe_load(path.read_text())
    del clause["seller"]
    path.write_text(yaml.safe_dump(clause))
    with pytest.raises(KnowledgeError, match=r"clause.yaml.*seller"):
        load_knowledge(knowledge_copy)
