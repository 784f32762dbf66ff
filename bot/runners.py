"""Start adapters around one shared core: one process can serve console, Slack and Discord."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any

from adapters.console.repl import run_console
from adapters.console.session import ConsoleSession
from bot.bootstrap import App, build_app
from bot.database import create_engine
from bot.delivery import delivery_directories, delivery_messengers, run_worker
from bot.health import AdapterStatus
from bot.knowledge_reload import reload_core, watch_generation
from bot.lifecycle import Graceful, run_until_stopped
from bot.metrics import PrometheusMetrics
from bot.ops_http import OpsEndpoints, serve_ops
from bot.settings import Settings

if TYPE_CHECKING:
    from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
    from sqlalchemy.ext.asyncio import AsyncEngine

    from adapters.discord.config import DiscordConfig
    from adapters.slack.config import SlackConfig
    from adapters.slack.tokens import WorkspaceTokens

log = logging.getLogger(__name__)


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


def _console(app: App, *, user: str, moderator: bool) -> Coroutine[Any, Any, None]:
    session = ConsoleSession(app.core, user=user, moderator=moderator)
    return run_console(session, banner=app.core.knowledge.message("console_banner"))


def _slack_config(settings: Settings, report: Callable[[bool], None]) -> SlackConfig:
    from adapters.slack.config import SlackConfig
    from adapters.slack.oauth import SlackOAuth

    oauth, token = None, settings.slack_bot_token
    if settings.slack_oauth_configured:  # a token per workspace, from the installation store
        assert settings.slack_client_id and settings.slack_client_secret
        oauth = SlackOAuth(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            redirect_uri=settings.slack_redirect_uri,
        )
        token = None
    else:
        assert token is not None, "SLACK_BOT_TOKEN is not set"
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


def _slack_installations(
    slack: SlackConfig | None, engine: AsyncEngine
) -> tuple[AsyncSQLAlchemyInstallationStore | None, WorkspaceTokens | None]:
    """In OAuth mode, the installation store and the per-workspace tokens it holds."""
    if slack is None or slack.oauth is None:
        return None, None
    from adapters.slack.oauth import installation_store
    from adapters.slack.tokens import InstalledWorkspaces

    store = installation_store(slack.oauth, engine)
    return store, InstalledWorkspaces(store)


def _discord_config(settings: Settings, report: Callable[[bool], None]) -> DiscordConfig:
    from adapters.discord.config import DiscordConfig

    assert settings.discord_token is not None, "DISCORD_TOKEN is not set"
    return DiscordConfig(
        token=settings.discord_token.get_secret_value(),
        api_url=settings.discord_api_url,
        gateway_url=settings.discord_gateway_url,
        guild_id=settings.discord_guild_id,
        moderator_role=settings.discord_moderator_role,
        shards=settings.discord_shards,
        member_list=settings.discord_member_list,
        on_connection=report,
    )


async def run_console_adapter(settings: Settings, *, user: str, moderator: bool) -> None:
    app = build_app(settings)
    try:
        await _console(app, user=user, moderator=moderator)
    finally:
        await app.close()


async def run_adapters(
    settings: Settings, platforms: list[str] | None, *, http: bool, host: str, port: int
) -> None:
    chosen = platforms or configured_platforms(settings)
    log.info("starting adapters: %s", ", ".join(chosen))
    metrics = PrometheusMetrics()
    adapters = AdapterStatus()
    slack = _slack_config(settings, adapters.reporter("slack")) if "slack" in chosen else None
    engine = create_engine(settings.database_url)
    # Single-token mode sends with SLACK_BOT_TOKEN; OAuth mode with each installation's token.
    store, slack_tokens = _slack_installations(slack, engine)
    app = build_app(settings, metrics=metrics, engine=engine)
    runs: list[Coroutine[Any, Any, None]] = []
    if "console" in chosen:
        runs.append(adapters.track("console", _console(app, user="me", moderator=False)))
    if slack is not None:
        from adapters.slack.oauth import oauth_settings
        from adapters.slack.runner import run_slack

        oauth = oauth_settings(slack.oauth, app.engine, store) if slack.oauth and store else None
        serving = run_slack(app.core, slack, http=http, host=host, port=port, oauth=oauth)
        runs.append(adapters.track("slack", serving, self_reported=True))
    discord_client = None
    if "discord" in chosen:
        from adapters.discord.client import create_client
        from adapters.discord.runner import run_discord

        config = _discord_config(settings, adapters.reporter("discord"))
        discord_client = create_client(app.core, config)  # shared with the DiscordMessenger
        serving = run_discord(app.core, config, discord_client)
        runs.append(adapters.track("discord", serving, self_reported=True))
    # Set after the adapters are built (Discord's directory lists through the running client,
    # which needs the core first) and before anything runs.
    lister = discord_client if settings.discord_member_list else None
    app.core.use_directories(delivery_directories(slack, slack_tokens, discord_client=lister))
    messengers = delivery_messengers(
        chosen, slack=slack, slack_tokens=slack_tokens, discord_client=discord_client
    )
    graceful: list[Graceful] = []
    if messengers:
        graceful.append(partial(run_worker, app, messengers))
    if settings.http_port is not None:
        ops = OpsEndpoints(engine=app.engine, adapters=adapters, metrics=metrics)
        runs.append(serve_ops(ops, port=settings.http_port))
    try:
        await run_until_stopped(
            [*runs, watch_generation(app.core, app.engine, settings)],
            graceful=graceful,
            on_reload=partial(reload_core, app.core, settings),
        )
    finally:
        await app.close()
