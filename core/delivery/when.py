"""Times members and moderators type: one-off moments, recurring schedules, time zones.

Everything is read in the person's own zone and stored in UTC. Recurring schedules are cron
expressions evaluated on local wall-clock time, so "monday 09:00" stays 09:00 across DST.

"local" after a broadcast's time ("at 9am local", "every monday 9am local") means that
wall-clock time in each member's own zone. Such a broadcast's runs are due when the time first
arrives anywhere (UTC+14, EARLIEST_ZONE): the run's wall-clock time there is the one every
member gets in their zone (`member_moment`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from dataclasses import dataclass
from functools import cache
from typing import Any

from croniter import croniter
from rapidfuzz import fuzz, process

from core.errors import GigguardError
from core.language import ENGLISH, format_moment

DEFAULT_ZONE = "UTC"
EARLIEST_ZONE = "Etc/GMT-14"  # UTC+14 (Line Islands): no zone's clock is further ahead
_LOCAL = re.compile(r"^(?P<time>.*?)\s*\blocal$", re.IGNORECASE)
DEFAULT_HOUR = 9  # "friday" alone means friday morning, not midnight
MAX_AHEAD = dt.timedelta(days=366)
_WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("sunday", "sun"),
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
        ]
    )
    for name in names
}
_DAILY = {"day", "daily", "everyday"}
_WORKDAYS = {"weekday", "weekdays"}
_SCHEDULE = re.compile(r"^(?:every\s+)?(?P<day>[a-z]+)(?:\s+at)?\s+(?P<clock>.+)$")
_CLOCK_WORDS = re.compile(r"\d|noon|midnight|morning|evening|afternoon|night", re.IGNORECASE)
# "at 9" is an hour to a person; dateparser reads a bare number after "at" as nothing (and keeps
# the current time of day), so it is given as "at 9:00" first.
_BARE_HOUR = re.compile(r"\bat\s+(\d{1,2})\b(?!\s*(?::|\.\d|am|pm|a\.m|p\.m|h\b))", re.IGNORECASE)


class TimeError(GigguardError):
    """A time or schedule could not be used; `key` names the messages.yaml text to show."""

    def __init__(self, key: str, given: str) -> None:
        super().__init__(f"{key}: {given!r}")
        self.key = key
        self.given = given


# Abbreviations people type for a region's time. The ones zoneinfo knows (EST, MST, HST, the
# POSIX-rule CST6CDT...) are accepted but not what most people mean: EST never observes
# daylight saving time. Each maps to the city zone to suggest.
REGION_ZONES = {
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "EST5EDT": "America/New_York",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "CST6CDT": "America/Chicago",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "MST7MDT": "America/Denver",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PST8PDT": "America/Los_Angeles",
    "HST": "Pacific/Honolulu",
    "CET": "Europe/Paris",
    "CEST": "Europe/Paris",
    "MET": "Europe/Paris",
    "EET": "Europe/Athens",
    "WET": "Europe/Lisbon",
    "BST": "Europe/London",
    "IST": "Asia/Kolkata",
}


def region_zone(name: str) -> str | None:
    """The city zone a region abbreviation stands for ("EST" -> "America/New_York")."""
    return REGION_ZONES.get(name.strip().upper())


def utc_offset(name: str, at: dt.datetime) -> str:
    """ "UTC-05:00": the zone's offset at `at`."""
    offset = at.astimezone(zone(name)).utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    hours, rest = divmod(abs(int(offset.total_seconds())), 3600)
    return f"UTC{sign}{hours:02d}:{rest // 60:02d}"


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The member's zone (UTC until they set one)."""
    return zoneinfo.ZoneInfo(name or DEFAULT_ZONE)


def resolve_zone(given: str) -> str | None:
    """The canonical spelling of a zone name typed in any case, or None if there is none."""
    wanted = given.strip().replace(" ", "_").lower()
    return next((name for name in _zone_names() if name.lower() == wanted), None)


def suggest_zones(given: str, limit: int = 3) -> list[str]:
    """The zone names closest to a mistyped one ("Europe/Berln" -> "Europe/Berlin")."""
    wanted = given.strip().replace(" ", "_")
    matches = process.extract(wanted, _zone_names(), scorer=fuzz.WRatio, limit=limit)
    return [name for name, score, _ in matches if score >= 60]


def parse_when(text: str, *, now: dt.datetime, timezone: str | None) -> dt.datetime:
    """A future moment typed by a person ("in 3 days", "tomorrow 9am", "friday") -> UTC."""
    tz = zone(timezone)
    local_now = now.astimezone(tz)
    parsed = _read(
        _BARE_HOUR.sub(r"at \1:00", text),
        {
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
            "TIMEZONE": tz.key,
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise TimeError("when_unreadable", text)
    if parsed.time() == dt.time(0) and not _CLOCK_WORDS.search(text):
        parsed = parsed.replace(hour=DEFAULT_HOUR)
    moment = local_time(parsed, tz).astimezone(dt.UTC)
    if moment <= now:
        raise TimeError("when_past", text)
    if moment - now > MAX_AHEAD:
        raise TimeError("when_far", text)
    return moment


def _read(text: str, settings: dict[str, Any]) -> dt.datetime | None:
    """dateparser's reading of English `text`. Imported by the first time a person types
    (about 50 ms), not when the bot starts."""
    import dateparser

    return dateparser.parse(text, languages=["en"], settings=settings)


def local_time(wall: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A naive wall-clock time in `tz`. In a DST gap it is moved forward past the gap."""
    aware = wall.replace(tzinfo=tz)
    round_trip = aware.astimezone(dt.UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != wall:  # the wall time does not exist that day
        return round_trip
    return aware


def parse_clock(text: str) -> dt.time:
    """A time of day ("9am", "18:30", "noon") read by the same reader as `parse_when`."""
    base = dt.datetime(2001, 1, 1)
    parsed = _read(text, {"RELATIVE_BASE": base}) if _CLOCK_WORDS.search(text) else None
    if parsed is None or parsed.date() != base.date():
        raise TimeError("when_schedule", text)
    return parsed.time().replace(second=0, microsecond=0)


def parse_schedule(text: str) -> str:
    """ "monday 9am", "day at 18:30", "weekdays 9:00" or a 5-field cron expression -> cron."""
    cleaned = " ".join(text.lower().split())
    if len(cleaned.split()) == 5 and croniter.is_valid(cleaned):
        return cleaned
    match = _SCHEDULE.match(cleaned)
    if match is None:
        raise TimeError("when_schedule", text)
    day = match["day"]
    if day in _WEEKDAYS:
        days = str(_WEEKDAYS[day])
    elif day in _DAILY:
        days = "*"
    elif day in _WORKDAYS:
        days = "1-5"
    else:
        raise TimeError("when_schedule", text)
    try:
        clock = parse_clock(match["clock"])
    except TimeError as exc:
        raise TimeError("when_schedule", text) from exc
    return f"{clock.minute} {clock.hour} * * {days}"


def split_local(text: str | None) -> tuple[str | None, bool]:
    """ "9am local" -> ("9am", True); "9am" -> ("9am", False)."""
    if text is None:
        return None, False
    match = _LOCAL.match(text.strip())
    if match is None:
        return text, False
    return match["time"], True


def wall_clock(moment: dt.datetime, timezone: str | None) -> dt.datetime:
    """The naive wall-clock time a UTC moment shows in `timezone`."""
    return moment.astimezone(zone(timezone)).replace(tzinfo=None)


def member_moment(run_due: dt.datetime, timezone: str | None) -> dt.datetime:
    """When a member in `timezone` gets a local-time run due at `run_due`: the run's
    wall-clock time in EARLIEST_ZONE, on the member's own clock."""
    return local_time(wall_clock(run_due, EARLIEST_ZONE), zone(timezone)).astimezone(dt.UTC)


def run_zone(*, local: bool, timezone: str) -> str:
    """The zone a broadcast's schedule runs on: its author's, or EARLIEST_ZONE when local."""
    return EARLIEST_ZONE if local else timezone


@dataclass(frozen=True, slots=True)
class Timing:
    """When a broadcast goes out, read from its at/every/until words."""

    first_at: dt.datetime  # its first run (local: when the time first arrives anywhere)
    schedule: str | None  # cron, on run_zone(...)'s wall clock
    until_at: dt.datetime | None
    local: bool  # each member at that wall-clock time in their own zone


def parse_timing(
    *,
    at: str | None,
    every: str | None,
    until: str | None,
    now: dt.datetime,
    timezone: str | None,
) -> Timing:
    """The one reader of `at WHEN`, `every SCHEDULE` (each may end in "local") and `until
    DATE`, in the author's `timezone`. A schedule's first run is its first occurrence from
    `at` (or now)."""
    at, at_local = split_local(at)
    every, every_local = split_local(every)
    local = at_local or every_local
    author_zone = timezone or DEFAULT_ZONE
    first = parse_when(at, now=now, timezone=timezone) if at else None
    if first is not None and local:
        first = local_time(wall_clock(first, author_zone), zone(EARLIEST_ZONE)).astimezone(dt.UTC)
    schedule = parse_schedule(every) if every else None
    until_at = parse_when(until, now=now, timezone=timezone) if until else None
    if schedule is not None:
        start = first - dt.timedelta(seconds=1) if first else now
        first = next_run(
            schedule, after=start, timezone=run_zone(local=local, timezone=author_zone)
        )
    return Timing(first_at=first or now, schedule=schedule, until_at=until_at, local=local)


def shortest_gap(
    schedule: str, *, after: dt.datetime, timezone: str, runs: int = 8
) -> dt.timedelta:
    """The shortest time between two of the next `runs` occurrences of `schedule`."""
    moments = [after]
    for _ in range(runs):
        moments.append(next_run(schedule, after=moments[-1], timezone=timezone))
    return min(later - earlier for earlier, later in itertools.pairwise(moments[1:]))


def next_run(schedule: str, *, after: dt.datetime, timezone: str) -> dt.datetime:
    """The first occurrence of `schedule` strictly after `after`, on `timezone`'s wall clock."""
    tz = zone(timezone)
    wall_after = after.astimezone(tz).replace(tzinfo=None)
    runs = croniter(schedule, wall_after)
    while True:
        wall = runs.get_next(dt.datetime)
        moment = local_time(wall, tz).astimezone(dt.UTC)
        if moment > after:
            return moment


def describe(moment: dt.datetime, timezone: str | None, language: str = ENGLISH) -> str:
    """How a UTC moment reads to the person: "Fri 2026-11-27 09:00 (Europe/Berlin)", in their
    language's words ("vie 27 nov 2026, 09:00 (Europe/Madrid)"); the zone is theirs either way."""
    tz = zone(timezone)
    return format_moment(moment.astimezone(tz), language) + f" ({tz.key})"
