"""SQL statements per command, counted on a real engine (deterministic, unlike times).

The budget (issue 17): `status` one read; `done`/`undo` one short transaction (two statements
for a known member); `ask` nothing on its path, its count written by the periodic flush in one
statement; policy updates read once per community until one is recorded; the members'
languages read once for all of them, not once per member.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.database import create_engine
from core.identity import MemberKey
from core.render_text import render_plain
from core.requests import Actor, Request
from core.service import Gigguard
from tests.fakes import ManualClock
from tests.statement_counting import StatementCounter, cached_core

ALICE = MemberKey("slack", "T1", "alice")
MOD = MemberKey("slack", "T1", "mod")


class Counted(StatementCounter):
    """Also what one command costs: (statements, commits)."""

    async def of(
        self, core: Gigguard, text: str, who: MemberKey = ALICE, server: str | None = None
    ) -> tuple[int, int]:
        before = (self.statements, self.commits)
        actor = Actor(who, is_moderator=who == MOD, community=server)
        reply = await core.handle(Request(actor, text))
        assert "couldn't" not in render_plain(reply)
        return self.statements - before[0], self.commits - before[1]


@pytest.fixture
async def engine(any_database_url: str) -> AsyncIterator[AsyncEngine]:
    built = create_engine(any_database_url)
    yield built
    await built.dispose()


@pytest.fixture
def core(engine: AsyncEngine, clock: ManualClock) -> Gigguard:
    return cached_core(engine, clock=clock)


async def test_statements_per_command(core: Gigguard, engine: AsyncEngine) -> None:
    count = Counted(engine)
    # toggles + the community's policy updates + the members' languages (/optout lang)
    assert await count.of(core, "status") == (3, 0)
    assert await count.of(core, "status") == (1, 0)  # policy updates, language: from the caches
    assert await count.of(core, "done communications") == (4, 1)  # a new member: created first
    assert await count.of(core, "done work-product") == (2, 1)  # upsert + read, one transaction
    assert await count.of(core, "undo work-product") == (2, 1)
    assert await count.of(core, "ask what changed") == (0, 0)  # counted in memory
    assert await count.of(core, "ask what changed") == (0, 0)
    before = count.statements
    assert await core.services.question_counts.flush(core.services.uow) == 2
    assert count.statements - before == 1  # every pending count in one statement


async def test_commands_in_a_discord_server(core: Gigguard, engine: AsyncEngine) -> None:
    count = Counted(engine)
    bob = MemberKey("discord", "global", "bob")
    # A new member: their language, created, toggle recorded, read back; then the membership,
    # once.
    assert await count.of(core, "done communications", bob, "G1") == (7, 2)
    assert await count.of(core, "status", bob, "G1") == (2, 0)  # + G1's policy updates, cached
    assert await count.of(core, "status", bob, "G1") == (1, 0)  # the same as outside a server
    assert await count.of(core, "done work-product", bob, "G1") == (2, 1)
    assert await count.of(core, "ask what changed", bob, "G1") == (0, 0)


async def test_a_policy_update_recorded_here_is_seen_at_once(
    core: Gigguard, engine: AsyncEngine
) -> None:
    count = Counted(engine)
    await count.of(core, "done communications")
    assert await count.of(core, "status") == (1, 0)
    await count.of(core, "policy-update upwork Upwork changed its settings page", who=MOD)
    assert await count.of(core, "status") == (2, 0)  # the cache entry was dropped on commit
    assert "re-check" in render_plain(await core.handle(Request(Actor(ALICE), "status"))).lower()


async def test_a_language_set_here_is_seen_at_once(core: Gigguard, engine: AsyncEngine) -> None:
    count = Counted(engine)
    await count.of(core, "status")
    assert await count.of(core, "status") == (1, 0)  # the language comes from the cache
    await count.of(core, "lang es")
    assert await count.of(core, "status") == (1, 0)  # the change was applied on commit
    assert "Datos de comunicaciones" in render_plain(
        await core.handle(Request(Actor(ALICE), "status"))
    )


async def test_each_member_costs_the_same_statements(core: Gigguard, engine: AsyncEngine) -> None:
    """Many members, each seen once (a large community): no per-member language read."""
    members = [MemberKey("slack", "T1", f"member{i}") for i in range(4)]
    for member in members:
        await core.handle(Request(Actor(member), "done communications"))
    count = Counted(engine)
    for member in reversed(members):
        assert await count.of(core, "status", member) == (1, 0)
        assert await count.of(core, "done work-product", member) == (2, 1)
        assert await count.of(core, "undo work-product", member) == (2, 1)
    strangers = [MemberKey("slack", "T1", f"stranger{i}") for i in range(3)]
    for stranger in strangers:
        assert await count.of(core, "ask what changed", stranger) == (0, 0)
        assert await count.of(core, "status", stranger) == (1, 0)
