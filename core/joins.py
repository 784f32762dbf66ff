"""A member joining a community, as an adapter reports it, and whether an adapter hears joins.

Below `core.ports` and `core.services` (both refer to these), so it imports neither.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from core.identity import MemberKey


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """Someone joined `community` (a Slack team, a Discord server, the console)."""

    key: MemberKey
    community: str
    bot: bool  # the platform's own flag (Slack `is_bot`, Discord `bot`): never welcomed


@dataclass(frozen=True, slots=True)
class Welcomed:
    """The durable marker of a member's one welcome: where, and when it was queued."""

    community: str
    at: dt.datetime


class JoinFeed(Protocol):
    """Whether an adapter is told when members join. Discord tells a bot only when it asked for
    the privileged Server Members intent; a platform without a JoinFeed always tells."""

    def hears_joins(self) -> bool: ...
