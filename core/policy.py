"""Policy updates: a moderator records that a marketplace changed its policy in their community.

A toggle recorded as switched off before the latest update of its marketplace needs a re-check:
the member is shown it as not done, and counts as pending for broadcasts and reminders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from core.status import ToggleRecord


@dataclass(frozen=True, slots=True)
class PolicyUpdate:
    id: int
    platform: str
    workspace: str  # the community it was recorded for (a Slack team, a Discord server)
    marketplace: str
    note: str
    source: str | None
    created_at: dt.datetime


def needs_recheck(record: ToggleRecord, updates: Mapping[str, PolicyUpdate]) -> PolicyUpdate | None:
    """The update that made an off toggle stale: recorded at or before the marketplace's latest."""
    update = updates.get(record.marketplace)
    if record.off and update is not None and record.recorded_at <= update.created_at:
        return update
    return None
