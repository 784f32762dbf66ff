"""Core's Messenger and MemberDirectory on Slack's Web API, for reminders and broadcasts.

Every call uses the token of the delivery's workspace (adapters/slack/tokens.py): the single
configured token for its own team, or an OAuth installation's. A delivery for a workspace the
bot is not installed in fails for good instead of reaching the wrong team.

Slack has no idempotency key for chat.postMessage, so each part carries the delivery's key in
its message metadata and a resend whose earlier outcome is unknown looks for it in the
conversation's newest messages first. conversations.history is costly on real Slack (apps
installed outside the Marketplace: 1 request a minute, at most 15 messages), so it is read only
then: never on a first try, and not on a retry after Slack said plainly that nothing was posted.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import retry_handlers, web_client
from adapters.slack.blocks import SlackMessage, render_messages
from adapters.slack.config import SlackConfig
from adapters.slack.tokens import SingleWorkspace, WorkspaceTokens
from core.errors import PermanentDeliveryError, TransientDeliveryError
from core.outbox import FailReason
from core.ports import Sent
from core.replies import Reply

log = logging.getLogger(__name__)

PLATFORM = "slack"
EVENT_TYPE = "gigguard_delivery"
HISTORY_LIMIT = 15  # Slack's cap for non-Marketplace apps; a resend's copy is among the newest
REMEMBERED = 10_000  # DM channel ids and delivery outcomes kept in memory, newest first
USERS_PAGE = 200
SLACKBOT = "USLACKBOT"

_REASONS: Mapping[str, str] = {
    "user_not_found": FailReason.USER_NOT_FOUND,
    "users_not_found": FailReason.USER_NOT_FOUND,
    "user_disabled": FailReason.USER_NOT_FOUND,
    "account_inactive": FailReason.USER_NOT_FOUND,
    "user_not_visible": FailReason.USER_NOT_FOUND,
    "cannot_dm_bot": FailReason.DMS_CLOSED,
    "not_allowed": FailReason.DMS_CLOSED,
    "messages_tab_disabled": FailReason.DMS_CLOSED,
    "restricted_action": FailReason.DMS_CLOSED,
    "user_is_restricted": FailReason.DMS_CLOSED,
    "channel_not_found": FailReason.CHANNEL_NOT_FOUND,
    "not_in_channel": FailReason.NOT_IN_CHANNEL,
    "is_archived": FailReason.CHANNEL_NOT_FOUND,
}
# Slack's own "try again later" answers, besides HTTP 429 and 5xx.
_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def delivery_client(config: SlackConfig) -> AsyncWebClient:
    """The app's base URL without the SDK's retries: a retried chat.postMessage after a dropped
    connection or a 500 may post twice, so every retry goes through the delivery worker, which
    paces it and tells the Messenger it is a resend."""
    return web_client(config, [])


def _retry_after(headers: Mapping[str, Any]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None


def _translated(exc: SlackApiError) -> Exception:
    response = exc.response
    error = str(response.get("error") or "") if isinstance(response.data, dict) else ""
    status = response.status_code
    if status == 429 or error == "ratelimited":
        return TransientDeliveryError(
            "slack: rate limited", retry_after=_retry_after(response.headers), original=exc
        )
    if status >= 500 or error in _TRANSIENT:
        return TransientDeliveryError(f"slack: {status} {error}".strip(), original=exc)
    reason = _REASONS.get(error, FailReason.OTHER)
    if error == "missing_scope":
        log.warning(
            "slack: the bot token lacks the scope %s (it has %s): update the app from "
            "deploy/slack/manifest.yml and reinstall it",
            response.get("needed"),
            response.get("provided"),
        )
    elif reason is FailReason.OTHER:
        log.warning("slack: delivery refused for good: %s (HTTP %s)", error or "?", status)
    return PermanentDeliveryError(reason, original=exc)


class _Translating:
    """Turns whatever one Web API call raises into core's delivery errors."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if isinstance(exc, SlackApiError):
            raise _translated(exc) from exc
        if isinstance(exc, aiohttp.ClientError | TimeoutError | OSError):
            raise TransientDeliveryError(f"slack: {type(exc).__name__}", original=exc) from exc


K = TypeVar("K")
V = TypeVar("V")


class _Recent(Generic[K, V]):
    """A bounded map that forgets its oldest entries first."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def drop(self, key: K) -> None:
        self._items.pop(key, None)


class SlackMessenger:
    platform = PLATFORM

    def __init__(self, client: AsyncWebClient, *, tokens: WorkspaceTokens | None = None) -> None:
        self._client = client
        self._tokens = tokens or SingleWorkspace(client)
        # A member's DM channel id never changes: opened once, not before every message.
        self._dm_channels: _Recent[tuple[str, str], str] = _Recent()
        # Parts of a delivery known to be posted (possibly none) after an attempt whose outcome
        # Slack stated; a key is dropped when an attempt ends without knowing.
        self._posted: _Recent[str, dict[int, str]] = _Recent()

    async def send_dm(
        self,
        workspace: str,
        user: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        token = await self._token(workspace)
        channel = await self._dm_channel(workspace, user, token)
        try:
            return await self._post(channel, reply, idempotency_key, token, resend=resend)
        except PermanentDeliveryError as exc:
            if exc.reason == FailReason.CHANNEL_NOT_FOUND:
                self._dm_channels.drop((workspace, user))
            raise

    async def send_to_channel(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        token = await self._token(workspace)
        try:
            return await self._post(channel, reply, idempotency_key, token, resend=resend)
        except PermanentDeliveryError as exc:
            if exc.reason == FailReason.NOT_IN_CHANNEL:
                log.warning(
                    "slack: gigguard is not a member of channel %s in workspace %s: a moderator "
                    "must invite @gigguard to that channel (/invite @gigguard) before a "
                    "broadcast can be posted there",
                    channel,
                    workspace,
                )
            raise

    async def _dm_channel(self, workspace: str, user: str, token: str) -> str:
        channel = self._dm_channels.get((workspace, user))
        if channel is None:
            async with _Translating():
                opened = await self._client.conversations_open(users=user, token=token)
            channel = str(opened["channel"]["id"])
            self._dm_channels.put((workspace, user), channel)
        return channel

    async def _post(
        self, channel: str, reply: Reply, key: str, token: str, *, resend: bool
    ) -> Sent:
        messages = render_messages(reply)
        if not messages:
            log.warning("slack: delivery %s has nothing to show, not sent", key)
            raise PermanentDeliveryError(FailReason.OTHER)
        done = self._posted.get(key)
        if done is None:
            done = await self._parts_already_sent(channel, key, token) if resend else {}
        done = dict(done)
        for part, message in enumerate(messages):
            if part in done:
                continue
            done[part] = await self._post_part(channel, message, key, part, token, done)
        self._posted.put(key, done)
        return Sent(message_id=done.get(0))

    async def _post_part(
        self,
        channel: str,
        message: SlackMessage,
        key: str,
        part: int,
        token: str,
        done: dict[int, str],
    ) -> str:
        try:
            async with _Translating():
                posted = await self._client.chat_postMessage(
                    token=token,
                    channel=channel,
                    text=message.text,
                    blocks=message.blocks,
                    metadata={
                        "event_type": EVENT_TYPE,
                        "event_payload": {"key": key, "part": part},
                    },
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except (PermanentDeliveryError, TransientDeliveryError) as exc:
            answered = exc.__cause__
            if isinstance(answered, SlackApiError) and answered.response.status_code < 500:
                self._posted.put(key, dict(done))  # Slack answered: this part was not posted
            else:
                self._posted.drop(key)  # a dropped connection or a 5xx: it may have been
            raise
        return str(posted["ts"])

    async def _parts_already_sent(self, channel: str, key: str, token: str) -> dict[int, str]:
        """Parts of this delivery found among the channel's newest messages, by their ts."""
        async with _Translating():
            history = await self._client.conversations_history(
                token=token, channel=channel, limit=HISTORY_LIMIT, include_all_metadata=True
            )
        found: dict[int, str] = {}
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == EVENT_TYPE and payload.get("key") == key:
                found[int(payload.get("part", 0))] = str(message.get("ts"))
        if found:
            log.info(
                "slack: delivery %s was already sent (parts %s), not repeated", key, sorted(found)
            )
        return found

    async def _token(self, workspace: str) -> str:
        async with _Translating():
            token = await self._tokens.token_for(workspace)
        if token is None:
            log.warning(
                "slack: delivery for workspace %s, where the bot is not installed", workspace
            )
            raise PermanentDeliveryError(FailReason.OTHER)
        return token


class SlackMemberDirectory:
    """A workspace's people: users.list, page by page, without bots or the deleted."""

    def __init__(self, client: AsyncWebClient, *, tokens: WorkspaceTokens | None = None) -> None:
        self._client = client
        self._tokens = tokens or SingleWorkspace(client)

    async def member_ids(self, workspace: str) -> list[str]:
        token = await self._tokens.token_for(workspace)
        if token is None:
            return []
        found: list[str] = []
        cursor: str | None = None
        while True:
            page = await self._client.users_list(token=token, limit=USERS_PAGE, cursor=cursor)
            found += [m["id"] for m in page.get("members") or [] if _is_person(m)]
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return found


def _is_person(member: Mapping[str, Any]) -> bool:
    return not (member.get("is_bot") or member.get("deleted") or member.get("id") == SLACKBOT)


def directory_client(config: SlackConfig) -> AsyncWebClient:
    """users.list is Tier 2: listing may wait out a 429 (nobody is waiting on a reply)."""
    return web_client(config, retry_handlers())
