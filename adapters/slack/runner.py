"""Run the Slack adapter until cancelled: Socket Mode, or HTTP on /slack/events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings

from adapters.slack.app import build_bolt_app
from adapters.slack.config import SlackConfig, SlackConfigError
from adapters.slack.web import EVENTS_PATH, build_web_app
from core.service import Gigguard

log = logging.getLogger(__name__)

# How often Socket Mode's connection is looked at. The SDK reconnects by itself and calls its
# close listeners only after reconnecting, so asking `is_connected()` is the reliable signal.
WATCH_SECONDS = 5.0

Report = Callable[[bool], None]


def _ignore(connected: bool) -> None:
    return None


async def run_slack(
    core: Gigguard,
    config: SlackConfig,
    *,
    http: bool,
    host: str,
    port: int,
    watch_seconds: float = WATCH_SECONDS,
    oauth: AsyncOAuthSettings | None = None,
) -> None:
    """With `oauth` (installs to many workspaces) it always serves HTTP: the install pages
    need a public URL anyway."""
    report = config.on_connection or _ignore
    if config.app_token and not http and oauth is None:
        await _socket_mode(build_bolt_app(core, config), config.app_token, report, watch_seconds)
        return
    if not config.signing_secret:
        # Without it, anyone who finds the URL could act as any member.
        raise SlackConfigError(
            "Slack HTTP mode needs SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)"
        )
    bolt = build_bolt_app(core, config, oauth=oauth)
    await _http(bolt, config.signing_secret, host, port, report)


async def _socket_mode(bolt: AsyncApp, app_token: str, report: Report, every: float) -> None:
    handler = AsyncSocketModeHandler(bolt, app_token)
    try:
        await handler.connect_async()
        log.info("slack: connected in Socket Mode")
        connected = True
        report(True)
        while True:
            await asyncio.sleep(every)
            now = await handler.client.is_connected()
            if now != connected:
                log.log(logging.INFO if now else logging.WARNING, "slack: connected: %s", now)
                connected = now
                report(now)
    finally:
        report(False)
        await handler.close_async()


async def _http(bolt: AsyncApp, signing_secret: str, host: str, port: int, report: Report) -> None:
    runner = web.AppRunner(build_web_app(bolt, signing_secret=signing_secret))
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("slack: serving HTTP on %s:%d%s", host, port, EVENTS_PATH)
        report(True)
        await asyncio.Event().wait()
    finally:
        report(False)
        await runner.cleanup()
