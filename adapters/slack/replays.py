"""Bolt middleware that runs each Slack request once, however often it arrives.

Slack retries an event it thinks was not acknowledged (`X-Slack-Retry-Num`, same `event_id`,
fresh signature), and anyone who captured a signed request can post it again within the
five-minute signature window. A request is known by its `event_id`, else by the hash of its
body (slash commands and clicks carry a unique `trigger_id`), and remembered for that window.

The memory is per process: several gigguard processes behind one load balancer each run a
request that reaches them, so run one HTTP process per Slack app (deliveries scale separately
through the outbox), or put a shared store behind `ReplayGuard` if that ever changes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)

SIGNATURE_WINDOW = 300.0  # Slack's signatures are refused when more than 5 minutes off
MAX_REMEMBERED = 100_000  # ~10 MB at most; only signed requests get this far


class ReplayGuard:
    def __init__(
        self,
        *,
        window: float = SIGNATURE_WINDOW,
        max_remembered: int = MAX_REMEMBERED,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._window = window
        self._max = max_remembered
        self._now = now
        self._seen: OrderedDict[str, float] = OrderedDict()  # key -> when first seen

    def first_time(self, key: str) -> bool:
        now = self._now()
        while self._seen and (
            next(iter(self._seen.values())) <= now - self._window or len(self._seen) >= self._max
        ):
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True

    async def middleware(
        self,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # bolt passes it by this name
    ) -> BoltResponse:
        if self.first_time(request_key(req)):
            return await next()
        retry = (req.headers.get("x-slack-retry-num") or ["-"])[0]
        log.info("slack: a repeated request was dropped (retry %s)", retry)
        return BoltResponse(status=200, body="")


def request_key(req: AsyncBoltRequest) -> str:
    event_id = req.body.get("event_id")
    if isinstance(event_id, str) and event_id:
        return "event:" + event_id
    return "body:" + hashlib.sha256(req.raw_body.encode()).hexdigest()
