"""Declined questions a member may still send to the moderators, kept in memory only.

A button's action id holds at most 100 characters (Discord's custom_id), too few for the
question, so the decline reply's buttons carry a random token and the text waits here. Nothing
is written until the member clicks; an unclicked question is forgotten after `ttl`, and never
more than `capacity` wait at once (the oldest goes first). A restart forgets them all.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import OrderedDict
from dataclasses import dataclass

from core.identity import MemberKey

DEFAULT_TTL = dt.timedelta(minutes=30)
DEFAULT_CAPACITY = 2000


@dataclass(frozen=True, slots=True)
class Declined:
    text: str
    asker: MemberKey  # only the asker's own click may send it
    community: str
    expires_at: dt.datetime


class DeclinedQuestions:
    def __init__(
        self, *, ttl: dt.timedelta = DEFAULT_TTL, capacity: int = DEFAULT_CAPACITY
    ) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._waiting: OrderedDict[str, Declined] = OrderedDict()

    def __len__(self) -> int:
        return len(self._waiting)

    def hold(self, text: str, *, asker: MemberKey, community: str, now: dt.datetime) -> str:
        """Keep `text` until `now + ttl`; return the token its buttons carry."""
        self._expire(now)
        while len(self._waiting) >= self._capacity:
            self._waiting.popitem(last=False)
        token = secrets.token_urlsafe(9)
        self._waiting[token] = Declined(text, asker, community, now + self._ttl)
        return token

    def take(self, token: str, *, asker: MemberKey, community: str, now: dt.datetime) -> str | None:
        """The question behind `token`, once, for its own asker in its own community."""
        self._expire(now)
        found = self._waiting.get(token)
        if found is None or (found.asker, found.community) != (asker, community):
            return None
        del self._waiting[token]
        return found.text

    def _expire(self, now: dt.datetime) -> None:
        # Insertion order is expiry order: every entry lives for the same ttl.
        while self._waiting and next(iter(self._waiting.values())).expires_at <= now:
            self._waiting.popitem(last=False)
