"""The delivery worker's side of the outbox: claim due rows under a lease, record outcomes.

Every write is conditional on still holding the lease (owner and attempt number), so a worker
whose lease ran out can never overwrite what the worker that took over recorded. Sending is
too: `fence` renews the lease right before each send, and only if it has not run out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, insert, literal, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.identity import MemberKey
from core.outbox import (
    ANNOUNCEMENTS,
    Broadcast,
    BroadcastState,
    Claimed,
    Kind,
    Recipient,
    Status,
    Target,
)
from core.storage.community import in_community, is_member
from core.storage.sql_delivery import ToggleIds, broadcast_model, row_count, run_row
from core.storage.sql_policy import current_off
from core.storage.tables import Broadcast as BroadcastRow
from core.storage.tables import Delivery, Member, ToggleStatus, as_utc

LOOKUP_CHUNK = 500  # user ids per IN (...): well inside every engine's bound-parameter limit


def _claimed(row: Row[tuple[Delivery]] | Delivery) -> Claimed:
    d = row if isinstance(row, Delivery) else row[0]
    assert d.id is not None and d.lease_until is not None
    return Claimed(
        id=d.id,
        kind=Kind(d.kind),
        platform=d.platform,
        workspace=d.workspace,
        user=d.user_id,
        channel=d.channel,
        broadcast_id=d.broadcast_id,
        run=d.run,
        due_at=as_utc(d.due_at),
        attempts=d.attempts,
        lease_until=as_utc(d.lease_until),
    )


def claim_statement(
    *, owner: str, platforms: list[str], now: dt.datetime, lease: dt.timedelta, limit: int
) -> Any:
    """UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING: one statement on both engines.

    SQLite runs it under its single writer lock; on PostgreSQL the inner SELECT locks its rows
    with FOR UPDATE SKIP LOCKED, so concurrent workers never claim the same row. The inner
    SELECT walks the (status, due_at) index.
    """
    due = (
        select(col(Delivery.id))
        .where(
            col(Delivery.status) == Status.PENDING,
            col(Delivery.due_at) <= now,
            col(Delivery.platform).in_(platforms),
            or_(col(Delivery.lease_until).is_(None), col(Delivery.lease_until) <= now),
        )
        .order_by(col(Delivery.due_at), col(Delivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (
        update(Delivery)
        .where(col(Delivery.id).in_(due.scalar_subquery()))
        .values(lease_owner=owner, lease_until=now + lease, attempts=col(Delivery.attempts) + 1)
        .returning(Delivery)
        .execution_options(synchronize_session=False)
    )


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(
        self,
        *,
        owner: str,
        platforms: list[str],
        now: dt.datetime,
        lease: dt.timedelta,
        limit: int,
    ) -> list[Claimed]:
        result = await self._session.execute(
            claim_statement(owner=owner, platforms=platforms, now=now, lease=lease, limit=limit)
        )
        rows = [_claimed(row) for row in result.all()]
        return sorted(rows, key=lambda r: (r.due_at, r.id))

    def _held(self, row: Claimed, owner: str) -> ColumnElement[bool]:
        return and_(
            col(Delivery.id) == row.id,
            col(Delivery.lease_owner) == owner,
            col(Delivery.attempts) == row.attempts,
        )

    async def fence(
        self, row: Claimed, *, owner: str, now: dt.datetime, lease: dt.timedelta
    ) -> bool:
        """Renew the lease for one send, only while it is still held and not run out. One
        conditional UPDATE, so no other worker can have claimed the row in between; a row
        cancelled or deleted (forget-me) since the claim is no longer pending and fails too,
        and so does an announcement (a broadcast DM, a welcome) to a member who muted the bot
        since."""
        still_ours = [
            self._held(row, owner),
            col(Delivery.status) == Status.PENDING,
            col(Delivery.lease_until) > now,
        ]
        if row.kind in ANNOUNCEMENTS and row.user is not None:
            muted = select(col(Member.id)).where(
                is_member(MemberKey(row.platform, row.workspace, row.user)),
                col(Member.muted).is_(True),
            )
            still_ours.append(~muted.exists())
        result = await self._session.execute(
            update(Delivery)
            .where(*still_ours)
            .values(lease_until=now + lease)
            .execution_options(synchronize_session=False)
        )
        return row_count(result) == 1

    async def finish(
        self,
        row: Claimed,
        *,
        owner: str,
        status: Status,
        reason: str | None,
        at: dt.datetime,
        late: bool = False,
    ) -> bool:
        result = await self._session.execute(
            update(Delivery)
            .where(self._held(row, owner))
            .values(
                status=status,
                reason=reason,
                late=late,
                finished_at=at,
                lease_owner=None,
                lease_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        return row_count(result) == 1

    async def retry_at(
        self, row: Claimed, *, owner: str, not_before: dt.datetime, counted: bool = True
    ) -> bool:
        attempts = col(Delivery.attempts) if counted else col(Delivery.attempts) - 1
        result = await self._session.execute(
            update(Delivery)
            .where(self._held(row, owner), col(Delivery.status) == Status.PENDING)
            .values(lease_owner=None, lease_until=not_before, attempts=attempts)
            .execution_options(synchronize_session=False)
        )
        return row_count(result) == 1

    async def release(self, rows: Sequence[Claimed], *, owner: str) -> int:
        """Give back rows claimed but never tried: unleased, and their claim not counted."""
        if not rows:
            return 0
        result = await self._session.execute(
            update(Delivery)
            .where(
                col(Delivery.id).in_([row.id for row in rows]),
                col(Delivery.lease_owner) == owner,
                col(Delivery.status) == Status.PENDING,
            )
            .values(lease_owner=None, lease_until=None, attempts=col(Delivery.attempts) - 1)
            .execution_options(synchronize_session=False)
        )
        return row_count(result)

    async def recipient(
        self, platform: str, workspace: str, user: str, *, finished: ToggleIds
    ) -> Recipient:
        member = (
            await self._session.execute(
                select(Member).where(is_member(MemberKey(platform, workspace, user)))
            )
        ).scalar_one_or_none()
        if member is None:
            return Recipient(known=False, muted=False, timezone=None, finished=False)
        off = set(
            (
                await self._session.execute(
                    # Off since its marketplace's latest policy update, or it needs a re-check.
                    select(col(ToggleStatus.marketplace), col(ToggleStatus.toggle))
                    .join(Member)
                    .where(col(ToggleStatus.member_id) == member.id, current_off())
                )
            ).tuples()
        )
        return Recipient(
            known=True,
            muted=member.muted,
            timezone=member.timezone,
            finished=bool(finished) and all(pair in off for pair in finished),
            language=member.language,
            platform_language=member.platform_language,
        )

    async def broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = await self._session.get(BroadcastRow, broadcast_id)
        return broadcast_model(row) if row else None

    async def fan_out(
        self,
        run: Claimed,
        broadcast: Broadcast,
        *,
        owner: str,
        extra_users: list[str],
        next_run_at: dt.datetime | None,
        at: dt.datetime,
        due_for: Callable[[str | None], dt.datetime] | None = None,
    ) -> int | None:
        if not await self.finish(run, owner=owner, status=Status.SENT, reason=None, at=at):
            return None
        queued = 0
        if broadcast.target is Target.CHANNEL:
            self._session.add(
                Delivery(
                    kind=Kind.CHANNEL,
                    platform=broadcast.platform,
                    workspace=broadcast.workspace,
                    channel=broadcast.channel,
                    broadcast_id=broadcast.id,
                    run=run.run,
                    status=Status.PENDING,
                    due_at=run.due_at,
                    created_at=at,
                )
            )
            queued = 1
        else:
            queued = await self._fan_out_dms(run, broadcast, extra_users, at, due_for)
        await self._session.execute(
            update(BroadcastRow)
            .where(col(BroadcastRow.id) == broadcast.id)
            .values(
                runs=col(BroadcastRow.runs) + 1,
                next_run_at=next_run_at,
                state=BroadcastState.SCHEDULED if next_run_at else BroadcastState.DONE,
            )
        )
        if next_run_at is not None:
            self._session.add(run_row(broadcast, run=run.run + 1, due_at=next_run_at, at=at))
        await self._session.flush()
        return queued

    async def _due_column(
        self,
        broadcast: Broadcast,
        run: Claimed,
        due_for: Callable[[str | None], dt.datetime] | None,
    ) -> Any:
        """Each known member's due time: the run's, or by their zone (one CASE over the few
        zones the community's members set, so the fan-out stays one INSERT ... SELECT)."""
        due_type = Delivery.__table__.c.due_at.type  # type: ignore[attr-defined]
        if due_for is None:
            return literal(run.due_at, due_type)
        zones = await self._session.scalars(
            select(col(Member.timezone))
            .where(
                in_community(broadcast.platform, broadcast.workspace),
                col(Member.timezone).is_not(None),
            )
            .distinct()
        )
        by_zone = {zone: literal(due_for(zone), due_type) for zone in zones}
        unset = literal(due_for(None), due_type)
        return case(by_zone, value=col(Member.timezone), else_=unset) if by_zone else unset

    async def _fan_out_dms(
        self,
        run: Claimed,
        broadcast: Broadcast,
        extra_users: Sequence[str],
        at: dt.datetime,
        due_for: Callable[[str | None], dt.datetime] | None,
    ) -> int:
        columns = ["kind", "platform", "workspace", "user_id", "broadcast_id", "run", "status"]
        columns += ["due_at", "attempts", "late", "created_at"]
        known = select(
            literal(Kind.DM.value),
            col(Member.platform),
            col(Member.workspace),
            col(Member.user_id),
            literal(broadcast.id),
            literal(run.run),
            literal(Status.PENDING.value),
            await self._due_column(broadcast, run, due_for),
            literal(0),
            literal(False),
            literal(at, Delivery.__table__.c.created_at.type),  # type: ignore[attr-defined]
        ).where(in_community(broadcast.platform, broadcast.workspace))
        result = await self._session.execute(insert(Delivery).from_select(columns, known))
        queued = row_count(result)
        if extra_users:
            homes = await self._known_elsewhere(broadcast.platform, extra_users)
            await self._session.execute(
                insert(Delivery),
                [
                    {
                        "kind": Kind.DM.value,
                        "platform": broadcast.platform,
                        "workspace": homes.get(user, broadcast.workspace),
                        "user_id": user,
                        "broadcast_id": broadcast.id,
                        "run": run.run,
                        "status": Status.PENDING.value,
                        "due_at": due_for(None) if due_for else run.due_at,
                        "attempts": 0,
                        "late": False,
                        "created_at": at,
                    }
                    for user in extra_users
                ],
            )
            queued += len(extra_users)
        return queued

    async def _known_elsewhere(self, platform: str, users: Sequence[str]) -> dict[str, str]:
        """The workspace of each listed user the bot knows outside the broadcast's community
        (on Discord: who used the bot in DMs or another server, as "global"). Their delivery
        goes to that identity, so the send-time check sees their mute and progress."""
        homes: dict[str, str] = {}
        for start in range(0, len(users), LOOKUP_CHUNK):
            found = await self._session.execute(
                select(col(Member.user_id), col(Member.workspace))
                .where(
                    col(Member.platform) == platform,
                    col(Member.user_id).in_(users[start : start + LOOKUP_CHUNK]),
                )
                .order_by(col(Member.id).desc())  # several workspaces: the oldest record wins
            )
            homes.update({user: workspace for user, workspace in found.tuples()})
        return homes
