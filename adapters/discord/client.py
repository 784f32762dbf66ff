"""The discord.py client: start-up wiring, events in, replies out, one error boundary."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, cast

import discord
from discord import app_commands

from adapters.discord import events
from adapters.discord.checks import is_moderator
from adapters.discord.commands import build_group
from adapters.discord.components import CommandButton
from adapters.discord.config import DiscordConfig
from adapters.discord.delivery import NO_MENTIONS, DirectMessageReplies, InteractionReplies
from adapters.discord.sync import sync_if_changed
from adapters.discord.translator import KnowledgeTranslator
from core.render_text import render_plain
from core.replies import Reply
from core.requests import Request
from core.service import Gigguard

log = logging.getLogger(__name__)

DEFER_AFTER = 2.0  # seconds; Discord drops an interaction not answered within 3
# A 429 asking for a longer wait raises discord.RateLimited instead of sleeping inside
# discord.py (30 s is its minimum): the delivery worker reschedules, a member gets an apology.
MAX_RATELIMIT_WAIT = 30.0


def intents(*, member_list: bool = False, member_joins: bool = False) -> discord.Intents:
    """The minimum: guilds (roles for the moderator check) and DMs, none privileged unless
    `member_list` (GIGGUARD_DISCORD_MEMBER_LIST, for broadcasts to everyone) or `member_joins`
    (GIGGUARD_DISCORD_WELCOME, for welcome DMs) asks for members.

    Not message_content: DM text reaches a bot without it, and server messages are ignored.
    """
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.dm_messages = True
    chosen.members = member_list or member_joins
    return chosen


class DiscordJoinFeed:
    """Whether Discord tells this client when members join (core's JoinFeed): only if it asked
    for the Server Members intent and the application may have it (its flags; Discord refuses
    the connection otherwise, close code 4014)."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    def hears_joins(self) -> bool:
        flags = self._client.application_flags
        allowed = flags.gateway_guild_members or flags.gateway_guild_members_limited
        return self._client.intents.members and allowed


class Replies(Protocol):
    async def hold(self) -> None: ...

    async def send(self, reply: Reply) -> None: ...

    async def apologise(self, text: str) -> None: ...


class DiscordAdapter:
    """Translates Discord events into core requests and core replies into Discord messages."""

    def __init__(
        self, core: Gigguard, config: DiscordConfig, *, defer_after: float = DEFER_AFTER
    ) -> None:
        self._core = core
        self._config = config
        self._defer_after = defer_after

    @property
    def member_list(self) -> bool:
        return self._config.member_list

    @property
    def member_joins(self) -> bool:
        return self._config.welcome

    async def setup(self, client: discord.Client) -> None:
        """Register commands and persistent buttons before connecting; sync only on change."""
        tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
        await tree.set_translator(KnowledgeTranslator(self._core))
        tree.add_command(build_group(self._core, self.run_command))
        client.add_dynamic_items(CommandButton)
        guild = discord.Object(id=self._config.guild_id) if self._config.guild_id else None
        if guild is not None:
            tree.copy_global_to(guild=guild)
        await sync_if_changed(client, tree, guild)

    def connection(self, connected: bool) -> None:
        if self._config.on_connection is not None:
            self._config.on_connection(connected)

    async def run_command(self, interaction: discord.Interaction, command: str) -> None:
        """A slash command or a button click, as the command line it stands for."""
        moderator = is_moderator(interaction, self._config.moderator_role)
        request = events.from_interaction(interaction, command, moderator=moderator)
        await self._answer(request, InteractionReplies(interaction))

    async def on_message(self, message: discord.Message) -> None:
        if not events.wants_answer(message):
            return
        request = events.from_direct_message(message)
        await self._answer(request, DirectMessageReplies(message.channel, message.author.id))

    async def on_member_join(self, member: discord.Member) -> None:
        """A new server member: core queues their welcome DM if the server switched it on."""
        joined = events.joined_member(member)
        what = f"handle user {member.id} joining {joined.community}"
        await self._guarded(what, self._core.member_joined(joined), _nobody_to_tell)

    async def _answer(self, request: Request, replies: Replies) -> None:
        async def work() -> None:
            await replies.send(await self._reply(request, replies))

        async def apologise() -> None:
            with contextlib.suppress(discord.HTTPException):
                await replies.apologise(render_plain(self._core.apology()))

        what = f"answer user {request.actor.key.user} ({request.origin})"
        await self._guarded(what, work(), apologise)

    async def _guarded(
        self, what: str, work: Awaitable[object], apologise: Callable[[], Awaitable[None]]
    ) -> None:
        """The adapter's one broad boundary: whatever fails is logged and the member told."""
        try:
            await work
        except Exception:
            log.exception("discord: could not %s", what)
            await apologise()

    async def _reply(self, request: Request, replies: Replies) -> Reply:
        """Run core; if it is not done within `defer_after`, tell Discord we are on it."""
        work = asyncio.ensure_future(self._core.handle(request))
        try:
            done, _ = await asyncio.wait({work}, timeout=self._defer_after)
            if not done:
                await replies.hold()
            return await work
        finally:
            work.cancel()  # a no-op once done; stops orphaned work if we were cancelled


async def _nobody_to_tell() -> None:
    """A failed join has no one waiting for an answer: the log line is the whole report."""


class _ClientHooks:
    """What discord.py calls on a client, handed to the adapter; shared by both client classes."""

    def __init__(self, adapter: DiscordAdapter, **options: Any) -> None:
        super().__init__(  # type: ignore[call-arg]
            intents=intents(member_list=adapter.member_list, member_joins=adapter.member_joins),
            # The directory pages members over REST: never fetch or cache whole servers.
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
            allowed_mentions=NO_MENTIONS,
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            **options,
        )
        self.adapter = adapter

    async def setup_hook(self) -> None:
        await self.adapter.setup(cast(discord.Client, self))

    async def on_message(self, message: discord.Message) -> None:
        await self.adapter.on_message(message)

    async def on_member_join(self, member: discord.Member) -> None:
        await self.adapter.on_member_join(member)

    async def on_ready(self) -> None:
        self.adapter.connection(True)

    async def on_resumed(self) -> None:
        self.adapter.connection(True)

    async def on_disconnect(self) -> None:
        self.adapter.connection(False)

    async def run_command(self, interaction: discord.Interaction, command: str) -> None:
        await self.adapter.run_command(interaction, command)


class GigguardClient(_ClientHooks, discord.Client):
    """One gateway connection."""


class ShardedGigguardClient(_ClientHooks, discord.AutoShardedClient):
    """Several shards in this process; with no count, as many as Discord recommends."""


def create_client(
    core: Gigguard, config: DiscordConfig, *, defer_after: float = DEFER_AFTER
) -> discord.Client:
    adapter = DiscordAdapter(core, config, defer_after=defer_after)
    if config.auto_sharded:
        return ShardedGigguardClient(adapter)
    if config.shard_count > 1:
        return ShardedGigguardClient(adapter, shard_count=config.shard_count)
    return GigguardClient(adapter)
