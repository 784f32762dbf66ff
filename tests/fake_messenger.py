"""A fake Messenger that records every send and fails on cue, plus helpers to drive the worker."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from core.delivery.worker import DeliveryWorker
from core.identity import MemberKey
from core.pacing import Pacing
from core.ports import Sent
from core.replies import Reply
from core.requests import Actor, Place, Request
from core.service import Gigguard
from core.services import Services
from tests.fakes import ManualClock


@dataclass(frozen=True, slots=True)
class Delivered:
    workspace: str
    to: str  # user id, or "#channel"
    reply: Reply
    key: str
    at: dt.datetime


@dataclass
class FakeMessenger:
    platform: str
    clock: ManualClock
    sent: list[Delivered] = field(default_factory=list)
    # user (or "#channel") -> exceptions raised by the next sends to them, in order
    failures: dict[str, list[BaseException]] = field(default_factory=dict)
    after_send: Callable[[Delivered], None] | None = None
    tries: list[tuple[str, dt.datetime]] = field(default_factory=list)  # every call, failed too
    yields: int = 0  # event-loop turns a send takes, as a network round trip would

    async def _send(self, workspace: str, to: str, reply: Reply, key: str) -> Sent:
        self.tries.append((to, self.clock.now()))
        for _ in range(self.yields):
            await asyncio.sleep(0)
        queue = self.failures.get(to)
        if queue:
            raise queue.pop(0)
        delivered = Delivered(workspace, to, reply, key, self.clock.now())
        self.sent.append(delivered)
        if self.after_send is not None:
            self.after_send(delivered)
        return Sent(message_id=key)

    async def send_dm(
        self, workspace: str, user: str, reply: Reply, *, idempotency_key: str, resend: bool = False
    ) -> Sent:
        return await self._send(workspace, user, reply, idempotency_key)

    async def send_to_channel(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        return await self._send(workspace, f"#{channel}", reply, idempotency_key)

    def to(self, user: str) -> list[Delivered]:
        return [d for d in self.sent if d.to == user]

    def duplicates(self) -> int:
        return sum(n - 1 for n in Counter(d.key for d in self.sent).values() if n > 1)


def clock_sleep(clock: ManualClock) -> Callable[[float], object]:
    """A sleep that moves the manual clock instead of waiting."""

    async def sleep(seconds: float) -> None:
        clock.advance(dt.timedelta(seconds=seconds))

    return sleep


def make_worker(
    services: Services,
    messenger: FakeMessenger,
    clock: ManualClock,
    *,
    pacing: Pacing | None = None,
    owner: str | None = None,
    lease: dt.timedelta = dt.timedelta(seconds=60),
    concurrency: int = 1,
) -> DeliveryWorker:
    return DeliveryWorker(
        services=services if pacing is None else replace(services, pacing=pacing),
        messengers={messenger.platform: messenger},
        sleep=clock_sleep(clock),  # type: ignore[arg-type]
        owner=owner,
        lease=lease,
        concurrency=concurrency,
    )


async def drain(worker: DeliveryWorker, *, rounds: int = 100) -> int:
    """Run the worker until nothing is due; return how many rows it handled."""
    handled = 0
    for _ in range(rounds):
        batch = await worker.run_once()
        if not batch:
            return handled
        handled += batch
    raise AssertionError("the worker never ran out of due rows")


async def say(
    core: Gigguard,
    key: MemberKey,
    text: str,
    *,
    moderator: bool = False,
    channel: str | None = None,
) -> Reply:
    return await core.handle(
        Request(Actor(key, is_moderator=moderator), text, Place.DM, channel=channel)
    )
