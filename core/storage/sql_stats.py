"""SQL aggregates behind a moderator's `stats`: progress, trend and delivery outcomes (reminders,
broadcasts, welcome DMs)."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.outbox import Kind
from core.ports import ToggleIds
from core.status import CommunityProgress, DeliveryCounts
from core.storage.community import in_community
from core.storage.sql_policy import current_off, superseded
from core.storage.tables import (
    Broadcast,
    Delivery,
    Member,
    ToggleStatus,
    WelcomedMember,
    as_utc,
)


class SqlCommunityStats:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def progress(
        self, *, platform: str, workspace: str, finished: ToggleIds
    ) -> CommunityProgress:
        community = in_community(platform, workspace)
        members = await self._session.scalar(
            select(func.count()).select_from(Member).where(community)
        )
        pairs = or_(
            *(
                and_(col(ToggleStatus.marketplace) == m, col(ToggleStatus.toggle) == t)
                for m, t in finished
            )
        )
        done, ever = [
            list(
                await self._session.scalars(
                    select(func.max(col(ToggleStatus.recorded_at)))
                    .join(Member)
                    .where(community, pairs, switched_off)
                    .group_by(col(ToggleStatus.member_id))
                    .having(func.count() == len(finished))
                )
            )
            for switched_off in (current_off(), col(ToggleStatus.off).is_(True))
        ]
        rechecks = await self._session.scalar(
            select(func.count(func.distinct(col(ToggleStatus.member_id))))
            .join(Member)
            .where(community, col(ToggleStatus.off).is_(True), superseded())
        )
        return CommunityProgress(
            members=members or 0,
            finished_at=[as_utc(at) for at in done] if finished else [],
            rechecks=rechecks or 0,
            ever_finished_at=[as_utc(at) for at in ever] if finished else [],
        )

    async def deliveries(self, *, platform: str, workspace: str) -> DeliveryCounts:
        reminders = await self._session.execute(
            select(col(Delivery.status), func.count())
            .join(
                Member,
                and_(
                    col(Member.platform) == col(Delivery.platform),
                    col(Member.workspace) == col(Delivery.workspace),
                    col(Member.user_id) == col(Delivery.user_id),
                ),
            )
            .where(col(Delivery.kind) == Kind.REMINDER, in_community(platform, workspace))
            .group_by(col(Delivery.status))
        )
        broadcasts = await self._session.execute(
            select(col(Delivery.status), func.count())
            .join(Broadcast, col(Broadcast.id) == col(Delivery.broadcast_id))
            .where(
                col(Broadcast.platform) == platform,
                col(Broadcast.workspace) == workspace,
                col(Delivery.kind) != Kind.RUN,
            )
            .group_by(col(Delivery.status))
        )
        welcomes = await self._session.execute(
            select(col(Delivery.status), func.count())
            .join(
                WelcomedMember,
                and_(
                    col(WelcomedMember.platform) == col(Delivery.platform),
                    col(WelcomedMember.workspace) == col(Delivery.workspace),
                    col(WelcomedMember.user_id) == col(Delivery.user_id),
                ),
            )
            .where(
                col(Delivery.kind) == Kind.WELCOME,
                col(WelcomedMember.platform) == platform,
                col(WelcomedMember.community) == workspace,
            )
            .group_by(col(Delivery.status))
        )
        return DeliveryCounts(
            reminders=dict(reminders.tuples().all()),
            broadcasts=dict(broadcasts.tuples().all()),
            welcomes=dict(welcomes.tuples().all()),
        )
