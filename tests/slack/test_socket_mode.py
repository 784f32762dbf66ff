"""Socket Mode through run_slack: apps.connections.open, a websocket, envelopes acked."""

from __future__ import annotations

import asyncio
import contextlib

from adapters.slack.config import SlackConfig
from adapters.slack.runner import run_slack
from bot.bootstrap import App
from tests.slack.fake_slack import SOCKET_ACK, SOCKET_CONNECTED, FakeSlack
from tests.slack.slack_sim import payload


async def test_socket_mode_answers_a_slash_command(app: App, fake_slack: FakeSlack) -> None:
    config = SlackConfig(
        "xoxb-t",
        signing_secret=None,
        app_token="xapp-1-test",
        api_url=fake_slack.api_url,
        moderator_ids=frozenset(),
    )
    task = asyncio.create_task(run_slack(app.core, config, http=False, host="", port=0))
    try:
        await fake_slack.wait_for(SOCKET_CONNECTED)
        command = payload("slash_command")
        command.update(text="done all", response_url=fake_slack.response_url("socket"))
        await fake_slack.push_envelope(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "payload": command,
                "accepts_response_payload": True,
            }
        )
        (ack,) = await fake_slack.wait_for(SOCKET_ACK)
        assert ack.params["envelope_id"] == "env-1"
        (reply,) = await fake_slack.wait_for_response("socket")
        assert "Recorded: Communications Data, Work Product Data, Other Platform Data" in reply.text
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
