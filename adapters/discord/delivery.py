"""Where a reply goes: the interaction that asked for it, or the DM channel a member wrote in."""

from __future__ import annotations

import io
import logging

import discord

from adapters.discord.components import view_for
from adapters.discord.render import Outgoing, render
from core.replies import Reply

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
CANNOT_DM = 50007  # "Cannot send messages to this user": DMs closed, or no shared server


def _files(message: Outgoing) -> list[discord.File]:
    """The message's attachments as uploads; MISSING when there are none, as for views."""
    if not message.attachments:
        return discord.utils.MISSING
    return [
        discord.File(io.BytesIO(a.content), filename=a.filename, description=a.alt_text)
        for a in message.attachments
    ]


def _view(message: Outgoing) -> discord.ui.View:
    """The message's buttons; MISSING (not None) tells discord.py to send no components."""
    return view_for(message.buttons) if message.buttons else discord.utils.MISSING


class InteractionReplies:
    """Answers a slash command or a button click: the first message answers the interaction,
    the rest are follow-ups. Once deferred, the answer is ephemeral whatever the reply says."""

    def __init__(self, interaction: discord.Interaction) -> None:
        self._interaction = interaction

    async def hold(self) -> None:
        await self._interaction.response.defer(ephemeral=True, thinking=True)

    async def send(self, reply: Reply) -> None:
        interaction = self._interaction
        deferred = interaction.response.is_done()
        ephemeral = reply.ephemeral or deferred
        messages = render(reply)
        if not messages:
            log.warning("discord: the reply had nothing to show; nothing sent")
            return
        first, *rest = messages
        if deferred:
            await interaction.edit_original_response(
                embeds=list(first.embeds),
                view=_view(first),
                attachments=_files(first),
                allowed_mentions=NO_MENTIONS,
            )
        else:
            await interaction.response.send_message(
                embeds=list(first.embeds),
                view=_view(first),
                files=_files(first),
                ephemeral=ephemeral,
                allowed_mentions=NO_MENTIONS,
            )
        for message in rest:
            await interaction.followup.send(
                embeds=list(message.embeds),
                view=_view(message),
                files=_files(message),
                ephemeral=ephemeral,
                allowed_mentions=NO_MENTIONS,
            )

    async def apologise(self, text: str) -> None:
        interaction = self._interaction
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )


class DirectMessageReplies:
    """Answers a member's DM in that DM. A member who closed their DMs since is logged, not
    retried: there is no other private place to tell them."""

    def __init__(self, channel: discord.abc.Messageable, user_id: int) -> None:
        self._channel = channel
        self._user_id = user_id

    async def hold(self) -> None:
        await self._channel.typing()

    async def send(self, reply: Reply) -> None:
        try:
            for message in render(reply):
                await self._channel.send(
                    embeds=list(message.embeds),
                    view=_view(message),
                    files=_files(message),
                    allowed_mentions=NO_MENTIONS,
                )
        except discord.Forbidden as exc:
            if exc.code != CANNOT_DM:
                raise
            log.warning(
                "cannot DM user %s (code %s): their DMs are closed", self._user_id, exc.code
            )

    async def apologise(self, text: str) -> None:
        await self._channel.send(text, allowed_mentions=NO_MENTIONS)
