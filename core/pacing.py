"""How fast each platform may be sent to, and a pacer that keeps to it on an injected clock."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt

from core.clock import Clock
from core.outbox import Target
from core.yaml_load import load_yaml

DEFAULT_FILE = Path(__file__).parent / "data" / "pacing.yaml"
# No learned rate goes above this unless the operator says otherwise (GIGGUARD_MAX_SEND_RATE):
# Discord's global limit, and far above what Slack lets one workspace post.
DEFAULT_CEILING = 50.0

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
    """The shipped figures: per platform, keyed by the adapter's platform name (a new adapter
    is a new entry in `data/pacing.yaml`), and the retry policy every platform shares."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    platforms: Mapping[str, PlatformPace] = Field(min_length=1)
    retry: RetryPolicy
    late_after_seconds: PositiveFloat = Field(alias="late_after_seconds")

    def platform(self, name: str) -> PlatformPace:
        pace = self.platforms.get(name)
        if pace is None:
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
        return self.model_copy(update={"platforms": {**self.platforms, **changes}})


def load_pacing(path: Path = DEFAULT_FILE) -> Pacing:
    return Pacing.model_validate(load_yaml(path.read_text(encoding="utf-8")))


class LearnedPace:
    """A send rate learned from the platform's answers (one per workspace and method).

    It starts at the published figure and, until the first 429, quadruples after each success
    (the start is far below what most workspaces allow, and every slow step costs time). A 429
    says how many calls the platform let through: those accepted in the second before it. The
    limit becomes 95% of that count per second, never more than 90% of the rate that drew the
    429 (or half of it, when even the rate thought safe drew one). What the 429 says about
    time, its Retry-After, only pauses the pacer (`Pacer.limited`): Slack rounds it up to whole
    seconds, so it is a floor for the pause, not a measure of the rate.

    Once a rate has held for `PROBE_AFTER` successes in a row it is the limit, and the pace
    probes 5% above it, but never to within 2% of the lowest rate that drew a 429 (forgotten
    after `FORGET_AFTER` successes in a row, so a platform that starts allowing more is found).
    A platform that allows no more answers 429 about once per lowest-rate, not once per probe.
    Never above `ceiling` (the operator's cap).
    """

    PROBE_AFTER = 50
    FORGET_AFTER = 1000
    WINDOW = dt.timedelta(seconds=1)

    def __init__(self, start: float, *, ceiling: float | None = None) -> None:
        self._ceiling = ceiling
        self.rate = self._capped(start)
        self._limit: float | None = None  # unknown until the first 429
        self._too_fast: float | None = None  # the lowest rate that drew a 429 lately
        self._streak = 0
        self._accepted: deque[dt.datetime] = deque()  # successes within WINDOW of the last

    def _capped(self, rate: float) -> float:
        return min(rate, self._ceiling) if self._ceiling is not None else rate

    def succeeded(self, at: dt.datetime) -> None:
        self._accepted.append(at)
        while at - self._accepted[0] > self.WINDOW:
            self._accepted.popleft()
        if self._limit is None:
            self.rate = self._capped(self.rate * 4)
            return
        self._streak += 1
        if self._streak % self.FORGET_AFTER == 0:
            self._too_fast = None
        if self._streak % self.PROBE_AFTER == 0:
            self._limit = max(self._limit, self.rate)
            probe = self.rate * 1.05
            if self._too_fast is None or probe < self._too_fast * 0.98:
                self.rate = self._capped(probe)

    def limited(self, at: dt.datetime) -> dt.datetime | None:
        """Learn from a 429 at `at`; return when the calls that overfilled the platform's window
        have left it (None when the rate was one already trusted: someone else used the quota)."""
        accepted = sum(1 for t in self._accepted if at - t <= self.WINDOW)
        trusted = self._limit is not None and self.rate <= self._limit
        bound = self.rate / 2 if trusted else self.rate * 0.9
        limit = min(0.95 * accepted, bound) if accepted else bound
        self._too_fast = min(self.rate, self._too_fast or self.rate)
        self._limit = limit
        self.rate = self._capped(limit)
        self._streak = 0
        if trusted or not self._accepted:
            return None
        return self._accepted[-1] + self.WINDOW


class Pacer:
    """Spaces sends at the learned rate; a 429 pauses it until the platform's Retry-After.

    Each caller reserves its slot before sleeping, so concurrent senders never share one. The
    gap to the previous slot is taken at the rate of the moment, so what was learned from the
    last answer applies to the very next send.
    """

    def __init__(self, pace: LearnedPace, *, clock: Clock, sleep: Sleep) -> None:
        self.pace = pace
        self._clock = clock
        self._sleep = sleep
        self._last: dt.datetime | None = None
        self._resume: dt.datetime | None = None

    async def wait(self) -> None:
        now = self._clock.now()
        slot = now
        if self._last is not None:
            slot = max(slot, self._last + dt.timedelta(seconds=1 / self.pace.rate))
        if self._resume is not None:
            slot = max(slot, self._resume)
        self._last = slot
        if slot > now:
            await self._sleep((slot - now).total_seconds())

    def succeeded(self) -> None:
        self.pace.succeeded(self._clock.now())

    def limited(self, retry_after: float | None) -> None:
        """A 429: slow down, and send nothing before the platform's Retry-After has passed,
        nor before a burst that overfilled its window has left it (a fractional retry_after
        only says when the oldest call leaves)."""
        now = self._clock.now()
        resumes = [self.pace.limited(now), self._resume]
        if retry_after is not None:
            resumes.append(now + dt.timedelta(seconds=retry_after))
        self._resume = max((r for r in resumes if r is not None), default=None)


class PaceBook:
    """The learned pace of every (platform, workspace, method): shared by the delivery worker,
    which teaches it, and the broadcast preview, whose ETA it gives."""

    def __init__(self, pacing: Pacing, *, ceiling: float | None = None) -> None:
        self._pacing = pacing
        self._ceiling = ceiling
        self._paces: dict[tuple[str, str, Target], LearnedPace] = {}

    @classmethod
    def published_figures(cls) -> PaceBook:
        """Nothing learned yet, the shipped figures, the default ceiling."""
        return cls(load_pacing(), ceiling=DEFAULT_CEILING)

    def published(self, platform: str, target: Target) -> float:
        pace = self._pacing.platform(platform)
        rate = pace.dm_per_second if target is Target.DM else pace.channel_per_second
        return min(rate, self._ceiling) if self._ceiling is not None else rate

    def pace(self, platform: str, workspace: str, target: Target) -> LearnedPace:
        key = (platform, workspace, target)
        if key not in self._paces:
            self._paces[key] = LearnedPace(self.published(platform, target), ceiling=self._ceiling)
        return self._paces[key]

    def rate(self, platform: str, workspace: str, target: Target) -> float:
        """Sends per second now: the learned figure once there is one, else the published."""
        known = self._paces.get((platform, workspace, target))
        return known.rate if known is not None else self.published(platform, target)
