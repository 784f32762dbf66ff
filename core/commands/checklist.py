"""The asking member's checklists, for `status`, `guide`, `done` and `undo`."""

from __future__ import annotations

from core.commands.context import CommandContext
from core.progress import Progress, checklists_for, read_progress
from core.replies import Checklist


async def member_progress(ctx: CommandContext) -> Progress:
    async with ctx.services.uow() as uow:
        return await read_progress(uow, ctx.request.actor.key)


async def checklists(ctx: CommandContext) -> tuple[Checklist, ...]:
    return checklists_for(ctx.knowledge, await member_progress(ctx))
