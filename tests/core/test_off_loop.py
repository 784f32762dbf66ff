"""CPU-heavy steps of a command run off the event loop, so acks and heartbeats are not held up
behind them: the FAQ match of `ask` and the chart of `stats` (about 20 ms of CPU each time)."""

from __future__ import annotations

import threading
from functools import partial

import pytest

from core.charts import bar_chart
from core.commands import moderation
from core.faq.engine import FaqMatch, MatchKind
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.replies import Attachment
from core.requests import Actor, Request
from core.service import Gigguard
from tests.fakes import InMemoryStore, InMemoryUnitOfWork, ManualClock
from tests.services import make_services

MOD = MemberKey("slack", "T1", "UMOD")


class ThreadNotingFaq:
    """An FAQ engine that notes which thread each question was matched on."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def match(self, question: str) -> FaqMatch:
        self.threads.append(threading.current_thread())
        return FaqMatch(MatchKind.ANSWER, "what-changed", 0.9)


def build(faq: ThreadNotingFaq) -> Gigguard:
    return Gigguard(
        make_services(
            knowledge=load_knowledge(),
            uow=partial(InMemoryUnitOfWork, InMemoryStore()),
            faq=faq,
            clock=ManualClock(),
        )
    )


async def test_the_faq_match_runs_off_the_event_loop() -> None:
    faq = ThreadNotingFaq()
    await build(faq).handle(Request(Actor(MOD), "ask what changed"))
    assert faq.threads and threading.current_thread() not in faq.threads


async def test_the_stats_chart_is_drawn_off_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn_on: list[threading.Thread] = []

    def noting_bar_chart(*args: object, **kwargs: object) -> Attachment:
        drawn_on.append(threading.current_thread())
        return bar_chart(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(moderation, "bar_chart", noting_bar_chart)
    core = build(ThreadNotingFaq())
    for n in range(5):  # figures over fewer than five members are hidden, with no chart
        await core.handle(Request(Actor(MemberKey("slack", "T1", f"U{n}")), "done all"))
    reply = await core.handle(Request(Actor(MOD, is_moderator=True), "stats"))
    assert reply.attachments and drawn_on
    assert threading.current_thread() not in drawn_on
