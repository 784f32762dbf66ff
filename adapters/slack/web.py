"""HTTP mode: one aiohttp app serving Slack's requests, the OAuth install pages when the app is
distributed to several workspaces, and a health check. A pure translator."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from adapters.slack.signing import RequestRejected, log_rejection, parse, verify

EVENTS_PATH = "/slack/events"  # commands, events and interactivity all post here
HEALTH_PATH = "/healthz"


def build_web_app(bolt: AsyncApp, *, signing_secret: str) -> web.Application:
    verifier = SignatureVerifier(signing_secret)

    async def events(request: web.Request) -> web.Response:
        body = await request.read()
        try:
            verify(verifier, body, request.headers)  # before a byte of the body is parsed
            parsed = parse(body, request.query_string, request.headers)
        except RequestRejected as rejected:
            log_rejection(rejected, request.remote)
            return web.Response(status=rejected.status)
        return await to_aiohttp_response(await bolt.async_dispatch(parsed))

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.add_routes([web.post(EVENTS_PATH, events), web.get(HEALTH_PATH, health)])
    flow = bolt.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.Response:
            # A page with the "Add to Slack" link; sets the state cookie the callback checks.
            return await to_aiohttp_response(
                await flow.handle_installation(await to_bolt_request(request))
            )

        async def redirect(request: web.Request) -> web.Response:
            # Exchanges the code (oauth.v2.access) and stores the workspace's installation.
            return await to_aiohttp_response(
                await flow.handle_callback(await to_bolt_request(request))
            )

        app.add_routes(
            [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, redirect)]
        )
    return app
