"""The language each member set (`/optout lang`), kept in process.

Every request needs it (to answer in the member's language) and it changes only when the member
sets it or is forgotten. A change committed in this process drops the member's entry at once
(SqlUnitOfWork.commit); one made by another process is seen once the entry is older than `ttl`
seconds (the bot uses the policy cache's delay, GIGGUARD_POLICY_CACHE_SECONDS).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.identity import MemberKey
from core.storage.community import is_member
from core.storage.tables import Member

MAX_ENTRIES = 50_000  # beyond this the oldest half is dropped: memory stays bounded


class LanguageCache:
    def __init__(self, *, ttl: float = 10.0, now: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._now = now
        self._entries: dict[MemberKey, tuple[float, str | None]] = {}
        self._forgotten = 0  # bumped by forget(): a load that overlapped one is not kept

    async def language(self, session: AsyncSession, key: MemberKey) -> str | None:
        now = self._now()
        entry = self._entries.get(key)
        if entry and now - entry[0] < self._ttl:
            return entry[1]
        forgotten = self._forgotten
        found = await session.scalar(select(col(Member.language)).where(is_member(key)))
        if forgotten == self._forgotten and self._ttl > 0:
            if len(self._entries) >= MAX_ENTRIES:
                for old in list(self._entries)[: MAX_ENTRIES // 2]:
                    del self._entries[old]
            self._entries[key] = (now, found)
        return found

    def forget(self, keys: Iterable[MemberKey]) -> None:
        self._forgotten += 1
        for key in keys:
            self._entries.pop(key, None)
