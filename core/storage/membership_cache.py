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
from collections import OrderedDict
from collections.abc import Callable, Iterable

from core.identity import MemberKey


class MembershipCache:
    def __init__(
        self,
        *,
        ttl: float = 60.0,
        size: int = 50_000,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._size = size
        self._now = now
        self._seen: OrderedDict[MemberKey, dict[str, float]] = OrderedDict()
        self._forgotten = 0  # bumped by forget(): a membership learned before one is not kept

    def known(self, key: MemberKey, community: str) -> bool:
        seen_at = self._seen.get(key, {}).get(community)
        return seen_at is not None and self._now() - seen_at < self._ttl

    def generation(self) -> int:
        """Pass to `remember`: what was learned before a later `forget` is not kept."""
        return self._forgotten

    def remember(self, key: MemberKey, communities: Iterable[str], *, generation: int) -> None:
        if generation != self._forgotten:
            return
        now = self._now()
        seen = self._seen.setdefault(key, {})
        seen.update((community, now) for community in communities)
        self._seen.move_to_end(key)
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)

    def forget(self, key: MemberKey) -> None:
        self._forgotten += 1
        self._seen.pop(key, None)
