"""The member's checklist of toggles, shared by `status`, `guide`, `done`, `undo` and reminders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.commands.context import CommandContext
from core.identity import MemberKey
from core.knowledge import Knowledge
from core.knowledge.models import MarketplaceGuide, ToggleInfo
from core.policy import PolicyUpdate, needs_recheck
from core.ports import UnitOfWork
from core.replies import Button, ButtonStyle, Checklist, ChecklistItem
from core.status import ToggleRecord


@dataclass(frozen=True, slots=True)
class Progress:
    """What a member recorded, and the policy updates that may have made some of it stale."""

    records: list[ToggleRecord]
    updates: Mapping[str, PolicyUpdate]

    def is_off(self, marketplace: str, toggle: str) -> bool:
        """Switched off and confirmed since the marketplace's latest policy update."""
        return any(
            r.off and needs_recheck(r, self.updates) is None
            for r in self.records
            if (r.marketplace, r.toggle) == (marketplace, toggle)
        )


def toggle_ref(knowledge: Knowledge, guide: MarketplaceGuide, toggle: ToggleInfo) -> str:
    """How `done`/`undo` name a toggle: its id, or `marketplace:id` when another marketplace
    has a toggle with the same id."""
    owners = sum(
        1 for g in knowledge.toggle_marketplaces() if any(t.id == toggle.id for t in g.toggles)
    )
    return toggle.id if owners == 1 else f"{guide.id}:{toggle.id}"


def _item(
    ctx: CommandContext,
    guide: MarketplaceGuide,
    toggle: ToggleInfo,
    record: ToggleRecord | None,
    updates: Mapping[str, PolicyUpdate],
) -> ChecklistItem:
    ref = toggle_ref(ctx.knowledge, guide, toggle)
    stale = needs_recheck(record, updates) if record is not None else None
    if stale is not None:
        return ChecklistItem(
            label=toggle.name,
            done=False,
            detail=ctx.msg(
                "checklist_recheck_detail",
                marketplace=guide.name,
                date=stale.created_at.date().isoformat(),
            ),
            button=Button(ctx.msg("button_rechecked"), f"done {ref}", ButtonStyle.PRIMARY),
        )
    if record is not None and record.off:
        return ChecklistItem(
            label=toggle.name,
            done=True,
            detail=ctx.msg("checklist_done_detail", date=record.recorded_at.date().isoformat()),
            button=Button(ctx.msg("button_undo"), f"undo {ref}"),
        )
    return ChecklistItem(
        label=toggle.name,
        done=False,
        detail=toggle.covers,
        button=Button(ctx.msg("button_switched_off"), f"done {ref}", ButtonStyle.PRIMARY),
    )


def build_checklist(ctx: CommandContext, guide: MarketplaceGuide, progress: Progress) -> Checklist:
    by_toggle = {r.toggle: r for r in progress.records if r.marketplace == guide.id}
    items = tuple(
        _item(ctx, guide, toggle, by_toggle.get(toggle.id), progress.updates)
        for toggle in guide.toggles
    )
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


async def read_progress(uow: UnitOfWork, key: MemberKey) -> Progress:
    return Progress(await uow.members.toggles(key), await uow.policy.latest_for(key))


def checklists_for(ctx: CommandContext, progress: Progress) -> tuple[Checklist, ...]:
    return tuple(
        build_checklist(ctx, guide, progress) for guide in ctx.knowledge.toggle_marketplaces()
    )


async def member_progress(ctx: CommandContext) -> Progress:
    async with ctx.services.uow() as uow:
        return await read_progress(uow, ctx.request.actor.key)


async def checklists(ctx: CommandContext) -> tuple[Checklist, ...]:
    return checklists_for(ctx, await member_progress(ctx))
