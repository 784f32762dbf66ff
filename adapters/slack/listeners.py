"""Bolt listeners: ack first, then translate, ask core, render and deliver.

Each listener runs its work through `_guarded`, the adapter's one broad error boundary, and at
most `WORK_SLOTS` of them work at once. Acks and the work share one event loop: with hundreds
of commands in flight, every new request's ack queued behind all their database and FAQ steps
(p99 over Slack's 3 s on a busy machine). Work waiting for a slot costs nothing, so a burst's
acks go out first and the work drains behind them (bench/slack_ack.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Protocol

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound
from adapters.slack.blocks import render_messages, render_view_blocks
from adapters.slack.home import home_reply, notice_of
from adapters.slack.inbound import Payload
from adapters.slack.moderators import ModeratorDirectory
from adapters.slack.outbound import (
    ResponseUrl,
    post_messages,
    publish_home,
    update_message,
    upload_attachments,
    upload_to_member,
)
from core.joins import MemberJoined
from core.replies import ACTION_PREFIX, Reply
from core.requests import Actor, Request

log = logging.getLogger(__name__)

WORK_SLOTS = 8  # listeners doing core work at once; about the database pool's size


class Core(Protocol):
    """All the adapter needs of core (`core.service.Gigguard`): a request in, a reply out."""

    async def handle(self, request: Request) -> Reply: ...

    async def member_joined(self, joined: MemberJoined) -> bool: ...

    def apology(self) -> Reply: ...


class Listeners:
    def __init__(
        self,
        core: Core,
        moderators: ModeratorDirectory,
        retry_handlers: list[AsyncRetryHandler],
    ) -> None:
        self._core = core
        self._moderators = moderators
        self._retry_handlers = retry_handlers
        self._apology = render_messages(core.apology())
        self._slots = asyncio.Semaphore(WORK_SLOTS)

    def attach(self, bolt: AsyncApp) -> None:
        bolt.command(inbound.COMMAND)(self.on_command)
        bolt.event("message")(self.on_message)
        bolt.event("app_home_opened")(self.on_home_opened)
        bolt.event("team_join")(self.on_team_join)
        bolt.action(re.compile("^" + re.escape(ACTION_PREFIX)))(self.on_action)

    async def on_command(self, ack: AsyncAck, body: Payload, client: AsyncWebClient) -> None:
        await ack()  # within Slack's 3 s, before any database or API work
        out = ResponseUrl(body["response_url"], self._retry_handlers)

        async def work() -> None:
            actor = await self._actor(client, *inbound.command_member(body))
            reply = await self._core.handle(inbound.command_request(body, actor))
            await out.send(render_messages(reply), ephemeral=reply.ephemeral)
            if reply.attachments:
                await upload_to_member(client, actor.key.user, reply.attachments)

        await self._guarded(
            "slash command", work(), lambda: out.send(self._apology, ephemeral=True)
        )

    async def on_message(self, body: Payload, event: Payload, client: AsyncWebClient) -> None:
        if not inbound.is_member_dm(event):
            return
        channel = event["channel"]

        async def work() -> None:
            actor = await self._actor(client, *inbound.event_member(body, event))
            reply = await self._core.handle(inbound.dm_request(event, actor))
            await post_messages(client, channel, render_messages(reply))
            await upload_attachments(client, channel, reply.attachments)

        await self._guarded(
            "direct message", work(), lambda: post_messages(client, channel, self._apology)
        )

    async def on_home_opened(self, body: Payload, event: Payload, client: AsyncWebClient) -> None:
        if event.get("tab") != "home":
            return
        team, user = inbound.event_member(body, event)

        async def work() -> None:
            await self._publish_home(client, await self._actor(client, team, user))

        await self._guarded("app home", work(), lambda: self._apologise_home(client, user))

    async def on_team_join(self, body: Payload, event: Payload) -> None:
        """A new workspace member: core queues their welcome DM if moderators switched it on."""
        joined = inbound.joined_member(body, event)

        async def work() -> None:
            await self._core.member_joined(joined)

        await self._guarded("member join", work(), _nobody_to_tell)

    async def on_action(self, ack: AsyncAck, body: Payload, client: AsyncWebClient) -> None:
        await ack()
        team, user = inbound.action_member(body)

        async def work() -> None:
            actor = await self._actor(client, team, user)
            reply = await self._core.handle(inbound.action_request(body, actor))
            await self._answer_click(client, body, actor, reply)

        await self._guarded("button click", work(), lambda: self._apologise_click(client, body))

    async def _answer_click(
        self, client: AsyncWebClient, body: Payload, actor: Actor, reply: Reply
    ) -> None:
        """Home re-renders; a clicked ephemeral or DM message is replaced; a click on a public
        message is answered privately, leaving the message as others see it."""
        container = body.get("container", {})
        if container.get("type") == "view":
            await self._publish_home(client, actor, notice=notice_of(reply))
            return
        messages = render_messages(reply)
        channel = inbound.action_channel(body)
        if channel and inbound.is_dm_channel(channel) and not container.get("is_ephemeral"):
            await update_message(client, channel, container["message_ts"], messages)
            return
        out = ResponseUrl(body["response_url"], self._retry_handlers)
        await out.send(
            messages, ephemeral=True, replace_original=bool(container.get("is_ephemeral"))
        )

    async def _publish_home(
        self, client: AsyncWebClient, actor: Actor, notice: str | None = None
    ) -> None:
        status = await self._core.handle(inbound.home_request(actor, "status"))
        guide = await self._core.handle(inbound.home_request(actor, "guide"))
        view = render_view_blocks(home_reply(status, guide, notice))
        await publish_home(client, actor.key.user, view)

    async def _apologise_home(self, client: AsyncWebClient, user: str) -> None:
        await publish_home(client, user, self._apology[0].blocks)

    async def _apologise_click(self, client: AsyncWebClient, body: Payload) -> None:
        channel = inbound.action_channel(body)
        if body.get("container", {}).get("type") == "view":
            await self._apologise_home(client, inbound.action_member(body)[1])
        elif body.get("response_url"):
            await ResponseUrl(body["response_url"], self._retry_handlers).send(
                self._apology, ephemeral=True
            )
        elif channel:
            await post_messages(client, channel, self._apology)

    async def _actor(self, client: AsyncWebClient, team: str, user: str) -> Actor:
        member = await self._moderators.member(client, team, user)
        return Actor(
            inbound.member_key(team, user), is_moderator=member.moderator, locale=member.locale
        )

    async def _guarded(
        self, what: str, work: Awaitable[None], apologise: Callable[[], Awaitable[None]]
    ) -> None:
        """The adapter's one broad boundary: whatever failed, log it whole and answer politely."""
        async with self._slots:
            try:
                await work
            except Exception:
                log.exception("slack: could not answer a %s", what)
                await apologise()


async def _nobody_to_tell() -> None:
    """A failed join has no one waiting for an answer: the log line is the whole report."""
