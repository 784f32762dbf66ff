"""The platform's language is kept with the member for the DMs sent later: written when a
request reports another one than this process knows, never on every command, listed by my-data,
gone after forget-me, and never kept for a stranger."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.database import session_factory
from core.identity import MemberKey
from core.render_text import render_plain
from core.replies import CodeBlock
from core.requests import Actor, Request
from core.service import Gigguard
from core.storage.platform_language import PlatformLanguageCache
from core.storage.tables import Member
from tests.fakes import Seconds
from tests.statement_counting import StatementCounter, cached_core

ALICE = MemberKey("slack", "T1", "alice")
TTL = 3600.0
PLATFORM_WRITE = "UPDATE member SET platform_language"


def process(engine: AsyncEngine, seconds: Seconds | None = None) -> Gigguard:
    """One process's core: its own caches over the shared database."""
    return cached_core(
        engine, platform_languages=PlatformLanguageCache(ttl=TTL, now=seconds or Seconds())
    )


async def say(core: Gigguard, text: str, locale: str | None = "es-ES") -> str:
    reply = render_plain(await core.handle(Request(Actor(ALICE, locale=locale), text)))
    assert "couldn't" not in reply and "no pude" not in reply.lower()
    return reply


async def stored(engine: AsyncEngine) -> list[str | None]:
    async with session_factory(engine)() as session:
        return list(await session.scalars(select(Member.platform_language)))


async def test_written_once_then_only_when_the_platform_says_another(engine: AsyncEngine) -> None:
    core, seen = process(engine), StatementCounter(engine)
    await say(core, "done communications")
    assert await stored(engine) == ["es"]
    assert seen.starting(PLATFORM_WRITE) == 1
    before = seen.statements
    await say(core, "status")
    assert seen.statements - before == 1  # status stays one read: the language is known here
    await say(core, "done work-product")
    await say(core, "status", locale=None)  # the console, a typed Discord DM: says nothing
    assert seen.starting(PLATFORM_WRITE) == 1 and await stored(engine) == ["es"]
    await say(core, "status", locale="pt-BR")
    assert await stored(engine) == ["pt"] and seen.starting(PLATFORM_WRITE) == 2
    await say(core, "status", locale="fr-FR")  # not spoken here: nothing to answer later in
    assert await stored(engine) == [None] and seen.starting(PLATFORM_WRITE) == 3


async def test_only_the_language_is_stored_never_the_locale(engine: AsyncEngine) -> None:
    await say(process(engine), "done communications", locale="es-419")
    assert await stored(engine) == ["es"]


async def test_a_stranger_is_not_stored_and_costs_no_statement_twice(
    engine: AsyncEngine,
) -> None:
    core, seen = process(engine), StatementCounter(engine)
    await say(core, "status")
    assert await stored(engine) == []  # no member row is created for it
    before = seen.statements
    await say(core, "ask what changed")
    await say(core, "status")
    assert seen.statements - before == 1  # the second status's read; the stranger is remembered
    await say(core, "done communications")  # now a member: the new row gets the language
    assert await stored(engine) == ["es"]


async def test_another_process_that_stored_another_is_corrected_after_the_ttl(
    engine: AsyncEngine,
) -> None:
    seconds = Seconds()
    here, there = process(engine, seconds), process(engine)
    await say(here, "done communications")
    await say(there, "status", locale="pt-BR")
    await say(here, "status")
    assert await stored(engine) == ["pt"]  # this process still trusts what it wrote
    seconds.now += TTL
    await say(here, "status")
    assert await stored(engine) == ["es"]


async def test_my_data_lists_it_and_forget_me_deletes_it(engine: AsyncEngine) -> None:
    core = process(engine)
    await say(core, "done communications")
    reply = await core.handle(Request(Actor(ALICE, locale="es-ES"), "my-data"))
    document = json.loads(next(b.text for b in reply.blocks if isinstance(b, CodeBlock)))
    assert document["platform_language"] == "es" and document["language"] is None
    await say(core, "forget-me confirm")
    assert await stored(engine) == []
    await say(core, "done communications", locale="pt-BR")  # back: written to the new row
    assert await stored(engine) == ["pt"]


def test_what_was_learned_before_a_forget_is_not_kept() -> None:
    """A note that overlapped a forget-me or a new row (another unit of work) is not trusted."""
    cache = PlatformLanguageCache()
    generation = cache.generation()
    cache.forget(ALICE)
    cache.remember(ALICE, "es", generation=generation)
    assert not cache.known(ALICE, "es")
    cache.remember(ALICE, "es", generation=cache.generation())
    assert cache.known(ALICE, "es") and not cache.known(ALICE, "pt")
