"""Who moderates a workspace: its owners and admins (from users.info) plus configured user ids;
and, from the same call, the member's locale (`include_locale`), for answering in their language."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

_ROLE_FLAGS = ("is_owner", "is_admin", "is_primary_owner")


@dataclass(frozen=True, slots=True)
class SlackMember:
    moderator: bool
    locale: str | None  # "es-ES", "pt-BR": the language the member set in Slack


class ModeratorDirectory:
    """Caches each answer briefly: roles rarely change and users.info is rate limited (Tier 4)."""

    def __init__(
        self,
        configured: frozenset[str],
        *,
        ttl: float = 300.0,
        max_entries: int = 10_000,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._configured = configured
        self._ttl = ttl
        self._max_entries = max_entries
        self._now = now
        self._cache: OrderedDict[tuple[str, str], tuple[SlackMember, float]] = OrderedDict()

    async def is_moderator(self, client: AsyncWebClient, team: str, user: str) -> bool:
        if user in self._configured:
            return True
        return (await self.member(client, team, user)).moderator

    async def member(self, client: AsyncWebClient, team: str, user: str) -> SlackMember:
        """Role and locale of one member, from one cached users.info call."""
        key = (team, user)
        cached = self._cache.get(key)
        if cached is not None and cached[1] > self._now():
            return cached[0]
        configured = user in self._configured
        try:
            response = await client.users_info(user=user, include_locale=True)
        except SlackApiError as exc:
            # Fail closed: the member still gets every member command, just not moderator ones.
            log.warning(
                "users.info failed for team=%s user=%s: %s", team, user, exc.response.get("error")
            )
            return SlackMember(moderator=configured, locale=None)
        profile = response.get("user") or {}
        found = SlackMember(
            moderator=configured or any(bool(profile.get(flag)) for flag in _ROLE_FLAGS),
            locale=profile.get("locale") or None,
        )
        self._cache[key] = (found, self._now() + self._ttl)
        self._cache.move_to_end(key)
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)
        return found
