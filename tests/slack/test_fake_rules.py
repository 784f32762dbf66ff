"""The fake Slack enforces what real Slack does, and our manifest is valid by Slack's schema.

The schema is slackapi/manifest-schema's `schemas/manifest.schema.1.0.0.json` (commit
c50cfa8508ff1017344550a5e5fb29a1416e5b98), vendored under tests/slack/schemas/: our manifest has
no `_metadata`, which the top-level schema maps to version 1.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.oauth import BOT_SCOPES
from tests.fakes import ManualClock
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_rules import MANIFEST, manifest_bot_scopes

SCHEMA = Path(__file__).parent / "schemas" / "manifest.schema.1.0.0.json"


def manifest() -> dict[str, object]:
    loaded = yaml.safe_load(MANIFEST.read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_the_manifest_is_valid_by_slacks_own_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(manifest(), schema)
    broken = manifest()
    broken["display_information"] = {"description": "no name"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_oauth_install_asks_for_the_manifests_scopes() -> None:
    assert set(BOT_SCOPES) == manifest_bot_scopes()


@pytest.fixture
def client(fake_slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-rules", base_url=fake_slack.api_url)


async def test_a_call_without_its_scope_is_refused_with_needed_and_provided(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    fake_slack.token_scopes["xoxb-rules"] = frozenset({"chat:write"})
    with pytest.raises(SlackApiError) as caught:
        await client.users_info(user="U1")
    assert caught.value.response["error"] == "missing_scope"
    assert caught.value.response["needed"] == "users:read"
    assert caught.value.response["provided"] == "chat:write"
    answer = await client.chat_postMessage(channel="C0GENERAL", text="hi")
    assert answer.headers["x-oauth-scopes"] == "chat:write"


async def test_history_needs_the_scope_of_the_conversation_kind(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    fake_slack.token_scopes["xoxb-rules"] = frozenset({"im:history"})
    await client.conversations_history(channel="D0MEMBER")
    with pytest.raises(SlackApiError) as caught:
        await client.conversations_history(channel="C0GENERAL")
    assert caught.value.response["needed"] == "channels:history"


async def test_opening_an_open_dm_says_already_open(client: AsyncWebClient) -> None:
    first = await client.conversations_open(users="U1")
    again = await client.conversations_open(users="U1")
    assert first["already_open"] is False
    assert again["already_open"] is True and again["no_op"] is True
    assert again["channel"]["id"] == first["channel"]["id"]


async def test_history_is_one_call_a_minute_and_at_most_15_messages() -> None:
    clock = ManualClock()
    fake = FakeSlack(now=lambda: clock.now().timestamp())
    await fake.start()
    try:
        client = AsyncWebClient(token="xoxb-rules", base_url=fake.api_url)
        fake.history["D1"] = [{"type": "message", "ts": f"1.{n}"} for n in range(40)]
        page = await client.conversations_history(channel="D1", limit=100)
        assert len(page["messages"]) == 15 and page["has_more"] is True
        with pytest.raises(SlackApiError) as caught:
            await client.conversations_history(channel="D1")
        assert caught.value.response.status_code == 429
        assert int(caught.value.response.headers["Retry-After"]) == 60
        clock.advance(dt.timedelta(seconds=60))
        await client.conversations_history(channel="D1")
    finally:
        await fake.stop()


async def test_a_tier_allows_its_minute_budget_then_answers_429(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    for _ in range(20):  # users.list is Tier 2: 20 a minute
        await client.users_list(limit=1)
    with pytest.raises(SlackApiError) as caught:
        await client.users_list()
    assert caught.value.response.status_code == 429


async def test_posting_to_a_channel_needs_the_bot_in_it(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel="C0RANDOM", text="hi")
    assert caught.value.response["error"] == "not_in_channel"
    fake_slack.bot_scopes |= {"chat:write.public"}
    await client.chat_postMessage(channel="C0RANDOM", text="hi")


@pytest.mark.parametrize(
    "blocks",
    [
        [{"type": "section", "text": {"type": "mrkdwn", "text": "   "}}],
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
        [{"type": "no_such_block"}],
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}] * 51,
    ],
)
async def test_block_kit_bodies_slack_refuses_are_refused_and_kept(
    fake_slack: FakeSlack, client: AsyncWebClient, blocks: list[dict[str, object]]
) -> None:
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel="C0GENERAL", text="fallback", blocks=blocks)
    assert caught.value.response["error"] == "invalid_blocks"
    assert len(fake_slack.violations) == 1
    fake_slack.violations.clear()  # seen: the fixture's after-test check would fail otherwise


async def test_a_message_with_nothing_to_show_is_refused(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel="C0GENERAL", text=" \n")
    assert caught.value.response["error"] == "no_text"
    fake_slack.violations.clear()
