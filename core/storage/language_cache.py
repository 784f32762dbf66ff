"""The language each member set (`/optout lang`), kept in process for every member at once.

Every request needs it (to answer in the member's language), few members ever set one, and it
changes only when a member sets it or is forgotten. So the cache holds the whole answer: the
members whose language is set, read in one statement; a member not in it set none. A request
then reads no language at all, whichever member it is for (a cache per member missed on nearly
every request of a large community, one statement each).

A change committed in this process is applied at once (SqlUnitOfWork.commit, `changed`); one
made by another process is seen once the map is older than `ttl` seconds, when the next request
reads it afresh (the bot uses the policy cache's delay, GIGGUARD_POLICY_CACHE_SECONDS). With
`ttl` 0 there is no map: each request reads its member's row.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.identity import MemberKey
from core.storage.sql_toggles import member_params, names_the_member
from core.storage.tables import Member

_member = inspect(Member).local_table

# Built once: building a statement and its cache key per request cost more than running it.
_CHOSEN = select(
    _member.c.platform, _member.c.workspace, _member.c.user_id, _member.c.language
).where(_member.c.language.is_not(None))
_ONE = select(_member.c.language).where(names_the_member())


class LanguageCache:
    def __init__(self, *, ttl: float = 10.0, now: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._now = now
        self._chosen: dict[MemberKey, str] | None = None  # None: not read yet
        self._read_at = 0.0
        self._reading = False  # one read at a time, so none installs an older answer
        self._read_done = asyncio.Event()
        # Changes committed while a read is under way: the read may have missed them.
        self._during_read: dict[MemberKey, str | None] = {}

    async def language(self, session: AsyncSession, key: MemberKey) -> str | None:
        if self._ttl <= 0:
            found: str | None = await session.scalar(_ONE, member_params(key))
            return found
        while self._chosen is None and self._reading:  # the first read, another request's
            await self._read_done.wait()
        # While one request reads the map afresh, the others keep answering from the old one.
        if self._chosen is None or (self._stale() and not self._reading):
            await self._read(session)
        assert self._chosen is not None
        return self._chosen.get(key)

    def changed(self, languages: Mapping[MemberKey, str | None]) -> None:
        """Committed in this process: each member's language now (None: none, or forgotten)."""
        if self._reading:
            self._during_read.update(languages)
        if self._chosen is not None:
            _apply(self._chosen, languages)

    def _stale(self) -> bool:
        return self._now() - self._read_at >= self._ttl

    async def _read(self, session: AsyncSession) -> None:
        self._reading = True
        self._read_done.clear()
        self._during_read = {}
        started = self._now()
        try:
            result = await session.execute(_CHOSEN)
            chosen = {
                MemberKey(platform, workspace, user): language
                for platform, workspace, user, language in result.tuples()
            }
        finally:
            self._reading = False
            self._read_done.set()
        _apply(chosen, self._during_read)
        self._chosen, self._read_at = chosen, started


def _apply(chosen: dict[MemberKey, str], languages: Mapping[MemberKey, str | None]) -> None:
    for key, language in languages.items():
        if language is None:
            chosen.pop(key, None)
        else:
            chosen[key] = language
