"""A fake Discord on port 0: the REST endpoints gigguard uses and a real-protocol gateway.

The real discord.py client talks to it; tests inject gateway events (slash commands, button
clicks, DMs, members joining) and read back every request the bot made. Nothing here mocks
discord.py.

Privileged intents behave as Discord documents them: a client that identifies with GUILD_MEMBERS
while the application's flags do not allow it (Server Members Intent off in the developer
portal) is disconnected with close code 4014, and GUILD_MEMBER_ADD reaches only sessions that
asked for GUILD_MEMBERS.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

from tests.discord import payloads as p
from tests.discord.payloads import Payload
from tests.discord.records import EPHEMERAL, Recorded, Sent
from tests.discord.spec_check import request_problems, response_problems

API_PREFIX = "/api/v10"
GUILD_MEMBERS_INTENT = 1 << 1  # gateway intent: member join, update, remove (privileged)
# Application flags: the Server Members Intent switched on in the portal (verified apps, and
# apps in under 100 servers).
GATEWAY_GUILD_MEMBERS = 1 << 14
GATEWAY_GUILD_MEMBERS_LIMITED = 1 << 15
WAIT_SECONDS = 120.0  # a hang guard only: waits end on events, however slow the machine


@dataclass
class GatewaySession:
    ws: web.WebSocketResponse
    compressor: Any  # zlib compressobj when the client asked for zlib-stream
    shard: tuple[int, int] = (0, 1)
    seq: int = 0
    identify: Payload = field(default_factory=dict)

    async def send(self, payload: Payload) -> None:
        text = json.dumps(payload)
        if self.compressor is None:
            await self.ws.send_str(text)
        else:
            data = self.compressor.compress(text.encode()) + self.compressor.flush(
                zlib.Z_SYNC_FLUSH
            )
            await self.ws.send_bytes(data)

    async def dispatch(self, event: str, data: Payload) -> None:
        self.seq += 1
        await self.send({"op": 0, "t": event, "s": self.seq, "d": data})


Handler = Callable[[web.Request, re.Match[str], Any], Awaitable[web.Response]]


class FakeDiscord:
    def __init__(self, *, moderator_role: str = "Moderators", recommended_shards: int = 1) -> None:
        self.moderator_role = moderator_role
        self.recommended_shards = recommended_shards
        self.requests: list[Recorded] = []
        self.sent: list[Sent] = []
        self.commands: dict[str | None, list[Payload]] = {}  # scope: None (global) or guild id
        self.sessions: list[GatewaySession] = []
        self.gateway_received: list[Payload] = []
        self.closed_dms: set[int] = set()
        self._rate_limits: list[tuple[str, re.Pattern[str], float]] = []
        self._failures: list[tuple[str, re.Pattern[str], int, int, str]] = []
        self.unknown_users: set[int] = set()
        self.guild_members: list[Payload] = []  # GET /guilds/{GUILD_ID}/members, any order
        self.refuse_member_list = False  # answer it 403 50001, as without the members intent
        # What the developer portal allows (served in READY and /oauth2/applications/@me): by
        # default the Server Members Intent is switched on, as for an app in under 100 servers.
        self.application_flags = GATEWAY_GUILD_MEMBERS_LIMITED
        self.budgets: list[Budget] = []  # per-second limits, switched on by limit_rate
        self.limited = 0  # 429s answered because a budget was spent
        self.nonce_repeats = 0  # sends answered with the message an earlier nonce created
        self._by_nonce: dict[tuple[int, str], Payload] = {}
        self.refused_bodies: list[tuple[str, str, list[str]]] = []  # 400s for invalid bodies
        self.record_requests = True  # the benchmark keeps counters only
        self._messages: dict[str, Payload] = {}  # "@original" messages by interaction token
        self._dm_users: dict[int, int] = {}  # DM channel id -> user id
        self._ids = itertools.count(900_000_000_000_000_001)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("GET", re.compile(r"/users/@me"), self._me),
            ("GET", re.compile(r"/oauth2/applications/@me"), self._application),
            ("GET", re.compile(r"/gateway"), self._gateway_url),
            ("GET", re.compile(r"/gateway/bot"), self._gateway_bot),
            (
                "GET",
                re.compile(r"/applications/\d+(?:/guilds/(\d+))?/commands"),
                self._list_commands,
            ),
            (
                "PUT",
                re.compile(r"/applications/\d+(?:/guilds/(\d+))?/commands"),
                self._put_commands,
            ),
            ("POST", re.compile(r"/interactions/(\d+)/([^/]+)/callback"), self._callback),
            ("PATCH", re.compile(r"/webhooks/\d+/([^/]+)/messages/@original"), self._edit_original),
            ("POST", re.compile(r"/webhooks/\d+/([^/]+)"), self._followup),
            ("POST", re.compile(r"/users/@me/channels"), self._open_dm),
            ("POST", re.compile(r"/channels/(\d+)/messages"), self._channel_message),
            ("POST", re.compile(r"/channels/(\d+)/typing"), self._typing),
            ("GET", re.compile(r"/guilds/(\d+)/members"), self._list_members),
            ("GET", re.compile(r"/guilds/(\d+)/members/(\d+)"), self._get_member),
        ]

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        for session in list(self.sessions):
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/gateway"

    # -- test controls -----------------------------------------------------------------------

    def rate_limit_once(self, method: str, path: str, retry_after: float) -> None:
        """The next `method` request whose path matches the regex `path` gets a 429."""
        self._rate_limits.append((method, re.compile(path), retry_after))

    def fail_next(self, method: str, path: str, *, status: int, code: int, message: str) -> None:
        """The next `method` request whose path matches the regex `path` gets this error."""
        self._failures.append((method, re.compile(path), status, code, message))

    def limit_rate(self, method: str, path: str, per_second: float, *, is_global: bool) -> None:
        """A per-second budget for the requests matching `path` (every route: `.*`, global)."""
        self.budgets.append(Budget(method, re.compile(path), per_second, is_global))

    def add_guild_members(self, user_ids: Iterable[int], *, bot: bool = False) -> None:
        """Members of the fake guild, as its member list shows them (GUILD_MEMBERS intent)."""
        for user_id in user_ids:
            listed = p.member(user_id, permissions="0", roles=())
            self.guild_members.append(listed | {"user": p.user(user_id, bot=bot)})

    def close_dms(self, user_id: int) -> None:
        """Messages to this user's DM channel fail with 50007, as when they close their DMs."""
        self.closed_dms.add(user_id)

    def requests_to(self, method: str, path_regex: str) -> list[Recorded]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    async def wait_until(self, check: Callable[[], Any], timeout: float = WAIT_SECONDS) -> Any:
        async with self._changed:
            return await asyncio.wait_for(self._changed.wait_for(check), timeout)

    async def wait_connected(self, sessions: int = 1) -> None:
        await self.wait_until(
            lambda: len([s for s in self.sessions if not s.ws.closed]) >= sessions
        )

    async def replies(self, token: str, count: int = 1) -> list[Sent]:
        """The messages answering one interaction, once at least `count` exist."""

        def found() -> list[Sent] | None:
            mine = [s for s in self.sent if s.key == token]
            return mine if len(mine) >= count else None

        return await self.wait_until(found)

    async def dm_replies(self, user_id: int, count: int = 1) -> list[Sent]:
        channel = str(self.dm_channel_id(user_id))

        def found() -> list[Sent] | None:
            mine = [s for s in self.sent if s.key == channel]
            return mine if len(mine) >= count else None

        return await self.wait_until(found)

    def dm_channel_id(self, user_id: int) -> int:
        channel_id = 700_000_000_000_000_000 + user_id % 10**9
        self._dm_users[channel_id] = user_id
        return channel_id

    # -- injecting gateway events ------------------------------------------------------------

    async def slash(
        self,
        subcommand: str,
        value: str | None = None,
        *,
        user_id: int,
        in_dm: bool = False,
        permissions: str = p.PERMISSIONS_ALL_BUT_MANAGE,
        roles: tuple[int, ...] = (),
        locale: str = "en-US",
    ) -> str:
        """`/optout <subcommand> [value]`; returns the interaction token to read replies by."""
        return await self._interact(
            2,
            self._command_data(subcommand, value, focused=False),
            user_id=user_id,
            in_dm=in_dm,
            permissions=permissions,
            roles=roles,
            locale=locale,
        )

    async def autocomplete(self, subcommand: str, typed: str, *, user_id: int) -> str:
        return await self._interact(
            4,
            self._command_data(subcommand, typed, focused=True),
            user_id=user_id,
            in_dm=False,
            permissions=p.PERMISSIONS_ALL_BUT_MANAGE,
            roles=(),
        )

    async def click(
        self,
        custom_id: str,
        *,
        user_id: int,
        in_dm: bool = False,
        permissions: str = p.PERMISSIONS_ALL_BUT_MANAGE,
    ) -> str:
        """Press a button the bot sent earlier (found in any stored message)."""
        holder = next(s for s in reversed(self.sent) if custom_id in s.custom_ids)
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(
            3,
            data,
            user_id=user_id,
            in_dm=in_dm,
            permissions=permissions,
            roles=(),
            clicked=holder.message,
        )

    async def direct_message(self, user_id: int, content: str, *, bot: bool = False) -> None:
        channel_id = self.dm_channel_id(user_id)
        author = p.user(user_id, bot=bot)
        data = p.message(next(self._ids), channel_id, author, {"content": content})
        await self._session_for(None).dispatch("MESSAGE_CREATE", data)

    async def member_joins(self, user_id: int, *, bot: bool = False) -> bool:
        """Someone joins the fake guild: GUILD_MEMBER_ADD goes to the guild's shard only if that
        session identified with the GUILD_MEMBERS intent, as on Discord. True if dispatched."""
        data = p.guild_member_add(user_id, bot=bot)
        member = {k: v for k, v in data.items() if k != "guild_id"}
        problems = response_problems("GuildMemberResponse", member)
        assert not problems, f"the fake's member is not shaped like Discord's: {problems}"
        self.guild_members.append(member)
        session = self._session_for(p.GUILD_ID)
        if not int(session.identify.get("intents", 0)) & GUILD_MEMBERS_INTENT:
            return False
        await session.dispatch("GUILD_MEMBER_ADD", data)
        return True

    async def _interact(
        self,
        kind: int,
        data: Payload,
        *,
        user_id: int,
        in_dm: bool,
        permissions: str,
        roles: tuple[int, ...],
        clicked: Payload | None = None,
        locale: str = "en-US",
    ) -> str:
        interaction_id = next(self._ids)
        payload = p.interaction(
            interaction_id,
            kind,
            data,
            user_id=user_id,
            permissions=permissions,
            roles=roles,
            dm_channel_id=self.dm_channel_id(user_id) if in_dm else None,
            clicked=clicked,
            locale=locale,
        )
        await self._session_for(None if in_dm else p.GUILD_ID).dispatch(
            "INTERACTION_CREATE", payload
        )
        return payload["token"]

    def _command_data(self, subcommand: str, value: str | None, *, focused: bool) -> Payload:
        registered = [c for scope in self.commands.values() for c in scope if c["name"] == "optout"]
        command = registered[-1]
        sub = next(o for o in command["options"] if o["name"] == subcommand)
        options: list[Payload] = []
        if value is not None:
            option = {"name": sub["options"][0]["name"], "type": 3, "value": value}
            options.append({**option, "focused": True} if focused else option)
        data = {
            "id": command["id"],
            "name": "optout",
            "type": 1,
            "options": [{"name": subcommand, "type": 1, "options": options}],
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return data

    def _session_for(self, guild_id: int | None) -> GatewaySession:
        """Guild events go to the guild's shard, DMs to shard 0, as on Discord."""
        live = [s for s in self.sessions if not s.ws.closed]
        shard = 0 if guild_id is None else (guild_id >> 22) % live[0].shard[1]
        return next(s for s in live if s.shard[0] == shard)

    # -- gateway -----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        zlib_stream = request.query.get("compress") == "zlib-stream"
        session = GatewaySession(ws, zlib.compressobj() if zlib_stream else None)
        await session.send({"op": 10, "d": {"heartbeat_interval": 41_250}, "s": None, "t": None})
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            self.gateway_received.append(message)
            if message["op"] == 1:
                await session.send({"op": 11, "d": None, "s": None, "t": None})
            elif message["op"] == 2:
                await self._identify(session, message["d"])
            elif message["op"] == 6:
                await self._resume(session, message["d"])
        async with self._changed:
            self._changed.notify_all()
        return ws

    async def _identify(self, session: GatewaySession, identify: Payload) -> None:
        session.identify = identify
        session.shard = tuple(identify.get("shard", (0, 1)))  # type: ignore[assignment]
        allowed = self.application_flags & (GATEWAY_GUILD_MEMBERS | GATEWAY_GUILD_MEMBERS_LIMITED)
        if int(identify.get("intents", 0)) & GUILD_MEMBERS_INTENT and not allowed:
            await session.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        session_id = f"session-{next(self._ids)}"
        ready = p.ready(session_id, self.gateway_url, list(session.shard))
        ready["application"]["flags"] = self.application_flags
        await session.dispatch("READY", ready)
        if (p.GUILD_ID >> 22) % session.shard[1] == session.shard[0]:
            await session.dispatch("GUILD_CREATE", p.guild(self.moderator_role))
        async with self._changed:
            self.sessions.append(session)
            self._changed.notify_all()

    async def _resume(self, session: GatewaySession, resume: Payload) -> None:
        session.seq = int(resume.get("seq") or 0)
        await session.dispatch("RESUMED", {})
        async with self._changed:
            self.sessions.append(session)
            self._changed.notify_all()

    async def drop_connections(self) -> None:
        """Close every gateway connection as a Discord restart would (the client resumes)."""
        for session in [s for s in self.sessions if not s.ws.closed]:
            await session.ws.close(code=4000, message=b"restarting")

    # -- REST --------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await _read_body(request) if request.can_read_body else None
        recorded = Recorded(request.method, path, dict(request.query), body)
        try:
            problems = _body_problems(request.method, path, body)
            if problems:
                self.refused_bodies.append((request.method, path, problems))
                response = self._json(p.invalid_form_body(problems), status=400)
            else:
                response = await self._route(request, path, body)
        finally:
            if self.record_requests:
                async with self._changed:
                    self.requests.append(recorded)
                    self._changed.notify_all()
        recorded.status = response.status
        return response

    async def _route(self, request: web.Request, path: str, body: Any) -> web.Response:
        for index, (method, pattern, retry_after) in enumerate(self._rate_limits):
            if method == request.method and pattern.fullmatch(path):
                del self._rate_limits[index]
                return self._json(p.rate_limited(retry_after), status=429, retry_after=retry_after)
        for index, (method, pattern, status, code, message) in enumerate(self._failures):
            if method == request.method and pattern.fullmatch(path):
                del self._failures[index]
                return self._json(p.error(code, message), status=status)
        for budget in self.budgets:
            if budget.method in (request.method, "*") and budget.pattern.fullmatch(path):
                wait = budget.wait(time.monotonic())
                if wait:
                    self.limited += 1
                    limited = p.rate_limited(wait) | {"global": budget.is_global}
                    return self._json(
                        limited, status=429, retry_after=wait, is_global=budget.is_global
                    )
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if method == request.method and match:
                return await handler(request, match, body)
        return self._json(p.error(0, "404: Not Found"), status=404)

    def _json(
        self,
        data: Any,
        *,
        status: int = 200,
        retry_after: float | None = None,
        is_global: bool = False,
    ) -> web.Response:
        headers = {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "4",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": "fakebucket",
            "Via": "1.1 google",
            "Content-Type": "application/json",  # exactly: discord.py compares the whole value
        }
        if retry_after is not None:
            headers |= {
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(retry_after),
                "X-RateLimit-Scope": "global" if is_global else "user",
                "Retry-After": str(max(1, round(retry_after))),
            }
            if is_global:
                headers["X-RateLimit-Global"] = "true"
        return web.Response(body=json.dumps(data).encode(), status=status, headers=headers)

    async def _me(self, request: web.Request, match: re.Match[str], body: Any) -> web.Response:
        return self._json(p.bot_user())

    async def _application(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        return self._json(p.application() | {"flags": self.application_flags})

    async def _gateway_url(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        return self._json({"url": self.gateway_url})

    async def _gateway_bot(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return self._json(
            {
                "url": self.gateway_url,
                "shards": self.recommended_shards,
                "session_start_limit": limit,
            }
        )

    async def _list_commands(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        """Full localisation dictionaries only with `with_localizations=true`; otherwise Discord
        gives `name_localized`/`description_localized` for the caller's locale (none here)."""
        listed = self.commands.get(match[1], [])
        if request.query.get("with_localizations", "").lower() != "true":
            listed = [_without_localizations(command) for command in listed]
        return self._json(listed)

    async def _put_commands(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        """Store as Discord does: ids and a version added, server defaults filled in."""
        problems = [p for command in body for p in _localization_problems(command)]
        if problems:
            return web.json_response(
                {"code": 50035, "message": "Invalid Form Body", "errors": problems}, status=400
            )
        scope = match[1]
        stored = [self._stored_command(command, scope) for command in body]
        self.commands[scope] = stored
        return self._json(stored)

    def _stored_command(self, command: Payload, scope: str | None) -> Payload:
        """The ApplicationCommand object Discord answers with (and lists afterwards): every
        field of the response schema, those the request left out at the server's defaults."""
        permissions = command.get("default_member_permissions")
        stored = {
            "id": str(next(self._ids)),
            "application_id": str(p.APP_ID),
            "version": str(next(self._ids)),
            "default_member_permissions": None if permissions is None else str(permissions),
            "type": command.get("type") or 1,
            "name": command["name"],
            "name_localizations": command.get("name_localizations"),
            "description": command.get("description") or "",
            "description_localizations": command.get("description_localizations"),
            "dm_permission": command.get("dm_permission", True) is not False,
            "contexts": command.get("contexts"),
            "integration_types": command.get("integration_types") or [0],  # GUILD_INSTALL
            "nsfw": bool(command.get("nsfw")),
        }
        if command.get("options"):
            stored["options"] = [_stored_option(o) for o in command["options"]]
        if scope:
            stored["guild_id"] = scope
        problems = response_problems("ApplicationCommandResponse", stored)
        assert not problems, f"the fake's command is not shaped like Discord's: {problems}"
        return stored

    async def _callback(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        interaction_id, token = match[1], match[2]
        kind = body["type"]
        result: Payload = {"interaction": {"id": interaction_id, "type": 2}}
        if kind in (4, 5):
            data = body.get("data") or {}
            message = self._store(token, "callback", data, stored_only=kind == 5)
            result["interaction"] |= {
                "response_message_id": message["id"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message["flags"] & EPHEMERAL),
            }
            result["resource"] = {"type": kind, "message": message}
        elif kind == 8:
            self.sent.append(Sent("autocomplete", token, body, {}))
        return self._json(result)

    async def _edit_original(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        token = match[1]
        flags = self._messages.get(token, {}).get("flags", 0)
        return self._json(self._store(token, "original", body, flags=flags))

    async def _followup(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        return self._json(self._store(match[1], "followup", body))

    async def _open_dm(self, request: web.Request, match: re.Match[str], body: Any) -> web.Response:
        user_id = int(body["recipient_id"])
        if user_id in self.unknown_users:
            return self._json(p.error(10013, "Unknown User"), status=404)
        return self._json(p.dm_channel(self.dm_channel_id(user_id), user_id))

    async def _channel_message(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        channel_id = int(match[1])
        if self._dm_users.get(channel_id) in self.closed_dms:
            return self._json(p.error(50007, "Cannot send messages to this user"), status=403)
        nonce = (channel_id, str(body.get("nonce"))) if body.get("enforce_nonce") else None
        if nonce in self._by_nonce:
            self.nonce_repeats += 1  # Discord answers a repeat with the message it created
            return self._json(self._by_nonce[nonce])
        message = self._store(match[1], "channel", body, channel_id=channel_id)
        if nonce is not None:
            self._by_nonce[nonce] = message
        return self._json(message)

    async def _typing(self, request: web.Request, match: re.Match[str], body: Any) -> web.Response:
        return web.Response(status=204)

    async def _list_members(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        """Ascending user ids after `after`, at most `limit` (1-1000), as Discord pages them."""
        if int(match[1]) != p.GUILD_ID:
            return self._json(p.error(10004, "Unknown Guild"), status=404)
        if self.refuse_member_list:
            return self._json(p.error(50001, "Missing Access"), status=403)
        limit = int(request.query.get("limit", 1))
        if not 1 <= limit <= 1000:
            return self._json(p.error(50035, "Invalid Form Body"), status=400)
        after = int(request.query.get("after", 0))
        ordered = sorted(self.guild_members, key=lambda m: int(m["user"]["id"]))
        return self._json([m for m in ordered if int(m["user"]["id"]) > after][:limit])

    async def _get_member(
        self, request: web.Request, match: re.Match[str], body: Any
    ) -> web.Response:
        """Get Guild Member: the member object (no `permissions`: only interactions carry
        it), or 404 with code 10007 Unknown Member."""
        if int(match[1]) != p.GUILD_ID:
            return self._json(p.error(10004, "Unknown Guild"), status=404)
        for listed in self.guild_members:
            if listed["user"]["id"] == match[2]:
                return self._json({k: v for k, v in listed.items() if k != "permissions"})
        return self._json(p.error(10007, "Unknown Member"), status=404)

    def _store(
        self,
        key: str,
        kind: str,
        body: Payload,
        *,
        flags: int = 0,
        channel_id: int = p.CHANNEL_ID,
        stored_only: bool = False,
    ) -> Payload:
        message = p.message(next(self._ids), channel_id, p.bot_user(), body, flags=flags)
        if kind in ("callback", "original"):
            self._messages[key] = message
        if not stored_only:
            self.sent.append(Sent(kind, key, body, message))
        return message


@dataclass
class Budget:
    """A token bucket holding one second's worth: evenly paced requests never hit it."""

    method: str
    pattern: re.Pattern[str]
    per_second: float
    is_global: bool
    tokens: float = -1.0
    at: float = 0.0

    def wait(self, now: float) -> float:
        """0 if the request may go now (and spend a token), else seconds until it may."""
        full = max(self.per_second, 1.0)
        tokens = (
            full if self.tokens < 0 else min(full, self.tokens + (now - self.at) * self.per_second)
        )
        self.at = now
        if tokens >= 1.0:
            self.tokens = tokens - 1.0
            return 0.0
        self.tokens = tokens
        return (1.0 - tokens) / self.per_second


# Discord's locales (Reference > Locales): the only keys a localisation dictionary may have.
DISCORD_LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)
# A localised command or option name follows the same rule as the name itself: lowercase
# letters, digits, - and _ (any script), 1 to 32 characters.
LOCALISED_NAME = re.compile(r"^[-_\w]{1,32}$")


def _localization_problems(command: Payload, where: str = "") -> list[str]:
    where = f"{where}{command.get('name')}"
    problems = []
    for key in ("name_localizations", "description_localizations"):
        for locale, text in (command.get(key) or {}).items():
            if locale not in DISCORD_LOCALES:
                problems.append(f"{where}.{key}: {locale!r} is not a Discord locale")
            if key == "name_localizations" and (
                not LOCALISED_NAME.match(text) or text != text.lower()
            ):
                problems.append(f"{where}.{key}[{locale}]: {text!r} is not a valid name")
    for option in command.get("options") or []:
        problems += _localization_problems(option, where + ".")
    return problems


def _without_localizations(command: Payload) -> Payload:
    listed = {
        k: v
        for k, v in command.items()
        if k not in ("name_localizations", "description_localizations")
    }
    if "options" in listed:
        listed["options"] = [_without_localizations(o) for o in listed["options"]]
    return listed


def _stored_option(option: Payload) -> Payload:
    """An option as Discord stores it: `required: false` and empty values left out."""
    kept = {
        k: v
        for k, v in option.items()
        if v is not None and not (k in ("required", "autocomplete") and v is False)
    }
    if "options" in kept:
        kept["options"] = [_stored_option(o) for o in kept["options"]]
    return kept


# Documented rules the OpenAPI schemas do not express: an embed needs something to show
# besides its colour, and a message needs content, an embed, a component, a sticker or a file.
EMBED_CONTENT = ("title", "description", "fields", "author", "footer", "image", "thumbnail")
MESSAGE_CONTENT = ("content", "embeds", "components", "sticker_ids", "attachments", "_files")


def _body_problems(method: str, path: str, body: Any) -> list[str]:
    if body is None:
        return []
    sent = {k: v for k, v in body.items() if k != "_files"} if isinstance(body, dict) else body
    problems = request_problems(method, path, sent) or []
    message = _message_of(method, path, body)
    if message is not None:
        for index, embed in enumerate(message.get("embeds") or []):
            if not any(embed.get(key) for key in EMBED_CONTENT):
                problems.append(f"embeds/{index}/description: This field is required")
        if method == "POST" and not any(message.get(key) for key in MESSAGE_CONTENT):
            problems.append("Cannot send an empty message")
    return problems


def _message_of(method: str, path: str, body: Any) -> Payload | None:
    """The message a request creates or edits, if it is one."""
    if re.fullmatch(r"/interactions/\d+/[^/]+/callback", path):
        return body.get("data") if body.get("type") in (4, 7) else None
    if re.fullmatch(r"/channels/\d+/messages|/webhooks/\d+/[^/]+(/messages/@original)?", path):
        return body
    return None


async def _read_body(request: web.Request) -> Any:
    """JSON, or a message with uploads: multipart with payload_json plus files[n] parts, which
    are kept under "_files" (filename, content type, bytes) for the tests to inspect."""
    if not request.content_type.startswith("multipart/"):
        return await request.json()
    body: Payload = {}
    files: list[Payload] = []
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        assert isinstance(part, BodyPartReader)
        if part.name == "payload_json":
            body = json.loads(await part.text())
        else:
            content_type = part.headers.get("Content-Type", "")
            files.append(
                {"filename": part.filename, "type": content_type, "content": await part.read()}
            )
    return body | {"_files": files}
