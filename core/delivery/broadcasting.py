"""Moderator broadcasts as a service: draft with a preview, confirm, cancel, report.

Shared by the `broadcast` subcommands and the `gigguard broadcast` CLI, so both refuse the
same bad input before anything is queued.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from core.delivery.neutralise import neutralise, pings
from core.delivery.when import TimeError, next_run, parse_schedule, parse_when
from core.errors import UserInputError
from core.identity import MemberKey
from core.outbox import Audience, Broadcast, NewBroadcast, Report, Target
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


@dataclass(frozen=True, slots=True)
class Preview:
    broadcast: Broadcast
    recipients: int
    eta: dt.timedelta
    per_minute: float
    removed: tuple[str, ...] = ()  # mentions taken out of the typed text, as typed


async def _zone(services: Services, key: MemberKey) -> str | None:
    async with services.uow() as uow:
        profile = await uow.members.profile(key)
    return profile.timezone if profile else None


def _first_run(
    services: Services, order: Order, now: dt.datetime, timezone: str | None
) -> tuple[dt.datetime, str | None]:
    msg = services.knowledge.message
    try:
        at = parse_when(order.at, now=now, timezone=timezone) if order.at else None
        schedule = parse_schedule(order.every) if order.every else None
    except TimeError as exc:
        raise UserInputError(msg(exc.key, given=quote(exc.given))) from exc
    if schedule is None:
        return at or now, None
    start = at - dt.timedelta(seconds=1) if at else now
    return next_run(schedule, after=start, timezone=timezone or "UTC"), schedule


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
    if broadcast.target is Target.CHANNEL:
        return 1
    async with services.uow() as uow:
        eligible, known = await uow.broadcasts.audience(
            platform=broadcast.platform,
            workspace=broadcast.workspace,
            audience=broadcast.audience,
            finished=finished_toggles(services),
        )
    directory = services.directories.get(broadcast.platform)
    if directory is None:
        return eligible
    return eligible + len(set(await directory.member_ids(broadcast.workspace)) - known)


def _pace(services: Services, broadcast: NewBroadcast, count: int) -> tuple[dt.timedelta, float]:
    """How long `count` sends take, and the pace per minute: the pace the worker learned for
    this workspace (the published figure until it has sent)."""
    rate = services.paces.rate(broadcast.platform, broadcast.workspace, broadcast.target)
    return dt.timedelta(seconds=math.ceil(count / rate)), rate * 60


async def preview(
    services: Services, broadcast: Broadcast, *, removed: tuple[str, ...] = ()
) -> Preview:
    count = await recipients(services, broadcast)
    eta, per_minute = _pace(services, broadcast, count)
    return Preview(
        broadcast=broadcast, recipients=count, eta=eta, per_minute=per_minute, removed=removed
    )


@dataclass(frozen=True, slots=True)
class Estimate:
    """A preview of an order before anything is stored (the dashboard's live preview)."""

    broadcast: NewBroadcast
    recipients: int
    eta: dt.timedelta
    per_minute: float
    removed: tuple[str, ...] = ()  # mentions neutralised in the text, named in the preview


async def estimate(services: Services, actor: Actor, order: Order) -> Estimate:
    """Validate the order as `draft` does and count its audience; store nothing."""
    new = await _validated(services, actor, order)
    count = await recipients(services, new)
    eta, per_minute = _pace(services, new, count)
    return Estimate(
        broadcast=new,
        recipients=count,
        eta=eta,
        per_minute=per_minute,
        removed=tuple(pings(clean_input(order.text))),
    )


async def _validated(services: Services, actor: Actor, order: Order) -> NewBroadcast:
    msg = services.knowledge.message
    key = actor.key
    text = checked_text(services, key.platform, order.text)
    if order.target is Target.CHANNEL and not order.channel:
        raise UserInputError(msg("broadcast_channel_missing"))
    now = services.clock.now()
    timezone = await _zone(services, key)
    first_at, schedule = _first_run(services, order, now, timezone)
    return NewBroadcast(
        platform=key.platform,
        workspace=actor.scope,
        created_by=key.user,
        target=order.target,
        channel=order.channel if order.target is Target.CHANNEL else None,
        audience=order.audience,
        text=text,
        schedule=schedule,
        timezone=timezone or "UTC",
        first_at=first_at,
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
    msg = services.knowledge.message
    async with services.uow() as uow:
        confirmed = await uow.broadcasts.confirm(broadcast_id, at=services.clock.now())
        found = await uow.broadcasts.get(actor.key.platform, actor.scope, broadcast_id)
        if found is None or not confirmed:
            raise UserInputError(msg("broadcast_not_draft", id=broadcast_id))
        await uow.commit()
    return found


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
    async with services.uow() as uow:
        found = await uow.broadcasts.recent(platform=platform, workspace=workspace, limit=limit)
        return [(b, await uow.broadcasts.report(b.id)) for b in found]


async def report(services: Services, actor: Actor, broadcast_id: int) -> tuple[Broadcast, Report]:
    """One broadcast of the actor's community and where its deliveries stand."""
    msg = services.knowledge.message
    async with services.uow() as uow:
        found = await uow.broadcasts.get(actor.key.platform, actor.scope, broadcast_id)
        if found is None:
            raise UserInputError(msg("broadcast_not_found", id=broadcast_id))
        return found, await uow.broadcasts.report(broadcast_id)
