"""The DM that tells a member the moderators answered the question they sent."""

from __future__ import annotations

from core.inbox.models import AnsweredQuestion
from core.knowledge import Knowledge
from core.replies import Reply, Section
from core.text import quote


def answered_reply(knowledge: Knowledge, answered: AnsweredQuestion) -> Reply:
    msg = knowledge.message
    asked = msg(
        "inbox_answered_asked", date=answered.asked_on.isoformat(), question=quote(answered.text)
    )
    return Reply(
        blocks=(Section(answered.answer, title=msg("inbox_answered_title")), Section(asked)),
        ephemeral=False,
    )
