"""SQL side of the moderators' inbox and of the answer feedback counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.identity import MemberKey
from core.inbox.models import AnsweredQuestion, OpenQuestion, QuestionState, WaitingQuestion
from core.outbox import Kind, Status
from core.storage.sql_delivery import recipient_filter, row_count
from core.storage.tables import Delivery, FaqFeedbackCount, InboxQuestion
from core.storage.upsert import upsert

FeedbackKey = tuple[str, str, str, bool]  # (platform, community, topic, helpful)


def _open_in(ids: Sequence[int], platform: str, community: str) -> ColumnElement[bool]:
    return and_(
        col(InboxQuestion.id).in_(list(ids)),
        col(InboxQuestion.platform) == platform,
        col(InboxQuestion.workspace) == community,
        col(InboxQuestion.state) == QuestionState.OPEN,
    )


class SqlInboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        platform: str,
        community: str,
        text: str,
        on: dt.date,
        notify: MemberKey | None,
    ) -> int:
        row = InboxQuestion(
            platform=platform,
            workspace=community,
            text=text,
            asked_on=on,
            state=QuestionState.OPEN,
            notify_workspace=notify.workspace if notify else None,
            notify_user=notify.user if notify else None,
        )
        self._session.add(row)
        await self._session.flush()
        assert row.id is not None
        return row.id

    async def open_questions(self, *, platform: str, community: str) -> list[OpenQuestion]:
        rows = await self._session.execute(
            select(col(InboxQuestion.id), col(InboxQuestion.text), col(InboxQuestion.asked_on))
            .where(
                col(InboxQuestion.platform) == platform,
                col(InboxQuestion.workspace) == community,
                col(InboxQuestion.state) == QuestionState.OPEN,
            )
            .order_by(col(InboxQuestion.id))
        )
        return [OpenQuestion(i or 0, t, on) for i, t, on in rows.tuples()]

    async def answer(
        self,
        ids: Sequence[int],
        *,
        platform: str,
        community: str,
        topic: str,
        answer: str,
        at: dt.datetime,
    ) -> int:
        waiting = await self._session.execute(
            select(
                col(InboxQuestion.id),
                col(InboxQuestion.notify_workspace),
                col(InboxQuestion.notify_user),
            ).where(_open_in(ids, platform, community), col(InboxQuestion.notify_user).is_not(None))
        )
        queued = 0
        for question_id, workspace, user in waiting.tuples():
            delivery = Delivery(
                kind=Kind.ANSWER,
                platform=platform,
                workspace=workspace or community,
                user_id=user,
                status=Status.PENDING,
                due_at=at,
                created_at=at,
            )
            self._session.add(delivery)
            await self._session.flush()
            await self._session.execute(
                update(InboxQuestion)
                .where(col(InboxQuestion.id) == question_id)
                .values(delivery_id=delivery.id, notify_workspace=None, notify_user=None)
            )
            queued += 1
        await self._session.execute(
            update(InboxQuestion)
            .where(_open_in(ids, platform, community))
            .values(state=QuestionState.ANSWERED, topic=topic, answer=answer)
        )
        return queued

    async def dismiss(self, ids: Sequence[int], *, platform: str, community: str) -> int:
        result = await self._session.execute(
            delete(InboxQuestion).where(_open_in(ids, platform, community))
        )
        return row_count(result)

    async def answered_for(self, delivery_id: int) -> AnsweredQuestion | None:
        row = await self._session.scalar(
            select(InboxQuestion).where(
                col(InboxQuestion.delivery_id) == delivery_id,
                col(InboxQuestion.state) == QuestionState.ANSWERED,
            )
        )
        if row is None or row.answer is None or row.topic is None:
            return None
        return AnsweredQuestion(row.text, row.asked_on, row.answer, row.topic)


def _asked_by(key: MemberKey) -> ColumnElement[bool]:
    return and_(
        col(InboxQuestion.platform) == key.platform,
        col(InboxQuestion.notify_workspace) == key.workspace,
        col(InboxQuestion.notify_user) == key.user,
    )


async def waiting_for(session: AsyncSession, key: MemberKey) -> list[WaitingQuestion]:
    """The member's questions whose answer they asked to hear of: still open (their id is on
    the question) or answered with the DM to them in the outbox."""
    told = col(InboxQuestion.delivery_id).in_(
        select(col(Delivery.id)).where(recipient_filter(key), col(Delivery.kind) == Kind.ANSWER)
    )
    rows = await session.scalars(
        select(InboxQuestion).where(or_(_asked_by(key), told)).order_by(col(InboxQuestion.id))
    )
    return [
        WaitingQuestion(
            id=row.id or 0,
            asked_on=row.asked_on,
            text=row.text,
            answered=row.state == QuestionState.ANSWERED,
        )
        for row in rows
    ]


async def forget_asker(session: AsyncSession, key: MemberKey) -> int:
    """Their questions stay for the moderators, anonymous again; the DMs go with the outbox."""
    result = await session.execute(
        update(InboxQuestion)
        .where(
            col(InboxQuestion.platform) == key.platform,
            col(InboxQuestion.notify_workspace) == key.workspace,
            col(InboxQuestion.notify_user) == key.user,
        )
        .values(notify_workspace=None, notify_user=None)
    )
    return row_count(result)


class SqlFeedbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_counts(self, counts: dict[FeedbackKey, int]) -> None:
        """One statement per batch, rows in key order (two flushing processes cannot deadlock)."""
        if not counts:
            return
        rows = [
            {"platform": p, "workspace": w, "topic": t, "helpful": h, "count": n}
            for (p, w, t, h), n in sorted(counts.items())
        ]
        insert = upsert(self._session, FaqFeedbackCount).values(rows)
        await self._session.execute(
            insert.on_conflict_do_update(
                index_elements=["platform", "workspace", "topic", "helpful"],
                set_={"count": col(FaqFeedbackCount.count) + insert.excluded.count},
            )
        )

    async def topic_counts(self, *, platform: str, workspace: str) -> dict[tuple[str, bool], int]:
        rows = await self._session.scalars(
            select(FaqFeedbackCount).where(
                col(FaqFeedbackCount.platform) == platform,
                col(FaqFeedbackCount.workspace) == workspace,
            )
        )
        return {(row.topic, row.helpful): row.count for row in rows}
