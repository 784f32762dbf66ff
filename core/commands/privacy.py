"""`my-data` and `forget-me`: members see and delete everything stored about them."""

from __future__ import annotations

import json

from core.commands.context import CommandContext
from core.joins import Welcomed
from core.ports import UnitOfWork
from core.replies import Button, ButtonStyle, CodeBlock, Reply, Section
from core.requests import Request
from core.status import MemberTraces

CONFIRM = "confirm"


async def export_member(
    uow: UnitOfWork, request: Request, toggle_ids: list[str]
) -> dict[str, object]:
    """The `my-data` document: the contract other parts of the product rely on."""
    key = request.actor.key
    profile = await uow.members.profile(key)
    records = {r.toggle: r for r in await uow.members.toggles(key)}
    toggles = {
        toggle: {
            "off": bool(records[toggle].off) if toggle in records else False,
            "recorded_at": records[toggle].recorded_at.isoformat() if toggle in records else None,
        }
        for toggle in toggle_ids
    }
    return {
        "member": {"platform": key.platform, "workspace": key.workspace, "user": key.user},
        "toggles": toggles,
        "muted": profile.muted if profile else False,
        "timezone": profile.timezone if profile else None,
        "language": profile.language if profile else None,
        "platform_language": profile.platform_language if profile else None,
        "reminders": [
            {
                "id": r.id,
                "due_at": r.due_at.isoformat(),
                "status": r.status.value,
                "late": r.late,
                "created_at": r.created_at.isoformat(),
            }
            for r in await uow.reminders.for_member(key, pending_only=False)
        ],
        "communities": await uow.members.communities(key),
        **_traces(await uow.members.traces(key)),
    }


def _traces(traces: MemberTraces) -> dict[str, object]:
    return {
        "broadcasts_created": traces.broadcasts_created,
        "broadcasts_approved": traces.broadcasts_approved,
        "broadcast_copies": [
            {"broadcast": broadcast, "status": status}
            for broadcast, status in traces.broadcast_copies
        ],
        **traces.adapter_rows,
        "welcomed": _welcomed(traces.welcomed),
        "questions_to_moderators": [
            {"id": q.id, "asked_on": q.asked_on.isoformat(), "text": q.text, "answered": q.answered}
            for q in traces.questions_to_moderators
        ],
    }


def _welcomed(marker: Welcomed | None) -> dict[str, str] | None:
    """Where and when the member was welcomed (the marker that keeps it to one DM)."""
    return None if marker is None else {"community": marker.community, "at": marker.at.isoformat()}


async def my_data(ctx: CommandContext, args: str) -> Reply:
    toggle_ids = [t.id for g in ctx.knowledge.toggle_marketplaces() for t in g.toggles]
    async with ctx.services.uow() as uow:
        document = await export_member(uow, ctx.request, toggle_ids)
    return Reply(
        blocks=(
            Section(ctx.msg("my_data_intro"), title=ctx.msg("my_data_title")),
            CodeBlock(json.dumps(document, indent=2)),
        ),
        data=document,
    )


async def forget_me(ctx: CommandContext, args: str) -> Reply:
    if args.strip().lower() != CONFIRM:
        return Reply(
            blocks=(Section(ctx.msg("forget_me_ask")),),
            buttons=(Button(ctx.msg("button_forget_me"), "forget-me confirm", ButtonStyle.DANGER),),
        )
    async with ctx.services.uow() as uow:
        deleted = await uow.members.delete(ctx.request.actor.key)
        await uow.commit()
    return Reply(blocks=(Section(ctx.msg("forget_me_done", count=deleted)),))
