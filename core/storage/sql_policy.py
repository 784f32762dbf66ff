"""SQL side of policy updates, and the rule that makes an older toggle record need a re-check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.identity import MemberKey
from core.policy import PolicyUpdate
from core.storage.community import is_member
from core.storage.tables import Member, MemberCommunity, ToggleStatus, as_utc
from core.storage.tables import PolicyUpdate as PolicyUpdateRow


def superseded(owner: Any = Member) -> ColumnElement[bool]:
    """A ToggleStatus row (its member joined as `owner`) recorded at or before a policy update
    of its marketplace in the member's workspace or in a community they used the bot in."""
    communities = select(col(MemberCommunity.community)).where(
        col(MemberCommunity.member_id) == owner.id
    )
    return exists().where(
        col(PolicyUpdateRow.platform) == owner.platform,
        col(PolicyUpdateRow.marketplace) == col(ToggleStatus.marketplace),
        col(PolicyUpdateRow.created_at) >= col(ToggleStatus.recorded_at),
        or_(
            col(PolicyUpdateRow.workspace) == owner.workspace,
            col(PolicyUpdateRow.workspace).in_(communities),
        ),
    )


def current_off(owner: Any = Member) -> ColumnElement[bool]:
    """Switched off, and recorded after the marketplace's latest policy update."""
    return col(ToggleStatus.off).is_(True) & ~superseded(owner)


def _model(row: PolicyUpdateRow) -> PolicyUpdate:
    assert row.id is not None
    return PolicyUpdate(
        id=row.id,
        platform=row.platform,
        workspace=row.workspace,
        marketplace=row.marketplace,
        note=row.note,
        source=row.source,
        created_at=as_utc(row.created_at),
    )


class SqlPolicyUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        platform: str,
        workspace: str,
        marketplace: str,
        note: str,
        source: str | None,
        at: dt.datetime,
    ) -> int:
        row = PolicyUpdateRow(
            platform=platform,
            workspace=workspace,
            marketplace=marketplace,
            note=note,
            source=source,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        assert row.id is not None
        return row.id

    async def recent(self, *, platform: str, workspace: str, limit: int) -> list[PolicyUpdate]:
        rows = await self._session.scalars(
            select(PolicyUpdateRow)
            .where(
                col(PolicyUpdateRow.platform) == platform,
                col(PolicyUpdateRow.workspace) == workspace,
            )
            .order_by(col(PolicyUpdateRow.created_at).desc(), col(PolicyUpdateRow.id).desc())
            .limit(limit)
        )
        return [_model(row) for row in rows]

    async def latest_for(self, key: MemberKey) -> dict[str, PolicyUpdate]:
        member = select(col(Member.id)).where(is_member(key))
        communities = select(col(MemberCommunity.community)).where(
            col(MemberCommunity.member_id).in_(member)
        )
        rows = await self._session.scalars(
            select(PolicyUpdateRow)
            .where(
                col(PolicyUpdateRow.platform) == key.platform,
                or_(
                    col(PolicyUpdateRow.workspace) == key.workspace,
                    col(PolicyUpdateRow.workspace).in_(communities),
                ),
            )
            .order_by(col(PolicyUpdateRow.created_at), col(PolicyUpdateRow.id))
        )
        return {row.marketplace: _model(row) for row in rows}  # the newest wins
