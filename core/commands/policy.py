"""`policy-update` (moderators): record that a marketplace changed its policy.

Members who recorded a toggle before the update see it as "re-check needed" and count as
pending for broadcasts until they record it again; the reply offers a one-click nudge.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from core.commands.context import CommandContext
from core.delivery.neutralise import neutralise
from core.errors import UserInputError
from core.knowledge.models import MarketplaceGuide
from core.replies import MAX_ACTION_ID, Button, ButtonStyle, Reply, Section, Table
from core.text import quote, strip_markup

MAX_NOTE = 500
MAX_URL = 300
RECENT = 10
SOURCE = "source"
# A policy source given without its flag: the first word is a web address.
_URL_START = re.compile(r"^https?://", re.IGNORECASE)


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


async def record(
    ctx: CommandContext, marketplace: str, *, source: str | None, note: str
) -> tuple[int, MarketplaceGuide]:
    """Validate and store one policy update for the actor's community (chat and dashboard)."""
    guide = ctx.knowledge.guides.get(marketplace.lower())
    if guide is None:
        valid = ", ".join(ctx.knowledge.guides)
        raise UserInputError(ctx.msg("marketplace_unknown", given=quote(marketplace), valid=valid))
    checked = checked_url(ctx, source) if source else None
    cleaned = clean_note(note)
    if not cleaned:
        raise UserInputError(ctx.msg("policy_update_usage"))
    if len(cleaned) > MAX_NOTE:
        raise UserInputError(ctx.msg("policy_update_too_long", length=len(cleaned), max=MAX_NOTE))
    actor = ctx.request.actor
    async with ctx.services.uow() as uow:
        update_id = await uow.policy.add(
            platform=actor.key.platform,
            workspace=actor.scope,
            marketplace=guide.id,
            note=cleaned,
            source=checked,
            at=ctx.now(),
        )
        await uow.commit()
    return update_id, guide


async def policy_update(ctx: CommandContext, args: str) -> Reply:
    """`<marketplace> [[source] <url>] <note>`: a leading URL is the source (the README's form).
    Without arguments: the updates recorded in this community."""
    if not args.strip():
        return await _recorded(ctx)
    words = args.split()
    if len(words) < 2:
        raise UserInputError(ctx.msg("policy_update_usage"))
    rest = words[1:]
    source = None
    if rest[0].lower() == SOURCE:
        if len(rest) < 2:
            raise UserInputError(ctx.msg("policy_update_usage"))
        source, rest = rest[1], rest[2:]
    elif _URL_START.match(rest[0]):
        source, rest = rest[0], rest[1:]
    update_id, guide = await record(ctx, words[0], source=source, note=" ".join(rest))
    text = ctx.msg(
        "policy_update_recorded",
        id=update_id,
        marketplace=guide.name,
        date=ctx.knowledge.day(ctx.now().date()),
    )
    buttons = [Button(ctx.msg("button_policy_updates"), "policy-update")]
    if guide.toggles:
        buttons.insert(0, _nudge(ctx, guide.name))
    return Reply(blocks=(Section(text),), buttons=tuple(buttons))


async def _recorded(ctx: CommandContext) -> Reply:
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
            ctx.knowledge.day(u.created_at.date()),
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
