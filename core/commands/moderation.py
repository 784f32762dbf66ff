"""`stats` (moderators): community progress without singling anyone out.

Every figure computed over fewer than MIN_GROUP members is hidden, so no individual can be
identified; the weekly trend is also attached as a chart.
"""

from __future__ import annotations

import datetime as dt

from core.charts import bar_chart
from core.commands.context import CommandContext
from core.outbox import Status
from core.progress import finished_toggles
from core.replies import Attachment, Block, Reply, Section, Table
from core.status import CommunityProgress

MIN_GROUP = 5  # figures over fewer members are hidden so no individual can be identified
TREND_WEEKS = 8
TOP_TOPICS = 5
REMINDER_STATES = (Status.PENDING, Status.SENT, Status.SKIPPED)
BROADCAST_STATES = (Status.SENT, Status.SKIPPED, Status.FAILED)


def _shown(ctx: CommandContext, value: int | str, group: int) -> str:
    return str(value) if group >= MIN_GROUP else ctx.msg("stats_hidden", min=MIN_GROUP)


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
    for at in progress.finished_at:
        monday = at.date() - dt.timedelta(days=at.weekday())
        if monday in counts:
            counts[monday] += 1
    return [(_week_label(w), counts[w]) for w in weeks]


def _table(ctx: CommandContext, rows: list[tuple[str, str]], title: str) -> Table:
    return Table(
        headers=(ctx.msg("stats_figure"), ctx.msg("stats_count")), rows=tuple(rows), title=title
    )


def _trend_chart(ctx: CommandContext, trend: list[tuple[str, int]]) -> Attachment:
    labels = [label.split("-")[1] for label, _ in trend]
    values = [n for _, n in trend]
    summary = ", ".join(f"{label} {n}" for label, n in trend)
    return bar_chart(
        labels,
        values,
        title=ctx.msg("stats_trend_title", weeks=TREND_WEEKS),
        ylabel=ctx.msg("stats_trend_axis"),
        filename="gigguard-weekly-trend.png",
        alt_text=ctx.msg("stats_trend_alt", weeks=TREND_WEEKS, summary=summary),
    )


async def stats(ctx: CommandContext, args: str) -> Reply:
    key, community = ctx.request.actor.key, ctx.request.actor.scope
    scope = {"platform": key.platform, "workspace": community}
    blocks: list[Block] = []
    async with ctx.services.uow() as uow:
        progress = await uow.stats.progress(**scope, finished=finished_toggles(ctx.services))
        deliveries = await uow.stats.deliveries(**scope)
        updates = {u.marketplace: u for u in reversed(await uow.policy.recent(**scope, limit=50))}
        per_marketplace = [
            (
                guide,
                await uow.members.toggle_counts(
                    **scope, marketplace=guide.id, toggles=[t.id for t in guide.toggles]
                ),
            )
            for guide in ctx.knowledge.toggle_marketplaces()
        ]
        topics = await uow.faq_stats.topic_counts(**scope)
    group = progress.members

    overview = [
        (ctx.msg("stats_members"), _shown(ctx, group, group)),
        (ctx.msg("stats_finished_everything"), _shown(ctx, len(progress.finished_at), group)),
        (ctx.msg("stats_rechecks"), _shown(ctx, progress.rechecks, group)),
    ]
    blocks.append(_table(ctx, overview, ctx.msg("stats_overview_title")))
    for guide, counts in per_marketplace:
        rows = [
            (ctx.msg("stats_members"), _shown(ctx, counts.members, counts.members)),
            (ctx.msg("stats_finished"), _shown(ctx, counts.finished, counts.members)),
            *(
                (t.name, _shown(ctx, counts.per_toggle.get(t.id, 0), counts.members))
                for t in guide.toggles
            ),
            (ctx.msg("stats_rechecks"), _shown(ctx, counts.rechecks, counts.members)),
        ]
        if guide.id in updates:
            latest = updates[guide.id].created_at.date().isoformat()
            rows.append((ctx.msg("stats_latest_update"), latest))
        blocks.append(_table(ctx, rows, ctx.msg("stats_title", marketplace=guide.name)))

    trend = weekly_trend(progress, ctx.now())
    blocks.append(
        _table(
            ctx,
            [(label, _shown(ctx, n, group)) for label, n in trend],
            ctx.msg("stats_trend_title", weeks=TREND_WEEKS),
        )
    )
    delivery_rows = [
        (ctx.msg(f"stats_reminders_{s.value}"), _shown(ctx, deliveries.reminders.get(s, 0), group))
        for s in REMINDER_STATES
    ] + [
        (
            ctx.msg(f"stats_broadcasts_{s.value}"),
            _shown(ctx, deliveries.broadcasts.get(s, 0), group),
        )
        for s in BROADCAST_STATES
    ]
    blocks.append(_table(ctx, delivery_rows, ctx.msg("stats_deliveries_title")))

    asked = sum(topics.values())
    declined = topics.get(None, 0)
    rate = f"{declined / asked:.0%}" if asked else "-"
    faq_lines = [ctx.msg("stats_questions", asked=asked, declined=declined, rate=rate)]
    top = sorted(((n, t) for t, n in topics.items() if t), reverse=True)[:TOP_TOPICS]
    faq_lines += [
        f"• {ctx.knowledge.topics[t].title}: {n}" for n, t in top if t in ctx.knowledge.topics
    ]
    blocks.append(Section("\n".join(faq_lines), title=ctx.msg("stats_faq_title")))
    chart = (_trend_chart(ctx, trend),) if group >= MIN_GROUP else ()
    return Reply(blocks=tuple(blocks), attachments=chart)
