"""Start-up rules and the moderator directory."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.config import SlackConfig, SlackConfigError
from adapters.slack.moderators import ModeratorDirectory
from adapters.slack.runner import run_slack
from bot.bootstrap import App
from tests.slack.fake_slack import FakeSlack


async def test_http_mode_refuses_to_start_without_the_signing_secret(app: App) -> None:
    config = SlackConfig(
        "xoxb-t", signing_secret=None, app_token=None, api_url=None, moderator_ids=frozenset()
    )
    with pytest.raises(SlackConfigError, match="SLACK_SIGNING_SECRET"):
        await run_slack(app.core, config, http=True, host="127.0.0.1", port=0)


async def test_moderator_answers_are_cached_then_expire(fake_slack: FakeSlack) -> None:
    now = [0.0]
    directory = ModeratorDirectory(frozenset({"U0CONF"}), ttl=60, now=lambda: now[0])
    client = AsyncWebClient(token="xoxb-t", base_url=fake_slack.api_url)
    fake_slack.owners.add("U0OWNER")
    assert await directory.is_moderator(client, "T1", "U0OWNER")
    fake_slack.owners.clear()
    assert await directory.is_moderator(client, "T1", "U0OWNER")  # cached
    now[0] = 61
    assert not await directory.is_moderator(client, "T1", "U0OWNER")
    assert await directory.is_moderator(client, "T1", "U0CONF")
    assert [c.params["user"] for c in fake_slack.calls_to("users.info")] == ["U0OWNER"] * 2


async def test_moderator_cache_is_bounded(fake_slack: FakeSlack) -> None:
    directory = ModeratorDirectory(frozenset(), max_entries=2)
    client = AsyncWebClient(token="xoxb-t", base_url=fake_slack.api_url)
    for user in ("U1", "U2", "U3", "U1"):
        await directory.is_moderator(client, "T1", user)
    assert [c.params["user"] for c in fake_slack.calls_to("users.info")] == ["U1", "U2", "U3", "U1"]
