"""Reload policy knowledge and the FAQ index without a restart.

Triggers: SIGHUP to `gigguard run` (this host), or `gigguard knowledge reload`, which validates
the files and bumps the generation row in the database; every `gigguard run` polls that row
(one primary-key read every ~10 s) and reloads when it changes, so it works across hosts and
containers sharing the database. A bad file is rejected with its file, line, field and reason
in the log, and the knowledge already loaded keeps serving. Files are read in a worker
thread, so acks and heartbeats keep flowing on the event loop meanwhile.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.settings import Settings
from core.faq.dataset import FaqDataError
from core.faq.engine import FaqEngine
from core.faq.factory import build_faq_engine
from core.knowledge import Knowledge, KnowledgeError, load_knowledge
from core.outage import Outage
from core.service import Gigguard
from core.storage.tables import KnowledgeGeneration

log = logging.getLogger(__name__)

POLL_SECONDS = 10.0


def load_from_disk(settings: Settings) -> tuple[Knowledge, FaqEngine]:
    """The shipped knowledge plus GIGGUARD_KNOWLEDGE_DIR, and the FAQ index built from both."""
    knowledge = load_knowledge(overrides=settings.knowledge_dir)
    return knowledge, build_faq_engine(knowledge)


Loader = Callable[[Settings], tuple[Knowledge, FaqEngine]]
_background: set[asyncio.Task[bool]] = set()  # SIGHUP reloads in flight (tasks need a reference)


async def reload_core(core: Gigguard, settings: Settings, load: Loader = load_from_disk) -> bool:
    """Swap in the files on disk; on any error keep serving what is loaded and log why."""
    try:
        knowledge, faq = await asyncio.to_thread(load, settings)
    except (KnowledgeError, FaqDataError) as exc:
        log.error("knowledge reload rejected, the previous knowledge keeps serving: %s", exc)
        return False
    core.reload(knowledge, faq)
    log.info(
        "knowledge reloaded: %d topics, %d marketplaces",
        len(knowledge.topics),
        len(knowledge.guides),
    )
    return True


async def reload_everywhere(core: Gigguard, settings: Settings, engine: AsyncEngine) -> bool:
    """Reload here at once, then bump the generation so every other `gigguard run` follows."""
    if not await reload_core(core, settings):
        return False
    await bump_generation(engine)
    return True


def reload_in_background(core: Gigguard, settings: Settings) -> None:
    """For the SIGHUP handler, which cannot await: reload as a task of the running loop."""
    task = asyncio.get_running_loop().create_task(reload_core(core, settings))
    _background.add(task)
    task.add_done_callback(_background.discard)


async def current_generation(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        found = await conn.scalar(select(col(KnowledgeGeneration.generation)))
    return int(found or 0)


async def bump_generation(engine: AsyncEngine) -> int:
    async with engine.begin() as conn:
        await conn.execute(
            update(KnowledgeGeneration).values(
                generation=col(KnowledgeGeneration.generation) + 1,
                updated_at=dt.datetime.now(dt.UTC),
            )
        )
        found = await conn.scalar(select(col(KnowledgeGeneration.generation)))
    return int(found or 0)


async def watch_generation(
    core: Gigguard,
    engine: AsyncEngine,
    settings: Settings,
    *,
    every: float = POLL_SECONDS,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Reload whenever the generation row changes. Runs until cancelled, through database
    outages too: any failure to read the row (asyncpg raises plain OSErrors such as
    ConnectionRefusedError, not only SQLAlchemy's errors) is retried with back-off."""
    seen: int | None = None
    outage = Outage("knowledge reload", log, base=every)
    while True:
        pause = every
        try:
            generation = await current_generation(engine)
        except Exception as exc:  # this task's one boundary: it must outlive any outage
            pause = outage.failed(exc)
        else:
            outage.succeeded()
            if seen is not None and generation != seen:
                log.info("knowledge generation %d -> %d: reloading", seen, generation)
                await reload_core(core, settings)
            seen = generation
        await sleep(pause)
