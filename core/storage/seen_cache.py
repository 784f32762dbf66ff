"""What this process has lately seen the database say about each member, and when: the
bookkeeping shared by MembershipCache (the communities a member used the bot in) and
PlatformLanguageCache (the language their platform last reported).

Per member, each fact is kept with the time it was last seen, and is known while it is younger
than `ttl` seconds. At most `size` members are kept, the least recently seen dropped first.
`forget` drops a member's facts and starts a new generation: a unit of work that learned
something before it (a read or a write that overlapped a deletion, say) passes the generation
it began with, and what it learned is not kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from core.identity import MemberKey

Fact = TypeVar("Fact", bound=Hashable)


class SeenCache(Generic[Fact]):
    def __init__(self, *, ttl: float, size: int, now: Callable[[], float]) -> None:
        self._ttl = ttl
        self._size = size
        self._now = now
        self._seen: OrderedDict[MemberKey, dict[Fact, float]] = OrderedDict()
        self._forgotten = 0  # bumped by forget(): what was learned before one is not kept

    def known(self, key: MemberKey, fact: Fact) -> bool:
        seen_at = self._seen.get(key, {}).get(fact)
        return seen_at is not None and self._now() - seen_at < self._ttl

    def generation(self) -> int:
        """Pass to `remember`: what was learned before a later `forget` is not kept."""
        return self._forgotten

    def forget(self, key: MemberKey) -> None:
        self._forgotten += 1
        self._seen.pop(key, None)

    def _remember(
        self, key: MemberKey, facts: Iterable[Fact], *, generation: int, keep_others: bool
    ) -> None:
        """Note `facts` as seen now; with `keep_others` False they replace the member's others."""
        if generation != self._forgotten:
            return
        seen = self._seen.get(key, {}) if keep_others else {}
        seen.update(dict.fromkeys(facts, self._now()))
        self._seen[key] = seen
        self._seen.move_to_end(key)
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
