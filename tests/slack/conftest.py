"""The real bolt app in HTTP mode on port 0, talking to a fake Slack on port 0."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from adapters.slack.app import build_bolt_app
from adapters.slack.config import SlackConfig
from adapters.slack.listeners import Core
from adapters.slack.web import EVENTS_PATH, build_web_app
from bot.bootstrap import App
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_sim import SlackSim

SECRET = "test-signing-secret"
CONFIGURED_MODERATOR = "U0CONFIGMOD"

StartSim = Callable[[Core], Awaitable[SlackSim]]


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()
    # Every body the bot sent must be one Slack accepts (slack_sdk's Block Kit models).
    assert fake.violations == [], fake.violations


async def serve(core: Core, fake: FakeSlack) -> tuple[TestServer, str]:
    config = SlackConfig(
        bot_token="xoxb-test-token",
        signing_secret=SECRET,
        app_token=None,
        api_url=fake.api_url,
        moderator_ids=frozenset({CONFIGURED_MODERATOR}),
    )
    server = TestServer(
        build_web_app(build_bolt_app(core, config), signing_secret=SECRET), host="127.0.0.1", port=0
    )
    await server.start_server()
    return server, str(server.make_url(EVENTS_PATH))


@pytest.fixture
async def sim_for(fake_slack: FakeSlack) -> AsyncIterator[StartSim]:
    """`await sim_for(core)`: a SlackSim against the bolt app serving that core."""
    servers: list[TestServer] = []
    async with aiohttp.ClientSession() as session:

        async def start(core: Core) -> SlackSim:
            server, url = await serve(core, fake_slack)
            servers.append(server)
            return SlackSim(session, url, SECRET, fake_slack)

        yield start
        for server in servers:
            await server.close()


@pytest.fixture
async def slack(app: App, sim_for: StartSim) -> SlackSim:
    return await sim_for(app.core)
