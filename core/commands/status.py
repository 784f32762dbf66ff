"""`status`, `done`, `undo`: the member's own record of switched-off toggles."""

from __future__ import annotations

from core.commands.checklist import checklists, closest_toggle, toggles_in_words
from core.commands.context import CommandContext
from core.errors import UserInputError
from core.knowledge.models import MarketplaceGuide, ToggleInfo
from core.progress import checklists_for, read_progress, toggle_ref
from core.replies import Button, Reply, Section
from core.text import quote

ALL = "all"


async def status(ctx: CommandContext, args: str) -> Reply:
    return Reply(blocks=await checklists(ctx))


def resolve_toggles(ctx: CommandContext, args: str) -> list[tuple[MarketplaceGuide, ToggleInfo]]:
    """`all`, a toggle id, or `marketplace:toggle` -> the (marketplace, toggle) pairs it names;
    failing those, names and synonyms (`comms`, `work product`, `messages and files`).

    A bare id that several marketplaces use is refused with the qualified names to choose from,
    rather than recording a toggle the member did not mean; a near miss gets a suggestion.
    """
    wanted = args.strip().lower()
    pairs = [(g, t) for g in ctx.knowledge.toggle_marketplaces() for t in g.toggles]
    if wanted == ALL:
        return pairs
    marketplace, _, toggle_id = wanted.rpartition(":")
    matching = [(g, t) for g, t in pairs if t.id == toggle_id and marketplace in ("", g.id)]
    if len(matching) > 1:
        choices = ", ".join(f"{g.id}:{t.id}" for g, t in matching)
        raise UserInputError(ctx.msg("toggle_ambiguous", given=quote(args), valid=choices))
    if not matching and wanted:
        matching = toggles_in_words(ctx.knowledge, wanted)
    if not matching:
        valid = ", ".join([*(toggle_ref(ctx.knowledge, g, t) for g, t in pairs), ALL])
        if not wanted:
            raise UserInputError(ctx.msg("toggle_missing", valid=valid))
        closest = closest_toggle(ctx.knowledge, wanted)
        if closest:
            raise UserInputError(ctx.msg("toggle_suggest", given=quote(args), closest=closest))
        raise UserInputError(ctx.msg("toggle_unknown", given=quote(args), valid=valid))
    return matching


async def _record(ctx: CommandContext, args: str, *, off: bool) -> Reply:
    pairs = resolve_toggles(ctx, args)
    now = ctx.now()
    key = ctx.request.actor.key
    async with ctx.services.uow() as uow:
        for guide, toggle in pairs:
            await uow.members.set_toggle(
                key, marketplace=guide.id, toggle=toggle.id, off=off, at=now
            )
        progress = await read_progress(uow, key)
        await uow.commit()
    names = ", ".join(toggle.name for _, toggle in pairs)
    message = "recorded_off" if off else "recorded_on"
    confirmation = Section(ctx.msg(message, toggles=names, date=ctx.knowledge.day(now.date())))
    reverse = Button(
        ctx.msg("button_undo" if off else "button_redo"),
        f"{'undo' if off else 'done'} {_refs(ctx, pairs)}",
    )
    return Reply(
        blocks=(confirmation, *checklists_for(ctx.knowledge, progress)), buttons=(reverse,)
    )


def _refs(ctx: CommandContext, pairs: list[tuple[MarketplaceGuide, ToggleInfo]]) -> str:
    """How `done`/`undo` name exactly these toggles, for the button that takes them back."""
    every = [(g, t) for g in ctx.knowledge.toggle_marketplaces() for t in g.toggles]
    if pairs == every:
        return ALL
    return " ".join(dict.fromkeys(toggle_ref(ctx.knowledge, g, t) for g, t in pairs))


async def done(ctx: CommandContext, args: str) -> Reply:
    return await _record(ctx, args, off=True)


async def undo(ctx: CommandContext, args: str) -> Reply:
    return await _record(ctx, args, off=False)
