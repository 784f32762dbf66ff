"""Hand-written fakes of core's ports (no mocks): a clock tests move, in-memory storage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from types import TracebackType
from typing import Self

from core.errors import StorageError
from core.faq.engine import FaqMatch, MatchKind
from core.identity import MemberKey
from core.outbox import ReminderInfo, Status
from core.policy import PolicyUpdate, needs_recheck
from core.status import (
    CommunityProgress,
    DeliveryCounts,
    MemberProfile,
    MemberTraces,
    ToggleCounts,
    ToggleRecord,
)


class ManualClock:
    def __init__(self, start: dt.datetime | None = None) -> None:
        self.current = start or dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, delta: dt.timedelta) -> None:
        self.current += delta


class Seconds:
    """The seconds of a cache's `now` (time.monotonic in the bot), moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FixedFaq:
    """An FAQ engine that always gives the same match (for tests of everything but retrieval)."""

    def __init__(self, match: FaqMatch | None = None) -> None:
        self.result = match or FaqMatch(MatchKind.ANSWER, "what-changed", 0.9)
        self.questions: list[str] = []

    def match(self, question: str) -> FaqMatch:
        self.questions.append(question)
        return self.result


class InMemoryStore:
    """Committed state shared by every unit of work made from it."""

    def __init__(self) -> None:
        self.profiles: dict[MemberKey, MemberProfile] = {}
        self.toggles: dict[tuple[MemberKey, str, str], ToggleRecord] = {}
        self.topic_counts: dict[tuple[str, str, str | None], int] = {}
        self.reminders: dict[int, tuple[MemberKey, ReminderInfo]] = {}
        self.communities: set[tuple[MemberKey, str]] = set()
        self.policy_updates: list[PolicyUpdate] = []
        self.feedback_counts: dict[tuple[str, str, str, bool], int] = {}
        self.fail_on_commit = False


class InMemoryMembers:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def profile(self, key: MemberKey) -> MemberProfile | None:
        return self._uow.profiles.get(key)

    async def toggles(self, key: MemberKey) -> list[ToggleRecord]:
        return [r for (k, _, _), r in self._uow.toggles.items() if k == key]

    async def set_toggle(
        self, key: MemberKey, *, marketplace: str, toggle: str, off: bool, at: dt.datetime
    ) -> None:
        self._uow.profiles.setdefault(key, MemberProfile(key, None, False, at))
        self._uow.toggles[(key, marketplace, toggle)] = ToggleRecord(marketplace, toggle, off, at)

    async def traces(self, key: MemberKey) -> MemberTraces:
        return MemberTraces(
            broadcasts_created=[],
            broadcasts_approved=[],
            broadcast_copies=[],
            adapter_rows={"slack_installations": 0},
        )

    async def remember(self, key: MemberKey, *, at: dt.datetime) -> None:
        self._uow.profiles.setdefault(key, MemberProfile(key, None, False, at))

    async def delete(self, key: MemberKey) -> int:
        doomed = [ident for ident in self._uow.toggles if ident[0] == key]
        for ident in doomed:
            del self._uow.toggles[ident]
        reminders = [i for i, (k, _) in self._uow.reminders_rows.items() if k == key]
        for reminder_id in reminders:
            del self._uow.reminders_rows[reminder_id]
        joined = {pair for pair in self._uow.communities if pair[0] == key}
        self._uow.communities -= joined
        gone = len(doomed) + len(reminders) + len(joined)
        return gone + (self._uow.profiles.pop(key, None) is not None)

    async def join_community(self, key: MemberKey, community: str) -> None:
        if key in self._uow.profiles:
            self._uow.communities.add((key, community))

    async def communities(self, key: MemberKey) -> list[str]:
        return sorted(c for k, c in self._uow.communities if k == key)

    async def set_timezone(self, key: MemberKey, timezone: str, *, at: dt.datetime) -> None:
        profile = self._uow.profiles.get(key) or MemberProfile(key, None, False, at)
        self._uow.profiles[key] = replace(profile, timezone=timezone)

    async def set_muted(self, key: MemberKey, muted: bool, *, at: dt.datetime) -> None:
        profile = self._uow.profiles.get(key) or MemberProfile(key, None, False, at)
        self._uow.profiles[key] = replace(profile, muted=muted)

    async def set_language(self, key: MemberKey, language: str | None, *, at: dt.datetime) -> None:
        profile = self._uow.profiles.get(key) or MemberProfile(key, None, False, at)
        self._uow.profiles[key] = replace(profile, language=language)

    async def language(self, key: MemberKey) -> str | None:
        profile = self._uow.profiles.get(key)
        return profile.language if profile else None

    async def note_platform_language(self, key: MemberKey, language: str | None) -> None:
        profile = self._uow.profiles.get(key)
        if profile is not None:  # strangers stay unknown
            self._uow.profiles[key] = replace(profile, platform_language=language)

    async def toggle_counts(
        self, *, platform: str, workspace: str, marketplace: str, toggles: list[str]
    ) -> ToggleCounts:
        keys = [
            k
            for k in self._uow.profiles
            if k.platform == platform
            and (k.workspace == workspace or (k, workspace) in self._uow.communities)
        ]
        recorded = [
            (k, t, r)
            for (k, m, t), r in self._uow.toggles.items()
            if k in keys and m == marketplace and r.off and t in toggles
        ]
        latest = {k: _latest_for(self._uow, k) for k in keys}
        off = {(k, t) for k, t, r in recorded if needs_recheck(r, latest[k]) is None}
        stale = {k for k, _, r in recorded if needs_recheck(r, latest[k]) is not None}
        per_toggle = {t: sum(1 for _, tt in off if tt == t) for t in toggles}
        finished = sum(1 for k in keys if all((k, t) in off for t in toggles))
        return ToggleCounts(
            members=len(keys), finished=finished, per_toggle=per_toggle, rechecks=len(stale)
        )


def _latest_for(uow: InMemoryUnitOfWork, key: MemberKey) -> dict[str, PolicyUpdate]:
    mine = {key.workspace} | {c for k, c in uow.communities if k == key}
    ordered = sorted(uow.policy_updates, key=lambda u: (u.created_at, u.id))
    return {u.marketplace: u for u in ordered if u.platform == key.platform and u.workspace in mine}


class InMemoryStats:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _members(self, platform: str, workspace: str) -> list[MemberKey]:
        return [
            k
            for k in self._uow.profiles
            if k.platform == platform
            and (k.workspace == workspace or (k, workspace) in self._uow.communities)
        ]

    async def progress(
        self, *, platform: str, workspace: str, finished: list[tuple[str, str]]
    ) -> CommunityProgress:
        keys = self._members(platform, workspace)
        finished_at, ever_finished_at, rechecks = [], [], 0
        for key in keys:
            latest = _latest_for(self._uow, key)
            mine = {(m, t): r for (k, m, t), r in self._uow.toggles.items() if k == key}
            current = [mine.get(pair) for pair in finished]
            if finished and all(r and r.off and not needs_recheck(r, latest) for r in current):
                finished_at.append(max(r.recorded_at for r in current if r))
            if finished and all(r and r.off for r in current):
                ever_finished_at.append(max(r.recorded_at for r in current if r))
            rechecks += any(needs_recheck(r, latest) for r in mine.values())
        return CommunityProgress(
            members=len(keys),
            finished_at=finished_at,
            rechecks=rechecks,
            ever_finished_at=ever_finished_at,
        )

    async def deliveries(self, *, platform: str, workspace: str) -> DeliveryCounts:
        keys = set(self._members(platform, workspace))
        reminders: dict[str, int] = {}
        for key, info in self._uow.reminders_rows.values():
            if key in keys:
                reminders[info.status.value] = reminders.get(info.status.value, 0) + 1
        return DeliveryCounts(reminders=reminders, broadcasts={})


class InMemoryPolicy:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(
        self,
        *,
        platform: str,
        workspace: str,
        marketplace: str,
        note: str,
        source: str | None,
        at: dt.datetime,
    ) -> int:
        update_id = len(self._uow.policy_updates) + 1
        self._uow.policy_updates.append(
            PolicyUpdate(update_id, platform, workspace, marketplace, note, source, at)
        )
        return update_id

    async def recent(self, *, platform: str, workspace: str, limit: int) -> list[PolicyUpdate]:
        mine = [
            u
            for u in self._uow.policy_updates
            if (u.platform, u.workspace) == (platform, workspace)
        ]
        return sorted(mine, key=lambda u: (u.created_at, u.id), reverse=True)[:limit]

    async def latest_for(self, key: MemberKey) -> dict[str, PolicyUpdate]:
        return _latest_for(self._uow, key)


class InMemoryReminders:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, key: MemberKey, *, due_at: dt.datetime, at: dt.datetime) -> int:
        reminder_id = max(self._uow.reminders_rows, default=0) + 1
        info = ReminderInfo(reminder_id, due_at, Status.PENDING, False, at)
        self._uow.reminders_rows[reminder_id] = (key, info)
        return reminder_id

    async def for_member(self, key: MemberKey, *, pending_only: bool) -> list[ReminderInfo]:
        mine = [r for k, r in self._uow.reminders_rows.values() if k == key]
        return sorted(
            (r for r in mine if r.status is Status.PENDING or not pending_only),
            key=lambda r: r.due_at,
        )

    async def cancel(self, key: MemberKey, reminder_id: int) -> bool:
        owner, info = self._uow.reminders_rows.get(reminder_id, (None, None))
        if owner != key or info is None or info.status is not Status.PENDING:
            return False
        self._uow.reminders_rows[reminder_id] = (key, replace(info, status=Status.CANCELLED))
        return True

    async def reschedule(self, key: MemberKey, reminder_id: int, *, due_at: dt.datetime) -> bool:
        owner, info = self._uow.reminders_rows.get(reminder_id, (None, None))
        if owner != key or info is None:
            return False
        moved = replace(info, due_at=due_at, status=Status.PENDING, late=False)
        self._uow.reminders_rows[reminder_id] = (key, moved)
        return True


class InMemoryFaqStats:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add_counts(self, counts: Mapping[tuple[str, str, str | None], int]) -> None:
        for ident, n in counts.items():
            self._uow.topic_counts[ident] = self._uow.topic_counts.get(ident, 0) + n

    async def topic_counts(self, *, platform: str, workspace: str) -> dict[str | None, int]:
        return {
            t: n
            for (p, w, t), n in self._uow.topic_counts.items()
            if (p, w) == (platform, workspace)
        }


class InMemoryFeedback:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add_counts(self, counts: Mapping[tuple[str, str, str, bool], int]) -> None:
        for ident, n in counts.items():
            self._uow.feedback_counts[ident] = self._uow.feedback_counts.get(ident, 0) + n

    async def topic_counts(self, *, platform: str, workspace: str) -> dict[tuple[str, bool], int]:
        return {
            (t, h): n
            for (p, w, t, h), n in self._uow.feedback_counts.items()
            if (p, w) == (platform, workspace)
        }


class InMemoryUnitOfWork:
    """Works on copies; `commit()` publishes them to the store, leaving without it discards."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def __aenter__(self) -> Self:
        self.profiles = dict(self._store.profiles)
        self.toggles = dict(self._store.toggles)
        self.topic_counts = dict(self._store.topic_counts)
        self.reminders_rows = dict(self._store.reminders)
        self.communities = set(self._store.communities)
        self.policy_updates = list(self._store.policy_updates)
        self.feedback_counts = dict(self._store.feedback_counts)
        self.members = InMemoryMembers(self)
        self.reminders = InMemoryReminders(self)
        self.faq_stats = InMemoryFaqStats(self)
        self.policy = InMemoryPolicy(self)
        self.stats = InMemoryStats(self)
        self.feedback = InMemoryFeedback(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        if self._store.fail_on_commit:
            raise StorageError("injected failure")
        self._store.profiles = self.profiles
        self._store.toggles = self.toggles
        self._store.topic_counts = self.topic_counts
        self._store.reminders = self.reminders_rows
        self._store.communities = self.communities
        self._store.policy_updates = self.policy_updates
        self._store.feedback_counts = self.feedback_counts


class RecordingMetrics:
    def __init__(self) -> None:
        self.counted: list[tuple[str, dict[str, str]]] = []

    def count(self, name: str, **labels: str) -> None:
        self.counted.append((name, labels))
