"""Start adapters around one shared core: one process can serve console, Slack and Discord."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adapters.console.render import Choices, terminal_width
from adapters.console.repl import run_console
from adapters.console.session import ConsoleSession
from bot.bootstrap import App, build_app
from bot.dashboard import dashboard_mount, moderator_checks
from bot.database import settings_engine
from bot.delivery import delivery_directories, delivery_messengers, run_worker
from bot.fatal import ConfigurationError
from bot.health import AdapterStatus
from bot.knowledge_reload import reload_in_background, watch_generation
from bot.lifecycle import Graceful, run_until_stopped
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


@dataclass(frozen=True, slots=True)
class ConsoleOptions:
    """Who sits at the console (`--user`, `--moderator`) and where attachments go."""

    user: str = "me"
    moderator: bool = False
    save_to: Path | None = None


def _console(app: App, options: ConsoleOptions, choices: Choices) -> Coroutine[Any, Any, None]:
    session = ConsoleSession(
        app.core,
        user=options.user,
        moderator=options.moderator,
        save_to=options.save_to,
        choices=choices,
        width=terminal_width(),
    )
    return run_console(session, banner=app.core.knowledge.message("console_banner"))


def _slack_config(settings: Settings, report: Callable[[bool], None]) -> SlackConfig:
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


async def run_console_adapter(settings: Settings, options: ConsoleOptions) -> None:
    """The console with its delivery worker, so reminders and broadcasts arrive in it; the
    session ends at EOF or `quit`, and the worker finishes its send in flight."""
    app = build_app(settings)
    choices = Choices()
    messengers = delivery_messengers(["console"], console_choices=choices)
    try:
        await run_until_stopped(
            [_console(app, options, choices)], graceful=[partial(run_worker, app, messengers)]
        )
    finally:
        await app.close()


async def run_adapters(
    settings: Settings,
    platforms: list[str] | None,
    *,
    http: bool,
    host: str,
    port: int,
    console: ConsoleOptions | None = None,
) -> None:
    from bot.metrics import PrometheusMetrics  # aiohttp and prometheus: not for the console
    from bot.ops_http import OpsEndpoints, serve_ops

    chosen = platforms or configured_platforms(settings)
    metrics = PrometheusMetrics()
    adapters = AdapterStatus()
    # Both configurations first: a missing token stops start-up before anything is built.
    slack = _slack_config(settings, adapters.reporter("slack")) if "slack" in chosen else None
    discord_config = (
        _discord_config(settings, adapters.reporter("discord")) if "discord" in chosen else None
    )
    log.info("starting adapters: %s", ", ".join(chosen))
    engine = settings_engine(settings)
    # Single-token mode sends with SLACK_BOT_TOKEN; OAuth mode with each installation's token.
    store, slack_tokens = _slack_installations(slack, engine)
    app = build_app(settings, metrics=metrics, engine=engine)
    runs: list[Coroutine[Any, Any, None]] = []
    choices = Choices()
    if "console" in chosen:
        session = _console(app, console or ConsoleOptions(), choices)
        runs.append(adapters.track("console", session))
    if slack is not None:
        from adapters.slack.oauth import oauth_settings
        from adapters.slack.runner import run_slack

        oauth = oauth_settings(slack.oauth, app.engine, store) if slack.oauth and store else None
        serving = run_slack(app.core, slack, http=http, host=host, port=port, oauth=oauth)
        runs.append(adapters.track("slack", serving, self_reported=True))
    discord_client = None
    if discord_config is not None:
        from adapters.discord.client import create_client
        from adapters.discord.runner import run_discord

        discord_client = create_client(app.core, discord_config)  # shared with the Messenger
        serving = run_discord(app.core, discord_config, discord_client)
        runs.append(adapters.track("discord", serving, self_reported=True))
    # Set after the adapters are built (Discord's directory lists through the running client,
    # which needs the core first) and before anything runs.
    lister = discord_client if settings.discord_member_list else None
    app.core.use_directories(delivery_directories(slack, slack_tokens, discord_client=lister))
    if discord_client is not None:
        from adapters.discord.client import DiscordJoinFeed

        app.core.use_join_feeds({"discord": DiscordJoinFeed(discord_client)})
    messengers = delivery_messengers(
        chosen,
        slack=slack,
        slack_tokens=slack_tokens,
        discord_client=discord_client,
        console_choices=choices,
    )
    services = app.core.services
    graceful: list[Graceful] = [
        partial(counts.flush_every, services.uow, seconds=settings.faq_count_flush_seconds)
        for counts in (services.question_counts, services.answer_feedback)
    ]
    if messengers:
        graceful.append(partial(run_worker, app, messengers))
    if settings.http_port is not None:
        checks = moderator_checks(
            slack, slack_tokens, discord_client, settings.discord_moderator_role
        )
        dashboard = dashboard_mount(app, settings, checks)
        ops = OpsEndpoints(
            engine=app.engine,
            adapters=adapters,
            metrics=metrics,
            mounts=(dashboard,) if dashboard else (),
        )
        runs.append(serve_ops(ops, port=settings.http_port))
    try:
        await run_until_stopped(
            [*runs, watch_generation(app.core, app.engine, settings)],
            graceful=graceful,
            on_reload=partial(reload_in_background, app.core, settings),
        )
    finally:
        await app.close()
