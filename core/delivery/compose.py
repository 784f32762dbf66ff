"""What a reminder, a broadcast or a welcome looks like when it arrives: platform-neutral
replies.

They speak the recipient's language (core.language.for_later: the one they set, else the one
their platform reported, else the community's default; None here: the default); a broadcast's
own text is the moderator's and is never translated, only what surrounds it.
"""

from __future__ import annotations

import datetime as dt

from core.delivery.when import describe
from core.knowledge import Knowledge
from core.outbox import NewBroadcast
from core.progress import Progress, checklists_for
from core.replies import Block, Button, ButtonStyle, Reply, Section
from core.services import Services

SNOOZES = ("1h", "tomorrow", "week")


def _knowledge(services: Services, language: str | None) -> Knowledge:
    return services.knowledge.in_language(language or services.default_language)


def reminder_reply(
    services: Services,
    progress: Progress,
    *,
    reminder_id: int,
    due_at: dt.datetime,
    timezone: str | None,
    late: bool,
    language: str | None = None,
) -> Reply:
    """The member's live checklist: a click on "I switched this off" runs `done <toggle>`."""
    knowledge = _knowledge(services, language)
    msg = knowledge.message
    blocks: list[Block] = [Section(msg("reminder_intro"), title=msg("reminder_title"))]
    blocks += checklists_for(knowledge, progress)
    snoozes = tuple(Button(msg(f"button_snooze_{s}"), f"snooze {reminder_id} {s}") for s in SNOOZES)
    due = describe(due_at, timezone, knowledge.language)
    context = msg("reminder_late", due=due) if late else None
    return Reply(blocks=tuple(blocks), buttons=snoozes, context=context, ephemeral=False)


def broadcast_reply(
    services: Services, broadcast: NewBroadcast, *, as_dm: bool, language: str | None = None
) -> Reply:
    msg = _knowledge(services, language).message
    section = Section(broadcast.text, title=msg("broadcast_title"))
    if not as_dm:
        return Reply(blocks=(section,), ephemeral=False)
    return Reply(
        blocks=(section,),
        buttons=(Button(msg("button_mute"), "mute", ButtonStyle.DEFAULT),),
        context=msg("broadcast_dm_footer"),
        ephemeral=False,
    )


def welcome_reply(services: Services, progress: Progress, *, language: str | None = None) -> Reply:
    """A new member's one welcome DM: what changed (each marketplace's summary), their checklist
    with a button per toggle, the guide and a way to mute. `preview` shows exactly this."""
    knowledge = _knowledge(services, language)
    msg = knowledge.message
    marketplaces = knowledge.toggle_marketplaces()
    changed = "\n".join(guide.summary for guide in marketplaces)
    intro = Section(f"{msg('welcome_intro')}\n{changed}", title=msg("welcome_title"))
    blocks: list[Block] = [intro]
    blocks += checklists_for(knowledge, progress)
    buttons = (
        Button(msg("button_guide"), "guide", ButtonStyle.PRIMARY),
        Button(msg("button_mute"), "mute", ButtonStyle.DEFAULT),
    )
    context = knowledge.cite(marketplaces[0]) if marketplaces else None
    return Reply(blocks=tuple(blocks), buttons=buttons, context=context, ephemeral=False)
