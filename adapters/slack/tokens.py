"""Which bot token reaches a workspace: the one configured token, or an OAuth installation's."""

from __future__ import annotations

from typing import Protocol

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient


class WorkspaceTokens(Protocol):
    async def token_for(self, workspace: str) -> str | None:
        """The bot token for `workspace`, or None when the bot is not installed there."""
        ...


class SingleWorkspace:
    """Single-token mode: the client's token is valid for the one team auth.test names."""

    def __init__(self, client: AsyncWebClient, *, team_id: str | None = None) -> None:
        self._client = client
        self._team_id = team_id

    async def token_for(self, workspace: str) -> str | None:
        if self._team_id is None:
            self._team_id = str((await self._client.auth_test())["team_id"])
        return self._client.token if workspace == self._team_id else None


class InstalledWorkspaces:
    """OAuth mode: each workspace's bot token from the installation store."""

    def __init__(self, store: AsyncInstallationStore) -> None:
        self._store = store

    async def token_for(self, workspace: str) -> str | None:
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=workspace)
        return bot.bot_token if bot is not None else None
