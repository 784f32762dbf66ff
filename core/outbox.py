"""The delivery engine's vocabulary: what is queued, for whom, and how it ended."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    REMINDER = "reminder"  # a member's own reminder; content (their checklist) built at send time
    DM = "dm"  # one member's copy of a broadcast
    CHANNEL = "channel"  # a broadcast posted in a channel
    RUN = "run"  # one occurrence of a broadcast: expanded into DM/CHANNEL rows when due
    ANSWER = "answer"  # tells a member the moderators answered their question (core/inbox)
    WELCOME = "welcome"  # a new member's one welcome DM; their checklist is built at send time


# What a member's `mute` stops: announcements their community's moderators switched on.
ANNOUNCEMENTS = frozenset({Kind.DM, Kind.WELCOME})


class Status(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SkipReason(StrEnum):
    MUTED = "muted"
    FINISHED = "finished"  # every toggle already switched off


class FailReason(StrEnum):
    DMS_CLOSED = "dms_closed"
    USER_NOT_FOUND = "user_not_found"
    CHANNEL_NOT_FOUND = "channel_not_found"
    NOT_IN_CHANNEL = "not_in_channel"  # the bot must be invited to the channel first
    OTHER = "other"


class Target(StrEnum):
    DM = "dm"
    CHANNEL = "channel"


class Audience(StrEnum):
    ALL = "all"
    PENDING = "pending"  # members with at least one toggle not switched off


class BroadcastState(StrEnum):
    DRAFT = "draft"  # previewed, waiting for the moderator's confirmation
    SCHEDULED = "scheduled"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery row leased by one worker until `lease_until`."""

    id: int
    kind: Kind
    platform: str
    workspace: str
    user: str | None
    channel: str | None
    broadcast_id: int | None
    run: int
    due_at: dt.datetime
    attempts: int
    lease_until: dt.datetime

    @property
    def idempotency_key(self) -> str:
        """Stable across retries and restarts, so an adapter can drop a resend it already made."""
        return f"gigguard-delivery-{self.id}"


@dataclass(frozen=True, slots=True)
class ReminderInfo:
    id: int
    due_at: dt.datetime
    status: Status
    late: bool
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class NewBroadcast:
    platform: str
    workspace: str
    created_by: str
    target: Target
    channel: str | None
    audience: Audience
    text: str
    schedule: str | None  # a cron expression in `timezone` (EARLIEST_ZONE when local), or None
    timezone: str  # its author's zone
    first_at: dt.datetime
    until_at: dt.datetime | None  # a recurring broadcast's last possible run
    # Each member gets it at the run's wall-clock time in their own zone (core/delivery/when.py).
    local: bool


@dataclass(frozen=True, slots=True)
class Broadcast(NewBroadcast):
    id: int
    state: BroadcastState
    runs: int
    next_run_at: dt.datetime | None
    created_at: dt.datetime
    approved_by: str | None


@dataclass(frozen=True, slots=True)
class Report:
    """Where the deliveries of one broadcast stand, counted by status and reason."""

    counts: dict[tuple[Status, str | None], int] = field(default_factory=dict)

    def total(self, status: Status) -> int:
        return sum(n for (s, _), n in self.counts.items() if s is status)

    def by_reason(self, status: Status) -> dict[str, int]:
        return {r or "": n for (s, r), n in self.counts.items() if s is status}

    @property
    def queued(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.queued - self.total(Status.PENDING)


@dataclass(frozen=True, slots=True)
class Recipient:
    """What the worker needs to know about a DM recipient at send time."""

    known: bool
    muted: bool
    timezone: str | None
    finished: bool
    language: str | None = None  # the one the member set (/optout lang)
    platform_language: str | None = None  # the one their platform last reported
