"""SQL side of reminders, broadcasts and the delivery outbox (SQLite and PostgreSQL).

Work per delivery is constant: claims walk the (status, due_at) index and take `limit` rows,
every other statement touches one row by primary key or unique index, and a broadcast run is
expanded with one INSERT ... SELECT whatever the audience size.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from core.identity import MemberKey
from core.outbox import (
    Audience,
    Broadcast,
    BroadcastState,
    Kind,
    NewBroadcast,
    ReminderInfo,
    Report,
    Status,
    Target,
)
from core.storage.community import in_community
from core.storage.sql_policy import current_off
from core.storage.tables import Broadcast as BroadcastRow
from core.storage.tables import Delivery, Member, ToggleStatus, as_utc

ToggleIds = list[tuple[str, str]]


def recipient_filter(key: MemberKey) -> ColumnElement[bool]:
    return and_(
        col(Delivery.platform) == key.platform,
        col(Delivery.workspace) == key.workspace,
        col(Delivery.user_id) == key.user,
    )


def row_count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _finished_members(finished: ToggleIds) -> ColumnElement[bool]:
    """Member ids with every listed toggle recorded as off since its latest policy update."""
    pairs = or_(
        *(
            and_(col(ToggleStatus.marketplace) == m, col(ToggleStatus.toggle) == t)
            for m, t in finished
        )
    )
    owner = aliased(Member)  # the outer query is on Member: keep this one uncorrelated
    done = (
        select(col(ToggleStatus.member_id))
        .join(owner)
        .where(current_off(owner), pairs)
        .group_by(col(ToggleStatus.member_id))
        .having(func.count() == len(finished))
    )
    return col(Member.id).in_(done)


class SqlReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, key: MemberKey, *, due_at: dt.datetime, at: dt.datetime) -> int:
        row = Delivery(
            kind=Kind.REMINDER,
            platform=key.platform,
            workspace=key.workspace,
            user_id=key.user,
            status=Status.PENDING,
            due_at=due_at,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        assert row.id is not None
        return row.id

    async def for_member(self, key: MemberKey, *, pending_only: bool) -> list[ReminderInfo]:
        query = select(Delivery).where(recipient_filter(key), col(Delivery.kind) == Kind.REMINDER)
        if pending_only:
            query = query.where(col(Delivery.status) == Status.PENDING)
        rows = await self._session.scalars(query.order_by(col(Delivery.due_at)))
        return [
            ReminderInfo(
                id=row.id or 0,
                due_at=as_utc(row.due_at),
                status=Status(row.status),
                late=row.late,
                created_at=as_utc(row.created_at),
            )
            for row in rows
        ]

    def _mine(self, key: MemberKey, reminder_id: int) -> ColumnElement[bool]:
        return and_(
            col(Delivery.id) == reminder_id,
            col(Delivery.kind) == Kind.REMINDER,
            recipient_filter(key),
        )

    async def cancel(self, key: MemberKey, reminder_id: int) -> bool:
        result = await self._session.execute(
            update(Delivery)
            .where(self._mine(key, reminder_id), col(Delivery.status) == Status.PENDING)
            .values(status=Status.CANCELLED)
        )
        return row_count(result) == 1

    async def reschedule(self, key: MemberKey, reminder_id: int, *, due_at: dt.datetime) -> bool:
        result = await self._session.execute(
            update(Delivery)
            .where(self._mine(key, reminder_id))
            .values(
                status=Status.PENDING,
                due_at=due_at,
                reason=None,
                late=False,
                attempts=0,
                lease_owner=None,
                lease_until=None,
                finished_at=None,
            )
        )
        return row_count(result) == 1


def broadcast_model(row: BroadcastRow) -> Broadcast:
    assert row.id is not None
    return Broadcast(
        id=row.id,
        platform=row.platform,
        workspace=row.workspace,
        created_by=row.created_by,
        target=Target(row.target),
        channel=row.channel,
        audience=Audience(row.audience),
        text=row.text,
        schedule=row.schedule,
        timezone=row.timezone,
        first_at=as_utc(row.first_at),
        state=BroadcastState(row.state),
        runs=row.runs,
        next_run_at=as_utc(row.next_run_at) if row.next_run_at else None,
        created_at=as_utc(row.created_at),
        until_at=as_utc(row.until_at) if row.until_at else None,
        local=row.local_time,
        approved_by=row.approved_by,
    )


def run_row(broadcast: Broadcast, *, run: int, due_at: dt.datetime, at: dt.datetime) -> Delivery:
    return Delivery(
        kind=Kind.RUN,
        platform=broadcast.platform,
        workspace=broadcast.workspace,
        broadcast_id=broadcast.id,
        run=run,
        status=Status.PENDING,
        due_at=due_at,
        created_at=at,
    )


class SqlBroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, broadcast: NewBroadcast, *, at: dt.datetime) -> int:
        row = BroadcastRow(
            platform=broadcast.platform,
            workspace=broadcast.workspace,
            created_by=broadcast.created_by,
            target=broadcast.target,
            channel=broadcast.channel,
            audience=broadcast.audience,
            text=broadcast.text,
            schedule=broadcast.schedule,
            timezone=broadcast.timezone,
            first_at=broadcast.first_at,
            until_at=broadcast.until_at,
            local_time=broadcast.local,
            state=BroadcastState.DRAFT,
            next_run_at=broadcast.first_at,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        assert row.id is not None
        return row.id

    async def get(self, platform: str, workspace: str, broadcast_id: int) -> Broadcast | None:
        row = await self._session.get(BroadcastRow, broadcast_id)
        if row is None or (row.platform, row.workspace) != (platform, workspace):
            return None
        return broadcast_model(row)

    async def confirm(self, broadcast_id: int, *, by: str, at: dt.datetime) -> bool:
        result = await self._session.execute(
            update(BroadcastRow)
            .where(
                col(BroadcastRow.id) == broadcast_id,
                col(BroadcastRow.state) == BroadcastState.DRAFT,
            )
            .values(state=BroadcastState.SCHEDULED, approved_by=by)
        )
        if row_count(result) != 1:
            return False
        row = await self._session.get(BroadcastRow, broadcast_id)
        assert row is not None
        broadcast = broadcast_model(row)
        self._session.add(run_row(broadcast, run=1, due_at=broadcast.first_at, at=at))
        return True

    async def cancel(self, broadcast_id: int, *, at: dt.datetime) -> int:
        await self._session.execute(
            update(BroadcastRow)
            .where(
                col(BroadcastRow.id) == broadcast_id,
                col(BroadcastRow.state) != BroadcastState.CANCELLED,
            )
            .values(state=BroadcastState.CANCELLED, next_run_at=None)
        )
        result = await self._session.execute(
            update(Delivery)
            .where(
                col(Delivery.broadcast_id) == broadcast_id,
                col(Delivery.status) == Status.PENDING,
            )
            .values(status=Status.CANCELLED, finished_at=at)
        )
        return row_count(result)

    async def recent(
        self,
        *,
        platform: str | None,
        workspace: str | None,
        limit: int,
        drafts_since: dt.datetime | None = None,
    ) -> list[Broadcast]:
        query = select(BroadcastRow)
        if platform is not None:
            query = query.where(col(BroadcastRow.platform) == platform)
        if workspace is not None:
            query = query.where(col(BroadcastRow.workspace) == workspace)
        if drafts_since is not None:
            query = query.where(
                or_(
                    col(BroadcastRow.state) != BroadcastState.DRAFT,
                    col(BroadcastRow.created_at) >= drafts_since,
                )
            )
        rows = await self._session.scalars(query.order_by(col(BroadcastRow.id).desc()).limit(limit))
        return [broadcast_model(row) for row in rows]

    async def started_since(self, *, platform: str, workspace: str, since: dt.datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(BroadcastRow)
            .where(
                col(BroadcastRow.platform) == platform,
                col(BroadcastRow.workspace) == workspace,
                col(BroadcastRow.created_at) >= since,
                col(BroadcastRow.approved_by).is_not(None),
            )
        )
        return int(count or 0)

    async def report(self, broadcast_id: int) -> Report:
        result = await self._session.execute(
            select(col(Delivery.status), col(Delivery.reason), func.count())
            .where(col(Delivery.broadcast_id) == broadcast_id, col(Delivery.kind) != Kind.RUN)
            .group_by(col(Delivery.status), col(Delivery.reason))
        )
        return Report({(Status(s), r): n for s, r, n in result.tuples()})

    async def failed(self, broadcast_id: int, *, limit: int) -> list[tuple[str, str]]:
        result = await self._session.execute(
            select(col(Delivery.user_id), col(Delivery.channel), col(Delivery.reason))
            .where(
                col(Delivery.broadcast_id) == broadcast_id,
                col(Delivery.status) == Status.FAILED,
            )
            .order_by(col(Delivery.id))
            .limit(limit)
        )
        return [(user or channel or "", reason or "") for user, channel, reason in result.tuples()]

    async def audience(
        self, *, platform: str, workspace: str, audience: Audience, finished: ToggleIds
    ) -> tuple[int, set[str]]:
        community = in_community(platform, workspace)
        known = set(await self._session.scalars(select(col(Member.user_id)).where(community)))
        eligible = (
            select(func.count())
            .select_from(Member)
            .where(_eligible(platform, workspace, audience, finished))
        )
        return int(await self._session.scalar(eligible) or 0), known

    async def zones(
        self, *, platform: str, workspace: str, audience: Audience, finished: ToggleIds
    ) -> set[str | None]:
        found = await self._session.scalars(
            select(col(Member.timezone))
            .where(_eligible(platform, workspace, audience, finished))
            .distinct()
        )
        return set(found)


def _eligible(
    platform: str, workspace: str, audience: Audience, finished: ToggleIds
) -> ColumnElement[bool]:
    """Known members a DM broadcast would reach now: in the community, not muted (and not
    finished, for `pending`)."""
    eligible = and_(in_community(platform, workspace), col(Member.muted).is_(False))
    if audience is Audience.PENDING and finished:
        return and_(eligible, ~_finished_members(finished))
    return eligible
