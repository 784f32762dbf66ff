"""Refuse a `gigguard broadcast` to a platform this deployment cannot deliver to, or to a
Slack workspace the bot is not installed in, before a draft is stored (not: exit 0, 0 sent)."""

from __future__ import annotations

from bot.settings import Settings

CONSOLE_WORKSPACE = "local"


async def workspace_refusal(settings: Settings, platform: str, workspace: str) -> str | None:
    """Why a broadcast to `workspace` on `platform` cannot be delivered, or None if it can."""
    if platform == "console":
        if workspace != CONSOLE_WORKSPACE:
            return f"the console has one workspace, {CONSOLE_WORKSPACE!r}, not {workspace!r}"
        return None
    if platform == "discord":
        if not settings.discord_configured:
            return "Discord is not configured here (set DISCORD_TOKEN)"
        return None
    if not settings.slack_configured:
        return "Slack is not configured here (set SLACK_BOT_TOKEN, or the OAuth settings)"
    if await _slack_token(settings, workspace) is None:
        return f"the bot is not installed in Slack workspace {workspace!r}"
    return None


async def _slack_token(settings: Settings, workspace: str) -> str | None:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.tokens import InstalledWorkspaces, SingleWorkspace

    if settings.slack_oauth_configured:
        from adapters.slack.oauth import SlackOAuth, installation_store
        from bot.database import create_engine

        assert settings.slack_client_id and settings.slack_client_secret
        oauth = SlackOAuth(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            redirect_uri=settings.slack_redirect_uri,
        )
        engine = create_engine(settings.database_url)
        try:
            return await InstalledWorkspaces(installation_store(oauth, engine)).token_for(workspace)
        finally:
            await engine.dispose()
    assert settings.slack_bot_token is not None
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        **({"base_url": settings.slack_api_url} if settings.slack_api_url else {}),
    )
    try:
        return await SingleWorkspace(client).token_for(workspace)
    except SlackApiError:  # an invalid or revoked token reaches no workspace
        return None
