"""The delivery worker: lease due outbox rows, send them at the platform's pace, record how it went.

Exactly-once comes from the data, not from timing: a row exists before anything is sent; it is
leased (owner + lease_until) when claimed; right before each send one conditional UPDATE renews
the lease if, and only if, this worker still holds it and it has not run out (`fence`), and the
row is skipped otherwise. However long a worker waited on its pacer, a 429 or a stalled
database, it never sends a row another worker has taken over. Its outcome is written after,
conditional on the lease too. What remains is the send in flight: a worker killed (or stalled
past its lease) between the fence and recording the outcome leaves the row to be sent again,
with the same idempotency key, which the adapter uses to drop the resend.

A worker told to stop does not leave that window open: it finishes the send in flight, records
it, and releases the rest of its batch so another worker takes them at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable, Mapping, Sequence

from core.delivery.compose import broadcast_reply, reminder_reply, welcome_reply
from core.delivery.when import member_moment, next_run, run_zone
from core.errors import PermanentDeliveryError, StorageError, TransientDeliveryError
from core.identity import MemberKey
from core.inbox.reply import answered_reply
from core.language import for_later
from core.metrics import DELIVERIES, RATE_LIMIT_WAITS
from core.outage import Outage
from core.outbox import (
    ANNOUNCEMENTS,
    Audience,
    Broadcast,
    BroadcastState,
    Claimed,
    FailReason,
    Kind,
    Recipient,
    SkipReason,
    Status,
    Target,
)
from core.pacing import DEFAULT_CEILING, PaceBook, Pacer, Sleep
from core.ports import Messenger
from core.progress import finished_toggles, read_progress
from core.replies import Reply
from core.services import Services

log = logging.getLogger(__name__)

DEFAULT_LEASE = dt.timedelta(seconds=60)
MAX_BATCH = 20  # small claims: rows wait in a batch no longer than a few sends
DEFAULT_CONCURRENCY = 4  # sends in flight per worker; the pacer still decides when each starts


def worker_id() -> str:
    """Unique per process and start, so a restarted worker never mistakes old leases for its own."""
    return f"{os.uname().nodename[:24]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class _Stopping(Exception):
    """The worker was told to stop while it waited (for its pacer or for work)."""


class DeliveryWorker:
    def __init__(
        self,
        *,
        services: Services,
        messengers: Mapping[str, Messenger],
        sleep: Sleep,
        owner: str | None = None,
        lease: dt.timedelta = DEFAULT_LEASE,
        poll_seconds: float = 2.0,
        refresh: Callable[[], Services] | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        paces: PaceBook | None = None,
    ) -> None:
        """`refresh`, when given, is asked for the current services before every batch, so a
        knowledge reload (new toggles, wording) reaches deliveries without a restart. Pacing
        figures and member directories come from the services. `paces` is where the worker
        keeps what it learns of each workspace's rate limit (`services.paces`, shared with the
        broadcast preview's ETA, in the running bot); by default its own, from the figures."""
        self._services = services
        self._refresh = refresh
        self._concurrency = concurrency
        self._messengers = dict(messengers)
        self._sleep = sleep
        self.owner = owner or worker_id()
        self._lease = lease
        self._poll_seconds = poll_seconds
        self._finished = finished_toggles(services)
        self._stop = asyncio.Event()
        self._paces = paces or PaceBook(services.pacing, ceiling=DEFAULT_CEILING)
        self._pacers: dict[tuple[str, str, Target], Pacer] = {}

    def _now(self) -> dt.datetime:
        return self._services.clock.now()

    def _pacer(self, row: Claimed, target: Target) -> Pacer:
        """One pacer per workspace and method: limits are per workspace (Slack) or per route."""
        key = (row.platform, row.workspace, target)
        if key not in self._pacers:
            self._pacers[key] = Pacer(
                self._paces.pace(*key), clock=self._services.clock, sleep=self._sleep_unless_stopped
            )
        return self._pacers[key]

    def _batch_size(self) -> int:
        """Claim no more than can be sent well inside one lease at the slowest published DM
        pace. Past the lease the fence skips them, so this is about waste, not correctness."""
        slowest = min(self._paces.published(p, Target.DM) for p in self._messengers)
        return max(1, min(MAX_BATCH, int(slowest * self._lease.total_seconds() / 2)))

    async def run_once(self) -> int:
        """Claim one batch of due rows and deliver it; return how many rows were handled."""
        if not self._messengers:
            return 0
        if self._refresh is not None:
            self._services = self._refresh()
            self._finished = finished_toggles(self._services)
        async with self._services.uow() as uow:
            rows = await uow.outbox.claim(
                owner=self.owner,
                platforms=sorted(self._messengers),
                now=self._now(),
                lease=self._lease,
                limit=self._batch_size(),
            )
            await uow.commit()
        await self._deliver(rows)
        return len(rows)

    async def _deliver(self, rows: Sequence[Claimed]) -> None:
        """Handle a batch with up to `concurrency` rows in flight: the pacer spaces the sends,
        concurrency hides each send's round trips, so throughput reaches the platform's rate.
        Rows not yet started when a stop arrives are released."""
        waiting = list(rows)
        running: set[asyncio.Task[None]] = set()
        try:
            while waiting or running:
                if self._stop.is_set() and waiting:
                    await self._release(waiting)
                    waiting = []
                while waiting and len(running) < self._concurrency:
                    running.add(asyncio.create_task(self._handle(waiting.pop(0))))
                if running:
                    done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        task.result()
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until `stop` is set, then finish the send in flight and release the rest of
        the batch. The worker's one broad boundary: log and carry on."""
        if stop is not None:
            self._stop = stop
        log.info("delivery worker %s started for %s", self.owner, ", ".join(self._messengers))
        outage = Outage(f"delivery worker {self.owner}", log, base=self._poll_seconds)
        while not self._stop.is_set():
            pause = self._poll_seconds
            try:
                handled = await self.run_once()
                outage.succeeded()
            except StorageError as exc:
                pause = outage.failed(exc)
                handled = 0
            except Exception:
                log.exception("delivery worker: unexpected failure, retrying")
                handled = 0
            if not handled:
                try:
                    await self._sleep_unless_stopped(pause)
                except _Stopping:
                    break
        log.info("delivery worker %s stopped", self.owner)

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        """The injected sleep, cut short by a stop (raising _Stopping)."""
        if self._stop.is_set():
            raise _Stopping
        sleeping = asyncio.ensure_future(self._sleep(seconds))
        stopping = asyncio.ensure_future(self._stop.wait())
        done, _ = await asyncio.wait([sleeping, stopping], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if sleeping not in done:
            sleeping.cancel()
            raise _Stopping
        sleeping.result()

    async def _release(self, rows: Sequence[Claimed]) -> None:
        async with self._services.uow() as uow:
            released = await uow.outbox.release(rows, owner=self.owner)
            await uow.commit()
        log.info("delivery worker %s stopping: released deliveries: %s", self.owner, released)

    async def _handle(self, row: Claimed) -> None:
        if row.kind is Kind.RUN:
            await self._expand(row)
            return
        prepared = await self._prepare(row)
        if isinstance(prepared, tuple):
            status, reason = prepared
            await self._finish(row, status, reason)
            return
        await self._send(row, prepared)

    async def _prepare(self, row: Claimed) -> Reply | tuple[Status, str]:
        """The reply to send, or why the row ends without sending."""
        async with self._services.uow() as uow:
            if row.kind in (Kind.REMINDER, Kind.WELCOME):
                assert row.user is not None
                key = MemberKey(row.platform, row.workspace, row.user)
                who = await uow.outbox.recipient(
                    row.platform, row.workspace, row.user, finished=self._finished
                )
                if row.kind is Kind.WELCOME:
                    if who.muted:
                        return Status.SKIPPED, SkipReason.MUTED
                    progress = await read_progress(uow, key)
                    return welcome_reply(self._services, progress, language=self._language(who))
                if who.finished:
                    return Status.SKIPPED, SkipReason.FINISHED
                return reminder_reply(
                    self._services,
                    await read_progress(uow, key),
                    reminder_id=row.id,
                    due_at=row.due_at,
                    timezone=who.timezone,
                    late=self._is_late(row),
                    language=self._language(who),
                )
            if row.kind is Kind.ANSWER:  # the member asked to hear of it: sent even if muted
                answered = await uow.inbox.answered_for(row.id)
                if answered is None:
                    return Status.CANCELLED, ""
                return answered_reply(self._services.knowledge, answered)
            assert row.broadcast_id is not None
            broadcast = await uow.outbox.broadcast(row.broadcast_id)
            if broadcast is None or broadcast.state is BroadcastState.CANCELLED:
                return Status.CANCELLED, ""
            if row.kind is Kind.DM:
                assert row.user is not None
                who = await uow.outbox.recipient(
                    row.platform, row.workspace, row.user, finished=self._finished
                )
                if who.muted:
                    return Status.SKIPPED, SkipReason.MUTED
                if broadcast.audience is Audience.PENDING and who.finished:
                    return Status.SKIPPED, SkipReason.FINISHED
            language = self._language(who) if row.kind is Kind.DM else None
            return broadcast_reply(
                self._services, broadcast, as_dm=row.kind is Kind.DM, language=language
            )

    def _language(self, who: Recipient) -> str:
        return for_later(
            stored=who.language,
            platform=who.platform_language,
            default=self._services.default_language,
        )

    def _is_late(self, row: Claimed) -> bool:
        late_after = dt.timedelta(seconds=self._services.pacing.late_after_seconds)
        return self._now() - row.due_at > late_after

    async def _fence(self, row: Claimed) -> bool:
        """Right before sending: renew the lease if still held, else skip the row. The same
        statement checks again that an announcement's recipient has not muted the bot meanwhile;
        a member who asked to be forgotten has no rows left, so their fence fails."""
        async with self._services.uow() as uow:
            now = self._now()
            if await uow.outbox.fence(row, owner=self.owner, now=now, lease=self._lease):
                await uow.commit()
                return True
            muted = False
            if row.kind in ANNOUNCEMENTS and row.user is not None:
                who = await uow.outbox.recipient(
                    row.platform, row.workspace, row.user, finished=self._finished
                )
                muted = who.muted
        if muted:
            await self._finish(row, Status.SKIPPED, SkipReason.MUTED)
        else:
            log.info("delivery %s: lease no longer held, not sending", row.id)
        return False

    async def _send(self, row: Claimed, reply: Reply) -> None:
        messenger = self._messengers[row.platform]
        target = Target.CHANNEL if row.kind is Kind.CHANNEL else Target.DM
        pacer = self._pacer(row, target)
        try:
            await pacer.wait()
        except _Stopping:
            await self._release([row])
            return
        if not await self._fence(row):
            return
        resend = row.attempts > 1  # claimed before: that attempt may have reached the platform
        try:
            if target is Target.CHANNEL:
                assert row.channel is not None
                await messenger.send_to_channel(
                    row.workspace,
                    row.channel,
                    reply,
                    idempotency_key=row.idempotency_key,
                    resend=resend,
                )
            else:
                assert row.user is not None
                await messenger.send_dm(
                    row.workspace,
                    row.user,
                    reply,
                    idempotency_key=row.idempotency_key,
                    resend=resend,
                )
        except PermanentDeliveryError as exc:
            log.info("delivery %s failed for good: %s", row.id, exc.reason)
            await self._finish(row, Status.FAILED, exc.reason)
        except TransientDeliveryError as exc:
            if exc.rate_limited:
                self._services.metrics.count(RATE_LIMIT_WAITS, platform=row.platform)
                pacer.limited(exc.retry_after)
            await self._retry(row, exc.retry_after, rate_limited=exc.rate_limited)
        except Exception:
            log.exception("delivery %s: the %s messenger failed", row.id, row.platform)
            await self._retry(row, None)
        else:
            pacer.succeeded()
            late = row.kind is Kind.REMINDER and self._is_late(row)
            await self._finish(row, Status.SENT, None, late=late)

    async def _retry(
        self, row: Claimed, retry_after: float | None, *, rate_limited: bool = False
    ) -> None:
        """Hand the row back for a later try. A 429 says nothing about the row itself: it may
        go again as soon as the platform's Retry-After has passed, without back-off, and does
        not count as a try: a rate-limit storm never makes the bot give up on a message."""
        policy = self._services.pacing.retry
        if not rate_limited and row.attempts >= policy.max_attempts:
            log.warning("delivery %s gave up after %s tries", row.id, row.attempts)
            await self._finish(row, Status.FAILED, FailReason.OTHER)
            return
        now = self._now()
        wait = (retry_after or 0.0) if rate_limited else policy.delay(row.attempts, retry_after)
        not_before = now + dt.timedelta(seconds=wait)
        async with self._services.uow() as uow:
            await uow.outbox.retry_at(
                row, owner=self.owner, not_before=not_before, counted=not rate_limited
            )
            await uow.commit()

    async def _finish(
        self, row: Claimed, status: Status, reason: str | None, *, late: bool = False
    ) -> None:
        async with self._services.uow() as uow:
            held = await uow.outbox.finish(
                row,
                owner=self.owner,
                status=status,
                reason=reason or None,
                at=self._now(),
                late=late,
            )
            await uow.commit()
        if not held:
            log.warning("delivery %s: lease lost before its outcome was recorded", row.id)
            return
        self._services.metrics.count(DELIVERIES, platform=row.platform, outcome=status.value)

    async def _expand(self, run: Claimed) -> None:
        """Turn one due broadcast run into its deliveries, and queue the next run if recurring."""
        async with self._services.uow() as uow:
            broadcast = await uow.outbox.broadcast(run.broadcast_id or 0)
        if broadcast is None or broadcast.state is not BroadcastState.SCHEDULED:
            await self._finish(run, Status.CANCELLED, None)
            return
        extra = await self._extra_users(broadcast)
        async with self._services.uow() as uow:
            queued = await uow.outbox.fan_out(
                run,
                broadcast,
                owner=self.owner,
                extra_users=extra,
                next_run_at=self._next_run(broadcast, run),
                at=self._now(),
                due_for=self._local_due(broadcast, run),
            )
            await uow.commit()
        log.info("broadcast %s run %s: %s deliveries queued", broadcast.id, run.run, queued)

    def _local_due(
        self, broadcast: Broadcast, run: Claimed
    ) -> Callable[[str | None], dt.datetime] | None:
        """For a local-time broadcast: when a member of a zone is due (no zone: the community
        default, then UTC)."""
        if not broadcast.local:
            return None
        default = self._services.broadcast_rules.default_timezone

        def due_for(timezone: str | None) -> dt.datetime:
            return member_moment(run.due_at, timezone or default)

        return due_for

    def _next_run(self, broadcast: Broadcast, run: Claimed) -> dt.datetime | None:
        if broadcast.schedule is None:
            return None
        # After a downtime the missed run goes out once, late; the next one is in the future.
        after = max(run.due_at, self._now())
        zone = run_zone(local=broadcast.local, timezone=broadcast.timezone)
        upcoming = next_run(broadcast.schedule, after=after, timezone=zone)
        return None if broadcast.until_at and upcoming > broadcast.until_at else upcoming

    async def _extra_users(self, broadcast: Broadcast) -> list[str]:
        """Members the platform knows but the bot does not (only with a MemberDirectory)."""
        directory = self._services.directories.get(broadcast.platform)
        if broadcast.target is not Target.DM or directory is None:
            return []
        async with self._services.uow() as uow:
            _, known = await uow.broadcasts.audience(
                platform=broadcast.platform,
                workspace=broadcast.workspace,
                audience=broadcast.audience,
                finished=self._finished,
            )
        return sorted(set(await directory.member_ids(broadcast.workspace)) - known)
