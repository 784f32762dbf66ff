"""The dashboard's moderator re-check on Discord: the same rule as the slash commands (Manage
Server, or the configured role), applied to the member as the server has them now."""

from __future__ import annotations

import logging

import discord

from adapters.discord.checks import has_role

log = logging.getLogger(__name__)


class DiscordModeratorCheck:
    def __init__(self, client: discord.Client, moderator_role: str | None) -> None:
        self._client = client
        self._role = moderator_role

    async def is_moderator(self, community: str, user: str) -> bool:
        guild = self._client.get_guild(int(community)) if community.isdigit() else None
        if guild is None or not user.isdigit():
            return False
        try:  # GET /guilds/{guild}/members/{user}: the roles now, not the member cache's
            member = await guild.fetch_member(int(user))
        except discord.NotFound:
            return False
        except discord.HTTPException as exc:  # fail closed, as the Slack check does
            log.warning("could not fetch member %s of guild %s: %s", user, community, exc)
            return False
        if member.guild_permissions.manage_guild:
            return True
        return self._role is not None and has_role(member, self._role)
