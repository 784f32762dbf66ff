"""Start adapters around one shared core: one process can serve console, Slack and Discord."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any

from adapters.console.repl import run_console
from adapters.console.session import ConsoleSession
from bot.bootstrap import App, build_app
from bot.delivery import delivery_messengers, run_worker
from bot.health import AdapterStatus
from bot.lifecycle import run_until_stopped
from bot.metrics import PrometheusMetrics
from bot.ops_http import OpsEndpoints, serve_ops
from bot.settings import Settings

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


def _slack(
    app: App, settings: Settings, *, http: bool, host: str, port: int
) -> Coroutine[Any, Any, None]:
    from adapters.slack.config import SlackConfig
    from adapters.slack.runner import run_slack

    assert settings.slack_bot_token is not None, "SLACK_BOT_TOKEN is not set"
    config = SlackConfig(
        bot_token=settings.slack_bot_token.get_secret_value(),
        signing_secret=(
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else None
        ),
        app_token=settings.slack_app_token.get_secret_value() if settings.slack_app_token else None,
        api_url=settings.slack_api_url,
        moderator_ids=settings.slack_moderator_ids,
    )
    return run_slack(app.core, config, http=http, host=host, port=port)


def _discord(app: App, settings: Settings) -> Coroutine[Any, Any, None]:
    from adapters.discord.config import DiscordConfig
    from adapters.discord.runner import run_discord

    assert settings.discord_token is not None, "DISCORD_TOKEN is not set"
    config = DiscordConfig(
        token=settings.discord_token.get_secret_value(),
        api_url=settings.discord_api_url,
        gateway_url=settings.discord_gateway_url,
        guild_id=settings.discord_guild_id,
        moderator_role=settings.discord_moderator_role,
        shards=settings.discord_shards,
    )
    return run_discord(app.core, config)


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
    app = build_app(settings, metrics=metrics)
    adapters = AdapterStatus()
    runs: list[Coroutine[Any, Any, None]] = []
    if "console" in chosen:
        runs.append(adapters.track("console", _console(app, user="me", moderator=False)))
    if "slack" in chosen:
        runs.append(adapters.track("slack", _slack(app, settings, http=http, host=host, port=port)))
    if "discord" in chosen:
        runs.append(adapters.track("discord", _discord(app, settings)))
    messengers = delivery_messengers(chosen)
    if messengers:
        runs.append(run_worker(app, messengers))
    if settings.http_port is not None:
        ops = OpsEndpoints(engine=app.engine, adapters=adapters, metrics=metrics)
        runs.append(serve_ops(ops, port=settings.http_port))
    try:
        await run_until_stopped(runs)
    finally:
        await app.close()
