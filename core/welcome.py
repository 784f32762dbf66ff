"""Welcome DMs as a service: a community's moderators switch them on; each new member then gets
one, through the delivery outbox (paced, crash-safe, counted in `stats`).

Off by default. Never to bots, never twice to the same member (the marker in storage), and a
member who muted announcements is skipped when the DM is sent (core/delivery/worker.py).
"""

from __future__ import annotations

import datetime as dt
import logging

from core.joins import MemberJoined
from core.requests import Actor
from core.services import Services

log = logging.getLogger(__name__)


async def member_joined(services: Services, joined: MemberJoined) -> bool:
    """Queue the new member's welcome if their community has it on; True if one was queued."""
    if joined.bot:
        return False
    key = joined.key
    async with services.uow() as uow:
        if await uow.welcome.is_on(platform=key.platform, community=joined.community) is None:
            return False
        queued = await uow.welcome.queue(key, community=joined.community, at=services.clock.now())
        await uow.commit()
    if queued:
        log.info("welcome queued: platform=%s community=%s", key.platform, joined.community)
    return queued


async def switch(services: Services, actor: Actor, *, on: bool) -> bool:
    """Switch the actor's community on or off; False if it already was."""
    async with services.uow() as uow:
        changed = await uow.welcome.switch(
            platform=actor.key.platform, community=actor.scope, on=on, at=services.clock.now()
        )
        await uow.commit()
    return changed


async def switched_on_at(services: Services, actor: Actor) -> dt.datetime | None:
    async with services.uow() as uow:
        return await uow.welcome.is_on(platform=actor.key.platform, community=actor.scope)


def hears_joins(services: Services, platform: str) -> bool:
    """Whether the platform's adapter is told when members join (no JoinFeed: it is)."""
    feed = services.join_feeds.get(platform)
    return feed is None or feed.hears_joins()
