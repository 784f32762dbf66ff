"""The inbox's parts on their own: scrubbing, grouping, the in-memory hold, closest topics."""

from __future__ import annotations

import datetime as dt

import pytest

from core.identity import MemberKey
from core.inbox.grouping import group_questions
from core.inbox.models import OpenQuestion
from core.inbox.pending import DeclinedQuestions
from core.inbox.scrub import MAX_QUESTION, scrub
from core.knowledge import load_knowledge
from core.topic_suggestions import closest_topics

DAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
ANA = MemberKey("discord", "global", "111")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ask <@U024BE7LH> or <@W1> please", "ask [mention] or [mention] please"),
        ("<!channel> <!here> <!subteam^S1|@team> hi", "[mention] [mention] [mention] hi"),
        ("<@123456789012345678> <@!1> <@&2> <#3>", "[mention] [mention] [mention] [mention]"),
        ("@everyone @here @ana.b what now", "[mention] [mention] [mention] what now"),
        ("write to a.b+c@mail.example.co.uk", "write to [e-mail]"),
        ("<mailto:a@b.io|a@b.io> ok", "[e-mail] ok"),
        ("see https://x.io/p?q=1 and www.y.org/z", "see [link] and [link]"),
        ("Slack link <https://x.io|x> here", "Slack link [link] here"),
        ("call +1 (555) 123-4567 or 030 1234567", "call [phone] or [phone]"),
        (
            "since 2026-01-05, 7 years, 2024 and 12/31/2025",
            "since 2026-01-05, 7 years, 2024 and 12/31/2025",
        ),
    ],
)
def test_scrub_takes_out_what_names_anyone(typed: str, stored: str) -> None:
    assert scrub(typed) == stored


def test_scrub_clips_long_questions() -> None:
    assert len(scrub("why " * 400)) == MAX_QUESTION


def q(number: int, text: str) -> OpenQuestion:
    return OpenQuestion(number, text, DAY + dt.timedelta(days=number))


def test_groups_keep_their_ids_when_questions_arrive_or_groups_go() -> None:
    asked = [
        q(1, "Is there a Berlin meetup in December?"),
        q(2, "How much does Upwork charge in fees?"),
        q(3, "is there a berlin meetup in december"),
        q(4, "how much are upwork fees"),
    ]
    groups = group_questions(asked)
    assert [(g.id, [x.id for x in g.questions]) for g in groups] == [(1, [1, 3]), (2, [2, 4])]
    assert groups[0].newest == DAY + dt.timedelta(days=3)
    later = group_questions([*asked[1:2], *asked[3:], q(5, "A Berlin meetup in December?")])
    assert [(g.id, [x.id for x in g.questions]) for g in later] == [(2, [2, 4]), (5, [5])]


def test_a_held_question_is_taken_once_by_its_asker_in_its_community() -> None:
    held = DeclinedQuestions()
    token = held.hold("why?", asker=ANA, community="g1", now=NOW)
    assert len(token) <= 16
    other = MemberKey("discord", "global", "222")
    assert held.take(token, asker=other, community="g1", now=NOW) is None
    assert held.take(token, asker=ANA, community="g2", now=NOW) is None
    assert held.take(token, asker=ANA, community="g1", now=NOW) == "why?"
    assert held.take(token, asker=ANA, community="g1", now=NOW) is None


def test_held_questions_expire_and_are_bounded() -> None:
    held = DeclinedQuestions(ttl=dt.timedelta(minutes=30), capacity=2)
    first = held.hold("a", asker=ANA, community="g", now=NOW)
    second = held.hold("b", asker=ANA, community="g", now=NOW + dt.timedelta(minutes=10))
    third = held.hold("c", asker=ANA, community="g", now=NOW + dt.timedelta(minutes=11))
    assert len(held) == 2
    assert held.take(first, asker=ANA, community="g", now=NOW) is None  # evicted, oldest
    later = NOW + dt.timedelta(minutes=40, seconds=1)
    assert held.take(second, asker=ANA, community="g", now=later) is None  # expired
    assert held.take(third, asker=ANA, community="g", now=later) == "c"


def test_closest_topics_share_the_question_s_words() -> None:
    knowledge = load_knowledge()
    assert closest_topics(knowledge, "which clause for fiverr orders?")[0] == "fiverr-no-ai-clause"
    assert closest_topics(knowledge, "x", first=("older-data",))[0] == "older-data"
    assert len(closest_topics(knowledge, "nothing alike at all")) == 3
