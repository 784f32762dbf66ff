"""A community's figures for its moderators, as data: the `stats` reply, the dashboard and its
CSV/JSON export all render this one structure.

Every figure computed over fewer than MIN_GROUP members is None (hidden), so no individual
can be identified. Never who did what: only counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

from core.knowledge import Knowledge
from core.outbox import Status
from core.progress import finished_toggles
from core.services import Services
from core.status import CommunityProgress

MIN_GROUP = 5  # figures over fewer members are hidden so no individual can be identified
TREND_WEEKS = 8
TOP_TOPICS = 5
REMINDER_STATES = (Status.PENDING, Status.SENT, Status.SKIPPED)
BROADCAST_STATES = (Status.SENT, Status.SKIPPED, Status.FAILED)
WELCOME_STATES = (Status.PENDING, Status.SENT, Status.SKIPPED, Status.FAILED)


def shown(value: int, group: int) -> int | None:
    """`value`, or None when it was computed over fewer than MIN_GROUP members."""
    return value if group >= MIN_GROUP else None


@dataclass(frozen=True, slots=True)
class ToggleFigure:
    id: str
    name: str
    off: int | None


@dataclass(frozen=True, slots=True)
class MarketplaceFigures:
    """The funnel on one marketplace: members known -> each toggle -> all of them."""

    id: str
    name: str
    members: int | None
    finished: int | None
    toggles: tuple[ToggleFigure, ...]
    rechecks: int | None
    latest_update: dt.date | None


@dataclass(frozen=True, slots=True)
class WeekFigure:
    label: str  # ISO week, "2026-W48"
    finished: int | None


@dataclass(frozen=True, slots=True)
class TopicFigure:
    id: str
    title: str
    asked: int


@dataclass(frozen=True, slots=True)
class FeedbackFigure:
    """Clicks under a topic's answer: counts of clicks, not of people (never hidden)."""

    id: str
    title: str
    helpful: int
    unhelpful: int


@dataclass(frozen=True, slots=True)
class CommunityFigures:
    platform: str
    workspace: str
    members: int | None
    finished: int | None
    rechecks: int | None
    marketplaces: tuple[MarketplaceFigures, ...]
    trend: tuple[WeekFigure, ...]
    # Counts of messages, not of people: nobody can be singled out, so none is hidden.
    reminders: dict[Status, int]
    broadcasts: dict[Status, int]
    questions: int
    declined: int
    top_topics: tuple[TopicFigure, ...]
    welcomes: dict[Status, int] = field(default_factory=dict)  # messages, like the two above
    feedback: tuple[FeedbackFigure, ...] = ()  # most clicked first

    @property
    def hidden(self) -> bool:
        """Too few members for any per-member figure."""
        return self.members is None

    @property
    def decline_rate(self) -> float | None:
        return self.declined / self.questions if self.questions else None


def _weeks(now: dt.datetime) -> list[dt.date]:
    """Mondays of the last TREND_WEEKS ISO weeks, oldest first, this week last."""
    monday = now.date() - dt.timedelta(days=now.weekday())
    return [monday - dt.timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]


def _week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_trend(progress: CommunityProgress, now: dt.datetime) -> list[tuple[str, int]]:
    """Members finishing per ISO week (when their last toggle was recorded), last 8 weeks."""
    weeks = _weeks(now)
    counts = dict.fromkeys(weeks, 0)
    for at in progress.ever_finished_at:
        monday = at.date() - dt.timedelta(days=at.weekday())
        if monday in counts:
            counts[monday] += 1
    return [(_week_label(w), counts[w]) for w in weeks]


async def community_figures(
    services: Services, *, platform: str, workspace: str
) -> CommunityFigures:
    scope = {"platform": platform, "workspace": workspace}
    knowledge = services.knowledge
    async with services.uow() as uow:
        progress = await uow.stats.progress(**scope, finished=finished_toggles(services))
        deliveries = await uow.stats.deliveries(**scope)
        updates = {u.marketplace: u for u in reversed(await uow.policy.recent(**scope, limit=50))}
        per_marketplace = [
            (
                guide,
                await uow.members.toggle_counts(
                    **scope, marketplace=guide.id, toggles=[t.id for t in guide.toggles]
                ),
            )
            for guide in knowledge.toggle_marketplaces()
        ]
        topics = Counter(await uow.faq_stats.topic_counts(**scope))
        clicks = Counter(await uow.feedback.topic_counts(**scope))
    topics.update(services.question_counts.pending(**scope))  # not yet written
    clicks.update(services.answer_feedback.pending(**scope))
    group = progress.members
    marketplaces = tuple(
        MarketplaceFigures(
            id=guide.id,
            name=guide.name,
            members=shown(counts.members, counts.members),
            finished=shown(counts.finished, counts.members),
            toggles=tuple(
                ToggleFigure(t.id, t.name, shown(counts.per_toggle.get(t.id, 0), counts.members))
                for t in guide.toggles
            ),
            rechecks=shown(counts.rechecks, counts.members),
            latest_update=updates[guide.id].created_at.date() if guide.id in updates else None,
        )
        for guide, counts in per_marketplace
    )
    ranked = sorted(((n, t) for t, n in topics.items() if t), reverse=True)
    top = tuple(
        TopicFigure(t, knowledge.topics[t].title, n) for n, t in ranked if t in knowledge.topics
    )[:TOP_TOPICS]
    return CommunityFigures(
        platform=platform,
        workspace=workspace,
        members=shown(group, group),
        finished=shown(len(progress.finished_at), group),
        rechecks=shown(progress.rechecks, group),
        marketplaces=marketplaces,
        trend=tuple(
            WeekFigure(label, shown(n, group))
            for label, n in weekly_trend(progress, services.clock.now())
        ),
        reminders={s: deliveries.reminders.get(s, 0) for s in REMINDER_STATES},
        broadcasts={s: deliveries.broadcasts.get(s, 0) for s in BROADCAST_STATES},
        questions=sum(topics.values()),
        declined=topics.get(None, 0),
        top_topics=top,
        welcomes={s: deliveries.welcomes.get(s, 0) for s in WELCOME_STATES},
        feedback=_feedback(knowledge, clicks),
    )


def _feedback(
    knowledge: Knowledge, clicks: Counter[tuple[str, bool]]
) -> tuple[FeedbackFigure, ...]:
    figures = [
        FeedbackFigure(tid, topic.title, clicks[(tid, True)], clicks[(tid, False)])
        for tid, topic in knowledge.topics.items()
        if clicks[(tid, True)] or clicks[(tid, False)]
    ]
    return tuple(sorted(figures, key=lambda f: -(f.helpful + f.unhelpful)))


# The export: one row per figure, hidden figures marked, as the dashboard's Export page and
# `stats export` hand them out.
HIDDEN = "hidden"
EXPORT_COLUMNS = ("section", "figure", "value")


def figure_rows(figures: CommunityFigures) -> list[tuple[str, str, int | None]]:
    """(section, figure, value) for every figure, the funnel first; None where hidden."""
    rows: list[tuple[str, str, int | None]] = [
        ("community", "members", figures.members),
        ("community", "finished", figures.finished),
        ("community", "rechecks", figures.rechecks),
    ]
    for market in figures.marketplaces:
        rows += [(market.id, "members", market.members), (market.id, "finished", market.finished)]
        rows += [(market.id, f"toggle:{t.id}", t.off) for t in market.toggles]
        rows.append((market.id, "rechecks", market.rechecks))
    rows += [("trend", week.label, week.finished) for week in figures.trend]
    rows += [("reminders", s.value, n) for s, n in figures.reminders.items()]
    rows += [("broadcasts", s.value, n) for s, n in figures.broadcasts.items()]
    rows += [("faq", "questions", figures.questions), ("faq", "declined", figures.declined)]
    rows += [("faq", f"topic:{t.id}", t.asked) for t in figures.top_topics]
    for f in figures.feedback:
        rows += [("feedback", f"helpful:{f.id}", f.helpful)]
        rows += [("feedback", f"not-helpful:{f.id}", f.unhelpful)]
    return rows


def export_json(figures: CommunityFigures) -> dict[str, object]:
    """The figures as JSON: hidden ones are null, and `hidden_under` says why."""
    return {
        "platform": figures.platform,
        "community": figures.workspace,
        "hidden_under": MIN_GROUP,
        "figures": [
            {"section": section, "figure": name, "value": value}
            for section, name, value in figure_rows(figures)
        ],
    }


def export_csv(figures: CommunityFigures) -> str:
    """The figures as CSV with a header row; a hidden figure's value is `hidden`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for section, name, value in figure_rows(figures):
        writer.writerow((section, name, HIDDEN if value is None else value))
    return out.getvalue()
