"""A member's platform id outside the member tables: who created a broadcast, who approved
one, who was welcomed, who asked to hear of a moderator's answer, and whatever an adapter's own
tables record (Slack's: who installed the app). `my-data` lists these and `forget-me` clears
them (the welcome marker is deleted: it is about the member alone).

An adapter's tables live in the same database (created by bot/migrations) but belong to the
adapter's SDK: the adapter names them as `AdapterTable`s, the composition root hands them to
the unit of work, and core reaches them with plain SQL on those names, never importing the SDK.
Broadcasts and adapters' rows stay (other members rely on them): only the id is blanked. Ids
are matched per platform, not per workspace: a Discord id is global, and blanking a same-id
stranger's attribution elsewhere costs nothing, while missing one would keep data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import TableClause, column, delete, func, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.identity import MemberKey
from core.status import MemberTraces
from core.storage.sql_delivery import recipient_filter, row_count
from core.storage.sql_inbox import forget_asker, waiting_for
from core.storage.sql_welcome import is_welcomed, welcomed
from core.storage.tables import Broadcast, Delivery, WelcomedMember

FORGOTTEN = ""  # what a cleared id becomes (the columns are NOT NULL)


@dataclass(frozen=True, slots=True)
class AdapterTable:
    """A table an adapter keeps in gigguard's database, one of whose columns holds the user id
    of a member of `platform`. `my-data` counts the member's rows under `name`."""

    name: str
    user_column: str
    platform: str

    def clause(self) -> TableClause:
        return table(self.name, column(self.user_column))


async def traces(
    session: AsyncSession, key: MemberKey, adapter_tables: Sequence[AdapterTable]
) -> MemberTraces:
    created = await session.scalars(
        select(col(Broadcast.id))
        .where(col(Broadcast.platform) == key.platform, col(Broadcast.created_by) == key.user)
        .order_by(col(Broadcast.id))
    )
    approved = await session.scalars(
        select(col(Broadcast.id))
        .where(col(Broadcast.platform) == key.platform, col(Broadcast.approved_by) == key.user)
        .order_by(col(Broadcast.id))
    )
    copies = await session.execute(
        select(col(Delivery.broadcast_id), col(Delivery.status))
        .where(recipient_filter(key), col(Delivery.broadcast_id).is_not(None))
        .order_by(col(Delivery.id))
    )
    # Every registered table is listed, with 0 for another platform's member.
    adapter_rows = {found.name: 0 for found in adapter_tables}
    for found in adapter_tables:
        if found.platform == key.platform:
            rows = found.clause()
            adapter_rows[found.name] = int(
                await session.scalar(
                    select(func.count())
                    .select_from(rows)
                    .where(rows.c[found.user_column] == key.user)
                )
                or 0
            )
    return MemberTraces(
        broadcasts_created=[int(i) for i in created if i is not None],
        broadcasts_approved=[int(i) for i in approved if i is not None],
        broadcast_copies=[(int(b), str(s)) for b, s in copies.tuples() if b is not None],
        adapter_rows=adapter_rows,
        welcomed=await welcomed(session, key),
        questions_to_moderators=await waiting_for(session, key),
    )


async def clear(
    session: AsyncSession, key: MemberKey, adapter_tables: Sequence[AdapterTable]
) -> int:
    """Blank the member's id wherever it is kept as an attribution; return rows changed."""
    changed = row_count(
        await session.execute(
            update(Broadcast)
            .where(col(Broadcast.platform) == key.platform, col(Broadcast.created_by) == key.user)
            .values(created_by=FORGOTTEN)
        )
    )
    # Blanked, not NULL: an approved broadcast stays approved (the weekly cap counts it).
    changed += row_count(
        await session.execute(
            update(Broadcast)
            .where(col(Broadcast.platform) == key.platform, col(Broadcast.approved_by) == key.user)
            .values(approved_by=FORGOTTEN)
        )
    )
    changed += row_count(await session.execute(delete(WelcomedMember).where(is_welcomed(key))))
    changed += await forget_asker(session, key)
    for found in adapter_tables:
        if found.platform == key.platform:
            rows = found.clause()
            changed += row_count(
                await session.execute(
                    update(rows)
                    .where(rows.c[found.user_column] == key.user)
                    .values({found.user_column: FORGOTTEN})
                )
            )
    return changed
