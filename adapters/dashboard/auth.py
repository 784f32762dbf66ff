"""Login through a one-time link, the session cookie, CSRF, and the per-request re-check.

Every dashboard URL but the login and the stylesheet goes through `guard`: no session is 401
(pages) or 403 (actions); a session whose moderator the platform no longer counts as one is
403; a state-changing request without the session's CSRF token is 403.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

import core.dashboard_access as access
from adapters.dashboard.config import DashboardConfig
from adapters.dashboard.render import SECURITY_HEADERS, page
from core.dashboard.models import DashboardModerator
from core.service import Gigguard

COOKIE = "gigguard_dashboard"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
PUBLIC = ("/dashboard/login", "/dashboard/static/")
SAFE_METHODS = ("GET", "HEAD")

CORE = web.AppKey("core", Gigguard)
CONFIG = web.AppKey("config", DashboardConfig)
MODERATOR = web.RequestKey("moderator", DashboardModerator)
CSRF = web.RequestKey("csrf", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def refused(status: int, reason: str) -> web.Response:
    return page("refused.html", status=status, reason=reason)


async def login(request: web.Request) -> web.Response:
    core, config = request.app[CORE], request.app[CONFIG]
    opened = await access.open_session(core.services, request.query.get("token", ""))
    if opened is None:
        return refused(403, "link")
    token, moderator = opened
    if not await access.still_moderator(config.checks, moderator):
        await access.end_session(core.services, token)
        return refused(403, "moderator")
    # A page that moves on by itself rather than a 302: the click came from Slack or Discord,
    # and a browser does not send a SameSite=Strict cookie on a redirect of a cross-site click.
    response = page("continue.html")
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(access.SESSION_TTL.total_seconds()),
        path="/dashboard",
        httponly=True,
        samesite="Strict",
        secure=config.secure_cookie,
    )
    return response


async def logout(request: web.Request) -> web.Response:
    await access.end_session(request.app[CORE].services, request.cookies.get(COOKIE, ""))
    response = refused(200, "logged_out")
    response.del_cookie(COOKIE, path="/dashboard")
    return response


async def _csrf_given(request: web.Request) -> str | None:
    if CSRF_HEADER in request.headers:
        return request.headers[CSRF_HEADER]
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        value = (await request.post()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await _guarded(request, handler)
    response.headers.update(SECURITY_HEADERS)
    return response


async def _guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(PUBLIC):
        return await handler(request)
    core, config = request.app[CORE], request.app[CONFIG]
    action = request.method not in SAFE_METHODS
    token = request.cookies.get(COOKIE, "")
    session = await access.current_session(core.services, token)
    if session is None:
        return refused(403 if action else 401, "session")
    if action and not access.csrf_ok(token, await _csrf_given(request)):
        return refused(403, "csrf")
    if not await access.still_moderator(config.checks, session.moderator):
        return refused(403, "moderator")
    request[MODERATOR] = session.moderator
    request[CSRF] = access.csrf_token(token)
    return await handler(request)
