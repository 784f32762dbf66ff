"""What a reminder or a broadcast looks like when it arrives: platform-neutral replies."""

from __future__ import annotations

import datetime as dt

from core.commands.checklist import Progress, build_checklist
from core.commands.context import CommandContext, Services
from core.delivery.models import NewBroadcast
from core.delivery.when import describe
from core.identity import MemberKey
from core.replies import Block, Button, ButtonStyle, Reply, Section
from core.requests import Actor, Request

SNOOZES = ("1h", "tomorrow", "week")


def reminder_reply(
    services: Services,
    key: MemberKey,
    progress: Progress,
    *,
    reminder_id: int,
    due_at: dt.datetime,
    timezone: str | None,
    late: bool,
) -> Reply:
    """The member's live checklist: a click on "I switched this off" runs `done <toggle>`."""
    ctx = CommandContext(Request(Actor(key), ""), services)
    blocks: list[Block] = [Section(ctx.msg("reminder_intro"), title=ctx.msg("reminder_title"))]
    blocks += [build_checklist(ctx, g, progress) for g in ctx.knowledge.toggle_marketplaces()]
    snoozes = tuple(
        Button(ctx.msg(f"button_snooze_{s}"), f"snooze {reminder_id} {s}") for s in SNOOZES
    )
    context = ctx.msg("reminder_late", due=describe(due_at, timezone)) if late else None
    return Reply(blocks=tuple(blocks), buttons=snoozes, context=context, ephemeral=False)


def broadcast_reply(services: Services, broadcast: NewBroadcast, *, as_dm: bool) -> Reply:
    msg = services.knowledge.message
    section = Section(broadcast.text, title=msg("broadcast_title"))
    if not as_dm:
        return Reply(blocks=(section,), ephemeral=False)
    return Reply(
        blocks=(section,),
        buttons=(Button(msg("button_mute"), "mute", ButtonStyle.DEFAULT),),
        context=msg("broadcast_dm_footer"),
        ephemeral=False,
    )
