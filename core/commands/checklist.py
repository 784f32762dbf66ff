"""The asking member's checklists, for `status`, `guide`, `done` and `undo`, and the toggles
a typed argument names (`comms`, `work product`, `messages and files`)."""

from __future__ import annotations

from core.commands.context import CommandContext
from core.knowledge import Knowledge
from core.knowledge.models import MarketplaceGuide, ToggleInfo
from core.progress import Progress, checklists_for, read_progress, toggle_ref
from core.replies import Checklist
from core.toggle_words import toggle_words_for

Named = list[tuple[MarketplaceGuide, ToggleInfo]]


async def member_progress(ctx: CommandContext) -> Progress:
    async with ctx.services.uow() as uow:
        return await read_progress(uow, ctx.request.actor.key)


async def checklists(ctx: CommandContext) -> tuple[Checklist, ...]:
    return checklists_for(ctx.knowledge, await member_progress(ctx))


def toggles_in_words(knowledge: Knowledge, text: str) -> Named:
    """The toggles `text` names by id, name or synonym, if it names toggles and nothing else."""
    refs = toggle_words_for(knowledge).read(text)
    return [
        (g, t)
        for g in knowledge.toggle_marketplaces()
        for t in g.toggles
        if toggle_ref(knowledge, g, t) in refs
    ]


def closest_toggle(knowledge: Knowledge, text: str) -> str | None:
    """The toggle a mistyped name most likely means, as `done` names it."""
    return toggle_words_for(knowledge).closest(text)
