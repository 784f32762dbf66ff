"""A community's own knowledge: extra FAQ entries and moderators' notes, validated like the rest."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
import yaml

from core.faq.engine import FaqMatch, MatchKind
from core.identity import MemberKey
from core.knowledge import KnowledgeError, load_knowledge
from core.knowledge.models import CommunityTopic
from core.render_text import render_plain
from core.requests import Actor, Request
from core.service import Gigguard
from tests.fakes import FixedFaq, InMemoryStore, InMemoryUnitOfWork, ManualClock
from tests.services import make_services

EXTRA_TOPIC = {
    "id": "community-policy",
    "title": "Our community's AI policy",
    "answer": "Members of this community agree not to post client work in public channels.",
    "sources": ["community-rules"],
    "last_checked": "2026-11-20",
    "questions": ["what is our AI policy", "can I share client work here", "community AI rules"],
}
EXTRA_SOURCE = {
    "id": "community-rules",
    "title": "Community rules",
    "url": "https://example.org/rules",
}


def write(directory: Path, name: str, entries: list[dict[str, object]]) -> None:
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(yaml.safe_dump(entries, sort_keys=False))


@pytest.fixture
def overrides(tmp_path: Path) -> Path:
    directory = tmp_path / "community"
    write(directory, "sources.yaml", [EXTRA_SOURCE])
    write(directory, "faq.yaml", [EXTRA_TOPIC])
    write(
        directory,
        "notes.yaml",
        [
            {"topic": "how-to-opt-out", "note": "Ask in #help if the menu looks different."},
            {"topic": "older-data", "note": "Only for slack/T1.", "community": "slack/T1"},
        ],
    )
    return directory


def test_extra_topics_and_notes_are_loaded(overrides: Path) -> None:
    knowledge = load_knowledge(overrides=overrides)
    assert isinstance(knowledge.topics["community-policy"], CommunityTopic)
    assert len(knowledge.topics) == 14
    assert knowledge.community_phrasings() == {"community-policy": EXTRA_TOPIC["questions"]}
    assert knowledge.notes_for("older-data", "slack/T1") == ["Only for slack/T1."]
    assert knowledge.notes_for("older-data", "slack/T2") == []
    assert knowledge.notes_for("how-to-opt-out", "discord/9") == [
        "Ask in #help if the menu looks different."
    ]


def test_shipped_ids_cannot_be_replaced(overrides: Path) -> None:
    write(overrides, "faq.yaml", [EXTRA_TOPIC | {"id": "what-changed"}])
    with pytest.raises(
        KnowledgeError,
        match=r"these topic ids already exist in the shipped knowledge: \['what-changed'\]",
    ):
        load_knowledge(overrides=overrides)


@pytest.mark.parametrize(
    ("name", "entries", "expected"),
    [
        (
            "notes.yaml",
            [{"topic": "nope", "note": "x"}],
            r"notes for unknown topics: \['nope'\]",
        ),
        (
            "notes.yaml",
            [{"topic": "older-data"}],
            r"notes.yaml: line 1, field \[0\].note: Field required",
        ),
        (
            "faq.yaml",
            [EXTRA_TOPIC | {"questions": ["one"]}],
            r"faq.yaml: line \d+, field \[0\].questions",
        ),
        ("faq.yaml", [EXTRA_TOPIC | {"sources": ["missing"]}], r"cites unknown source"),
        (
            "sources.yaml",
            [EXTRA_SOURCE | {"url": "ftp:/x"}],
            r"sources.yaml: line \d+, field \[0\].url",
        ),
    ],
)
def test_bad_override_files_are_rejected_precisely(
    overrides: Path, name: str, entries: list[dict[str, object]], expected: str
) -> None:
    write(overrides, name, entries)
    with pytest.raises(KnowledgeError, match=expected):
        load_knowledge(overrides=overrides)


async def test_answers_show_the_communitys_notes(overrides: Path) -> None:
    faq = FixedFaq(FaqMatch(MatchKind.ANSWER, "older-data", 0.9))
    core = Gigguard(
        make_services(
            knowledge=load_knowledge(overrides=overrides),
            uow=partial(InMemoryUnitOfWork, InMemoryStore()),
            faq=faq,
            clock=ManualClock(),
        )
    )

    async def ask(workspace: str) -> str:
        actor = Actor(MemberKey("slack", workspace, "U1"))
        return render_plain(await core.handle(Request(actor, "ask are my old files safe")))

    assert "Only for slack/T1." in await ask("T1")
    assert "Only for slack/T1." not in await ask("T2")
