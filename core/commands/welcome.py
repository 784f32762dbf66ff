"""`welcome on|off|preview` (moderators): one DM to each new member of the community."""

from __future__ import annotations

from core import welcome as welcoming
from core.commands.context import CommandContext
from core.delivery.compose import welcome_reply
from core.errors import UserInputError
from core.progress import Progress
from core.replies import Block, Button, Reply, Section
from core.text import quote

ON, OFF, PREVIEW = "on", "off", "preview"
CHOICES = (ON, OFF, PREVIEW)
NEWCOMER = Progress(records=[], updates={})  # what a member who never used the bot has


async def welcome(ctx: CommandContext, args: str) -> Reply:
    choice = args.strip().lower()
    if choice == PREVIEW:
        return await _preview(ctx)
    if choice in (ON, OFF):
        return await _switch(ctx, on=choice == ON)
    if choice:
        raise UserInputError(ctx.msg("welcome_usage", given=quote(args)))
    return await _state(ctx)


async def _state(ctx: CommandContext) -> Reply:
    since = await welcoming.switched_on_at(ctx.services, ctx.request.actor)
    text = (
        ctx.msg("welcome_state_off")
        if since is None
        else ctx.msg("welcome_state_on", date=since.date().isoformat())
    )
    return _with_preview(ctx, Section(text), *_unheard(ctx, on=since is not None))


async def _switch(ctx: CommandContext, *, on: bool) -> Reply:
    changed = await welcoming.switch(ctx.services, ctx.request.actor, on=on)
    if on:
        text = ctx.msg("welcome_on") if changed else ctx.msg("welcome_already_on")
    else:
        text = ctx.msg("welcome_off") if changed else ctx.msg("welcome_already_off")
    return _with_preview(ctx, Section(text), *_unheard(ctx, on=on))


def _unheard(ctx: CommandContext, *, on: bool) -> tuple[Block, ...]:
    """The operator's part, when welcome is on but the adapter is not told of joins."""
    if not on or welcoming.hears_joins(ctx.services, ctx.request.actor.key.platform):
        return ()
    return (Section(ctx.msg("welcome_joins_unheard")),)


def _with_preview(ctx: CommandContext, *blocks: Block) -> Reply:
    return Reply(
        blocks=blocks,
        buttons=(Button(ctx.msg("button_welcome_preview"), "welcome preview"),),
    )


async def _preview(ctx: CommandContext) -> Reply:
    """Exactly what a new member gets, under one line saying it is a preview."""
    since = await welcoming.switched_on_at(ctx.services, ctx.request.actor)
    state = ctx.msg("welcome_preview_on" if since else "welcome_preview_off")
    dm = welcome_reply(ctx.services, NEWCOMER)
    return Reply(
        blocks=(Section(state, title=ctx.msg("welcome_preview_title")), *dm.blocks),
        buttons=dm.buttons,
        context=dm.context,
    )
