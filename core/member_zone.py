"""The time zone a member's times are read and shown in.

Their own (`/optout tz`), else the community's (GIGGUARD_DEFAULT_TIMEZONE); None means UTC.
Reminders and the broadcasts a moderator schedules both go through here, so "tomorrow at 9"
means the same wall clock in either.
"""

from __future__ import annotations

from core.identity import MemberKey
from core.services import Services


async def member_zone(services: Services, key: MemberKey) -> str | None:
    async with services.uow() as uow:
        profile = await uow.members.profile(key)
    own = profile.timezone if profile else None
    return own or services.broadcast_rules.default_timezone
