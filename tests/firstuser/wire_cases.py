"""The first user's defects fixed in core, replayed over each platform's fake: the steps, then
the command whose answer shows the fix (and must not show the defect)."""

from __future__ import annotations

import re
from dataclasses import dataclass

MEMBER, OTHER, MODERATOR = "member", "other", "moderator"
NOTE_URL = "https://support.upwork.com/hc/en-us/articles/1"


@dataclass(frozen=True, slots=True)
class WireCase:
    id: str
    steps: tuple[tuple[str, str], ...]  # (command, who) run first
    command: tuple[str, str]
    shows: tuple[str, ...]
    never: tuple[str, ...] = ()  # regular expressions: a table's columns are padded

    def check(self, answer: str) -> None:
        missing = [text for text in self.shows if text not in answer]
        found = [pattern for pattern in self.never if re.search(pattern, answer)]
        assert (missing, found) == ([], []), answer


CASES = [
    WireCase(
        "snooze-only-later",  # the clock reads Thu 2026-11-26 09:00 UTC
        steps=(("remind friday", MEMBER),),
        command=("snooze 1 1h", MEMBER),
        shows=("snoozed until Fri 2026-11-27 10:00 (UTC)",),
        never=("Thu 2026-11-26 10:00",),
    ),
    WireCase(
        "tz-abbreviation-explained",
        steps=(),
        command=("tz EST", MEMBER),
        shows=("fixed UTC-05:00 offset", "America/New_York"),
    ),
    WireCase(
        "stats-hides-only-people",
        steps=(("remind in 3 days", MEMBER), ("remind in 3 days", OTHER)),
        command=("stats", MODERATOR),
        shows=("Members known", "< 5", "Broadcast messages failed", "Reminders waiting"),
        never=(r"Broadcast messages failed\s*\|\s*< 5", r"Reminders waiting\s*\|\s*< 5"),
    ),
    WireCase(
        "policy-update-url-is-the-source",
        steps=((f"policy-update upwork {NOTE_URL} A fourth toggle was added", MODERATOR),),
        command=("policy-update", MODERATOR),
        shows=(NOTE_URL, "A fourth toggle was added"),
        never=(re.escape(f"{NOTE_URL} A fourth"), r"What changed.*\n.*\|\s*-\s*$"),
    ),
]
