"""The dashboard's moderator re-check on Slack: the same rule as the slash commands
(owners, admins and GIGGUARD_SLACK_MODERATORS, via users.info) for any installed workspace."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.moderators import ModeratorDirectory
from adapters.slack.tokens import SingleWorkspace, WorkspaceTokens


class SlackModeratorCheck:
    def __init__(
        self,
        directory: ModeratorDirectory,
        client: AsyncWebClient,
        *,
        tokens: WorkspaceTokens | None = None,
    ) -> None:
        self._directory = directory
        self._client = client
        self._tokens = tokens or SingleWorkspace(client)

    async def is_moderator(self, community: str, user: str) -> bool:
        token = await self._tokens.token_for(community)
        if token is None:  # the bot is not installed there (any more): nobody moderates it
            return False
        client = self._client
        if token != client.token:
            client = AsyncWebClient(token=token, base_url=client.base_url)
        return await self._directory.is_moderator(client, community, user)
