"""Core's Messenger on the running discord.py client's HTTP layer, for reminders and broadcasts.

Members who never used the bot are listed by adapters/discord/directory.py, only when the
operator opts in (the privileged GUILD_MEMBERS intent); otherwise a Discord broadcast to "all"
reaches the members known to the bot (those who used it), not the whole server.

The HTTP layer is used directly (not `User.send`): no DM channel, message or view is cached per
recipient, so a 10,000-member broadcast does not grow the client's state.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
import discord
from discord.http import handle_message_parameters

from adapters.discord.components import view_for
from adapters.discord.delivery import NO_MENTIONS
from adapters.discord.events import PLATFORM
from adapters.discord.render import Outgoing, render
from core.errors import PermanentDeliveryError, TransientDeliveryError
from core.outbox import FailReason
from core.ports import Sent
from core.replies import Reply

log = logging.getLogger(__name__)

MAX_NONCE = 25  # Discord refuses longer nonces
CALL_TIMEOUT = 60.0  # seconds; discord.py waits at most MAX_RATELIMIT_WAIT on a 429 itself
NOT_LOGGED_IN_RETRY = 5.0
TOO_FAST_RETRY = 60.0  # 40003 "opening direct messages too fast" gives no retry_after

_REASONS: Mapping[int, str] = {
    50007: FailReason.DMS_CLOSED,  # cannot send messages to this user
    10013: FailReason.USER_NOT_FOUND,  # unknown user
    50033: FailReason.USER_NOT_FOUND,  # invalid recipient(s)
    10003: FailReason.CHANNEL_NOT_FOUND,  # unknown channel
    50001: FailReason.CHANNEL_NOT_FOUND,  # missing access
}
OPENING_DMS_TOO_FAST = 40003


def nonce_for(idempotency_key: str, part: int) -> str:
    """Stable per delivery and message part, and within Discord's 25 characters."""
    return hashlib.sha256(f"{idempotency_key}:{part}".encode()).hexdigest()[:MAX_NONCE]


def _retry_after(exc: discord.HTTPException) -> float | None:
    """discord.py keeps the response, not the body: Retry-After is in the headers too."""
    value = exc.response.headers.get("Retry-After") if exc.response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _translated(exc: BaseException) -> Exception | None:
    if isinstance(exc, discord.RateLimited):
        return TransientDeliveryError("discord: rate limited", retry_after=exc.retry_after)
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return TransientDeliveryError(
                "discord: rate limited", retry_after=_retry_after(exc), original=exc
            )
        if exc.status >= 500:
            return TransientDeliveryError(f"discord: HTTP {exc.status}", original=exc)
        if exc.code == OPENING_DMS_TOO_FAST:
            return TransientDeliveryError(
                "discord: opening DMs too fast", retry_after=TOO_FAST_RETRY, original=exc
            )
        reason = _REASONS.get(exc.code, FailReason.OTHER)
        if reason is FailReason.OTHER:
            log.warning("discord: delivery refused for good: %s %s", exc.status, exc.code)
        return PermanentDeliveryError(reason, original=exc)
    if isinstance(exc, aiohttp.ClientError | TimeoutError | OSError):
        return TransientDeliveryError(f"discord: {type(exc).__name__}", original=exc)
    return None


class DiscordMessenger:
    platform = PLATFORM

    def __init__(self, client: discord.Client, *, call_timeout: float = CALL_TIMEOUT) -> None:
        self._client = client
        self._call_timeout = call_timeout

    async def send_dm(
        self, workspace: str, user: str, reply: Reply, *, idempotency_key: str, resend: bool = False
    ) -> Sent:
        """`workspace` is not needed: a Discord user id (and a DM) is the same in every server."""
        channel = await self._call(self._client.http.start_private_message(int(user)))
        return await self._send(int(channel["id"]), reply, idempotency_key)

    async def send_to_channel(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        return await self._send(int(channel), reply, idempotency_key)

    async def _send(self, channel_id: int, reply: Reply, key: str) -> Sent:
        first: str | None = None
        for part, message in enumerate(render(reply)):
            sent = await self._call(self._post(channel_id, message, nonce_for(key, part)))
            first = first or str(sent["id"])
        return Sent(message_id=first)

    async def _post(self, channel_id: int, message: Outgoing, nonce: str) -> Any:
        view = view_for(message.buttons) if message.buttons else discord.utils.MISSING
        # With a nonce, discord.py also sends enforce_nonce: Discord then answers a repeat
        # within minutes with the message it already created instead of posting it twice.
        with handle_message_parameters(
            embeds=list(message.embeds), view=view, allowed_mentions=NO_MENTIONS, nonce=nonce
        ) as params:
            return await self._client.http.send_message(channel_id, params=params)

    async def _call(self, request: Any) -> Any:
        if self._client.user is None or self._client.is_closed():
            request.close()
            raise TransientDeliveryError("discord: not logged in", retry_after=NOT_LOGGED_IN_RETRY)
        try:
            async with asyncio.timeout(self._call_timeout):
                return await request
        except Exception as exc:
            translated = _translated(exc)
            if translated is None:
                raise
            raise translated from exc
