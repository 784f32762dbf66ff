"""Play Slack's side of the wire: signed slash commands, events and clicks."""

from __future__ import annotations

import copy
import itertools
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.slack.fake_slack import Call, FakeSlack

PAYLOADS = Path(__file__).parent / "payloads"
MEMBER = "U0MEMBER"


def payload(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text()))


class SlackSim:
    def __init__(
        self, session: aiohttp.ClientSession, url: str, secret: str, fake: FakeSlack
    ) -> None:
        self.session = session
        self.url = url
        self.secret = secret
        self.fake = fake
        self._names = itertools.count(1)

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | str | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret or self.secret).generate_signature(
            timestamp=stamp, body=body
        )
        signed = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": str(signature)}
        return await self.post_raw(body, content_type, {**signed, **(headers or {})})

    async def post_raw(
        self, body: str, content_type: str, headers: dict[str, str]
    ) -> tuple[int, str]:
        """Post exactly these bytes and headers, signed or not."""
        sent = {"Content-Type": content_type, **headers}
        async with self.session.post(self.url, data=body.encode(), headers=sent) as response:
            return response.status, await response.text()

    def command_body(
        self, text: str, *, user: str = MEMBER, channel: str = "C0GENERAL", response: str = "cmd"
    ) -> str:
        form = payload("slash_command")
        form.update(
            text=text,
            user_id=user,
            channel_id=channel,
            response_url=self.fake.response_url(response),
        )
        return urlencode(form)

    async def command(self, text: str, **options: Any) -> tuple[int, str]:
        return await self.post(
            self.command_body(text, **options), "application/x-www-form-urlencoded"
        )

    async def run(self, text: str, *, count: int = 1, **options: Any) -> list[Call]:
        """`/optout <text>`: Slack gets its 200 at once, the answer arrives on the response_url."""
        name = f"cmd{next(self._names)}"
        status, body = await self.command(text, response=name, **options)
        assert (status, body) == (200, ""), (status, body)
        return await self.fake.wait_for_response(name, count)

    async def event(self, name: str, **event_fields: Any) -> tuple[int, str]:
        envelope = payload(name)
        envelope["event_id"] = f"Ev{next(self._names):08d}"  # Slack's id of this one delivery
        envelope["event"].update(event_fields)
        envelope["event"] = {k: v for k, v in envelope["event"].items() if v is not None}
        return await self.post(json.dumps(envelope), "application/json")

    async def dm(self, text: str, **event_fields: Any) -> tuple[int, str]:
        return await self.event("message_im", text=text, **event_fields)

    async def click(
        self,
        value: str,
        *,
        container: dict[str, Any] | None = None,
        user: str = MEMBER,
        response: str | None = "click",
    ) -> tuple[int, str]:
        """Click a gigguard button whose command is `value`, on the default or given container."""
        body = payload("block_actions")
        body["user"]["id"] = user
        body["actions"][0].update(value=value, action_id="gigguard:" + value.replace(" ", ":"))
        if container is not None:
            body["container"] = container
            if container.get("type") == "view":
                body.pop("channel")
                body["view"] = {"id": container["view_id"], "type": "home"}
            else:
                body["channel"] = {"id": container["channel_id"], "name": "directmessage"}
        if response is None:
            body.pop("response_url")
        else:
            body["response_url"] = self.fake.response_url(response)
        form = urlencode({"payload": json.dumps(body)})
        return await self.post(form, "application/x-www-form-urlencoded")
