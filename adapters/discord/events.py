"""Discord events -> core requests.

Identity: a Discord user id is global, and a member's opt-out status belongs to their Upwork
account, not to a server. So every Discord request uses one workspace, `WORKSPACE`: what a
member records with /optout in a server is what they see when they DM the bot, and the other
way round. The server a request comes from is its community (`Actor.community`): core
remembers which servers a member used the bot in, so a moderator's `stats` and broadcasts
cover their own server's members only.
"""

from __future__ import annotations

import discord

from core.identity import MemberKey
from core.joins import MemberJoined
from core.requests import Actor, Origin, Place, Request

PLATFORM = "discord"
WORKSPACE = "global"


def member_key(user: discord.abc.User) -> MemberKey:
    return MemberKey(platform=PLATFORM, workspace=WORKSPACE, user=str(user.id))


def from_interaction(interaction: discord.Interaction, text: str, *, moderator: bool) -> Request:
    """A slash command or a button click: `text` is the command line it stands for."""
    in_dm = interaction.guild_id is None
    return Request(
        actor=Actor(
            member_key(interaction.user),
            is_moderator=moderator,
            community=str(interaction.guild_id) if interaction.guild_id else None,
            # The language the member's Discord client is set to ("es-ES", "pt-BR").
            locale=interaction.locale.value,
        ),
        text=text,
        place=Place.DM if in_dm else Place.CHANNEL,
        origin=Origin.COMMAND,
        channel=str(interaction.channel_id) if interaction.channel_id else None,
    )


def from_direct_message(message: discord.Message) -> Request:
    return Request(
        actor=Actor(member_key(message.author)),
        text=message.content,
        place=Place.DM,
        origin=Origin.DM_TEXT,
        channel=str(message.channel.id),
    )


def joined_member(member: discord.Member) -> MemberJoined:
    """GUILD_MEMBER_ADD: the member's global identity joined this server (its community)."""
    return MemberJoined(key=member_key(member), community=str(member.guild.id), bot=member.bot)


def wants_answer(message: discord.Message) -> bool:
    """Only people's direct messages; never bots (this one included), never server chatter."""
    direct = isinstance(message.channel, discord.DMChannel)
    return direct and not message.author.bot and bool(message.content.strip())
