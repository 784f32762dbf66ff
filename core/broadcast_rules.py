"""The limits that keep broadcasts from becoming spam, set per deployment (bot/settings.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True, slots=True)
class BroadcastRules:
    # A recurring schedule may not run more often than this (GIGGUARD_MIN_REPEAT).
    min_repeat: dt.timedelta = dt.timedelta(days=1)
    # Broadcasts a community may start per 7 days; a recurring one counts once.
    weekly_cap: int = 3
    # 2: a broadcast waits until a moderator other than its author confirms it.
    approvers: int = 1
    # A preview never confirmed can no longer be confirmed, and is no longer listed.
    draft_ttl: dt.timedelta = dt.timedelta(hours=24)
    # "at 9am local" for members who set no zone: this, then UTC.
    default_timezone: str | None = None
