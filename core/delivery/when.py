"""Times members and moderators type: one-off moments, recurring schedules, time zones.

Everything is read in the person's own zone and stored in UTC. Recurring schedules are cron
expressions evaluated on local wall-clock time, so "monday 09:00" stays 09:00 across DST.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import cache

import dateparser
from croniter import croniter
from rapidfuzz import fuzz, process

from core.errors import GigguardError

DEFAULT_ZONE = "UTC"
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
_SCHEDULE = re.compile(r"^(?P<day>[a-z]+)(?:\s+at)?\s+(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?$")
_CLOCK_WORDS = re.compile(r"\d|noon|midnight|morning|evening|afternoon|night", re.IGNORECASE)


class TimeError(GigguardError):
    """A time or schedule could not be used; `key` names the messages.yaml text to show."""

    def __init__(self, key: str, given: str) -> None:
        super().__init__(f"{key}: {given!r}")
        self.key = key
        self.given = given


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
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
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


def local_time(wall: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A naive wall-clock time in `tz`. In a DST gap it is moved forward past the gap."""
    aware = wall.replace(tzinfo=tz)
    round_trip = aware.astimezone(dt.UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != wall:  # the wall time does not exist that day
        return round_trip
    return aware


def parse_schedule(text: str) -> str:
    """ "monday 09:00", "day 18:30" or a 5-field cron expression -> a cron expression."""
    cleaned = " ".join(text.lower().split())
    match = _SCHEDULE.match(cleaned)
    if match:
        day, hour, minute = match["day"], int(match["hour"]), int(match["minute"] or 0)
        if hour > 23 or minute > 59:
            raise TimeError("when_schedule", text)
        if day in _WEEKDAYS:
            return f"{minute} {hour} * * {_WEEKDAYS[day]}"
        if day in _DAILY:
            return f"{minute} {hour} * * *"
        raise TimeError("when_schedule", text)
    if len(cleaned.split()) == 5 and croniter.is_valid(cleaned):
        return cleaned
    raise TimeError("when_schedule", text)


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


def describe(moment: dt.datetime, timezone: str | None) -> str:
    """How a UTC moment reads to the person: "Fri 2026-11-27 09:00 (Europe/Berlin)"."""
    tz = zone(timezone)
    return moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M") + f" ({tz.key})"
