"""Who a dashboard login belongs to, and the ports the dashboard's access rules need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from core.identity import MemberKey


@dataclass(frozen=True, slots=True)
class DashboardModerator:
    """The moderator a link or session is bound to, and the community it may see."""

    key: MemberKey
    community: str  # the Slack workspace or Discord server whose figures the session shows


@dataclass(frozen=True, slots=True)
class DashboardSession:
    moderator: DashboardModerator
    expires_at: dt.datetime


class ModeratorCheck(Protocol):
    """Is this member a moderator of this community right now? Provided by a platform adapter
    (Slack asks users.info, Discord the member's permissions and roles) so the dashboard
    re-checks with the same rule as the chat commands."""

    async def is_moderator(self, community: str, user: str) -> bool: ...


class DashboardLoginRepository(Protocol):
    async def add_link(
        self,
        moderator: DashboardModerator,
        *,
        token_hash: str,
        expires_at: dt.datetime,
        at: dt.datetime,
    ) -> None: ...

    async def redeem(
        self,
        token_hash: str,
        *,
        session_hash: str,
        session_expires_at: dt.datetime,
        at: dt.datetime,
    ) -> DashboardModerator | None:
        """Use the link once: only if unused and unexpired at `at` (a conditional update),
        attaching the new session. None for a forged, used or expired link."""
        ...

    async def session(self, session_hash: str, *, at: dt.datetime) -> DashboardSession | None:
        """The unexpired session with this hash."""
        ...

    async def end_session(self, session_hash: str, *, at: dt.datetime) -> None: ...
