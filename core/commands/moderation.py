"""Moderator commands: community progress without singling anyone out."""

from __future__ import annotations

from core.commands.context import CommandContext
from core.replies import Block, Reply, Section, Table

MIN_GROUP = 5  # figures over fewer members are hidden so no individual can be identified


def _shown(ctx: CommandContext, value: int, group: int) -> str:
    return str(value) if group >= MIN_GROUP else ctx.msg("stats_hidden", min=MIN_GROUP)


async def stats(ctx: CommandContext, args: str) -> Reply:
    key = ctx.request.actor.key
    blocks: list[Block] = []
    async with ctx.services.uow() as uow:
        for guide in ctx.knowledge.toggle_marketplaces():
            counts = await uow.members.toggle_counts(
                platform=key.platform,
                workspace=ctx.request.actor.scope,
                marketplace=guide.id,
                toggles=[t.id for t in guide.toggles],
            )
            rows = [
                (ctx.msg("stats_members"), _shown(ctx, counts.members, counts.members)),
                (ctx.msg("stats_finished"), _shown(ctx, counts.finished, counts.members)),
                *(
                    (t.name, _shown(ctx, counts.per_toggle.get(t.id, 0), counts.members))
                    for t in guide.toggles
                ),
            ]
            blocks.append(
                Table(
                    headers=(ctx.msg("stats_figure"), ctx.msg("stats_count")),
                    rows=tuple(rows),
                    title=ctx.msg("stats_title", marketplace=guide.name),
                )
            )
        topics = await uow.faq_stats.topic_counts(
            platform=key.platform, workspace=ctx.request.actor.scope
        )
    asked = sum(topics.values())
    declined = topics.get(None, 0)
    top = sorted(((n, t) for t, n in topics.items() if t), reverse=True)[:5]
    faq_lines = [ctx.msg("stats_questions", asked=asked, declined=declined)]
    faq_lines += [
        f"• {ctx.knowledge.topics[t].title}: {n}" for n, t in top if t in ctx.knowledge.topics
    ]
    blocks.append(Section("\n".join(faq_lines), title=ctx.msg("stats_faq_title")))
    return Reply(blocks=tuple(blocks))
