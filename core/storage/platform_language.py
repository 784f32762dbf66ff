"""The language a member's platform reports (Slack's user locale, Discord's interaction
locale), stored for the DMs sent later, outside any request: reminders, broadcasts, welcomes.

Only the language gigguard speaks is kept (en/es/pt, or NULL for one it does not), never the raw
locale. It is seen on every request but almost never changes, so this process remembers what it
last wrote (or found already there) per member and touches the database only when a request
reports something else. Strangers (no member row: only `ask`, `help` and the like so far) are
remembered too, so their questions stay free of statements; a row this process creates or
deletes drops the member's entry on commit, so the next request writes the language to the new
row. Another process's change is seen once an entry is older than `ttl` seconds; the write is
idempotent.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.identity import MemberKey
from core.storage.community import is_member
from core.storage.memo import MemberMemo
from core.storage.tables import Member


class PlatformLanguageCache:
    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        size: int = 50_000,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._size = size
        self._now = now
        self._seen: OrderedDict[MemberKey, tuple[str | None, float]] = OrderedDict()
        self._forgotten = 0  # bumped by forget(): what was learned before one is not kept

    def known(self, key: MemberKey, language: str | None) -> bool:
        entry = self._seen.get(key)
        return entry is not None and entry[0] == language and self._now() - entry[1] < self._ttl

    def generation(self) -> int:
        """Pass to `remember`: what was learned before a later `forget` is not kept."""
        return self._forgotten

    def remember(self, key: MemberKey, language: str | None, *, generation: int) -> None:
        if generation != self._forgotten:
            return
        self._seen[key] = (language, self._now())
        self._seen.move_to_end(key)
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)

    def forget(self, key: MemberKey) -> None:
        self._forgotten += 1
        self._seen.pop(key, None)


async def note(
    session: AsyncSession,
    cache: PlatformLanguageCache,
    memo: MemberMemo,
    key: MemberKey,
    language: str | None,
) -> None:
    """Store `language` as the member's platform language unless this process knows it is
    there; the cache learns it when the unit of work commits (SqlUnitOfWork.commit)."""
    if cache.known(key, language):
        return
    generation = cache.generation()
    await session.execute(
        update(Member)
        .where(is_member(key), col(Member.platform_language).is_distinct_from(language))
        .values(platform_language=language)
    )
    memo.platform_languages.append((key, language, generation))
