"""Core's Messenger and MemberDirectory on Slack's Web API, for reminders and broadcasts.

Every call uses the token of the delivery's workspace (adapters/slack/tokens.py): the single
configured token for its own team, or an OAuth installation's. A delivery for a workspace the
bot is not installed in fails for good instead of reaching the wrong team.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

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
HISTORY_LIMIT = 20  # a resend follows its first try closely: the copy is among the newest
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
    "not_in_channel": FailReason.CHANNEL_NOT_FOUND,
    "is_archived": FailReason.CHANNEL_NOT_FOUND,
}
# Slack's own "try again later" answers, besides HTTP 429 and 5xx.
_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def delivery_client(config: SlackConfig) -> AsyncWebClient:
    """The app's base URL and retries, except that a 429 reaches the delivery worker."""
    return web_client(config, retry_handlers(wait_on_429=False))


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
    if reason is FailReason.OTHER:
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


class SlackMessenger:
    platform = PLATFORM

    def __init__(self, client: AsyncWebClient, *, tokens: WorkspaceTokens | None = None) -> None:
        self._client = client
        self._tokens = tokens or SingleWorkspace(client)

    async def send_dm(
        self, workspace: str, user: str, reply: Reply, *, idempotency_key: str
    ) -> Sent:
        token = await self._token(workspace)
        async with _Translating():
            opened = await self._client.conversations_open(users=user, token=token)
        channel = opened["channel"]["id"]
        # A DM that was not open before cannot hold an earlier try of this delivery.
        fresh = opened.get("already_open") is False
        return await self._post(channel, reply, idempotency_key, token, check_history=not fresh)

    async def send_to_channel(
        self, workspace: str, channel: str, reply: Reply, *, idempotency_key: str
    ) -> Sent:
        token = await self._token(workspace)
        return await self._post(channel, reply, idempotency_key, token, check_history=True)

    async def _post(
        self, channel: str, reply: Reply, key: str, token: str, *, check_history: bool
    ) -> Sent:
        messages = render_messages(reply)
        done = await self._parts_already_sent(channel, key, token) if check_history else {}
        first_ts = done.get(0)
        for part, message in enumerate(messages):
            if part in done:
                continue
            ts = await self._post_part(channel, message, key, part, token)
            first_ts = first_ts or ts
        if done:
            log.info(
                "slack: delivery %s was already sent (parts %s), not repeated", key, sorted(done)
            )
        return Sent(message_id=first_ts)

    async def _post_part(
        self, channel: str, message: SlackMessage, key: str, part: int, token: str
    ) -> str:
        async with _Translating():
            posted = await self._client.chat_postMessage(
                token=token,
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"key": key, "part": part}},
                unfurl_links=False,
                unfurl_media=False,
            )
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
