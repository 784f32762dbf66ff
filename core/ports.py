"""What core needs from the outside world: services receive these, bot/ provides them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from core.dashboard.models import DashboardLoginRepository
from core.identity import MemberKey
from core.inbox.models import FeedbackRepository, InboxRepository
from core.outbox import (
    Audience,
    Broadcast,
    Claimed,
    NewBroadcast,
    Recipient,
    ReminderInfo,
    Report,
    Status,
)
from core.policy import PolicyUpdate
from core.replies import Reply
from core.status import (
    CommunityProgress,
    DeliveryCounts,
    MemberProfile,
    MemberTraces,
    ToggleCounts,
    ToggleRecord,
)

ToggleIds = list[tuple[str, str]]  # (marketplace, toggle) pairs that make a member "finished"


class MemberRepository(Protocol):
    async def profile(self, key: MemberKey) -> MemberProfile | None: ...

    async def toggles(self, key: MemberKey) -> list[ToggleRecord]: ...

    async def set_toggle(
        self, key: MemberKey, *, marketplace: str, toggle: str, off: bool, at: dt.datetime
    ) -> None:
        """Record a toggle, creating the member on first use."""
        ...

    async def traces(self, key: MemberKey) -> MemberTraces:
        """Where else the member's id is kept (broadcasts they created, copies sent to them,
        Slack installs they made)."""
        ...

    async def remember(self, key: MemberKey, *, at: dt.datetime) -> None:
        """Make the member known (stats, audiences) without recording anything else."""
        ...

    async def delete(self, key: MemberKey) -> int:
        """Delete every row about the member (reminders and deliveries too, claimed or not) and
        blank their id where it is kept as an attribution; return the count."""
        ...

    async def join_community(self, key: MemberKey, community: str) -> None:
        """Record that a known member used the bot in `community` (no-op for strangers)."""
        ...

    async def communities(self, key: MemberKey) -> list[str]: ...

    async def set_timezone(self, key: MemberKey, timezone: str, *, at: dt.datetime) -> None: ...

    async def set_muted(self, key: MemberKey, muted: bool, *, at: dt.datetime) -> None: ...

    async def set_language(self, key: MemberKey, language: str | None, *, at: dt.datetime) -> None:
        """The member's language; None: back to the platform's or the detected one."""

    async def language(self, key: MemberKey) -> str | None:
        """The language the member set, None if none (read on every request: kept cheap)."""

    async def note_platform_language(self, key: MemberKey, language: str | None) -> None:
        """The language the member's platform reports (None: one not spoken here), kept for the
        DMs sent later; a no-op for strangers, and without a statement when already known."""

    async def toggle_counts(
        self, *, platform: str, workspace: str, marketplace: str, toggles: list[str]
    ) -> ToggleCounts: ...


class PolicyUpdateRepository(Protocol):
    """Policy changes moderators recorded, per community and marketplace."""

    async def add(
        self,
        *,
        platform: str,
        workspace: str,
        marketplace: str,
        note: str,
        source: str | None,
        at: dt.datetime,
    ) -> int: ...

    async def recent(self, *, platform: str, workspace: str, limit: int) -> list[PolicyUpdate]:
        """Newest first."""
        ...

    async def latest_for(self, key: MemberKey) -> dict[str, PolicyUpdate]:
        """Per marketplace, the newest update in the member's own workspace or in any community
        they used the bot in (a member of two Discord servers sees either server's update)."""
        ...


class CommunityStatsRepository(Protocol):
    """Aggregates for a community's moderators; never who did what."""

    async def progress(
        self, *, platform: str, workspace: str, finished: ToggleIds
    ) -> CommunityProgress: ...

    async def deliveries(self, *, platform: str, workspace: str) -> DeliveryCounts: ...


class FaqStatsRepository(Protocol):
    """Per-topic question counts for moderators. Never who asked, never the question text."""

    async def add_counts(self, counts: Mapping[tuple[str, str, str | None], int]) -> None:
        """Add counts per (platform, community, topic; None for declined), in one write."""
        ...

    async def topic_counts(self, *, platform: str, workspace: str) -> dict[str | None, int]: ...


class ReminderRepository(Protocol):
    """A member's own reminders (rows of the delivery outbox)."""

    async def add(self, key: MemberKey, *, due_at: dt.datetime, at: dt.datetime) -> int: ...

    async def for_member(self, key: MemberKey, *, pending_only: bool) -> list[ReminderInfo]: ...

    async def cancel(self, key: MemberKey, reminder_id: int) -> bool: ...

    async def reschedule(self, key: MemberKey, reminder_id: int, *, due_at: dt.datetime) -> bool:
        """Queue the member's reminder again (sent or not) for `due_at`."""
        ...


class BroadcastRepository(Protocol):
    async def create(self, broadcast: NewBroadcast, *, at: dt.datetime) -> int:
        """Store a draft; nothing is queued until `confirm`."""
        ...

    async def get(self, platform: str, workspace: str, broadcast_id: int) -> Broadcast | None: ...

    async def confirm(self, broadcast_id: int, *, by: str, at: dt.datetime) -> bool:
        """Draft -> scheduled (approved by `by`), queueing its first run at `first_at`."""
        ...

    async def cancel(self, broadcast_id: int, *, at: dt.datetime) -> int:
        """Stop the schedule and every delivery not yet made; return how many were stopped."""
        ...

    async def recent(
        self,
        *,
        platform: str | None,
        workspace: str | None,
        limit: int,
        drafts_since: dt.datetime | None = None,
    ) -> list[Broadcast]:
        """Newest first; with `drafts_since`, drafts created before it are left out."""
        ...

    async def started_since(self, *, platform: str, workspace: str, since: dt.datetime) -> int:
        """How many of the community's broadcasts created since `since` were confirmed."""
        ...

    async def report(self, broadcast_id: int) -> Report: ...

    async def failed(self, broadcast_id: int, *, limit: int) -> list[tuple[str, str]]:
        """(user id, reason) of the deliveries that failed."""
        ...

    async def audience(
        self, *, platform: str, workspace: str, audience: Audience, finished: ToggleIds
    ) -> tuple[int, set[str]]:
        """How many known members would receive a DM broadcast, and every known member's id."""
        ...

    async def zones(
        self, *, platform: str, workspace: str, audience: Audience, finished: ToggleIds
    ) -> set[str | None]:
        """The time zones of those members (None: not set), for a local-time preview."""
        ...


class OutboxRepository(Protocol):
    """The worker's side of the delivery table. Every write is conditional on holding the lease."""

    async def claim(
        self,
        *,
        owner: str,
        platforms: list[str],
        now: dt.datetime,
        lease: dt.timedelta,
        limit: int,
    ) -> list[Claimed]:
        """Lease up to `limit` due rows not leased by anyone (or whose lease ran out)."""
        ...

    async def fence(
        self, row: Claimed, *, owner: str, now: dt.datetime, lease: dt.timedelta
    ) -> bool:
        """Right before a send: renew the lease to `now + lease` if this owner still holds it
        and it has not run out; False means do not send (another worker may own the row now,
        it was cancelled or deleted, or a broadcast DM's recipient has muted the bot)."""
        ...

    async def finish(
        self,
        row: Claimed,
        *,
        owner: str,
        status: Status,
        reason: str | None,
        at: dt.datetime,
        late: bool = False,
    ) -> bool: ...

    async def retry_at(
        self, row: Claimed, *, owner: str, not_before: dt.datetime, counted: bool = True
    ) -> bool:
        """Give the row back, not to be claimed before `not_before`. `counted=False` (a 429:
        the platform took nothing) does not count this claim against the row's attempts."""
        ...

    async def release(self, rows: Sequence[Claimed], *, owner: str) -> int:
        """Give back rows claimed but never tried (the worker is stopping): any worker may
        claim them at once, and the claim does not count as an attempt."""
        ...

    async def recipient(
        self, platform: str, workspace: str, user: str, *, finished: ToggleIds
    ) -> Recipient: ...

    async def broadcast(self, broadcast_id: int) -> Broadcast | None: ...

    async def fan_out(
        self,
        run: Claimed,
        broadcast: Broadcast,
        *,
        owner: str,
        extra_users: list[str],
        next_run_at: dt.datetime | None,
        at: dt.datetime,
        due_for: Callable[[str | None], dt.datetime] | None = None,
    ) -> int | None:
        """Queue one delivery per recipient of this run and the next run, and finish the run row,
        in one transaction. None if the lease was lost (another worker owns the run now).
        `due_for`: when a member of that time zone (None: not set) is due, for a local-time
        broadcast; otherwise every delivery is due with the run."""
        ...


@dataclass(frozen=True, slots=True)
class Sent:
    """A Messenger's receipt: the platform's id of the message, when it gives one."""

    message_id: str | None = None


class Messenger(Protocol):
    """Sends on one platform. Implemented by each adapter; the delivery worker calls it.

    Raise core.errors.PermanentDeliveryError(reason) when retrying cannot help (reason one of
    core.outbox.FailReason) and core.errors.TransientDeliveryError(retry_after=...)
    when it can. `idempotency_key` is the same on every attempt of one delivery: carry it where
    the platform lets a resend be recognised (Slack message metadata, Discord nonce with
    enforce_nonce). `resend` is True when an earlier attempt of this delivery may have reached
    the platform (it was claimed before): a platform without server-side deduplication checks
    for the earlier copy then, and only then. Neutralise mentions: member text must never ping
    anyone.
    """

    platform: str

    async def send_dm(
        self, workspace: str, user: str, reply: Reply, *, idempotency_key: str, resend: bool = False
    ) -> Sent: ...

    async def send_to_channel(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent: ...


class MemberDirectory(Protocol):
    """The platform's member list, for broadcasts to members who never used the bot."""

    async def member_ids(self, workspace: str) -> list[str]:
        """Ids of the workspace's human members (no bots)."""
        ...


class WelcomeRepository(Protocol):
    """Which communities welcome new members, and who was welcomed (once, ever)."""

    async def is_on(self, *, platform: str, community: str) -> dt.datetime | None:
        """When the community switched welcome on, None while it is off."""
        ...

    async def switch(self, *, platform: str, community: str, on: bool, at: dt.datetime) -> bool:
        """Switch welcome on or off; False if it already was."""
        ...

    async def queue(self, key: MemberKey, *, community: str, at: dt.datetime) -> bool:
        """Mark the member welcomed and queue their welcome DM, in this transaction; False (and
        nothing queued) if they were welcomed before."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    members: MemberRepository
    faq_stats: FaqStatsRepository
    policy: PolicyUpdateRepository
    stats: CommunityStatsRepository
    reminders: ReminderRepository
    broadcasts: BroadcastRepository
    outbox: OutboxRepository
    dashboard_logins: DashboardLoginRepository
    welcome: WelcomeRepository
    inbox: InboxRepository
    feedback: FeedbackRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
