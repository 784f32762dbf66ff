"""Who a member is, wherever they talk to the bot."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MemberKey:
    """A member is identified by chat platform, workspace (or guild) and user id."""

    platform: str
    workspace: str
    user: str
