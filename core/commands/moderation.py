"""`stats` and `stats export` (moderators): community progress without singling anyone out.

The figures come from core.community_figures (hidden under MIN_GROUP members, as the
dashboard shows them); this renders them as tables and attaches the weekly trend as a chart,
or, for `export`, attaches them as the CSV and JSON files the dashboard's Export page serves.
"""

from __future__ import annotations

import asyncio
import json

from core.charts import bar_chart
from core.commands.context import CommandContext
from core.community_figures import (
    MIN_GROUP,
    TREND_WEEKS,
    CommunityFigures,
    community_figures,
    export_csv,
    export_json,
    weekly_trend,
)
from core.errors import UserInputError
from core.replies import Attachment, Block, Reply, Section, Table
from core.text import quote

__all__ = ["EXPORT", "stats", "weekly_trend"]

EXPORT = "export"


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


def _export(ctx: CommandContext, figures: CommunityFigures) -> Reply:
    """Both files; the reply's text says what they hold, for adapters that cannot upload."""
    day = ctx.services.clock.now().date().isoformat()
    name = f"gigguard-stats-{day}"
    as_json = json.dumps(export_json(figures), indent=2) + "\n"
    return Reply(
        blocks=(
            Section(
                ctx.msg("stats_export_done", min=MIN_GROUP), title=ctx.msg("stats_export_title")
            ),
        ),
        attachments=(
            Attachment(
                f"{name}.csv",
                export_csv(figures).encode(),
                "text/csv",
                ctx.msg("stats_export_alt", format="CSV"),
            ),
            Attachment(
                f"{name}.json",
                as_json.encode(),
                "application/json",
                ctx.msg("stats_export_alt", format="JSON"),
            ),
        ),
    )


async def stats(ctx: CommandContext, args: str) -> Reply:
    actor = ctx.request.actor
    action = args.strip().lower()
    if action not in ("", EXPORT):
        raise UserInputError(ctx.msg("stats_usage", given=quote(args)))
    figures = await community_figures(
        ctx.services, platform=actor.key.platform, workspace=actor.scope
    )
    if action == EXPORT:
        return _export(ctx, figures)
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
            rows.append((ctx.msg("stats_latest_update"), ctx.knowledge.day(market.latest_update)))
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
    if any(figures.welcomes.values()):  # communities that never welcomed anyone: no rows
        delivery_rows += [
            (ctx.msg(f"stats_welcomes_{s.value}"), str(n)) for s, n in figures.welcomes.items()
        ]
    blocks.append(_table(ctx, delivery_rows, ctx.msg("stats_deliveries_title")))

    rate = figures.decline_rate
    faq_lines = [
        ctx.msg(
            "stats_questions",
            count=figures.questions,
            declined=figures.declined,
            rate="-" if rate is None else f"{rate:.0%}",
        )
    ]
    faq_lines += [f"• {t.title}: {t.asked}" for t in figures.top_topics]
    blocks.append(Section("\n".join(faq_lines), title=ctx.msg("stats_faq_title")))
    feedback = [
        ctx.msg("stats_feedback_line", title=f.title, helpful=f.helpful, unhelpful=f.unhelpful)
        for f in figures.feedback
    ]
    blocks.append(
        Section(
            "\n".join(feedback) or ctx.msg("stats_feedback_none"),
            title=ctx.msg("stats_feedback_title"),
        )
    )
    chart = () if figures.hidden else (await _trend_chart(ctx, figures),)
    return Reply(blocks=tuple(blocks), attachments=chart)
