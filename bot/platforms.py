"""Which platforms run, and each one's adapter configuration read from the settings.

A missing or contradictory token stops start-up here, with what to set, before anything is
built. The adapters' modules are imported only for the platforms that run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.fatal import ConfigurationError
from bot.settings import Settings

if TYPE_CHECKING:
    from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
    from sqlalchemy.ext.asyncio import AsyncEngine

    from adapters.discord.config import DiscordConfig
    from adapters.slack.config import SlackConfig
    from adapters.slack.tokens import WorkspaceTokens


def configured_platforms(settings: Settings) -> list[str]:
    found = [
        name
        for name, ok in (
            ("slack", settings.slack_configured),
            ("discord", settings.discord_configured),
        )
        if ok
    ]
    return found or ["console"]


@dataclass(frozen=True, slots=True)
class ConsoleOptions:
    """Who sits at the console (`--user`, `--moderator`) and where attachments go."""

    user: str = "me"
    moderator: bool = False
    save_to: Path | None = None


def slack_config(settings: Settings, report: Callable[[bool], None]) -> SlackConfig:
    from adapters.slack.config import SlackConfig
    from adapters.slack.oauth import SlackOAuth

    oauth, token = None, settings.slack_bot_token
    if settings.slack_oauth_configured:  # a token per workspace, from the installation store
        if not (settings.slack_client_id and settings.slack_client_secret):
            raise ConfigurationError("slack: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are empty")
        oauth = SlackOAuth(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            redirect_uri=settings.slack_redirect_uri,
        )
        token = None
    elif token is None:
        raise ConfigurationError(
            "slack: SLACK_BOT_TOKEN is not set: set it (with SLACK_APP_TOKEN for Socket Mode, "
            "or SLACK_SIGNING_SECRET for --http), or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET "
            "and SLACK_SIGNING_SECRET to install through OAuth"
        )
    elif settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise ConfigurationError(
            "slack: neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (--http) "
            "is set: set one of them"
        )
    return SlackConfig(
        bot_token=token.get_secret_value() if token else None,
        signing_secret=(
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else None
        ),
        app_token=settings.slack_app_token.get_secret_value() if settings.slack_app_token else None,
        api_url=settings.slack_api_url,
        moderator_ids=settings.slack_moderator_ids,
        on_connection=report,
        oauth=oauth,
    )


def slack_installations(
    slack: SlackConfig | None, engine: AsyncEngine
) -> tuple[AsyncSQLAlchemyInstallationStore | None, WorkspaceTokens | None]:
    """In OAuth mode, the installation store and the per-workspace tokens it holds."""
    if slack is None or slack.oauth is None:
        return None, None
    from adapters.slack.oauth import installation_store
    from adapters.slack.tokens import InstalledWorkspaces

    store = installation_store(slack.oauth, engine)
    return store, InstalledWorkspaces(store)


def discord_config(settings: Settings, report: Callable[[bool], None]) -> DiscordConfig:
    from adapters.discord.config import DiscordConfig

    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        raise ConfigurationError(
            "discord: DISCORD_TOKEN is not set: copy the bot token from the developer portal "
            "(Applications > your app > Bot > Reset Token) into DISCORD_TOKEN"
        )
    return DiscordConfig(
        token=settings.discord_token.get_secret_value(),
        api_url=settings.discord_api_url,
        gateway_url=settings.discord_gateway_url,
        guild_id=settings.discord_guild_id,
        moderator_role=settings.discord_moderator_role,
        shards=settings.discord_shards,
        member_list=settings.discord_member_list,
        welcome=settings.discord_welcome,
        on_connection=report,
    )
