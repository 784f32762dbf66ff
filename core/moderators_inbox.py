"""The moderators' inbox: what `inbox` and the dashboard's Inbox page both call.

A member sends a declined question (held in memory by core/inbox/pending.py) with one click;
only then is it stored, scrubbed, with the community and the day. Moderators see open
questions grouped, answer a group (it becomes a community FAQ entry, applied with a live
reload, and every asker who wanted to know is told by DM through the outbox) or dismiss it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import UserInputError
from core.inbox.entry import EntryError, build_entry
from core.inbox.grouping import group_questions
from core.inbox.models import QuestionGroup
from core.inbox.scrub import scrub
from core.knowledge import KnowledgeError
from core.knowledge.community_files import FAQ, SOURCES

if TYPE_CHECKING:  # annotations only: `gigguard ask` reaches this module without the services
    from core.requests import Actor
    from core.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Answered:
    topic: str
    notified: int  # DMs queued to members who asked to hear of the answer
    reloaded: bool  # False: saved, but the reload refused the files (see the log)


def _scope(actor: Actor) -> dict[str, str]:
    return {"platform": actor.key.platform, "community": actor.scope}


async def send(services: Services, actor: Actor, token: str, *, notify: bool) -> int:
    """Store the declined question behind `token`; with `notify`, the asker's id with it."""
    held = services.declined.take(
        token, asker=actor.key, community=actor.scope, now=services.clock.now()
    )
    if held is None:
        raise UserInputError(services.knowledge.message("inbox_gone"))
    async with services.uow() as uow:
        question_id = await uow.inbox.add(
            **_scope(actor),
            text=scrub(held),
            on=services.clock.now().date(),
            notify=actor.key if notify else None,
        )
        await uow.commit()
    return question_id


async def groups(services: Services, actor: Actor) -> list[QuestionGroup]:
    async with services.uow() as uow:
        questions = await uow.inbox.open_questions(**_scope(actor))
    return group_questions(questions)


async def _group(services: Services, actor: Actor, group_id: int) -> QuestionGroup:
    for group in await groups(services, actor):
        if group.id == group_id:
            return group
    raise UserInputError(services.knowledge.message("inbox_no_group", given=group_id))


async def answer(services: Services, actor: Actor, group_id: int, text: str) -> Answered:
    """Save the answer as a community FAQ entry, reload, close the group, queue the DMs.

    The group is closed in the same transaction that is committed only once the files are
    saved, so a refused answer leaves the inbox as it was."""
    msg = services.knowledge.message
    editable = services.editable_knowledge
    if editable is None:
        raise UserInputError(msg("inbox_no_knowledge_dir"))
    group = await _group(services, actor, group_id)
    now = services.clock.now()
    try:
        entry = build_entry(services.knowledge, group, text, now.date())
    except EntryError as exc:
        raise UserInputError(msg(exc.key, **exc.values)) from exc
    changes = {FAQ: editable.files.faq_with(entry.topic)}
    if entry.new_source is not None:
        changes[SOURCES] = editable.files.sources_with(entry.new_source)
    async with services.uow() as uow:
        notified = await uow.inbox.answer(
            [q.id for q in group.questions],
            **_scope(actor),
            topic=entry.topic.id,
            answer=entry.topic.answer,
            at=now,
        )
        try:
            editable.files.save(changes)
        except KnowledgeError as exc:
            raise UserInputError(msg("inbox_answer_refused", reason=str(exc))) from exc
        await uow.commit()
    reloaded = await editable.reload()
    if not reloaded:
        log.error("inbox answer %s saved but the knowledge reload was refused", entry.topic.id)
    return Answered(topic=entry.topic.id, notified=notified, reloaded=reloaded)


async def dismiss(services: Services, actor: Actor, group_id: int) -> int:
    group = await _group(services, actor, group_id)
    async with services.uow() as uow:
        gone = await uow.inbox.dismiss([q.id for q in group.questions], **_scope(actor))
        await uow.commit()
    return gone
