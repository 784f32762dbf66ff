"""`inbox` (moderators): questions the bot could not answer, grouped, to answer or dismiss;
and what the decline reply's buttons run: `inbox-send` (the member sends their question) and
`topics` (every topic the bot can answer)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from core import moderators_inbox
from core.errors import UserInputError
from core.replies import Button, Reply, Section
from core.text import strip_markup
from core.text_fit import clip

if TYPE_CHECKING:  # `gigguard ask` imports the button names below, not the handlers' needs
    from core.commands.context import CommandContext

SEND_COMMAND = "inbox-send"
NOTIFY = "notify"
TOPICS_COMMAND = "topics"
PAGE_SIZE = 10
_SHOWN_CHARS = 120


async def inbox(ctx: CommandContext, args: str) -> Reply:
    action, _, rest = args.strip().partition(" ")
    match action.lower():
        case "" | "page":
            return await _page(ctx, "1")
        case "answer":
            return await _answer(ctx, rest)
        case "dismiss":
            return await _dismiss(ctx, rest)
        case page if page.isdigit():
            return await _page(ctx, page)
    raise UserInputError(ctx.msg("inbox_usage"))


def _group_id(ctx: CommandContext, given: str) -> int:
    given = given.removeprefix("#")
    if not given.isdigit():
        raise UserInputError(ctx.msg("inbox_usage"))
    return int(given)


async def _page(ctx: CommandContext, given: str) -> Reply:
    found = await moderators_inbox.groups(ctx.services, ctx.request.actor)
    if not found:
        return Reply(blocks=(Section(ctx.msg("inbox_empty")),))
    pages = math.ceil(len(found) / PAGE_SIZE)
    page = int(given)
    if not 1 <= page <= pages:
        raise UserInputError(ctx.msg("inbox_bad_page", given=page, pages=pages))
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    lines = "\n".join(
        ctx.msg(
            "inbox_line",
            id=g.id,
            count=g.count,
            newest=g.newest.isoformat(),
            question=clip(strip_markup(g.representative), _SHOWN_CHARS),
        )
        for g in shown
    )
    buttons = (Button(ctx.msg("button_inbox_next"), f"inbox {page + 1}"),) if page < pages else ()
    return Reply(
        blocks=(
            Section(lines, title=ctx.msg("inbox_title", page=page, pages=pages)),
            Section(ctx.msg("inbox_how")),
        ),
        buttons=buttons,
    )


async def _answer(ctx: CommandContext, rest: str) -> Reply:
    given, _, text = rest.strip().partition(" ")
    group_id = _group_id(ctx, given)
    done = await moderators_inbox.answer(ctx.services, ctx.request.actor, group_id, text)
    key = "inbox_answered" if done.reloaded else "inbox_answered_not_reloaded"
    return Reply(blocks=(Section(ctx.msg(key, topic=done.topic, notified=done.notified)),))


async def _dismiss(ctx: CommandContext, rest: str) -> Reply:
    group_id = _group_id(ctx, rest.strip())
    gone = await moderators_inbox.dismiss(ctx.services, ctx.request.actor, group_id)
    return Reply(blocks=(Section(ctx.msg("inbox_dismissed", id=group_id, count=gone)),))


async def inbox_send(ctx: CommandContext, args: str) -> Reply:
    token, _, option = args.strip().partition(" ")
    notify = option.strip().lower() == NOTIFY
    await moderators_inbox.send(ctx.services, ctx.request.actor, token, notify=notify)
    return Reply(blocks=(Section(ctx.msg("inbox_sent_notify" if notify else "inbox_sent")),))


async def topics(ctx: CommandContext, args: str) -> Reply:
    listed = ctx.knowledge.topics.values()
    return Reply(
        blocks=(
            Section("\n".join(f"• {t.title}" for t in listed), title=ctx.msg("topics_title")),
            Section(ctx.msg("topics_intro")),
        ),
        buttons=tuple(Button(t.title, f"ask {t.id}") for t in listed),
    )
