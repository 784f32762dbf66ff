"""Dashboard login links on both engines: used once (a conditional update), until they
expire; sessions until theirs."""

from __future__ import annotations

import asyncio
import datetime as dt

from core.dashboard.models import DashboardModerator
from core.identity import MemberKey
from core.ports import UnitOfWorkFactory

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
MOD = DashboardModerator(MemberKey("discord", "global", "42"), community="6001")


async def add(uow: UnitOfWorkFactory, token_hash: str) -> None:
    async with uow() as work:
        await work.dashboard_logins.add_link(
            MOD, token_hash=token_hash, expires_at=NOW + dt.timedelta(minutes=10), at=NOW
        )
        await work.commit()


async def redeem(uow: UnitOfWorkFactory, token_hash: str, session: str, at: dt.datetime) -> object:
    async with uow() as work:
        found = await work.dashboard_logins.redeem(
            token_hash, session_hash=session, session_expires_at=at + dt.timedelta(hours=8), at=at
        )
        await work.commit()
    return found


async def test_a_link_opens_one_session_even_when_used_twice_at_once(
    uow: UnitOfWorkFactory,
) -> None:
    await add(uow, "a" * 64)
    first, second = await asyncio.gather(
        redeem(uow, "a" * 64, "s1", NOW), redeem(uow, "a" * 64, "s2", NOW)
    )
    assert [first, second].count(None) == 1
    assert MOD in (first, second)
    async with uow() as work:
        opened = [await work.dashboard_logins.session(s, at=NOW) for s in ("s1", "s2")]
    assert [o is None for o in opened].count(True) == 1


async def test_expired_links_and_sessions_open_nothing(uow: UnitOfWorkFactory) -> None:
    await add(uow, "b" * 64)
    assert await redeem(uow, "b" * 64, "late", NOW + dt.timedelta(minutes=10)) is None
    await add(uow, "c" * 64)
    assert await redeem(uow, "c" * 64, "s3", NOW + dt.timedelta(minutes=9)) == MOD
    async with uow() as work:
        later = NOW + dt.timedelta(minutes=9, hours=8)
        assert await work.dashboard_logins.session("s3", at=later - dt.timedelta(seconds=1))
        assert await work.dashboard_logins.session("s3", at=later) is None
        await work.dashboard_logins.end_session("s3", at=NOW)
        await work.commit()
    async with uow() as work:
        assert await work.dashboard_logins.session("s3", at=NOW) is None
