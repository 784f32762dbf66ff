"""The member's checklist of toggles, shared by `status`, `guide`, `done` and `undo`."""

from __future__ import annotations

from core.commands.context import CommandContext
from core.knowledge.models import MarketplaceGuide, ToggleInfo
from core.replies import Button, ButtonStyle, Checklist, ChecklistItem
from core.status import ToggleRecord


def _item(ctx: CommandContext, toggle: ToggleInfo, record: ToggleRecord | None) -> ChecklistItem:
    if record is not None and record.off:
        return ChecklistItem(
            label=toggle.name,
            done=True,
            detail=ctx.msg("checklist_done_detail", date=record.recorded_at.date().isoformat()),
            button=Button(ctx.msg("button_undo"), f"undo {toggle.id}"),
        )
    return ChecklistItem(
        label=toggle.name,
        done=False,
        detail=toggle.covers,
        button=Button(ctx.msg("button_switched_off"), f"done {toggle.id}", ButtonStyle.PRIMARY),
    )


def build_checklist(
    ctx: CommandContext, guide: MarketplaceGuide, records: list[ToggleRecord]
) -> Checklist:
    by_toggle = {r.toggle: r for r in records if r.marketplace == guide.id}
    items = tuple(_item(ctx, toggle, by_toggle.get(toggle.id)) for toggle in guide.toggles)
    left = [item.label for item in items if not item.done]
    summary = (
        ctx.msg("checklist_all_done", marketplace=guide.name)
        if not left
        else ctx.msg(
            "checklist_left", done=len(items) - len(left), total=len(items), left=", ".join(left)
        )
    )
    return Checklist(
        title=ctx.msg("checklist_title", marketplace=guide.name), items=items, summary=summary
    )


async def load_records(ctx: CommandContext) -> list[ToggleRecord]:
    async with ctx.services.uow() as uow:
        return await uow.members.toggles(ctx.request.actor.key)


def checklists_for(ctx: CommandContext, records: list[ToggleRecord]) -> tuple[Checklist, ...]:
    return tuple(
        build_checklist(ctx, guide, records) for guide in ctx.knowledge.toggle_marketplaces()
    )


async def checklists(ctx: CommandContext) -> tuple[Checklist, ...]:
    return checklists_for(ctx, await load_records(ctx))
