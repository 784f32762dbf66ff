"""Moderator broadcasts as a service: draft with a preview, confirm, cancel, report.

Shared by the `broadcast` subcommands and the `gigguard broadcast` CLI, so both refuse the
same bad input before anything is queued.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from core.broadcast_rules import WEEK
from core.delivery.neutralise import neutralise, pings
from core.delivery.when import (
    TimeError,
    Timing,
    member_moment,
    parse_timing,
    run_zone,
    shortest_gap,
)
from core.errors import UserInputError
from core.member_zone import member_zone
from core.outbox import Audience, Broadcast, BroadcastState, NewBroadcast, Report, Target
from core.progress import finished_toggles
from core.requests import Actor
from core.services import Services
from core.text import clean_input, quote


@dataclass(frozen=True, slots=True)
class Order:
    """What the moderator asked for, before validation."""

    target: Target
    audience: Audience
    text: str
    channel: str | None = None
    at: str | None = None
    every: str | None = None
    until: str | None = None


@dataclass(frozen=True, slots=True)
class Spread:
    """A local-time broadcast's first run reaches its members between these two moments."""

    first: dt.datetime
    last: dt.datetime


@dataclass(frozen=True, slots=True)
class Preview:
    broadcast: Broadcast
    recipients: int
    eta: dt.timedelta
    per_minute: float
    removed: tuple[str, ...] = ()  # mentions taken out of the typed text, as typed
    spread: Spread | None = None


def _timing(services: Services, order: Order, now: dt.datetime, timezone: str | None) -> Timing:
    """When it goes out, refusing a schedule that would repeat more often than the deployment
    allows, an end without a schedule or before the first run, and local time in a channel."""
    msg = services.knowledge.message
    try:
        timing = parse_timing(
            at=order.at, every=order.every, until=order.until, now=now, timezone=timezone
        )
    except TimeError as exc:
        raise UserInputError(msg(exc.key, given=quote(exc.given))) from exc
    if timing.local and order.target is Target.CHANNEL:
        raise UserInputError(msg("broadcast_local_channel"))
    if timing.schedule is None:
        if timing.until_at is not None:
            raise UserInputError(msg("broadcast_until_needs_every"))
        return timing
    zone = run_zone(local=timing.local, timezone=timezone or "UTC")
    start = timing.first_at - dt.timedelta(seconds=1)
    shortest = services.broadcast_rules.min_repeat
    if shortest_gap(timing.schedule, after=start, timezone=zone) < shortest:
        raise UserInputError(
            msg("broadcast_too_often", schedule=timing.schedule, shortest=_span(msg, shortest))
        )
    if timing.until_at is not None and timing.until_at < timing.first_at:
        raise UserInputError(msg("broadcast_until_before_first"))
    return timing


def _span(msg: Callable[..., str], span: dt.timedelta) -> str:
    """ "1 day", "12 hours": how a moderator reads GIGGUARD_MIN_REPEAT."""
    hours = round(span.total_seconds() / 3600)
    if hours and hours % 24 == 0:
        return msg("span_days", count=hours // 24)
    return msg("span_hours", count=max(hours, 1))


def checked_text(services: Services, platform: str, text: str) -> str:
    msg = services.knowledge.message
    cleaned = neutralise(clean_input(text))
    if not cleaned:
        raise UserInputError(msg("broadcast_empty"))
    limit = services.pacing.platform(platform).max_length
    if len(cleaned) > limit:
        raise UserInputError(msg("broadcast_too_long", length=len(cleaned), limit=limit))
    return cleaned


async def recipients(services: Services, broadcast: NewBroadcast) -> int:
    """How many would receive it now: known members not muted (not finished, for `pending`)
    plus, with a MemberDirectory, the platform's members the bot has never met."""
    count, _ = await _audience(services, broadcast)
    return count


async def _audience(services: Services, broadcast: NewBroadcast) -> tuple[int, set[str | None]]:
    """How many would receive it now, and their time zones (None: not set)."""
    if broadcast.target is Target.CHANNEL:
        return 1, set()
    platform, workspace, audience = broadcast.platform, broadcast.workspace, broadcast.audience
    finished = finished_toggles(services)
    async with services.uow() as uow:
        eligible, known = await uow.broadcasts.audience(
            platform=platform, workspace=workspace, audience=audience, finished=finished
        )
        zones = (
            await uow.broadcasts.zones(
                platform=platform, workspace=workspace, audience=audience, finished=finished
            )
            if broadcast.local
            else set()
        )
    directory = services.directories.get(broadcast.platform)
    if directory is None:
        return eligible, zones
    strangers = len(set(await directory.member_ids(broadcast.workspace)) - known)
    return eligible + strangers, zones | ({None} if strangers else set())


def _spread(services: Services, broadcast: NewBroadcast, zones: set[str | None]) -> Spread | None:
    """When the first run of a local-time broadcast reaches the first and the last of these
    zones (members without one: the community default, then UTC); a time already past in a
    zone goes out at once."""
    if not broadcast.local:
        return None
    default = services.broadcast_rules.default_timezone
    now = services.clock.now()
    moments = [
        max(now, member_moment(broadcast.first_at, zone or default)) for zone in zones or {None}
    ]
    return Spread(first=min(moments), last=max(moments))


def _pace(services: Services, broadcast: NewBroadcast, count: int) -> tuple[dt.timedelta, float]:
    """How long `count` sends take, and the pace per minute: the pace the worker learned for
    this workspace (the published figure until it has sent)."""
    rate = services.paces.rate(broadcast.platform, broadcast.workspace, broadcast.target)
    return dt.timedelta(seconds=math.ceil(count / rate)), rate * 60


async def preview(
    services: Services, broadcast: Broadcast, *, removed: tuple[str, ...] = ()
) -> Preview:
    count, zones = await _audience(services, broadcast)
    eta, per_minute = _pace(services, broadcast, count)
    return Preview(
        broadcast=broadcast,
        recipients=count,
        eta=eta,
        per_minute=per_minute,
        removed=removed,
        spread=_spread(services, broadcast, zones),
    )


@dataclass(frozen=True, slots=True)
class Estimate:
    """A preview of an order before anything is stored (the dashboard's live preview)."""

    broadcast: NewBroadcast
    recipients: int
    eta: dt.timedelta
    per_minute: float
    removed: tuple[str, ...] = ()  # mentions neutralised in the text, named in the preview
    spread: Spread | None = None


async def estimate(services: Services, actor: Actor, order: Order) -> Estimate:
    """Validate the order as `draft` does and count its audience; store nothing."""
    new = await _validated(services, actor, order)
    count, zones = await _audience(services, new)
    eta, per_minute = _pace(services, new, count)
    return Estimate(
        broadcast=new,
        recipients=count,
        eta=eta,
        per_minute=per_minute,
        removed=tuple(pings(clean_input(order.text))),
        spread=_spread(services, new, zones),
    )


async def _validated(services: Services, actor: Actor, order: Order) -> NewBroadcast:
    msg = services.knowledge.message
    key = actor.key
    text = checked_text(services, key.platform, order.text)
    if order.target is Target.CHANNEL and not order.channel:
        raise UserInputError(msg("broadcast_channel_missing"))
    now = services.clock.now()
    timezone = await member_zone(services, key)
    timing = _timing(services, order, now, timezone)
    return NewBroadcast(
        platform=key.platform,
        workspace=actor.scope,
        created_by=key.user,
        target=order.target,
        channel=order.channel if order.target is Target.CHANNEL else None,
        audience=order.audience,
        text=text,
        schedule=timing.schedule,
        timezone=timezone or "UTC",
        first_at=timing.first_at,
        until_at=timing.until_at,
        local=timing.local,
    )


async def draft(services: Services, actor: Actor, order: Order) -> Preview:
    """Validate and store a draft for the actor's community. Nothing is queued until `confirm`."""
    new = await _validated(services, actor, order)
    key = actor.key
    async with services.uow() as uow:
        broadcast_id = await uow.broadcasts.create(new, at=services.clock.now())
        await uow.commit()
        stored = await uow.broadcasts.get(key.platform, actor.scope, broadcast_id)
    assert stored is not None
    return await preview(services, stored, removed=tuple(pings(clean_input(order.text))))


async def confirm(services: Services, actor: Actor, broadcast_id: int) -> Broadcast:
    """Schedule a draft: not an expired one, not the author's own when two approvals are
    required, and not past the community's weekly cap."""
    msg = services.knowledge.message
    rules = services.broadcast_rules
    now = services.clock.now()
    async with services.uow() as uow:
        found = await uow.broadcasts.get(actor.key.platform, actor.scope, broadcast_id)
        if found is None or found.state is not BroadcastState.DRAFT:
            raise UserInputError(msg("broadcast_not_draft", id=broadcast_id))
        if found.created_at < now - rules.draft_ttl:
            raise UserInputError(msg("broadcast_expired", id=broadcast_id))
        if rules.approvers > 1 and found.created_by == actor.key.user:
            raise UserInputError(msg("broadcast_needs_second", id=broadcast_id))
        started = await uow.broadcasts.started_since(
            platform=found.platform, workspace=found.workspace, since=now - WEEK
        )
        if started >= rules.weekly_cap:
            raise UserInputError(msg("broadcast_weekly_cap", count=rules.weekly_cap))
        if not await uow.broadcasts.confirm(broadcast_id, by=actor.key.user, at=now):
            raise UserInputError(msg("broadcast_not_draft", id=broadcast_id))
        await uow.commit()
        confirmed = await uow.broadcasts.get(actor.key.platform, actor.scope, broadcast_id)
    assert confirmed is not None
    return confirmed


async def cancel(services: Services, actor: Actor, broadcast_id: int) -> int:
    msg = services.knowledge.message
    async with services.uow() as uow:
        if await uow.broadcasts.get(actor.key.platform, actor.scope, broadcast_id) is None:
            raise UserInputError(msg("broadcast_not_found", id=broadcast_id))
        stopped = await uow.broadcasts.cancel(broadcast_id, at=services.clock.now())
        await uow.commit()
    return stopped


async def reports(
    services: Services, *, platform: str | None, workspace: str | None, limit: int
) -> list[tuple[Broadcast, Report]]:
    drafts_since = services.clock.now() - services.broadcast_rules.draft_ttl
    async with services.uow() as uow:
        found = await uow.broadcasts.recent(
            platform=platform, workspace=workspace, limit=limit, drafts_since=drafts_since
        )
        return [(b, await uow.broadcasts.report(b.id)) for b in found]


async def report(services: Services, actor: Actor, broadcast_id: int) -> tuple[Broadcast, Report]:
    """One broadcast of the actor's community and where its deliveries stand."""
    msg = services.knowledge.message
    async with services.uow() as uow:
        found = await uow.broadcasts.get(actor.key.platform, actor.scope, broadcast_id)
        if found is None:
            raise UserInputError(msg("broadcast_not_found", id=broadcast_id))
        return found, await uow.broadcasts.report(broadcast_id)
