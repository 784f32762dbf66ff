"""The latest policy update per marketplace of each community, kept in process.

Every `status`, `done` and reminder needs it, and it changes only when a moderator records an
update. A `policy-update` committed in this process drops its community's entry at once
(SqlUnitOfWork.commit); one recorded by another process is seen here once the entry is older
than `ttl` seconds (default 10, the same delay as the knowledge-generation poll, without making
every process reload its knowledge files for a row in the database).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.policy import PolicyUpdate
from core.storage.tables import PolicyUpdate as PolicyUpdateRow
from core.storage.tables import as_utc

Scope = tuple[str, str]  # (platform, community)
Latest = dict[str, PolicyUpdate]  # marketplace -> its newest update


def policy_update(row: PolicyUpdateRow) -> PolicyUpdate:
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


def newest(updates: Iterable[PolicyUpdate]) -> Latest:
    """Per marketplace, the newest update (later created_at, then higher id, wins)."""
    found: Latest = {}
    for update in sorted(updates, key=lambda u: (u.created_at, u.id)):
        found[update.marketplace] = update
    return found


class PolicyCache:
    def __init__(self, *, ttl: float = 10.0, now: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._now = now
        self._entries: dict[Scope, tuple[float, Latest]] = {}
        self._forgotten = 0  # bumped by forget(): a load that overlapped one is not kept

    async def latest(self, session: AsyncSession, platform: str, communities: list[str]) -> Latest:
        """The newest update per marketplace across `communities` (one query for those missing)."""
        scopes = [(platform, community) for community in dict.fromkeys(communities)]
        now = self._now()
        fresh = {s: e[1] for s in scopes if (e := self._entries.get(s)) and now - e[0] < self._ttl}
        missing = [s for s in scopes if s not in fresh]
        if missing:
            forgotten = self._forgotten
            loaded = await _load(session, missing)
            for scope in missing:
                fresh[scope] = loaded.get(scope, {})
                if forgotten == self._forgotten:
                    self._entries[scope] = (now, fresh[scope])
        return newest(u for latest in fresh.values() for u in latest.values())

    def forget(self, scopes: Iterable[Scope]) -> None:
        self._forgotten += 1
        for scope in scopes:
            self._entries.pop(scope, None)

    def clear(self) -> None:
        self._forgotten += 1
        self._entries.clear()


async def _load(session: AsyncSession, scopes: list[Scope]) -> Mapping[Scope, Latest]:
    """Each scope's newest update per marketplace, in one statement."""
    scope = tuple_(col(PolicyUpdateRow.platform), col(PolicyUpdateRow.workspace))
    ranked = (
        select(
            col(PolicyUpdateRow.id),
            func.row_number()
            .over(
                partition_by=(
                    col(PolicyUpdateRow.platform),
                    col(PolicyUpdateRow.workspace),
                    col(PolicyUpdateRow.marketplace),
                ),
                order_by=(col(PolicyUpdateRow.created_at).desc(), col(PolicyUpdateRow.id).desc()),
            )
            .label("rank"),
        )
        .where(scope.in_(scopes))
        .subquery()
    )
    rows = await session.scalars(
        select(PolicyUpdateRow)
        .join(ranked, ranked.c.id == col(PolicyUpdateRow.id))
        .where(ranked.c.rank == 1)
    )
    found: dict[Scope, Latest] = {}
    for row in rows:
        found.setdefault((row.platform, row.workspace), {})[row.marketplace] = policy_update(row)
    return found
