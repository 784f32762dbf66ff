"""HTTP mode: one aiohttp app serving Slack's requests and a health check. A pure translator."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp

EVENTS_PATH = "/slack/events"  # commands, events and interactivity all post here
HEALTH_PATH = "/healthz"


def build_web_app(bolt: AsyncApp) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        # Bolt verifies the signature and timestamp before anything runs: 401 otherwise.
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.add_routes([web.post(EVENTS_PATH, events), web.get(HEALTH_PATH, health)])
    return app
