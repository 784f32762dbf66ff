"""Run the Slack adapter until cancelled: Socket Mode, or HTTP on /slack/events."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp

from adapters.slack.app import build_bolt_app
from adapters.slack.config import SlackConfig, SlackConfigError
from adapters.slack.web import EVENTS_PATH, build_web_app
from core.service import Gigguard

log = logging.getLogger(__name__)


async def run_slack(
    core: Gigguard, config: SlackConfig, *, http: bool, host: str, port: int
) -> None:
    if config.app_token and not http:
        await _socket_mode(build_bolt_app(core, config), config.app_token)
        return
    if not config.signing_secret:
        # Without it, anyone who finds the URL could act as any member.
        raise SlackConfigError(
            "Slack HTTP mode needs SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)"
        )
    await _http(build_bolt_app(core, config), host, port)


async def _socket_mode(bolt: AsyncApp, app_token: str) -> None:
    handler = AsyncSocketModeHandler(bolt, app_token)
    await handler.connect_async()
    log.info("slack: connected in Socket Mode")
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()


async def _http(bolt: AsyncApp, host: str, port: int) -> None:
    runner = web.AppRunner(build_web_app(bolt))
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("slack: serving HTTP on %s:%d%s", host, port, EVENTS_PATH)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
