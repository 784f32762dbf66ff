"""Which members this process has seen in which communities, so it writes a membership once.

A Discord member counts in a server's stats and audiences once they used the bot there
(`member_community`), so every command in a server used to end with a write transaction to
say so again. Entries come from what the database said: a membership written and committed,
or read with the member's toggles. A `forget-me` in this process drops the member's entries
at once; one in another process is noticed once the entry is older than `ttl` seconds, when the
membership is written again (the write is idempotent). At most `size` members are kept, the
least recently seen dropped first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from core.identity import MemberKey
from core.storage.seen_cache import SeenCache


class MembershipCache(SeenCache[str]):
    """Per member, the communities seen and when each was: one more adds to the others."""

    def __init__(
        self,
        *,
        ttl: float = 60.0,
        size: int = 50_000,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(ttl=ttl, size=size, now=now)

    def remember(self, key: MemberKey, communities: Iterable[str], *, generation: int) -> None:
        self._remember(key, communities, generation=generation, keep_others=True)
