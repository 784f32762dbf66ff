""" "Helpful" / "Not helpful" under every FAQ answer: a click adds one to the topic's count
(core/feedback_counts.py), with nothing about who clicked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import UserInputError
from core.knowledge import Knowledge
from core.replies import Button, Reply, Section
from core.text import quote

if TYPE_CHECKING:
    from core.commands.context import CommandContext

FEEDBACK_COMMAND = "feedback"
HELPFUL = "helpful"
NOT_HELPFUL = "not-helpful"


def feedback_buttons(knowledge: Knowledge, topic: str) -> tuple[Button, ...]:
    msg = knowledge.message
    return (
        Button(msg("button_helpful"), f"{FEEDBACK_COMMAND} {topic} {HELPFUL}"),
        Button(msg("button_not_helpful"), f"{FEEDBACK_COMMAND} {topic} {NOT_HELPFUL}"),
    )


async def feedback(ctx: CommandContext, args: str) -> Reply:
    topic, _, verdict = args.strip().partition(" ")
    verdict = verdict.strip().lower()
    if topic not in ctx.knowledge.topics or verdict not in (HELPFUL, NOT_HELPFUL):
        raise UserInputError(ctx.msg("feedback_unknown", given=quote(args)))
    actor = ctx.request.actor
    ctx.services.answer_feedback.add(
        platform=actor.key.platform, workspace=actor.scope, topic=topic, helpful=verdict == HELPFUL
    )
    return Reply(blocks=(Section(ctx.msg("feedback_thanks")),))
