"""The dashboard's moderator re-check on Slack, against the fake Slack's users.info: the same
ModeratorDirectory rule as the slash commands, for the workspace the token is installed in."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.moderator_check import SlackModeratorCheck
from adapters.slack.moderators import ModeratorDirectory
from tests.slack.fake_slack import TEAM, FakeSlack


class Installed:
    """OAuth mode's token lookup: one token per installed workspace."""

    def __init__(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens

    async def token_for(self, workspace: str) -> str | None:
        return self.tokens.get(workspace)


def client(fake: FakeSlack, token: str = "xoxb-single") -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=fake.api_url)


async def test_admins_and_configured_ids_are_moderators_until_demoted(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.admins.add("UADMIN")
    directory = ModeratorDirectory(frozenset({"UCONF"}), ttl=0)  # no caching: see the change
    check = SlackModeratorCheck(directory, client(fake_slack))
    assert await check.is_moderator(TEAM, "UADMIN")
    assert await check.is_moderator(TEAM, "UCONF")
    assert not await check.is_moderator(TEAM, "UMEMBER")
    fake_slack.admins.discard("UADMIN")
    assert not await check.is_moderator(TEAM, "UADMIN")
    assert not await check.is_moderator("T0OTHER", "UCONF")  # not the token's workspace
    [info, *_] = fake_slack.calls_to("users.info")
    assert info.headers.get("Authorization") == "Bearer xoxb-single"


async def test_each_installed_workspace_is_asked_with_its_own_token(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.owners.add("UOWNER")
    tokens = Installed({"T0A": "xoxb-a", "T0B": "xoxb-b"})
    check = SlackModeratorCheck(
        ModeratorDirectory(frozenset()), client(fake_slack, token=""), tokens=tokens
    )
    assert await check.is_moderator("T0B", "UOWNER")
    assert not await check.is_moderator("T0GONE", "UOWNER")  # uninstalled: nobody moderates
    assert [c.headers.get("Authorization") for c in fake_slack.calls_to("users.info")] == [
        "Bearer xoxb-b"
    ]
