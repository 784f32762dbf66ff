"""`stats` (moderators): community progress without singling anyone out.

The figures come from core.community_figures (hidden under MIN_GROUP members, as the
dashboard shows them); this renders them as tables and attaches the weekly trend as a chart.
"""

from __future__ import annotations

import asyncio

from core.charts import bar_chart
from core.commands.context import CommandContext
from core.community_figures import (
    MIN_GROUP,
    TREND_WEEKS,
    CommunityFigures,
    community_figures,
    weekly_trend,
)
from core.replies import Attachment, Block, Reply, Section, Table

__all__ = ["stats", "weekly_trend"]


def _shown(ctx: CommandContext, value: int | str | None) -> str:
    return ctx.msg("stats_hidden", min=MIN_GROUP) if value is None else str(value)


def _table(ctx: CommandContext, rows: list[tuple[str, str]], title: str) -> Table:
    return Table(
        headers=(ctx.msg("stats_figure"), ctx.msg("stats_count")), rows=tuple(rows), title=title
    )


async def _trend_chart(ctx: CommandContext, figures: CommunityFigures) -> Attachment:
    """Drawn off the event loop: ~20 ms of CPU that would hold up every ack and heartbeat."""
    labels = [week.label.split("-")[1] for week in figures.trend]
    values = [week.finished or 0 for week in figures.trend]
    summary = ", ".join(f"{week.label} {week.finished}" for week in figures.trend)
    return await asyncio.to_thread(
        bar_chart,
        labels,
        values,
        title=ctx.msg("stats_trend_title", weeks=TREND_WEEKS),
        ylabel=ctx.msg("stats_trend_axis"),
        filename="gigguard-weekly-trend.png",
        alt_text=ctx.msg("stats_trend_alt", weeks=TREND_WEEKS, summary=summary),
    )


async def stats(ctx: CommandContext, args: str) -> Reply:
    actor = ctx.request.actor
    figures = await community_figures(
        ctx.services, platform=actor.key.platform, workspace=actor.scope
    )
    blocks: list[Block] = []
    overview = [
        (ctx.msg("stats_members"), _shown(ctx, figures.members)),
        (ctx.msg("stats_finished_everything"), _shown(ctx, figures.finished)),
        (ctx.msg("stats_rechecks"), _shown(ctx, figures.rechecks)),
    ]
    blocks.append(_table(ctx, overview, ctx.msg("stats_overview_title")))
    for market in figures.marketplaces:
        rows = [
            (ctx.msg("stats_members"), _shown(ctx, market.members)),
            (ctx.msg("stats_finished"), _shown(ctx, market.finished)),
            *((t.name, _shown(ctx, t.off)) for t in market.toggles),
            (ctx.msg("stats_rechecks"), _shown(ctx, market.rechecks)),
        ]
        if market.latest_update is not None:
            rows.append((ctx.msg("stats_latest_update"), market.latest_update.isoformat()))
        blocks.append(_table(ctx, rows, ctx.msg("stats_title", marketplace=market.name)))

    blocks.append(
        _table(
            ctx,
            [(week.label, _shown(ctx, week.finished)) for week in figures.trend],
            ctx.msg("stats_trend_title", weeks=TREND_WEEKS),
        )
    )
    # Counts of messages, not of people: nobody can be singled out, so none is hidden.
    delivery_rows = [
        (ctx.msg(f"stats_reminders_{s.value}"), str(n)) for s, n in figures.reminders.items()
    ] + [(ctx.msg(f"stats_broadcasts_{s.value}"), str(n)) for s, n in figures.broadcasts.items()]
    blocks.append(_table(ctx, delivery_rows, ctx.msg("stats_deliveries_title")))

    rate = figures.decline_rate
    faq_lines = [
        ctx.msg(
            "stats_questions",
            asked=figures.questions,
            declined=figures.declined,
            rate="-" if rate is None else f"{rate:.0%}",
        )
    ]
    faq_lines += [f"• {t.title}: {t.asked}" for t in figures.top_topics]
    blocks.append(Section("\n".join(faq_lines), title=ctx.msg("stats_faq_title")))
    chart = () if figures.hidden else (await _trend_chart(ctx, figures),)
    return Reply(blocks=tuple(blocks), attachments=chart)
