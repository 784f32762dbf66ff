"""Community scoping on both engines: a Discord server's moderator sees and reaches only members
who used the bot in that server, although Discord identities are global."""

from __future__ import annotations

import datetime as dt

from core.identity import MemberKey
from core.outbox import Audience
from core.ports import UnitOfWorkFactory

AT = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
TOGGLES = ["communications", "work-product", "other-platform"]


def discord(user: str) -> MemberKey:
    return MemberKey("discord", "global", user)


async def seed(uow: UnitOfWorkFactory) -> None:
    """Five members used the bot in server G1, two in G2 (one of them in both), one never joined."""
    members = {"a": ["G1"], "b": ["G1"], "c": ["G1"], "d": ["G1"], "e": ["G1", "G2"], "f": ["G2"]}
    async with uow() as work:
        for user, servers in members.items():
            await work.members.set_toggle(
                discord(user), marketplace="upwork", toggle="communications", off=True, at=AT
            )
            for server in servers:
                await work.members.join_community(discord(user), server)
        await work.members.set_toggle(
            discord("loner"), marketplace="upwork", toggle="work-product", off=True, at=AT
        )
        await work.members.join_community(discord("stranger"), "G1")  # unknown: not recorded
        await work.members.set_toggle(
            MemberKey("slack", "G1", "U1"),
            marketplace="upwork",
            toggle="communications",
            off=True,
            at=AT,
        )  # another platform's workspace with the same id must not leak in
        await work.commit()


async def test_stats_count_only_the_servers_members(uow: UnitOfWorkFactory) -> None:
    await seed(uow)
    async with uow() as work:
        g1 = await work.members.toggle_counts(
            platform="discord", workspace="G1", marketplace="upwork", toggles=TOGGLES
        )
        g2 = await work.members.toggle_counts(
            platform="discord", workspace="G2", marketplace="upwork", toggles=TOGGLES
        )
    assert (g1.members, g1.per_toggle["communications"]) == (5, 5)
    assert (g2.members, g2.per_toggle["communications"]) == (2, 2)


async def test_broadcast_audience_is_the_servers_members(uow: UnitOfWorkFactory) -> None:
    await seed(uow)
    async with uow() as work:
        size, known = await work.broadcasts.audience(
            platform="discord", workspace="G2", audience=Audience.ALL, finished=[]
        )
    assert size == 2 and known == {"e", "f"}


async def test_memberships_are_exported_and_forgotten(uow: UnitOfWorkFactory) -> None:
    await seed(uow)
    async with uow() as work:
        assert await work.members.communities(discord("e")) == ["G1", "G2"]
        assert await work.members.communities(discord("stranger")) == []
        assert await work.members.delete(discord("e")) == 4  # toggle, two memberships, member
        await work.commit()
    async with uow() as work:
        assert await work.members.communities(discord("e")) == []
        g1 = await work.members.toggle_counts(
            platform="discord", workspace="G1", marketplace="upwork", toggles=TOGGLES
        )
    assert g1.members == 4
