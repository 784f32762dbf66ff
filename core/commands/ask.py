"""`ask`: answer a question from the FAQ, or decline and say what the bot can answer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import UserInputError
from core.faq.engine import FaqEngine, FaqMatch, MatchKind
from core.knowledge import Knowledge
from core.metrics import FAQ_DECLINES
from core.replies import Button, Reply, Section
from core.text import clean_input

if TYPE_CHECKING:  # at run time only handlers need it; `gigguard ask` stays light
    from core.commands.context import CommandContext


@dataclass(frozen=True, slots=True)
class Answer:
    """A question's match and the text the bot replies with (shared by `ask` and `gigguard ask`)."""

    match: FaqMatch
    reply: Reply


def compose_answer(
    knowledge: Knowledge,
    match: FaqMatch,
    *,
    with_details: bool = False,
    community: str | None = None,
) -> Reply:
    """The reply for a match; `community` ("platform/workspace") picks the moderators' notes."""
    msg = knowledge.message
    if match.kind is MatchKind.GREETING:
        return Reply(blocks=(Section(msg("greeting")),))
    if match.kind is MatchKind.DECLINE or match.topic is None:
        titles = "\n".join(f"• {t.title}" for t in knowledge.topics.values())
        return Reply(
            blocks=(Section(msg("decline", topics=titles)),),
            buttons=(Button(msg("button_help"), "help"),),
        )
    topic = knowledge.topics[match.topic]
    blocks = [Section(topic.answer, title=topic.title)]
    blocks.extend(
        Section(note, title=msg("community_note"))
        for note in knowledge.notes_for(topic.id, community)
    )
    buttons: list[Button] = []
    if topic.details and with_details:
        blocks.append(Section(topic.details))
    elif topic.details:
        buttons.append(Button(msg("button_more"), f"ask {topic.id}"))
    if match.alternatives:
        buttons.extend(
            Button(msg("button_did_you_mean", title=knowledge.topics[alt].title), f"ask {alt}")
            for alt in match.alternatives
            if alt in knowledge.topics
        )
    return Reply(blocks=tuple(blocks), buttons=tuple(buttons), context=knowledge.cite(topic))


def answer_question(knowledge: Knowledge, faq_match: FaqMatch) -> Answer:
    return Answer(match=faq_match, reply=compose_answer(knowledge, faq_match))


def answer_text(knowledge: Knowledge, faq: FaqEngine, question: str) -> Answer:
    """Answer one question without a member (`gigguard ask`); nothing is stored."""
    try:
        text = clean_input(question)
    except UserInputError:
        text = ""
    return answer_question(knowledge, faq.match(text))


async def ask(ctx: CommandContext, args: str) -> Reply:
    question = args.strip()
    if not question:
        raise UserInputError(ctx.msg("ask_empty"))
    key = ctx.request.actor.key
    community = f"{key.platform}/{ctx.request.actor.scope}"
    if question in ctx.knowledge.topics:  # a "More" or "Did you mean" button
        exact = FaqMatch(kind=MatchKind.ANSWER, topic=question, confidence=1.0)
        return compose_answer(ctx.knowledge, exact, with_details=True, community=community)
    found = await asyncio.to_thread(ctx.services.faq.match, question)  # CPU, off the event loop
    if found.kind is MatchKind.DECLINE:
        ctx.services.metrics.count(FAQ_DECLINES, platform=key.platform)
    if found.kind is not MatchKind.GREETING:  # counted in memory, written in batches
        ctx.services.question_counts.add(
            platform=key.platform, workspace=ctx.request.actor.scope, topic=found.topic
        )
    return compose_answer(ctx.knowledge, found, community=community)
