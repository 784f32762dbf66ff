"""A member's progress through the opt-out: what "finished" means and their checklist.

Domain rules shared by the commands (`status`, `guide`, `done`, `stats`), broadcasts (the
"pending" audience) and the delivery worker (reminders, skipping finished members), so it
sits below `core.commands` and `core.delivery` and imports neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.identity import MemberKey
from core.knowledge import Knowledge
from core.knowledge.models import MarketplaceGuide, ToggleInfo
from core.policy import PolicyUpdate, needs_recheck
from core.ports import ToggleIds, UnitOfWork
from core.replies import Button, ButtonStyle, Checklist, ChecklistItem
from core.services import Services
from core.status import ToggleRecord


def finished_toggles(services: Services) -> ToggleIds:
    """Every toggle of every marketplace: a member who switched all of them off is finished."""
    return [(g.id, t.id) for g in services.knowledge.toggle_marketplaces() for t in g.toggles]


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


async def read_progress(uow: UnitOfWork, key: MemberKey) -> Progress:
    return Progress(await uow.members.toggles(key), await uow.policy.latest_for(key))


def toggle_ref(knowledge: Knowledge, guide: MarketplaceGuide, toggle: ToggleInfo) -> str:
    """How `done`/`undo` name a toggle: its id, or `marketplace:id` when another marketplace
    has a toggle with the same id."""
    owners = sum(
        1 for g in knowledge.toggle_marketplaces() if any(t.id == toggle.id for t in g.toggles)
    )
    return toggle.id if owners == 1 else f"{guide.id}:{toggle.id}"


def _item(
    knowledge: Knowledge,
    guide: MarketplaceGuide,
    toggle: ToggleInfo,
    record: ToggleRecord | None,
    updates: Mapping[str, PolicyUpdate],
) -> ChecklistItem:
    msg = knowledge.message
    ref = toggle_ref(knowledge, guide, toggle)
    stale = needs_recheck(record, updates) if record is not None else None
    if stale is not None:
        return ChecklistItem(
            label=toggle.name,
            done=False,
            detail=msg(
                "checklist_recheck_detail",
                marketplace=guide.name,
                date=knowledge.day(stale.created_at.date()),
            ),
            button=Button(msg("button_rechecked"), f"done {ref}", ButtonStyle.PRIMARY),
        )
    if record is not None and record.off:
        return ChecklistItem(
            label=toggle.name,
            done=True,
            detail=msg("checklist_done_detail", date=knowledge.day(record.recorded_at.date())),
            button=Button(msg("button_undo"), f"undo {ref}"),
        )
    return ChecklistItem(
        label=toggle.name,
        done=False,
        detail=toggle.covers,
        button=Button(msg("button_switched_off"), f"done {ref}", ButtonStyle.PRIMARY),
    )


def build_checklist(knowledge: Knowledge, guide: MarketplaceGuide, progress: Progress) -> Checklist:
    msg = knowledge.message
    by_toggle = {r.toggle: r for r in progress.records if r.marketplace == guide.id}
    items = tuple(
        _item(knowledge, guide, toggle, by_toggle.get(toggle.id), progress.updates)
        for toggle in guide.toggles
    )
    left = [item.label for item in items if not item.done]
    summary = (
        msg("checklist_all_done", marketplace=guide.name)
        if not left
        else msg(
            "checklist_left", done=len(items) - len(left), total=len(items), left=", ".join(left)
        )
    )
    return Checklist(
        title=msg("checklist_title", marketplace=guide.name), items=items, summary=summary
    )


def checklists_for(knowledge: Knowledge, progress: Progress) -> tuple[Checklist, ...]:
    """One checklist per marketplace that has toggles."""
    return tuple(build_checklist(knowledge, g, progress) for g in knowledge.toggle_marketplaces())
