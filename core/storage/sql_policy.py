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
from core.storage.memo import MemberMemo
from core.storage.policy_cache import PolicyCache, policy_update
from core.storage.tables import Member, MemberCommunity, ToggleStatus
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


class SqlPolicyUpdateRepository:
    def __init__(self, session: AsyncSession, cache: PolicyCache, memo: MemberMemo) -> None:
        self._session = session
        self._cache = cache
        self._memo = memo

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
        self._memo.changed_policies.add((platform, workspace))
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
        return [policy_update(row) for row in rows]

    async def latest_for(self, key: MemberKey) -> dict[str, PolicyUpdate]:
        communities = self._memo.communities.get(key)
        if communities is None:  # not read with the member's toggles in this unit of work
            communities = list(
                await self._session.scalars(
                    select(col(MemberCommunity.community)).join(Member).where(is_member(key))
                )
            )
        return await self._cache.latest(self._session, key.platform, [key.workspace, *communities])
