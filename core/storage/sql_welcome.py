"""SQL side of welcome DMs: which communities switched them on, and the one-per-member marker.

Exactly-once is the marker's primary key: `queue` inserts it with ON CONFLICT DO NOTHING and
queues the delivery only when the insert took, in the caller's transaction. Two joins of the
same member at once (Slack retries an event it thinks was lost) queue one DM between them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.identity import MemberKey
from core.joins import Welcomed
from core.outbox import Kind, Status
from core.storage.sql_delivery import row_count
from core.storage.tables import Delivery, WelcomeCommunity, WelcomedMember, as_utc
from core.storage.upsert import upsert


def is_welcomed(key: MemberKey) -> ColumnElement[bool]:
    """A filter on WelcomedMember: this member's marker."""
    return and_(
        col(WelcomedMember.platform) == key.platform,
        col(WelcomedMember.workspace) == key.workspace,
        col(WelcomedMember.user_id) == key.user,
    )


class SqlWelcomeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def is_on(self, *, platform: str, community: str) -> dt.datetime | None:
        row = await self._session.get(WelcomeCommunity, (platform, community))
        return as_utc(row.switched_on_at) if row else None

    async def switch(self, *, platform: str, community: str, on: bool, at: dt.datetime) -> bool:
        if not on:
            result = await self._session.execute(
                delete(WelcomeCommunity).where(
                    col(WelcomeCommunity.platform) == platform,
                    col(WelcomeCommunity.community) == community,
                )
            )
            return row_count(result) == 1
        result = await self._session.execute(
            upsert(self._session, WelcomeCommunity)
            .values(platform=platform, community=community, switched_on_at=at)
            .on_conflict_do_nothing()
        )
        return row_count(result) == 1

    async def queue(self, key: MemberKey, *, community: str, at: dt.datetime) -> bool:
        marked = await self._session.execute(
            upsert(self._session, WelcomedMember)
            .values(
                platform=key.platform,
                workspace=key.workspace,
                user_id=key.user,
                community=community,
                created_at=at,
            )
            .on_conflict_do_nothing()
        )
        if row_count(marked) != 1:
            return False
        self._session.add(
            Delivery(
                kind=Kind.WELCOME,
                platform=key.platform,
                workspace=key.workspace,
                user_id=key.user,
                status=Status.PENDING,
                due_at=at,
                created_at=at,
            )
        )
        await self._session.flush()
        return True


async def welcomed(session: AsyncSession, key: MemberKey) -> Welcomed | None:
    """The member's marker, for my-data."""
    row = (
        await session.execute(select(WelcomedMember).where(is_welcomed(key)))
    ).scalar_one_or_none()
    return Welcomed(row.community, as_utc(row.created_at)) if row else None
