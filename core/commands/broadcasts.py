"""`broadcast`, `broadcasts`, `cancel` (moderators): paced, previewed, reportable messages."""

from __future__ import annotations

import datetime as dt
import re

from core.commands.context import CommandContext
from core.delivery import broadcasting
from core.delivery.broadcasting import Estimate, Order, Preview
from core.delivery.when import EARLIEST_ZONE, describe, wall_clock
from core.errors import UserInputError
from core.outbox import Audience, Broadcast, FailReason, NewBroadcast, Report, Status, Target
from core.replies import Button, ButtonStyle, Reply, Section, Table
from core.text import quote

CONFIRM = "confirm"
FAILED = "failed"
CANCEL = "cancel"
RECENT = 10
FAILED_SHOWN = 50
# The header ends at the first colon followed by a space: "dm all at 18:00: text".
_HEADER_END = re.compile(r":(\s|$)")
_OPTIONS = re.compile(
    r"^(?:at\s+(?P<at>.+?))?\s*(?:every\s+(?P<every>.+?))?\s*(?:until\s+(?P<until>.+))?$",
    re.IGNORECASE,
)
_CHANNEL_LINK = re.compile(r"^<#([^|>]+)(?:\|[^>]*)?>$")


def _id(ctx: CommandContext, given: str) -> int:
    if not given.strip().isdigit():
        raise UserInputError(ctx.msg("broadcast_id_missing"))
    return int(given)


def parse_order(ctx: CommandContext, args: str) -> Order:
    """`dm all|pending [at WHEN] [every SCHEDULE]: TEXT` or `channel [ID] [...]: TEXT`."""
    split = _HEADER_END.search(args)
    if split is None:
        raise UserInputError(ctx.msg("broadcast_usage"))
    header, text = args[: split.start()].split(), args[split.end() :]
    target = header[0].lower() if header else ""
    rest = header[1:]
    channel = ctx.request.channel
    if target == Target.DM:
        if not rest or rest[0].lower() not in tuple(Audience):
            raise UserInputError(ctx.msg("broadcast_usage"))
        audience, rest = Audience(rest[0].lower()), rest[1:]
    elif target == Target.CHANNEL:
        audience = Audience.ALL
        if rest and rest[0].lower() not in ("at", "every", "until"):
            channel, rest = _CHANNEL_LINK.sub(r"\1", rest[0]), rest[1:]
    else:
        raise UserInputError(ctx.msg("broadcast_usage"))
    options = _OPTIONS.match(" ".join(rest))
    if options is None:
        raise UserInputError(ctx.msg("broadcast_usage"))
    return Order(
        target=Target(target),
        audience=audience,
        text=text,
        channel=channel,
        at=options["at"],
        every=options["every"],
        until=options["until"],
    )


def _duration(ctx: CommandContext, span: dt.timedelta) -> str:
    minutes = max(1, round(span.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    return ctx.msg("duration_hm", hours=hours, minutes=minutes) if hours else f"{minutes} min"


def _who(ctx: CommandContext, broadcast: NewBroadcast) -> str:
    if broadcast.target is Target.CHANNEL:
        return ctx.msg("broadcast_to_channel", channel=broadcast.channel)
    return ctx.msg(f"broadcast_to_{broadcast.audience.value}")


def _local_clock(moment: dt.datetime) -> str:
    """A local-time run's wall-clock time, the one every member gets in their own zone."""
    return wall_clock(moment, EARLIEST_ZONE).strftime("%a %Y-%m-%d %H:%M")


def _when(ctx: CommandContext, b: NewBroadcast, moment: dt.datetime) -> str:
    if b.local:
        return ctx.msg("broadcast_local_when", when=_local_clock(moment))
    return describe(moment, b.timezone, ctx.language)


def _first_line(ctx: CommandContext, shown: Preview | Estimate) -> str:
    """When it goes out; for local time, the spread from the first member to the last."""
    b = shown.broadcast
    if shown.spread is None:
        return ctx.msg(
            "broadcast_preview_when", when=describe(b.first_at, b.timezone, ctx.language)
        )
    default = ctx.services.broadcast_rules.default_timezone or "UTC"
    return ctx.msg(
        "broadcast_preview_local",
        when=_local_clock(b.first_at),
        default=default,
        first=describe(shown.spread.first, b.timezone, ctx.language),
        last=describe(shown.spread.last, b.timezone, ctx.language),
    )


def preview_lines(ctx: CommandContext, shown: Preview | Estimate) -> list[str]:
    """Who, how many, when and how long: the chat preview's and the dashboard's summary."""
    b = shown.broadcast
    lines = [
        ctx.msg("broadcast_preview_to", who=_who(ctx, b), count=shown.recipients),
        _first_line(ctx, shown),
        ctx.msg(
            "broadcast_preview_eta",
            eta=_duration(ctx, shown.eta),
            per_minute=f"{shown.per_minute:g}",
            platform=b.platform,
        ),
    ]
    if b.schedule:
        zone = ctx.msg("broadcast_zone_local") if b.local else b.timezone
        lines.append(ctx.msg("broadcast_preview_repeat", schedule=b.schedule, zone=zone))
    if b.until_at:
        lines.append(
            ctx.msg("broadcast_preview_until", when=describe(b.until_at, b.timezone, ctx.language))
        )
    if shown.removed:
        removed = ", ".join(quote(m) for m in shown.removed)
        count = len(shown.removed)
        lines.append(ctx.msg("broadcast_preview_removed", count=count, removed=removed))
    return lines


def preview_reply(ctx: CommandContext, shown: Preview) -> Reply:
    b = shown.broadcast
    lines = preview_lines(ctx, shown)
    if ctx.services.broadcast_rules.approvers > 1:
        lines.append(ctx.msg("broadcast_preview_second", id=b.id))
    return Reply(
        blocks=(
            Section("\n".join(lines), title=ctx.msg("broadcast_preview_title", id=b.id)),
            Section(b.text, title=ctx.msg("broadcast_title")),
        ),
        buttons=(
            Button(ctx.msg("button_send"), f"broadcast confirm {b.id}", ButtonStyle.PRIMARY),
            Button(ctx.msg("button_discard"), f"broadcasts {CANCEL} {b.id}", ButtonStyle.DANGER),
        ),
    )


async def broadcast(ctx: CommandContext, args: str) -> Reply:
    actor = ctx.request.actor
    action, _, rest = args.strip().partition(" ")
    if action.lower() == CONFIRM:
        confirmed = await broadcasting.confirm(ctx.services, actor, _id(ctx, rest))
        shown = await broadcasting.preview(ctx.services, confirmed)
        first = shown.spread.first if shown.spread else confirmed.first_at
        return Reply(
            blocks=(
                Section(
                    ctx.msg(
                        "broadcast_confirmed",
                        id=confirmed.id,
                        when=describe(first, confirmed.timezone, ctx.language),
                        eta=_duration(ctx, shown.eta),
                    )
                ),
            ),
            buttons=(Button(ctx.msg("button_progress"), "broadcasts"),),
        )
    return preview_reply(ctx, await broadcasting.draft(ctx.services, actor, parse_order(ctx, args)))


def _progress(ctx: CommandContext, report: Report) -> str:
    return ctx.msg("broadcasts_progress", done=report.done, queued=report.queued)


def report_row(ctx: CommandContext, b: Broadcast, report: Report) -> tuple[str, ...]:
    skipped = report.by_reason(Status.SKIPPED)
    failed = report.by_reason(Status.FAILED)
    return (
        str(b.id),
        b.state.value,
        _who(ctx, b),
        _when(ctx, b, b.next_run_at) if b.next_run_at else "-",
        _progress(ctx, report),
        str(report.total(Status.SENT)),
        ", ".join(f"{r} {n}" for r, n in sorted(skipped.items())) or "0",
        ", ".join(f"{r} {n}" for r, n in sorted(failed.items())) or "0",
    )


async def broadcasts(ctx: CommandContext, args: str) -> Reply:
    actor = ctx.request.actor
    action, _, rest = args.strip().partition(" ")
    if action.lower() == FAILED:
        broadcast_id = _id(ctx, rest)
        async with ctx.services.uow() as uow:
            if await uow.broadcasts.get(actor.key.platform, actor.scope, broadcast_id) is None:
                raise UserInputError(ctx.msg("broadcast_not_found", id=broadcast_id))
            failed = await uow.broadcasts.failed(broadcast_id, limit=FAILED_SHOWN)
        if not failed:
            return Reply(blocks=(Section(ctx.msg("broadcasts_no_failures", id=broadcast_id)),))
        return Reply(
            blocks=(
                Table(
                    headers=(ctx.msg("broadcasts_member"), ctx.msg("broadcasts_reason")),
                    rows=tuple(failed),
                    title=ctx.msg("broadcasts_failed_title", id=broadcast_id, shown=FAILED_SHOWN),
                ),
            )
        )
    if action.lower() == CANCEL:
        return await _cancel(ctx, rest)
    if action:
        raise UserInputError(ctx.msg("broadcasts_usage"))
    found = await broadcasting.reports(
        ctx.services, platform=actor.key.platform, workspace=actor.scope, limit=RECENT
    )
    if not found:
        return Reply(blocks=(Section(ctx.msg("broadcasts_none")),))
    headers = tuple(ctx.msg(f"broadcasts_col_{c}") for c in ("id", "state", "to", "next"))
    headers += tuple(ctx.msg(f"broadcasts_col_{c}") for c in ("progress", "sent", "skip", "fail"))
    return Reply(
        blocks=(
            Table(
                headers=headers,
                rows=tuple(report_row(ctx, b, r) for b, r in found),
                title=ctx.msg("broadcasts_title"),
            ),
            *_not_in_channel(ctx, found),
            Section(ctx.msg("broadcasts_hint")),
        )
    )


def _not_in_channel(ctx: CommandContext, found: list[tuple[Broadcast, Report]]) -> list[Section]:
    """The one failure a moderator can fix at once: the bot was never invited to the channel."""
    channels = sorted(
        {
            b.channel
            for b, r in found
            if b.channel and FailReason.NOT_IN_CHANNEL in r.by_reason(Status.FAILED)
        }
    )
    return [Section(ctx.msg("broadcasts_not_in_channel", channel=c)) for c in channels]


async def _cancel(ctx: CommandContext, args: str) -> Reply:
    broadcast_id = _id(ctx, args)
    stopped = await broadcasting.cancel(ctx.services, ctx.request.actor, broadcast_id)
    return Reply(blocks=(Section(ctx.msg("broadcast_cancelled", id=broadcast_id, count=stopped)),))
