"""Installs to many workspaces: the OAuth flow against the fake Slack, stores in our database.

A browser opens /slack/install (state cookie + the authorize link), Slack sends it back to
/slack/oauth_redirect with a code, the bot exchanges it (oauth.v2.access) and keeps the
workspace's bot token in slack_bots, in the same database as everything else; requests from
that workspace are then answered with that token, and workspaces that never installed with none.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import text

from adapters.slack.app import build_bolt_app
from adapters.slack.config import SlackConfig
from adapters.slack.messenger import SlackMessenger, delivery_client
from adapters.slack.oauth import SlackOAuth, installation_store, oauth_settings
from adapters.slack.tokens import InstalledWorkspaces
from adapters.slack.web import EVENTS_PATH, build_web_app
from bot.bootstrap import App, build_app
from bot.settings import Settings
from core.errors import PermanentDeliveryError
from core.faq.engine import FaqEngine
from core.replies import Reply, Section
from tests.slack.conftest import SECRET
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_sim import SlackSim

CLIENT = ("1234.5678", "client-secret")
SECOND_TEAM, SECOND_TOKEN = "T0SECOND", "xoxb-second-team-token"


@pytest.fixture
async def installed_app(any_database_url: str, faq_engine: FaqEngine) -> AsyncIterator[App]:
    settings = Settings(_env_file=None, database_url=any_database_url)  # type: ignore[call-arg]
    built = build_app(settings, faq=faq_engine)
    yield built
    await built.close()


@pytest.fixture
async def server(installed_app: App, fake_slack: FakeSlack) -> AsyncIterator[TestServer]:
    fake_slack.client_credentials = CLIENT
    config = SlackConfig(
        bot_token=None,
        signing_secret=SECRET,
        app_token=None,
        api_url=fake_slack.api_url,
        moderator_ids=frozenset(),
        oauth=SlackOAuth(client_id=CLIENT[0], client_secret=CLIENT[1]),
    )
    assert config.oauth is not None
    store = installation_store(config.oauth, installed_app.engine)
    oauth = oauth_settings(config.oauth, installed_app.engine, store)
    bolt = build_bolt_app(installed_app.core, config, oauth=oauth)
    running = TestServer(build_web_app(bolt, signing_secret=SECRET), host="127.0.0.1", port=0)
    await running.start_server()
    yield running
    await running.close()


async def install(browser: aiohttp.ClientSession, server: TestServer, code: str) -> int:
    """What a workspace admin's browser does; returns the callback's status."""
    async with browser.get(server.make_url("/slack/install")) as page:
        assert page.status == 200
        html = await page.text()
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', html)
    assert link, html
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT[0]]
    assert set(query["scope"][0].split(",")) >= {"commands", "chat:write", "im:write"}
    # The state cookie is Secure (bolt's aiohttp adapter): carry it by hand over plain HTTP.
    cookie = page.cookies["slack-app-oauth-state"].value
    callback = server.make_url("/slack/oauth_redirect").with_query(
        code=code, state=query["state"][0]
    )
    headers = {"Cookie": f"slack-app-oauth-state={cookie}"}
    async with browser.get(callback, headers=headers) as answer:
        return answer.status


async def test_install_stores_the_token_and_requests_from_that_workspace_use_it(
    installed_app: App, server: TestServer, fake_slack: FakeSlack
) -> None:
    fake_slack.install_codes["code-1"] = (SECOND_TEAM, SECOND_TOKEN)
    async with aiohttp.ClientSession() as browser:
        assert await install(browser, server, "code-1") == 200
        [exchange] = fake_slack.delivered("oauth.v2.access")
        assert exchange.params["code"] == "code-1"

        async with installed_app.engine.connect() as conn:
            bots = (await conn.execute(text("SELECT team_id, bot_token FROM slack_bots"))).all()
            states = await conn.execute(text("SELECT count(*) FROM slack_oauth_states"))
            assert states.scalar_one() == 0  # the state was used up
        assert [tuple(row) for row in bots] == [(SECOND_TEAM, SECOND_TOKEN)]

        sim = SlackSim(browser, str(server.make_url(EVENTS_PATH)), SECRET, fake_slack)
        body = sim.command_body("stats", user="U0SECONDMOD").replace(
            "team_id=T0FAKE", f"team_id={SECOND_TEAM}"
        )
        assert await sim.post(body, "application/x-www-form-urlencoded") == (200, "")
        # The moderator check asks Slack who the member is, with that workspace's token.
        [lookup] = await fake_slack.wait_for("users.info")
        assert lookup.headers["Authorization"] == f"Bearer {SECOND_TOKEN}"
        assert lookup.params["user"] == "U0SECONDMOD"


async def test_a_replayed_or_forged_callback_installs_nothing(
    installed_app: App, server: TestServer, fake_slack: FakeSlack
) -> None:
    fake_slack.install_codes["code-2"] = (SECOND_TEAM, SECOND_TOKEN)
    async with aiohttp.ClientSession() as browser:
        forged = server.make_url("/slack/oauth_redirect").with_query(code="code-2", state="made-up")
        async with browser.get(forged) as answer:
            assert answer.status == 400
    assert fake_slack.calls_to("oauth.v2.access") == []
    async with installed_app.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM slack_bots"))).scalar_one() == 0


async def test_a_workspace_that_never_installed_gets_no_token(
    server: TestServer, fake_slack: FakeSlack
) -> None:
    async with aiohttp.ClientSession() as browser:
        sim = SlackSim(browser, str(server.make_url(EVENTS_PATH)), SECRET, fake_slack)
        body = sim.command_body("status").replace("team_id=T0FAKE", "team_id=T0NEVER")
        status, _ = await sim.post(body, "application/x-www-form-urlencoded")
    assert status == 200  # bolt answers "please install" rather than an error Slack retries
    assert [
        c for c in fake_slack.calls if c.headers.get("Authorization", "").startswith("Bearer")
    ] == []


async def test_deliveries_use_each_installed_workspaces_token(
    installed_app: App, server: TestServer, fake_slack: FakeSlack
) -> None:
    fake_slack.install_codes["code-3"] = (SECOND_TEAM, SECOND_TOKEN)
    async with aiohttp.ClientSession() as browser:
        assert await install(browser, server, "code-3") == 200
    oauth = SlackOAuth(client_id=CLIENT[0], client_secret=CLIENT[1])
    config = SlackConfig(
        bot_token=None,
        signing_secret=SECRET,
        app_token=None,
        api_url=fake_slack.api_url,
        moderator_ids=frozenset(),
        oauth=oauth,
    )
    tokens = InstalledWorkspaces(installation_store(oauth, installed_app.engine))
    messenger = SlackMessenger(delivery_client(config), tokens=tokens)
    reply = Reply(blocks=(Section("a reminder"),))
    await messenger.send_dm(SECOND_TEAM, "U0MEMBER", reply, idempotency_key="k-1")
    [posted] = fake_slack.delivered("chat.postMessage")
    assert posted.headers["Authorization"] == f"Bearer {SECOND_TOKEN}"
    with pytest.raises(PermanentDeliveryError):
        await messenger.send_dm("T0NEVER", "U0MEMBER", reply, idempotency_key="k-2")
