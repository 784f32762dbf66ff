"""`remind`, `reminders`, `snooze`, `tz`, `mute`, `unmute`: reminders and settings of a member."""

from __future__ import annotations

import datetime as dt
import re

from core.commands.context import CommandContext
from core.delivery.compose import SNOOZES
from core.delivery.when import (
    TimeError,
    describe,
    parse_when,
    region_zone,
    resolve_zone,
    suggest_zones,
    utc_offset,
)
from core.errors import UserInputError
from core.member_zone import member_zone
from core.replies import Button, ButtonStyle, Reply, Section, Table
from core.text import quote

MAX_PENDING = 20
CANCEL = "cancel"
_FILLER = re.compile(r"^(me|to|at|on)\s+", re.IGNORECASE)


async def _zone(ctx: CommandContext) -> str | None:
    return await member_zone(ctx.services, ctx.request.actor.key)


def when_error(ctx: CommandContext, exc: TimeError) -> UserInputError:
    return UserInputError(ctx.msg(exc.key, given=quote(exc.given)))


def _reply(text: str, *buttons: Button) -> Reply:
    return Reply(blocks=(Section(text),), buttons=buttons)


async def remind(ctx: CommandContext, args: str) -> Reply:
    text = _FILLER.sub("", args.strip())
    if not text:
        raise UserInputError(ctx.msg("when_missing"))
    timezone = await _zone(ctx)
    now = ctx.now()
    try:
        due = parse_when(text, now=now, timezone=timezone)
    except TimeError as exc:
        raise when_error(ctx, exc) from exc
    key = ctx.request.actor.key
    async with ctx.services.uow() as uow:
        if len(await uow.reminders.for_member(key, pending_only=True)) >= MAX_PENDING:
            raise UserInputError(ctx.msg("remind_too_many", limit=MAX_PENDING))
        await uow.members.remember(key, at=now)  # counted in stats and broadcast audiences
        reminder_id = await uow.reminders.add(key, due_at=due, at=now)
        await uow.commit()
    hint = "" if timezone else ctx.msg("remind_tz_hint")
    return _reply(
        ctx.msg("remind_set", id=reminder_id, when=describe(due, timezone, ctx.language)) + hint,
        Button(ctx.msg("button_cancel_reminder"), f"reminders cancel {reminder_id}"),
    )


def _reminder_id(ctx: CommandContext, given: str) -> int:
    if not given.isdigit():
        raise UserInputError(ctx.msg("reminder_id_missing"))
    return int(given)


async def reminders(ctx: CommandContext, args: str) -> Reply:
    key = ctx.request.actor.key
    action, _, rest = args.strip().partition(" ")
    if action.lower() == CANCEL:
        reminder_id = _reminder_id(ctx, rest.strip())
        async with ctx.services.uow() as uow:
            cancelled = await uow.reminders.cancel(key, reminder_id)
            await uow.commit()
        name = "reminder_cancelled" if cancelled else "reminder_not_found"
        return _reply(ctx.msg(name, id=reminder_id))
    if action:
        raise UserInputError(ctx.msg("reminders_usage"))
    timezone = await _zone(ctx)
    async with ctx.services.uow() as uow:
        upcoming = await uow.reminders.for_member(key, pending_only=True)
    if not upcoming:
        return _reply(ctx.msg("reminders_none"))
    rows = tuple((str(r.id), describe(r.due_at, timezone, ctx.language)) for r in upcoming)
    table = Table(
        headers=(ctx.msg("reminders_id"), ctx.msg("reminders_when")),
        rows=rows,
        title=ctx.msg("reminders_title"),
    )
    return Reply(blocks=(table, Section(ctx.msg("reminders_cancel_hint"))))


def _snoozed_until(base: dt.datetime, choice: str, timezone: str | None) -> dt.datetime:
    """Snoozing counts from `base`, the later of now and the reminder's due time, so it
    only ever moves a reminder later."""
    if choice == "1h":
        return base + dt.timedelta(hours=1)
    if choice == "week":
        return base + dt.timedelta(days=7)
    return parse_when("tomorrow 9am", now=base, timezone=timezone)


async def snooze(ctx: CommandContext, args: str) -> Reply:
    given, _, choice = args.strip().partition(" ")
    reminder_id = _reminder_id(ctx, given)
    choice = choice.strip().lower()
    if choice not in SNOOZES:
        raise UserInputError(ctx.msg("snooze_usage", valid="|".join(SNOOZES)))
    key = ctx.request.actor.key
    timezone = await _zone(ctx)
    async with ctx.services.uow() as uow:
        mine = {r.id: r for r in await uow.reminders.for_member(key, pending_only=False)}
        if reminder_id not in mine:
            return _reply(ctx.msg("reminder_not_found", id=reminder_id))
        due = _snoozed_until(max(ctx.now(), mine[reminder_id].due_at), choice, timezone)
        moved = await uow.reminders.reschedule(key, reminder_id, due_at=due)
        await uow.commit()
    if not moved:
        return _reply(ctx.msg("reminder_not_found", id=reminder_id))
    return _reply(ctx.msg("snoozed", id=reminder_id, when=describe(due, timezone, ctx.language)))


async def tz(ctx: CommandContext, args: str) -> Reply:
    given = args.strip()
    if not given:
        current = await _zone(ctx)
        return _reply(ctx.msg("tz_current", zone=current or "UTC"))
    name = resolve_zone(given)
    region = region_zone(given)
    if name is None:
        suggestions = [region] if region else suggest_zones(given)
        if not suggestions:
            raise UserInputError(ctx.msg("tz_unknown", given=quote(given)))
        raise UserInputError(
            ctx.msg("tz_suggest", given=quote(given), suggestions=", ".join(suggestions))
        )
    async with ctx.services.uow() as uow:
        await uow.members.set_timezone(ctx.request.actor.key, name, at=ctx.now())
        await uow.commit()
    text = ctx.msg("tz_set", zone=name, now=describe(ctx.now(), name, ctx.language))
    if region:
        offset = utc_offset(name, ctx.now())
        text += " " + ctx.msg("tz_abbreviation", zone=name, offset=offset, region=region)
    return _reply(text)


async def _set_muted(ctx: CommandContext, muted: bool) -> Reply:
    async with ctx.services.uow() as uow:
        await uow.members.set_muted(ctx.request.actor.key, muted, at=ctx.now())
        await uow.commit()
    if muted:
        return _reply(ctx.msg("muted"), Button(ctx.msg("button_unmute"), "unmute"))
    return _reply(ctx.msg("unmuted"), Button(ctx.msg("button_mute"), "mute", ButtonStyle.DEFAULT))


async def mute(ctx: CommandContext, args: str) -> Reply:
    return await _set_muted(ctx, True)


async def unmute(ctx: CommandContext, args: str) -> Reply:
    return await _set_muted(ctx, False)
