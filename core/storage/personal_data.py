"""A member's platform id outside the member tables: who created a broadcast, who installed
the Slack app, who approved a broadcast, who was welcomed, who asked to hear of a moderator's
answer. `my-data` lists these and `forget-me` clears them (the welcome marker is deleted: it is
about the member alone).

The Slack installation table is created in the same database by bot/migrations (0005) for
slack_sdk's installation store; core reaches it with plain SQL on its known name and never
imports slack. Broadcasts and installations stay (other members rely on them): only the id is
blanked. Ids are matched per platform, not per workspace: a Discord id is global, and blanking
a same-id stranger's attribution elsewhere costs nothing, while missing one would keep data.
"""

from __future__ import annotations

from sqlalchemy import column, delete, func, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.identity import MemberKey
from core.status import MemberTraces
from core.storage.sql_delivery import recipient_filter, row_count
from core.storage.sql_welcome import is_welcomed, welcomed
from core.storage.sql_inbox import forget_asker, waiting_for
from core.storage.tables import Broadcast, Delivery, WelcomedMember

FORGOTTEN = ""  # what a cleared id becomes (the columns are NOT NULL)

SLACK_INSTALLATIONS = table("slack_installations", column("user_id"))


async def traces(session: AsyncSession, key: MemberKey) -> MemberTraces:
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
    installs = 0
    if key.platform == "slack":
        installs = int(
            await session.scalar(
                select(func.count())
                .select_from(SLACK_INSTALLATIONS)
                .where(SLACK_INSTALLATIONS.c.user_id == key.user)
            )
            or 0
        )
    return MemberTraces(
        broadcasts_created=[int(i) for i in created if i is not None],
        broadcasts_approved=[int(i) for i in approved if i is not None],
        broadcast_copies=[(int(b), str(s)) for b, s in copies.tuples() if b is not None],
        slack_installations=installs,
        welcomed=await welcomed(session, key),
        questions_to_moderators=await waiting_for(session, key),
    )


async def clear(session: AsyncSession, key: MemberKey) -> int:
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
    if key.platform == "slack":
        changed += row_count(
            await session.execute(
                update(SLACK_INSTALLATIONS)
                .where(SLACK_INSTALLATIONS.c.user_id == key.user)
                .values(user_id=FORGOTTEN)
            )
        )
    return changed
