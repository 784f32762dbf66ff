"""The App Home tab: the member's checklist and the opt-out guide, as one view."""

from __future__ import annotations

from core.replies import Checklist, Reply, Section


def home_reply(status: Reply, guide: Reply, notice: str | None = None) -> Reply:
    """Checklist first (what a member comes back for), then the guide without its own checklist
    copy, so no button appears twice in the view."""
    lead = (Section(notice),) if notice else ()
    steps = tuple(block for block in guide.blocks if not isinstance(block, Checklist))
    return Reply(
        blocks=(*lead, *status.blocks, *steps), buttons=guide.buttons, context=guide.context
    )


def notice_of(reply: Reply) -> str | None:
    """What a click in Home answered, shown above the refreshed view: its first section."""
    return next((block.text for block in reply.blocks if isinstance(block, Section)), None)
