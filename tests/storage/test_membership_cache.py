"""A Discord member's membership of a server is written once per process, not on every command,
and a `forget-me` (here or in another process) never leaves a returning member out of it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from core.identity import MemberKey
from core.render_text import render_plain
from core.requests import Actor, Request
from core.service import Gigguard
from core.storage.membership_cache import MembershipCache
from tests.fakes import Seconds
from tests.statement_counting import StatementCounter, cached_core

SERVER = "G1"
BOB = MemberKey("discord", "global", "bob")
TTL = 60.0
MEMBERSHIP_WRITE = "INSERT INTO member_community"


def process(engine: AsyncEngine, seconds: Seconds) -> Gigguard:
    """One process's core: its own caches over the shared database."""
    return cached_core(engine, memberships=MembershipCache(ttl=TTL, now=seconds))


async def say(core: Gigguard, text: str) -> str:
    reply = render_plain(await core.handle(Request(Actor(BOB, community=SERVER), text)))
    assert "couldn't" not in reply
    return reply


async def servers(core: Gigguard) -> list[str]:
    async with core.services.uow() as uow:
        return await uow.members.communities(BOB)


async def test_a_membership_is_written_once(engine: AsyncEngine) -> None:
    core, statements = process(engine, Seconds()), StatementCounter(engine)
    await say(core, "status")  # a stranger: nothing recorded, and nothing remembered
    assert await servers(core) == []
    await say(core, "done communications")
    assert await servers(core) == [SERVER]
    written = statements.starting(MEMBERSHIP_WRITE)
    for text in ("status", "done work-product", "ask what changed", "status"):
        await say(core, text)
    assert statements.starting(MEMBERSHIP_WRITE) == written


async def test_a_membership_read_with_the_toggles_is_not_written_again(
    engine: AsyncEngine,
) -> None:
    await say(process(engine, Seconds()), "done communications")
    restarted, statements = process(engine, Seconds()), StatementCounter(engine)
    await say(restarted, "status")  # the read says bob is in the server already
    await say(restarted, "ask what changed")
    assert statements.starting(MEMBERSHIP_WRITE) == 0


async def test_forget_me_then_coming_back_joins_again(engine: AsyncEngine) -> None:
    core = process(engine, Seconds())
    await say(core, "done communications")
    await say(core, "forget-me confirm")
    assert await servers(core) == []
    await say(core, "done communications")
    assert await servers(core) == [SERVER]


async def test_a_forget_me_in_another_process_heals_within_the_ttl(engine: AsyncEngine) -> None:
    seconds = Seconds()
    here, there = process(engine, seconds), process(engine, Seconds())
    await say(here, "done communications")
    await say(there, "forget-me confirm")
    seconds.now += TTL  # this process's entry for bob is now too old to trust
    await say(here, "done communications")
    assert await servers(here) == [SERVER]
