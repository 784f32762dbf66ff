"""A Discord member's membership of a server is written once per process, not on every command,
and a `forget-me` (here or in another process) never leaves a returning member out of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import ADAPTER_TABLES
from bot.database import create_engine, session_factory
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.render_text import render_plain
from core.requests import Actor, Request
from core.service import Gigguard
from core.storage.membership_cache import MembershipCache
from core.storage.policy_cache import PolicyCache
from core.storage.sql import SqlUnitOfWork
from tests.fakes import FixedFaq, ManualClock, Seconds
from tests.services import make_services

SERVER = "G1"
BOB = MemberKey("discord", "global", "bob")
TTL = 60.0


class Writes:
    """Statements that write to member_community, seen on the engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)

    def _statement(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        self.count += statement.startswith("INSERT INTO member_community")


@pytest.fixture
async def engine(any_database_url: str) -> AsyncIterator[AsyncEngine]:
    built = create_engine(any_database_url)
    yield built
    await built.dispose()


def process(engine: AsyncEngine, seconds: Seconds) -> Gigguard:
    """One process's core: its own caches over the shared database."""
    uow = partial(
        SqlUnitOfWork,
        session_factory(engine),
        adapter_tables=ADAPTER_TABLES,
        policy_cache=PolicyCache(ttl=3600),
        memberships=MembershipCache(ttl=TTL, now=seconds),
    )
    return Gigguard(
        make_services(
            knowledge=load_knowledge(),
            uow=uow,
            faq=FixedFaq(),
            clock=ManualClock(),
        )
    )


async def say(core: Gigguard, text: str) -> str:
    reply = render_plain(await core.handle(Request(Actor(BOB, community=SERVER), text)))
    assert "couldn't" not in reply
    return reply


async def servers(core: Gigguard) -> list[str]:
    async with core.services.uow() as uow:
        return await uow.members.communities(BOB)


async def test_a_membership_is_written_once(engine: AsyncEngine) -> None:
    core, writes = process(engine, Seconds()), Writes(engine)
    await say(core, "status")  # a stranger: nothing recorded, and nothing remembered
    assert await servers(core) == []
    await say(core, "done communications")
    assert await servers(core) == [SERVER]
    written = writes.count
    for text in ("status", "done work-product", "ask what changed", "status"):
        await say(core, text)
    assert writes.count == written


async def test_a_membership_read_with_the_toggles_is_not_written_again(
    engine: AsyncEngine,
) -> None:
    await say(process(engine, Seconds()), "done communications")
    restarted, writes = process(engine, Seconds()), Writes(engine)
    await say(restarted, "status")  # the read says bob is in the server already
    await say(restarted, "ask what changed")
    assert writes.count == 0


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
