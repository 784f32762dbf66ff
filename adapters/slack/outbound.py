"""Deliver rendered messages: response_url, chat.postMessage / chat.update, views.publish.

Never sends `link_names` or `parse=full`: with escaped text, nothing a member typed can ping.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import SlackBlock, SlackMessage
from core.errors import GigguardError
from core.replies import Attachment

log = logging.getLogger(__name__)


class SlackDeliveryError(GigguardError):
    """Slack did not accept a message posted to a response_url."""


class ResponseUrl:
    """The reply channel of a slash command or a click; the same retry handlers as the Web API."""

    def __init__(self, url: str, retry_handlers: list[AsyncRetryHandler]) -> None:
        self._client = AsyncWebhookClient(url=url, retry_handlers=list(retry_handlers))

    async def send(
        self, messages: Sequence[SlackMessage], *, ephemeral: bool, replace_original: bool = False
    ) -> None:
        """Post each message; with `replace_original` the first replaces the clicked message."""
        for number, message in enumerate(messages):
            payload: dict[str, Any] = {"text": message.text, "blocks": message.blocks}
            if replace_original and number == 0:
                payload["replace_original"] = True
            else:
                payload["replace_original"] = False
                payload["response_type"] = "ephemeral" if ephemeral else "in_channel"
            response = await self._client.send_dict(payload)
            if response.status_code != 200:
                raise SlackDeliveryError(
                    f"response_url answered {response.status_code}: {response.body[:200]}"
                )


async def post_messages(
    client: AsyncWebClient, channel: str, messages: Sequence[SlackMessage]
) -> None:
    for message in messages:
        await client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks)


async def update_message(
    client: AsyncWebClient, channel: str, ts: str, messages: Sequence[SlackMessage]
) -> None:
    """Replace a bot message in place; any overflow follows as new messages. A reply with
    nothing to show leaves the message as it was."""
    if not messages:
        return
    first, *rest = messages
    await client.chat_update(channel=channel, ts=ts, text=first.text, blocks=first.blocks)
    await post_messages(client, channel, rest)


async def publish_home(client: AsyncWebClient, user: str, blocks: list[SlackBlock]) -> None:
    await client.views_publish(user_id=user, view={"type": "home", "blocks": blocks})


async def upload_attachments(
    client: AsyncWebClient, channel: str, attachments: Sequence[Attachment]
) -> bool:
    """Upload the attachments into `channel` as one message (files:write; each file is one
    files.getUploadURLExternal, all share one files.completeUploadExternal). A failed upload
    is logged: the reply's blocks already say what the files hold."""
    if not attachments:
        return True
    names = ", ".join(a.filename for a in attachments)
    try:
        await client.files_upload_v2(
            channel=channel,
            file_uploads=[
                {
                    "file": a.content,
                    "filename": a.filename,
                    "title": a.filename,
                    "alt_txt": a.alt_text,
                }
                for a in attachments
            ],
        )
    except (SlackApiError, SlackClientError) as exc:
        log.warning("slack: could not upload %s, the reply went without it: %s", names, exc)
        return False
    return True


async def upload_to_member(
    client: AsyncWebClient, user: str, attachments: Sequence[Attachment]
) -> bool:
    """Files cannot be ephemeral: a slash command's attachments go to the member's DM."""
    try:
        opened = await client.conversations_open(users=user)
    except (SlackApiError, SlackClientError) as exc:
        log.warning("slack: could not open a DM to upload attachments: %s", exc)
        return False
    return await upload_attachments(client, opened["channel"]["id"], attachments)
