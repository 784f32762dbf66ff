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
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.identity import MemberKey
from core.storage.community import is_member
from core.storage.memo import MemberMemo
from core.storage.seen_cache import SeenCache
from core.storage.tables import Member


class PlatformLanguageCache(SeenCache[str | None]):
    """Per member, the one language their platform last reported: a new one replaces it."""

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        size: int = 50_000,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(ttl=ttl, size=size, now=now)

    def remember(self, key: MemberKey, language: str | None, *, generation: int) -> None:
        self._remember(key, [language], generation=generation, keep_others=False)


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
