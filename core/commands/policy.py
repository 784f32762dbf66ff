"""`policy-update` and `policy-updates` (moderators): record that a marketplace changed its policy.

Members who recorded a toggle before the update see it as "re-check needed" and count as
pending for broadcasts until they record it again; the reply offers a one-click nudge.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from core.commands.context import CommandContext
from core.delivery.neutralise import neutralise
from core.errors import UserInputError
from core.replies import MAX_ACTION_ID, Button, ButtonStyle, Reply, Section, Table
from core.text import quote, strip_markup

MAX_NOTE = 500
MAX_URL = 300
RECENT = 10
SOURCE = "source"


def clean_note(text: str) -> str:
    """A policy note is plain text: no pings, no markup that renders on Slack or Discord."""
    return " ".join(strip_markup(neutralise(text)).split())


def checked_url(ctx: CommandContext, given: str) -> str:
    parts = urlsplit(given)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "." not in parts.hostname
        or len(given) > MAX_URL
        or any(ch in given for ch in "<>\"'")
    ):
        raise UserInputError(ctx.msg("policy_update_bad_url", given=quote(given), max=MAX_URL))
    return given


def _nudge(ctx: CommandContext, marketplace: str) -> Button:
    command = "broadcast dm pending: " + ctx.msg("policy_nudge_text", marketplace=marketplace)
    if len("gigguard:" + command) > MAX_ACTION_ID:
        command = "broadcast dm pending: " + ctx.msg("policy_nudge_generic")
    return Button(ctx.msg("button_policy_nudge"), command, ButtonStyle.PRIMARY)


async def policy_update(ctx: CommandContext, args: str) -> Reply:
    """`<marketplace> [source <url>] <note>`."""
    words = args.split()
    if len(words) < 2:
        raise UserInputError(ctx.msg("policy_update_usage"))
    guide = ctx.knowledge.guides.get(words[0].lower())
    if guide is None:
        valid = ", ".join(ctx.knowledge.guides)
        raise UserInputError(ctx.msg("marketplace_unknown", given=quote(words[0]), valid=valid))
    rest = words[1:]
    source = None
    if rest[0].lower() == SOURCE:
        if len(rest) < 2:
            raise UserInputError(ctx.msg("policy_update_usage"))
        source, rest = checked_url(ctx, rest[1]), rest[2:]
    note = clean_note(" ".join(rest))
    if not note:
        raise UserInputError(ctx.msg("policy_update_usage"))
    if len(note) > MAX_NOTE:
        raise UserInputError(ctx.msg("policy_update_too_long", length=len(note), max=MAX_NOTE))
    actor = ctx.request.actor
    now = ctx.now()
    async with ctx.services.uow() as uow:
        update_id = await uow.policy.add(
            platform=actor.key.platform,
            workspace=actor.scope,
            marketplace=guide.id,
            note=note,
            source=source,
            at=now,
        )
        await uow.commit()
    text = ctx.msg(
        "policy_update_recorded",
        id=update_id,
        marketplace=guide.name,
        date=now.date().isoformat(),
    )
    buttons = [Button(ctx.msg("button_policy_updates"), "policy-updates")]
    if guide.toggles:
        buttons.insert(0, _nudge(ctx, guide.name))
    return Reply(blocks=(Section(text),), buttons=tuple(buttons))


async def policy_updates(ctx: CommandContext, args: str) -> Reply:
    actor = ctx.request.actor
    async with ctx.services.uow() as uow:
        found = await uow.policy.recent(
            platform=actor.key.platform, workspace=actor.scope, limit=RECENT
        )
    if not found:
        return Reply(blocks=(Section(ctx.msg("policy_updates_none")),))
    names = {g.id: g.name for g in ctx.knowledge.guides.values()}
    rows = tuple(
        (
            u.created_at.date().isoformat(),
            names.get(u.marketplace, u.marketplace),
            u.note,
            u.source or "-",
        )
        for u in found
    )
    headers = tuple(
        ctx.msg(f"policy_updates_col_{c}") for c in ("date", "market", "note", "source")
    )
    return Reply(blocks=(Table(headers=headers, rows=rows, title=ctx.msg("policy_updates_title")),))
