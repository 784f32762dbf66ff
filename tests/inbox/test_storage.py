"""The inbox and feedback tables on both engines: scoped by community, answered rows queue
one DM per waiting asker, feedback batches add up."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.bootstrap import App, build_app
from bot.settings import Settings
from core.faq.engine import FaqEngine
from core.identity import MemberKey
from tests.fakes import ManualClock

ANA = MemberKey("discord", "global", "111")


@pytest.fixture
async def app(
    any_database_url: str, clock: ManualClock, faq_engine: FaqEngine
) -> AsyncIterator[App]:
    settings = Settings(_env_file=None, database_url=any_database_url)  # type: ignore[call-arg]
    built = build_app(settings, clock=clock, faq=faq_engine)
    yield built
    await built.close()


async def test_questions_are_per_community_and_an_answer_queues_one_dm(
    app: App, clock: ManualClock
) -> None:
    day = clock.now().date()
    async with app.core.services.uow() as uow:
        first = await uow.inbox.add(
            platform="discord", community="G1", text="a?", on=day, notify=ANA
        )
        second = await uow.inbox.add(
            platform="discord", community="G1", text="b?", on=day, notify=None
        )
        theirs = await uow.inbox.add(
            platform="discord", community="G2", text="c?", on=day, notify=None
        )
        await uow.commit()
    async with app.core.services.uow() as uow:
        assert [
            q.id for q in await uow.inbox.open_questions(platform="discord", community="G1")
        ] == [
            first,
            second,
        ]
        queued = await uow.inbox.answer(
            [first, second, theirs],
            platform="discord",
            community="G1",
            topic="asked-1",
            answer="yes",
            at=clock.now(),
        )
        assert queued == 1
        assert await uow.inbox.dismiss([theirs], platform="discord", community="G1") == 0
        await uow.commit()
    async with app.core.services.uow() as uow:
        assert await uow.inbox.open_questions(platform="discord", community="G1") == []
        (left,) = await uow.inbox.open_questions(platform="discord", community="G2")
        assert left.id == theirs
        claimed = await uow.outbox.claim(
            owner="w",
            platforms=["discord"],
            now=clock.now(),
            lease=dt.timedelta(minutes=1),
            limit=5,
        )
        (row,) = claimed
        assert (row.kind.value, row.workspace, row.user) == ("answer", "global", "111")
        told = await uow.inbox.answered_for(row.id)
        assert told is not None and (told.text, told.answer, told.topic) == ("a?", "yes", "asked-1")


async def test_feedback_batches_add_up_per_community(app: App) -> None:
    batch = {("slack", "T1", "what-changed", True): 2, ("slack", "T2", "what-changed", False): 1}
    for _ in range(2):
        async with app.core.services.uow() as uow:
            await uow.feedback.add_counts(batch)
            await uow.commit()
    async with app.core.services.uow() as uow:
        assert await uow.feedback.topic_counts(platform="slack", workspace="T1") == {
            ("what-changed", True): 4
        }
