"""A fake Slack on port 0: the Web API methods gigguard calls, plus response_url endpoints.

It records every call (method, parameters, answer status) and can be told to answer the next
call to a method with a 429 + Retry-After, a 5xx or a Slack error code. Tests wait for calls
through `wait_for`, which wakes on each recorded call instead of sleeping.

Like real Slack (tests/slack/slack_rules.py) it checks each token's scopes (those our manifest
grants, unless a test says otherwise), rate-limits each method by its tier, refuses posts to a
channel the bot is not in, and validates every Block Kit body with slack_sdk's models. A body
Slack would refuse is answered with Slack's error and kept in `violations`, which the
`fake_slack` fixture checks after every test.

It also plays Slack's side of the Events API for events only Slack starts: `team_join`
(docs.slack.dev/reference/events/team_join), built only when Slack would send it (the app
subscribes to it in the manifest and its token holds `users:read`), then posted signed by
SlackSim (HTTP) or pushed through Socket Mode with `push_event`.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from aiohttp import WSMsgType, web

from tests.slack.slack_rules import (
    HISTORY_MAX_LIMIT,
    MANIFEST,
    InvalidBody,
    TierLimiter,
    check_message,
    check_view,
    manifest_bot_scopes,
    needed_scopes,
)

TEAM = "T0FAKE"
BOT_USER = "UBOT"
BOT_ID = "BBOT"
RESPONSE_URL = "response_url"  # the `method` recorded for posts to a response_url
SOCKET_CONNECTED = "socket.connected"  # recorded when a Socket Mode client connects
SOCKET_ACK = "socket.ack"  # recorded for each envelope acknowledgement it sends back


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int
    ok: bool
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.params.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def everything(self) -> str:
        """Every text this call carried, for `in` checks."""
        return json.dumps(self.params, ensure_ascii=False)


class RateLimiter:
    """Token buckets per (token, method), refilled at `per_second` and holding one second's
    worth: evenly paced calls at the budget never hit it, a burst above it gets a 429."""

    def __init__(self, per_second: dict[str, float], *, now: Callable[[], float]) -> None:
        self.per_second = per_second
        self._now = now
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self.limited = 0

    def wait(self, token: str, method: str) -> float:
        """0 if the call may go now (and spend a token), else seconds until it may."""
        rate = self.per_second.get(method)
        if rate is None:
            return 0.0
        now = self._now()
        tokens, at = self._buckets.get((token, method), (max(rate, 1.0), now))
        tokens = min(max(rate, 1.0), tokens + (now - at) * rate)
        if tokens >= 1.0:
            self._buckets[(token, method)] = (tokens - 1.0, now)
            return 0.0
        self._buckets[(token, method)] = (tokens, now)
        self.limited += 1
        return (1.0 - tokens) / rate


@dataclass(frozen=True)
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None


# Events the app receives only if its token holds one of these scopes ("Required Scopes" on each
# event's reference page).
EVENT_SCOPES: dict[str, tuple[str, ...]] = {"team_join": ("users:read",)}


def manifest_bot_events() -> frozenset[str]:
    """The bot events our manifest subscribes to: what the fake sends."""
    manifest = yaml.safe_load(MANIFEST.read_text())
    return frozenset(manifest["settings"]["event_subscriptions"]["bot_events"])


def user_object(user: str, *, team: str = TEAM, is_bot: bool = False) -> dict[str, Any]:
    """A user as Slack's users.info and team_join show one (the fields gigguard could read)."""
    profile: dict[str, Any] = {
        "real_name": f"Member {user}",
        "display_name": "",
        "team": team,
        "image_48": "https://example.invalid/48.png",
    }
    if is_bot:
        profile |= {"bot_id": "B" + user.removeprefix("U"), "api_app_id": "A0OTHER"}
    return {
        "id": user,
        "team_id": team,
        "name": user.lower(),
        "deleted": False,
        "color": "9f69e7",
        "real_name": f"Member {user}",
        "tz": "Europe/Berlin",
        "tz_label": "Central European Time",
        "tz_offset": 3600,
        "profile": profile,
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": 1700000000,
        "is_email_confirmed": not is_bot,
        "who_can_share_contact_card": "EVERYONE",
    }


MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
GENERAL = "C0GENERAL"  # the public channel the bot was invited to


class FakeSlack:
    def __init__(self, *, now: Callable[[], float] = time.monotonic) -> None:
        self.calls: list[Call] = []
        self._now = now
        self.bot_scopes = manifest_bot_scopes()  # what every bot token holds unless told
        self.token_scopes: dict[str, frozenset[str]] = {}  # bot token -> scopes, overrides
        self.tiers: TierLimiter | None = TierLimiter(now=now)
        self.bot_channels: set[str] = {GENERAL}  # channels the bot is a member of
        self.violations: list[str] = []  # bodies Slack would have refused
        self.admins: set[str] = set()
        self.owners: set[str] = set()
        # users.info's `user.locale` (an IETF tag such as "es-ES"), sent only with include_locale.
        self.locales: dict[str, str] = {}
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._recorded = asyncio.Condition()
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self.port = 0
        self.members: list[dict[str, Any]] = []  # what users.list pages through
        self.history: dict[str, list[dict[str, Any]]] = defaultdict(list)  # channel -> messages
        self.open_dms: set[str] = set()
        self.limiter: RateLimiter | None = None
        self.record_calls = True  # the benchmark keeps counters only
        self.history_hits = 0  # history lookups that found a message with metadata
        self.posted = 0  # successful chat.postMessage calls
        self.uploads: dict[str, bytes] = {}  # file id -> bytes POSTed to its upload URL
        # OAuth installs: code -> (team id, bot token) that oauth.v2.access exchanges it for,
        # and the client id and secret it accepts (HTTP Basic auth, as slack_sdk sends them).
        self.install_codes: dict[str, tuple[str, str]] = {}
        self.client_credentials: tuple[str, str] | None = None
        self.token_teams: dict[str, str] = {}  # bot token -> team, for auth.test
        self.bot_events = manifest_bot_events()  # what the app subscribed to
        self._event_ids = itertools.count(1)

    def limit_rate(self, per_second: dict[str, float] | None) -> None:
        """Limit to explicit budgets (calls per second per method and token) instead of Slack's
        published tiers, or switch rate limiting off altogether (None)."""
        self.limiter = RateLimiter(per_second, now=self._now) if per_second else None
        self.tiers = None

    async def start(self) -> None:
        app = web.Application()
        app.add_routes(
            [
                web.route("*", "/api/{method}", self._api),
                web.post("/response/{name}", self._response_url),
                web.post("/upload/{file_id}", self._upload),
                web.get("/socket", self._socket),
            ]
        )
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop_sockets(self) -> None:
        """Close every Socket Mode connection from the server side."""
        for socket in self._sockets:
            await socket.close()

    async def stop(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}/response/{name}"

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next call to `method` (or RESPONSE_URL) badly, once per `fail_next`."""
        self._failures[method].append(Failure(status, error, retry_after))

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def delivered(self, method: str) -> list[Call]:
        """Calls to `method` that the fake answered with success."""
        return [call for call in self.calls_to(method) if call.ok]

    def responses(self, name: str) -> list[Call]:
        """Successful posts to the response_url called `name`."""
        path = f"/response/{name}"
        return [call for call in self.delivered(RESPONSE_URL) if call.path == path]

    async def wait_until(self, ready: Callable[[], bool], timeout: float = 60.0) -> None:
        """Wake on each recorded call until `ready()`; `timeout` is only a hang guard."""

        async def check() -> None:
            async with self._recorded:
                await self._recorded.wait_for(ready)

        await asyncio.wait_for(check(), timeout)

    async def wait_for(self, method: str, count: int = 1) -> list[Call]:
        """Wait until `count` successful calls to `method` were recorded; return them."""
        await self.wait_until(lambda: len(self.delivered(method)) >= count)
        return self.delivered(method)

    async def wait_for_response(self, name: str, count: int = 1) -> list[Call]:
        await self.wait_until(lambda: len(self.responses(name)) >= count)
        return self.responses(name)

    def _rate_limited(self, token: str, method: str, params: dict[str, Any]) -> web.Response | None:
        if self.limiter is not None:
            wait = self.limiter.wait(token, method)
        else:
            wait = self.tiers.wait(token, method, params) if self.tiers else 0.0
        if not wait:
            return None
        return web.json_response(
            {"ok": False, "error": "ratelimited"},
            status=429,
            headers={"Retry-After": str(max(1, math.ceil(wait)))},  # Slack sends whole seconds
        )

    async def _record(self, call: Call) -> None:
        if not self.record_calls:
            return
        async with self._recorded:
            self.calls.append(call)
            self._recorded.notify_all()

    def _failure(self, method: str) -> web.Response | None:
        if not self._failures[method]:
            return None
        failure = self._failures[method].popleft()
        if failure.status == 429:
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(failure.retry_after or 1)},
            )
        if failure.status != 200:
            return web.Response(status=failure.status, text="fake server error")
        return web.json_response({"ok": False, "error": failure.error})

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            params.update(await request.post())
        authorization = request.headers.get("Authorization", "")
        answer = (
            self._failure(method)
            or self._unauthorized(method, params, authorization)
            or self._rate_limited(authorization, method, params)
            or self._refused(method, params)
            or self._answer(method, params, authorization)
        )
        if authorization.startswith("Bearer xoxb-"):
            answer.headers["x-oauth-scopes"] = ",".join(sorted(self._scopes(authorization)))
        ok = answer.status == 200 and json.loads(answer.text or "{}").get("ok") is True
        await self._record(
            Call(method, params, answer.status, ok, request.path, dict(request.headers))
        )
        return answer

    def _scopes(self, authorization: str) -> frozenset[str]:
        return self.token_scopes.get(authorization.removeprefix("Bearer "), self.bot_scopes)

    def _unauthorized(
        self, method: str, params: dict[str, Any], authorization: str
    ) -> web.Response | None:
        """`missing_scope` with `needed` and `provided`, as Slack answers a token without it."""
        if not authorization.startswith("Bearer xoxb-"):
            return None
        needed = needed_scopes(method, params)
        held = self._scopes(authorization)
        if not needed or held.intersection(needed):
            return None
        return web.json_response(
            {
                "ok": False,
                "error": "missing_scope",
                "needed": ",".join(needed),
                "provided": ",".join(sorted(held)),
            }
        )

    def _refused(self, method: str, params: dict[str, Any]) -> web.Response | None:
        """Slack's answer to a body it refuses: invalid blocks, no text, not in the channel."""
        try:
            if method in MESSAGE_METHODS:
                check_message(params)
            elif method == "views.publish":
                check_view(params.get("view"))
        except InvalidBody as exc:
            self.violations.append(f"{method}: {exc}: {json.dumps(params)[:300]}")
            return web.json_response({"ok": False, "error": str(exc)})
        channel = str(params.get("channel", ""))
        if method == "chat.postMessage" and channel[:1] in ("C", "G"):
            public_ok = channel.startswith("C") and "chat:write.public" in self.bot_scopes
            if channel not in self.bot_channels and not public_ok:
                return web.json_response({"ok": False, "error": "not_in_channel"})
        return None

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await request.json()
        failure = self._failure(RESPONSE_URL)
        answer = failure
        if answer is None:
            try:
                check_message(params)
                answer = web.Response(text="ok")
            except InvalidBody as exc:
                self.violations.append(f"response_url: {exc}: {json.dumps(params)[:300]}")
                answer = web.Response(status=400, text=str(exc))
        ok = answer.status == 200
        await self._record(Call(RESPONSE_URL, params, answer.status, ok, request.path))
        return answer

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL files.getUploadURLExternal hands out (step 2 of files_upload_v2)."""
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - " + str(len(self.uploads[request.match_info["file_id"]])))

    async def push_envelope(self, envelope: dict[str, Any]) -> None:
        """Send a Socket Mode envelope (slash_commands, events_api, interactive) to the client."""
        await self._sockets[-1].send_json(envelope)

    def team_join(
        self, user: str, *, team: str = TEAM, is_bot: bool = False
    ) -> dict[str, Any] | None:
        """The event_callback Slack sends every connection of `team` when `user` joins it, or
        None when Slack would send nothing: the app is not subscribed to `team_join`, or its
        install did not grant the event's required scope (users:read)."""
        granted = self.bot_scopes.intersection(EVENT_SCOPES["team_join"])
        if "team_join" not in self.bot_events or not granted:
            return None
        number = next(self._event_ids)
        return {
            "token": "legacy-verification-token-unused",
            "team_id": team,
            "api_app_id": "A0GIGGUARD",
            "event": {
                "type": "team_join",
                "user": user_object(user, team=team, is_bot=is_bot),
                "cache_ts": 1700000000 + number,
                "event_ts": f"1700000000.{number:06d}",
            },
            "type": "event_callback",
            "event_id": f"EvJOIN{number:06d}",
            "event_time": 1700000000 + number,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team,
                    "user_id": BOT_USER,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }

    async def push_event(self, event_callback: dict[str, Any]) -> str:
        """Deliver an Events API payload over Socket Mode; returns the envelope id it acks."""
        envelope_id = f"env-{event_callback['event_id']}"
        await self.push_envelope(
            {
                "envelope_id": envelope_id,
                "type": "events_api",
                "payload": event_callback,
                "accepts_response_payload": False,
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return envelope_id

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0GIGGUARD"}}
        )
        await self._record(Call(SOCKET_CONNECTED, {}, 101, True, request.path))
        async for message in socket:
            if message.type is WSMsgType.TEXT:
                await self._record(
                    Call(SOCKET_ACK, json.loads(message.data), 200, True, request.path)
                )
        return socket

    def _answer(self, method: str, params: dict[str, Any], authorization: str) -> web.Response:
        if method == "apps.connections.open":
            if not authorization.startswith("Bearer xapp-"):
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"})
        if method == "oauth.v2.access":
            return self._oauth_access(params, authorization)
        if not authorization.startswith("Bearer xox"):
            return web.json_response({"ok": False, "error": "not_authed"})
        ts = f"1700000000.{next(self._ts):06d}"
        match method:
            case "auth.test":
                body: dict[str, Any] = {
                    "url": "https://fake.slack.com/",
                    "team": "Fake",
                    "user": "gigguard",
                    "team_id": self.token_teams.get(authorization.removeprefix("Bearer "), TEAM),
                    "user_id": BOT_USER,
                    "bot_id": BOT_ID,
                }
            case "chat.postMessage":
                message = {
                    "type": "message",
                    "ts": ts,
                    "text": params.get("text"),
                    "bot_id": BOT_ID,
                }
                if params.get("metadata"):
                    message["metadata"] = _json_field(params["metadata"])
                self.history[str(params.get("channel"))].insert(0, message)
                self.posted += 1
                body = {"channel": params.get("channel"), "ts": ts, "message": message}
            case "conversations.history":
                messages = self.history.get(str(params.get("channel")), [])
                limit = min(int(params.get("limit", 100)), HISTORY_MAX_LIMIT)
                shown = [
                    m if _truthy(params.get("include_all_metadata")) else _without_metadata(m)
                    for m in messages[:limit]
                ]
                self.history_hits += any("metadata" in m for m in messages[:limit])
                body = {"messages": shown, "has_more": len(messages) > limit}
            case "users.list":
                start = int(params.get("cursor") or 0)
                end = start + int(params.get("limit") or 200)
                more = end < len(self.members)
                body = {
                    "members": self.members[start:end],
                    "response_metadata": {"next_cursor": str(end) if more else ""},
                }
            case "chat.postEphemeral":
                body = {"message_ts": ts}
            case "chat.update":
                body = {
                    "channel": params.get("channel"),
                    "ts": params.get("ts"),
                    "text": params.get("text"),
                }
            case "files.getUploadURLExternal":
                file_id = f"F{next(self._ts):06d}"
                upload_url = f"http://127.0.0.1:{self.port}/upload/{file_id}"
                body = {"upload_url": upload_url, "file_id": file_id}
            case "files.completeUploadExternal":
                files = _json_field(params.get("files"))
                if any(f["id"] not in self.uploads for f in files):
                    return web.json_response({"ok": False, "error": "file_not_found"})
                body = {"files": [{"id": f["id"], "title": f.get("title")} for f in files]}
            case "views.publish":
                body = {"view": {"id": "VHOME", "type": "home"}}
            case "users.info":
                user = params.get("user", "")
                body = {
                    "user": {
                        "id": user,
                        "team_id": TEAM,
                        "is_bot": False,
                        "is_admin": user in self.admins,
                        "is_owner": user in self.owners,
                        "is_primary_owner": False,
                    }
                }
                if _truthy(params.get("include_locale")):
                    body["user"]["locale"] = self.locales.get(user, "en-US")
            case "conversations.open":
                channel = "D" + str(params.get("users", "")).split(",")[0]
                already = channel in self.open_dms
                self.open_dms.add(channel)
                body = {"channel": {"id": channel}, "already_open": already, "no_op": already}
            case _:
                return web.json_response({"ok": False, "error": "unknown_method"})
        return web.json_response({"ok": True, **body})

    def _oauth_access(self, params: dict[str, Any], authorization: str) -> web.Response:
        if (
            self.client_credentials is None
            or authorization
            != "Basic " + base64.b64encode(":".join(self.client_credentials).encode()).decode()
        ):
            return web.json_response({"ok": False, "error": "invalid_client_id"})
        exchanged = self.install_codes.pop(str(params.get("code")), None)
        if exchanged is None:
            return web.json_response({"ok": False, "error": "invalid_code"})
        team, token = exchanged
        self.token_teams[token] = team
        return web.json_response(
            {
                "ok": True,
                "app_id": "A0GIGGUARD",
                "authed_user": {"id": "U0INSTALLER"},
                "scope": ",".join(sorted(self.bot_scopes)),
                "token_type": "bot",
                "access_token": token,
                "bot_user_id": BOT_USER,
                "team": {"id": team, "name": f"Team {team}"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        )


def _json_field(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def _without_metadata(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k != "metadata"}
