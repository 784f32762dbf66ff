"""How fast each platform may be sent to, and a pacer that keeps to it on an injected clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt

from core.clock import Clock

DEFAULT_FILE = Path(__file__).parent / "data" / "pacing.yaml"

Sleep = Callable[[float], Awaitable[None]]


class PlatformPace(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    dm_per_second: PositiveFloat
    channel_per_second: PositiveFloat
    max_length: PositiveInt


class RetryPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    base_seconds: PositiveFloat
    cap_seconds: PositiveFloat
    max_attempts: PositiveInt

    def delay(self, attempts: int, retry_after: float | None) -> float:
        """Seconds to wait before try `attempts + 1`; the platform's retry_after always wins."""
        backoff = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return max(backoff, retry_after or 0.0)


class Pacing(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    slack: PlatformPace
    discord: PlatformPace
    console: PlatformPace
    retry: RetryPolicy
    late_after_seconds: PositiveFloat = Field(alias="late_after_seconds")

    def platform(self, name: str) -> PlatformPace:
        pace = getattr(self, name, None)
        if not isinstance(pace, PlatformPace):
            raise KeyError(f"no pacing figures for platform {name!r}")
        return pace

    def eta(self, platform: str, messages: int) -> dt.timedelta:
        """How long `messages` DMs take at this platform's pace."""
        return dt.timedelta(seconds=messages / self.platform(platform).dm_per_second)

    def overridden(self, rates: Mapping[str, float]) -> Pacing:
        """The same figures with other DM rates (benchmarks squeeze hours into minutes)."""
        changes = {
            name: self.platform(name).model_copy(update={"dm_per_second": rate})
            for name, rate in rates.items()
        }
        return self.model_copy(update=changes)


def load_pacing(path: Path = DEFAULT_FILE) -> Pacing:
    return Pacing.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


class Pacer:
    """Spaces sends at most `rate` per second; `hold_until` pauses it (a platform's 429).

    Each caller reserves its slot before sleeping, so concurrent senders never share one.
    """

    def __init__(self, rate: float, *, clock: Clock, sleep: Sleep) -> None:
        self._interval = dt.timedelta(seconds=1 / rate)
        self._clock = clock
        self._sleep = sleep
        self._next: dt.datetime | None = None

    async def wait(self) -> None:
        now = self._clock.now()
        slot = max(now, self._next) if self._next is not None else now
        self._next = slot + self._interval
        if slot > now:
            await self._sleep((slot - now).total_seconds())

    def hold_until(self, moment: dt.datetime) -> None:
        if self._next is None or moment > self._next:
            self._next = moment
