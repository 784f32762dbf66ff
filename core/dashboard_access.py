"""Dashboard access rules: one-time links (10 min), sessions (8 h), CSRF tokens, re-checks.

Tokens are random (`secrets`), handed out once and stored only as SHA-256 hashes. A link is
used through a conditional update, so two clicks on the same link open one session at most.
The CSRF token is derived from the session token, which only the moderator's browser holds
(in an HttpOnly cookie), so no other site can compute it and nothing more is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from urllib.parse import urlencode

from core.dashboard.models import DashboardModerator, DashboardSession, ModeratorCheck
from core.requests import Actor
from core.services import Services

log = logging.getLogger(__name__)

LINK_TTL = dt.timedelta(minutes=10)
SESSION_TTL = dt.timedelta(hours=8)
LOGIN_PATH = "/dashboard/login"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}{LOGIN_PATH}?{urlencode({'token': token})}"


def moderator_of(actor: Actor) -> DashboardModerator:
    return DashboardModerator(key=actor.key, community=actor.scope)


def actor_of(moderator: DashboardModerator) -> Actor:
    """The request actor a session acts as, exactly as if the moderator typed the command."""
    community = None if moderator.community == moderator.key.workspace else moderator.community
    return Actor(moderator.key, is_moderator=True, community=community)


async def issue_link(services: Services, moderator: DashboardModerator) -> str:
    """A fresh one-time token for `moderator`. The caller has checked they are a moderator."""
    token = secrets.token_urlsafe(32)
    now = services.clock.now()
    async with services.uow() as uow:
        await uow.dashboard_logins.add_link(
            moderator, token_hash=_hash(token), expires_at=now + LINK_TTL, at=now
        )
        await uow.commit()
    return token


async def open_session(
    services: Services, link_token: str
) -> tuple[str, DashboardModerator] | None:
    """Use a link: (session token, moderator), or None if forged, used or expired."""
    if not link_token:
        return None
    session_token = secrets.token_urlsafe(32)
    now = services.clock.now()
    async with services.uow() as uow:
        moderator = await uow.dashboard_logins.redeem(
            _hash(link_token),
            session_hash=_hash(session_token),
            session_expires_at=now + SESSION_TTL,
            at=now,
        )
        if moderator is None:
            return None
        await uow.commit()
    return session_token, moderator


async def current_session(services: Services, session_token: str) -> DashboardSession | None:
    if not session_token:
        return None
    async with services.uow() as uow:
        return await uow.dashboard_logins.session(_hash(session_token), at=services.clock.now())


async def end_session(services: Services, session_token: str) -> None:
    async with services.uow() as uow:
        await uow.dashboard_logins.end_session(_hash(session_token), at=services.clock.now())
        await uow.commit()


def csrf_token(session_token: str) -> str:
    return hashlib.sha256(b"gigguard-dashboard-csrf:" + session_token.encode()).hexdigest()


def csrf_ok(session_token: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(session_token), given or "")


async def still_moderator(
    checks: Mapping[str, ModeratorCheck], moderator: DashboardModerator
) -> bool:
    """Re-check with the platform's own rule where this process has a checker for it.

    Without one (the console, or a platform this process does not serve) the verdict taken
    when the link was made stands: `/optout dashboard` is moderator-only, and the operator's
    `gigguard dashboard link` is trusted as the operator is.
    """
    check = checks.get(moderator.key.platform)
    if check is None:
        return True
    verdict = await check.is_moderator(moderator.community, moderator.key.user)
    if not verdict:
        key = moderator.key
        log.warning(
            "dashboard refused, no longer a moderator: platform=%s community=%s user=%s",
            key.platform,
            moderator.community,
            key.user,
        )
    return verdict
