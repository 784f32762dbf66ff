"""Core's MemberDirectory on Discord: a server's human members, so a broadcast to "all" or
"pending" also reaches members who never used the bot.

Opt-in (GIGGUARD_DISCORD_MEMBER_LIST): listing a server's members needs the privileged Server
Members intent, switched on in the developer portal. Without it (or without access to the
server) Discord answers 403 50001; that is logged once per server and the broadcast reaches the
members known to the bot only.

Pages come from REST (`GET /guilds/{id}/members`), not the gateway's member cache, so the
client never holds a whole server in memory.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from core.errors import TransientDeliveryError

log = logging.getLogger(__name__)

MEMBERS_PAGE = 1000  # Discord's maximum `limit` for GET /guilds/{id}/members
NOT_LOGGED_IN_RETRY = 5.0


class DiscordMemberDirectory:
    def __init__(self, client: discord.Client, *, page_size: int = MEMBERS_PAGE) -> None:
        self._client = client
        self._page_size = page_size
        self._refused: set[str] = set()  # servers whose refusal was already logged

    async def member_ids(self, workspace: str) -> list[str]:
        """`workspace` is a broadcast's server id; "global" (a DM's identity) has no list."""
        if not workspace.isdigit():
            return []
        own = self._client.user
        if own is None or self._client.is_closed():
            raise TransientDeliveryError("discord: not logged in", retry_after=NOT_LOGGED_IN_RETRY)
        found: list[str] = []
        after: int | None = None
        while True:
            try:
                page = await self._client.http.get_members(int(workspace), self._page_size, after)
            except discord.Forbidden as exc:
                self._refusal(workspace, exc)
                return []
            found += [user["id"] for user in _users(page) if _is_person(user, own.id)]
            if len(page) < self._page_size:
                return found
            after = int(page[-1]["user"]["id"])  # Discord pages in ascending user id order

    def _refusal(self, workspace: str, exc: discord.Forbidden) -> None:
        if workspace in self._refused:
            return
        self._refused.add(workspace)
        log.warning(
            "discord: may not list the members of server %s (%s %s: %s); broadcasts there reach "
            'only members who used the bot. Switch on "Server Members Intent" in the developer '
            "portal (Bot page), or unset GIGGUARD_DISCORD_MEMBER_LIST.",
            workspace,
            exc.status,
            exc.code,
            exc.text,
        )


def _users(page: list[Any]) -> list[dict[str, Any]]:
    return [member["user"] for member in page if member.get("user")]


def _is_person(user: dict[str, Any], own_id: int) -> bool:
    return not user.get("bot") and int(user["id"]) != own_id
