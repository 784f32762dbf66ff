"""SQL implementation of the storage ports on an AsyncSession (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from types import TracebackType
from typing import Self

from sqlalchemy import delete, func, literal, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from core.errors import StorageError
from core.identity import MemberKey
from core.status import MemberProfile, ToggleCounts, ToggleRecord
from core.storage.community import in_community, is_member
from core.storage.sql_dashboard import SqlDashboardLogins
from core.storage.sql_delivery import (
    SqlBroadcastRepository,
    SqlReminderRepository,
    recipient_filter,
)
from core.storage.sql_outbox import SqlOutboxRepository
from core.storage.sql_policy import SqlPolicyUpdateRepository, current_off, superseded
from core.storage.sql_stats import SqlCommunityStats
from core.storage.tables import (
    Delivery,
    FaqTopicCount,
    Member,
    MemberCommunity,
    ToggleStatus,
    as_utc,
)
from core.storage.upsert import upsert

DECLINED_TOPIC = ""


class SqlMemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _member(self, key: MemberKey) -> Member | None:
        result = await self._session.execute(select(Member).where(is_member(key)))
        return result.scalar_one_or_none()

    async def _member_id(self, key: MemberKey, at: dt.datetime) -> int:
        """The member's id, creating the row if needed; safe against concurrent creation."""
        # DO UPDATE (a no-op) rather than DO NOTHING so RETURNING yields the id in one trip.
        statement = upsert(self._session, Member).values(
            platform=key.platform, workspace=key.workspace, user_id=key.user, created_at=at
        )
        member_id = await self._session.scalar(
            statement.on_conflict_do_update(
                index_elements=["platform", "workspace", "user_id"],
                set_={"platform": statement.excluded.platform},
            ).returning(col(Member.id))
        )
        assert member_id is not None
        return int(member_id)

    async def profile(self, key: MemberKey) -> MemberProfile | None:
        member = await self._member(key)
        if member is None:
            return None
        return MemberProfile(
            key=key,
            timezone=member.timezone,
            muted=member.muted,
            created_at=as_utc(member.created_at),
        )

    async def toggles(self, key: MemberKey) -> list[ToggleRecord]:
        # Plain columns, not ORM objects: this runs on every status, guide and done.
        result = await self._session.execute(
            select(
                col(ToggleStatus.marketplace),
                col(ToggleStatus.toggle),
                col(ToggleStatus.off),
                col(ToggleStatus.recorded_at),
            )
            .join(Member)
            .where(is_member(key))
        )
        return [
            ToggleRecord(marketplace=m, toggle=t, off=off, recorded_at=as_utc(at))
            for m, t, off, at in result.tuples()
        ]

    async def set_toggle(
        self, key: MemberKey, *, marketplace: str, toggle: str, off: bool, at: dt.datetime
    ) -> None:
        member_id = await self._member_id(key, at)
        await self._session.execute(
            upsert(self._session, ToggleStatus)
            .values(
                member_id=member_id, marketplace=marketplace, toggle=toggle, off=off, recorded_at=at
            )
            .on_conflict_do_update(
                index_elements=["member_id", "marketplace", "toggle"],
                set_={"off": off, "recorded_at": at},
            )
        )

    async def delete(self, key: MemberKey) -> int:
        deliveries = await self._session.execute(delete(Delivery).where(recipient_filter(key)))
        gone = int(getattr(deliveries, "rowcount", 0) or 0)
        member = await self._member(key)
        if member is None:
            return gone
        counted = 0
        for table in (ToggleStatus, MemberCommunity):
            result = await self._session.execute(
                delete(table).where(col(table.member_id) == member.id)
            )
            counted += int(getattr(result, "rowcount", 0) or 0)
        await self._session.delete(member)
        return gone + counted + 1

    async def join_community(self, key: MemberKey, community: str) -> None:
        """Remember that a known member used the bot in `community`; strangers stay unknown."""
        known_member = select(col(Member.id), literal(community)).where(is_member(key))
        await self._session.execute(
            upsert(self._session, MemberCommunity)
            .from_select(["member_id", "community"], known_member)
            .on_conflict_do_nothing()
        )

    async def communities(self, key: MemberKey) -> list[str]:
        result = await self._session.scalars(
            select(col(MemberCommunity.community))
            .join(Member)
            .where(is_member(key))
            .order_by(col(MemberCommunity.community))
        )
        return list(result)

    async def set_timezone(self, key: MemberKey, timezone: str, *, at: dt.datetime) -> None:
        member_id = await self._member_id(key, at)
        await self._session.execute(
            update(Member).where(col(Member.id) == member_id).values(timezone=timezone)
        )

    async def set_muted(self, key: MemberKey, muted: bool, *, at: dt.datetime) -> None:
        member_id = await self._member_id(key, at)
        await self._session.execute(
            update(Member).where(col(Member.id) == member_id).values(muted=muted)
        )

    async def toggle_counts(
        self, *, platform: str, workspace: str, marketplace: str, toggles: list[str]
    ) -> ToggleCounts:
        members = await self._session.scalar(
            select(func.count()).select_from(Member).where(in_community(platform, workspace))
        )
        recorded = (
            in_community(platform, workspace),
            col(ToggleStatus.marketplace) == marketplace,
            col(ToggleStatus.toggle).in_(toggles),
        )
        off_rows = (
            select(col(ToggleStatus.member_id), col(ToggleStatus.toggle))
            .join(Member)
            .where(*recorded, current_off())
            .subquery()
        )
        rechecks = await self._session.scalar(
            select(func.count(func.distinct(col(ToggleStatus.member_id))))
            .join(Member)
            .where(*recorded, col(ToggleStatus.off).is_(True), superseded())
        )
        per_toggle_rows = await self._session.execute(
            select(off_rows.c.toggle, func.count()).group_by(off_rows.c.toggle)
        )
        per_toggle = {toggle: 0 for toggle in toggles} | dict(per_toggle_rows.tuples().all())
        finished = await self._session.scalar(
            select(func.count()).select_from(
                select(off_rows.c.member_id)
                .group_by(off_rows.c.member_id)
                .having(func.count() == len(toggles))
                .subquery()
            )
        )
        return ToggleCounts(
            members=members or 0,
            finished=finished or 0,
            per_toggle=per_toggle,
            rechecks=rechecks or 0,
        )


class SqlFaqStatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count_question(self, *, platform: str, workspace: str, topic: str | None) -> None:
        await self._session.execute(
            upsert(self._session, FaqTopicCount)
            .values(platform=platform, workspace=workspace, topic=topic or DECLINED_TOPIC, count=1)
            .on_conflict_do_update(
                index_elements=["platform", "workspace", "topic"],
                set_={"count": col(FaqTopicCount.count) + 1},
            )
        )

    async def topic_counts(self, *, platform: str, workspace: str) -> dict[str | None, int]:
        result = await self._session.execute(
            select(FaqTopicCount).where(
                col(FaqTopicCount.platform) == platform, col(FaqTopicCount.workspace) == workspace
            )
        )
        return {(row.topic or None): row.count for row in result.scalars()}


class SqlUnitOfWork:
    """One session, one transaction. Driver errors surface as StorageError, rolled back."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        self.members = SqlMemberRepository(self._session)
        self.faq_stats = SqlFaqStatsRepository(self._session)
        self.policy = SqlPolicyUpdateRepository(self._session)
        self.stats = SqlCommunityStats(self._session)
        self.reminders = SqlReminderRepository(self._session)
        self.broadcasts = SqlBroadcastRepository(self._session)
        self.outbox = SqlOutboxRepository(self._session)
        self.dashboard_logins = SqlDashboardLogins(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
        if isinstance(exc, SQLAlchemyError):
            raise StorageError("the database could not complete the request", exc) from exc

    async def commit(self) -> None:
        try:
            await self._session.commit()
        except SQLAlchemyError as exc:
            raise StorageError("the database could not save the change", exc) from exc
