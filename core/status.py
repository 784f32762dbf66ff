"""A member's opt-out status: which toggles they recorded as switched off, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.identity import MemberKey
from core.inbox.models import WaitingQuestion
from core.joins import Welcomed


@dataclass(frozen=True, slots=True)
class ToggleRecord:
    marketplace: str
    toggle: str
    off: bool
    recorded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class MemberProfile:
    key: MemberKey
    timezone: str | None
    muted: bool
    created_at: dt.datetime
    language: str | None = None  # the member's own choice (/optout lang); None: not set
    # The language their platform last reported (en/es/pt; None: unknown or not spoken here).
    platform_language: str | None = None


@dataclass(frozen=True, slots=True)
class MemberTraces:
    """Where the member's id is kept besides their own records (listed by `my-data`)."""

    broadcasts_created: list[int]  # broadcast ids they created as a moderator
    broadcasts_approved: list[int]  # broadcast ids they approved as the second moderator
    broadcast_copies: list[tuple[int, str]]  # (broadcast id, status) of copies sent to them
    # Per table an adapter keeps (Slack's installations: who installed the app), their rows.
    adapter_rows: dict[str, int]
    welcomed: Welcomed | None = None  # the marker that keeps their welcome DM to one
    # Questions sent to the moderators with "tell me when it is answered".
    questions_to_moderators: list[WaitingQuestion] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ToggleCounts:
    """Aggregate progress of one community on one marketplace's toggles."""

    members: int
    finished: int  # members with every toggle switched off since the latest policy update
    per_toggle: dict[str, int]  # switched off since the latest policy update
    rechecks: int  # members with a toggle recorded off before a later policy update


@dataclass(frozen=True, slots=True)
class CommunityProgress:
    """A community's progress over every toggle of every marketplace."""

    members: int
    finished_at: list[dt.datetime]  # per finished member: when their last toggle was recorded
    rechecks: int  # members with a toggle recorded off before a later policy update
    # Per member who switched every toggle off, even before a later policy update: the weekly
    # trend is history, which a policy update must not rewrite.
    ever_finished_at: list[dt.datetime]


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """Outcomes of the community's reminders, broadcast deliveries and welcome DMs, by status."""

    reminders: dict[str, int]
    broadcasts: dict[str, int]
    welcomes: dict[str, int] = field(default_factory=dict)
