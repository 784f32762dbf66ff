"""Who moderates a workspace: its owners and admins (from users.info) plus configured user ids."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

_ROLE_FLAGS = ("is_owner", "is_admin", "is_primary_owner")


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
        self._cache: OrderedDict[tuple[str, str], tuple[bool, float]] = OrderedDict()

    async def is_moderator(self, client: AsyncWebClient, team: str, user: str) -> bool:
        if user in self._configured:
            return True
        key = (team, user)
        cached = self._cache.get(key)
        if cached is not None and cached[1] > self._now():
            return cached[0]
        try:
            response = await client.users_info(user=user)
        except SlackApiError as exc:
            # Fail closed: the member still gets every member command, just not moderator ones.
            log.warning(
                "users.info failed for team=%s user=%s: %s", team, user, exc.response.get("error")
            )
            return False
        profile = response.get("user") or {}
        verdict = any(bool(profile.get(flag)) for flag in _ROLE_FLAGS)
        self._cache[key] = (verdict, self._now() + self._ttl)
        self._cache.move_to_end(key)
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)
        return verdict
