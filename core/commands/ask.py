"""`ask`: answer a question from the FAQ, or decline and say what the bot can answer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.commands.feedback import feedback_buttons
from core.commands.inbox import NOTIFY, SEND_COMMAND, TOPICS_COMMAND
from core.errors import UserInputError
from core.faq.engine import FaqEngine, FaqMatch, MatchKind
from core.knowledge import Knowledge
from core.metrics import FAQ_DECLINES
from core.replies import Button, Reply, Section
from core.text import clean_input
from core.topic_suggestions import closest_topics

if TYPE_CHECKING:  # at run time only handlers need them; `gigguard ask` stays light
    from core.commands.context import CommandContext
    from core.commands.registry import Registry

# A command's name is one word or two ("forget me"); a longer declined text is a question.
COMMAND_WORDS = 2


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
    question: str = "",
    send_token: str | None = None,
) -> Reply:
    """The reply for a match; `community` ("platform/workspace") picks the moderators' notes
    and offers answer feedback. A decline suggests the topics closest to `question` and, with
    `send_token` (the declined question held in memory), sending it to the moderators."""
    msg = knowledge.message
    if match.kind is MatchKind.GREETING:
        return Reply(blocks=(Section(msg("greeting")),))
    if match.kind is MatchKind.DECLINE or match.topic is None:
        return _decline(knowledge, match, question, send_token)
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
    if community is not None:
        buttons.extend(feedback_buttons(knowledge, topic.id))
    return Reply(blocks=tuple(blocks), buttons=tuple(buttons), context=knowledge.cite(topic))


def _decline(knowledge: Knowledge, match: FaqMatch, question: str, send_token: str | None) -> Reply:
    """One friendly line, the closest topics, the moderators, and the full list on request."""
    msg = knowledge.message
    closest = closest_topics(knowledge, question, first=match.alternatives)
    buttons = [Button(knowledge.topics[tid].title, f"ask {tid}") for tid in closest]
    if send_token is not None:
        buttons += [
            Button(msg("button_ask_moderators"), f"{SEND_COMMAND} {send_token}"),
            Button(msg("button_ask_moderators_notify"), f"{SEND_COMMAND} {send_token} {NOTIFY}"),
        ]
    buttons.append(Button(msg("button_all_topics"), TOPICS_COMMAND))
    return Reply(blocks=(Section(msg("decline_short")),), buttons=tuple(buttons))


def answer_question(knowledge: Knowledge, faq_match: FaqMatch, question: str = "") -> Answer:
    return Answer(match=faq_match, reply=compose_answer(knowledge, faq_match, question=question))


def answer_text(knowledge: Knowledge, faq: FaqEngine, question: str) -> Answer:
    """Answer one question without a member (`gigguard ask`); nothing is stored."""
    try:
        text = clean_input(question)
    except UserInputError:
        text = ""
    return answer_question(knowledge, faq.match(text), text)


def did_you_mean(
    knowledge: Knowledge, commands: Registry, text: str, *, moderator: bool
) -> Reply | None:
    """The reply to a word or two the FAQ declined that is a command mistyped ("stauts",
    "hlep", "forgte me"): "Did you mean “status”?", with a button that runs it when it needs
    no argument. None for anything else."""
    if len(text.split()) > COMMAND_WORDS:
        return None
    name = commands.closest(text.rstrip("?!. "), moderator=moderator, slips=True)  # "stauts?"
    spec = commands.get(name) if name else None
    if spec is None:
        return None
    runs_alone = spec.accepts("")
    buttons = [Button(spec.name, spec.name)] if runs_alone else []
    buttons.append(Button(knowledge.message("button_all_topics"), TOPICS_COMMAND))
    # The name alone when it runs as it is: "forget-me [confirm]" would invite the confirm.
    line = knowledge.message("command_suggest", command=spec.name if runs_alone else spec.usage)
    return Reply(blocks=(Section(line),), buttons=tuple(buttons))


async def ask(ctx: CommandContext, args: str, *, commands: Registry | None = None) -> Reply:
    """`commands`: the registry, so that a command mistyped in a DM ("stauts") is suggested
    (`did_you_mean`) where the FAQ would decline it."""
    question = args.strip()
    if not question:
        raise UserInputError(ctx.msg("ask_empty"))
    key = ctx.request.actor.key
    community = f"{key.platform}/{ctx.request.actor.scope}"
    if question in ctx.knowledge.topics:  # a "More" or "Did you mean" button
        exact = FaqMatch(kind=MatchKind.ANSWER, topic=question, confidence=1.0)
        return compose_answer(ctx.knowledge, exact, with_details=True, community=community)
    found = await asyncio.to_thread(ctx.services.faq.match, question)  # CPU, off the event loop
    if found.kind is MatchKind.DECLINE and commands is not None:
        moderator = ctx.request.actor.is_moderator
        meant = did_you_mean(ctx.knowledge, commands, question, moderator=moderator)
        if meant is not None:  # a typo, not a question: not counted, not held
            return meant
    if found.kind is MatchKind.DECLINE:
        ctx.services.metrics.count(FAQ_DECLINES, platform=key.platform)
    if found.kind is not MatchKind.GREETING:  # counted in memory, written in batches
        ctx.services.question_counts.add(
            platform=key.platform, workspace=ctx.request.actor.scope, topic=found.topic
        )
    token = None
    if found.kind is MatchKind.DECLINE:  # held in memory until the member sends it, or not
        token = ctx.services.declined.hold(
            question, asker=key, community=ctx.request.actor.scope, now=ctx.now()
        )
    return compose_answer(
        ctx.knowledge, found, community=community, question=question, send_token=token
    )
