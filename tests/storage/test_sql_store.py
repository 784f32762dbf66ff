"""The SQL storage against real, migrated databases: SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import ADAPTER_TABLES
from bot.database import session_factory
from core.errors import StorageError
from core.identity import MemberKey
from core.ports import UnitOfWorkFactory
from core.storage.sql import SqlUnitOfWork

ALICE = MemberKey("slack", "T1", "U_ALICE")
BOB = MemberKey("slack", "T1", "U_BOB")
AT = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


async def table_rows(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def record(uow: UnitOfWorkFactory, key: MemberKey, toggle: str, off: bool = True) -> None:
    async with uow() as work:
        await work.members.set_toggle(key, marketplace="upwork", toggle=toggle, off=off, at=AT)
        await work.commit()


async def test_migrations_create_the_tables(engine: AsyncEngine) -> None:
    names = await table_names(engine)
    assert {"member", "toggle_status", "faq_topic_count", "alembic_version"} <= names


async def test_toggles_round_trip_with_utc_dates(uow: UnitOfWorkFactory) -> None:
    await record(uow, ALICE, "communications")
    await record(uow, ALICE, "communications", off=False)
    await record(uow, ALICE, "work-product")
    async with uow() as work:
        records = {r.toggle: r for r in await work.members.toggles(ALICE)}
        profile = await work.members.profile(ALICE)
    assert set(records) == {"communications", "work-product"}
    assert not records["communications"].off and records["work-product"].off
    assert records["work-product"].recorded_at == AT
    assert profile is not None and profile.created_at == AT and not profile.muted


async def test_leaving_without_commit_writes_nothing(
    uow: UnitOfWorkFactory, engine: AsyncEngine
) -> None:
    async with uow() as work:
        await work.members.set_toggle(ALICE, marketplace="upwork", toggle="x", off=True, at=AT)
    assert await table_rows(engine, "member") == 0
    assert await table_rows(engine, "toggle_status") == 0


async def test_a_failure_mid_transaction_leaves_no_partial_state(
    uow: UnitOfWorkFactory, engine: AsyncEngine
) -> None:
    too_long = "t" * 40  # too long for PostgreSQL's varchar(32): the driver fails mid-way there
    with pytest.raises((RuntimeError, StorageError)):
        async with uow() as work:
            await work.members.set_toggle(ALICE, marketplace="upwork", toggle="a", off=True, at=AT)
            await work.members.set_toggle(
                ALICE, marketplace="upwork", toggle=too_long, off=True, at=AT
            )
            raise RuntimeError("crash before commit")
    assert await table_rows(engine, "toggle_status") == 0


async def test_driver_errors_become_storage_errors(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("DROP TABLE toggle_status"))
    with pytest.raises(StorageError) as failure:
        async with SqlUnitOfWork(session_factory(engine), adapter_tables=ADAPTER_TABLES) as work:
            await work.members.toggles(ALICE)
    assert failure.value.original is not None


async def test_delete_removes_every_row_about_the_member(
    uow: UnitOfWorkFactory, engine: AsyncEngine
) -> None:
    for toggle in ("communications", "work-product", "other-platform"):
        await record(uow, ALICE, toggle)
    await record(uow, BOB, "communications")
    async with uow() as work:
        assert await work.members.delete(ALICE) == 4
        await work.commit()
    assert await table_rows(engine, "member") == 1
    assert await table_rows(engine, "toggle_status") == 1


async def test_toggle_counts_per_community(uow: UnitOfWorkFactory) -> None:
    toggles = ["communications", "work-product", "other-platform"]
    for toggle in toggles:
        await record(uow, ALICE, toggle)
    await record(uow, BOB, "communications")
    await record(uow, MemberKey("slack", "OTHER", "U_X"), "communications")
    async with uow() as work:
        counts = await work.members.toggle_counts(
            platform="slack", workspace="T1", marketplace="upwork", toggles=toggles
        )
    assert counts.members == 2 and counts.finished == 1
    assert counts.per_toggle == {"communications": 2, "work-product": 1, "other-platform": 1}


async def test_faq_counts_are_per_topic_only(uow: UnitOfWorkFactory, engine: AsyncEngine) -> None:
    for batch in ({("slack", "T1", "what-changed"): 2, ("slack", "T1", None): 1},) * 2:
        async with uow() as work:
            await work.faq_stats.add_counts(batch)  # the second batch adds to the first
            await work.commit()
    async with uow() as work:
        assert await work.faq_stats.topic_counts(platform="slack", workspace="T1") == {
            "what-changed": 4,
            None: 2,
        }
    async with engine.connect() as conn:
        columns = await conn.run_sync(
            lambda sync: [c["name"] for c in inspect(sync).get_columns("faq_topic_count")]
        )
    assert columns == ["platform", "workspace", "topic", "count"]
