"""Pooled PostgreSQL connections that died while waiting in the pool are replaced when they are
handed out, so the first command after the database comes back succeeds, without the three
round trips of `pool_pre_ping` on every checkout (bot/database.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.database import create_engine
from tests import postgres
from tests.tcp_proxy import TcpProxy
from tests.waiting import until

NEVER = 3600.0  # an idle time no test reaches: no ping


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    server = TcpProxy(postgres.PG_HOST, postgres.PG_PORT)
    await server.start()
    yield server
    await server.cut()


def through(proxy: TcpProxy, url: str, *, idle_ping_seconds: float) -> AsyncEngine:
    proxied = url.replace(f":{postgres.PG_PORT}/", f":{proxy.port}/")
    return create_engine(proxied, pool_size=1, idle_ping_seconds=idle_ping_seconds)


async def one(engine: AsyncEngine) -> object:
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT 1"))).scalar()


async def test_a_connection_the_server_closed_is_replaced_without_a_ping(
    postgres_server_url: str, proxy: TcpProxy
) -> None:
    engine = through(proxy, postgres_server_url, idle_ping_seconds=NEVER)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            driver = (await conn.get_raw_connection()).driver_connection
        await proxy.cut()  # as a restart does: the pooled connection's socket closes
        await until(lambda: driver.is_closed(), what="the driver to notice the closed socket")
        await proxy.start()
        assert await one(engine) == 1
    finally:
        await engine.dispose()


async def test_an_idle_connection_dropped_silently_is_pinged_and_replaced(
    postgres_server_url: str, proxy: TcpProxy
) -> None:
    engine = through(proxy, postgres_server_url, idle_ping_seconds=0.0)  # always idle enough
    try:
        assert await one(engine) == 1
        proxy.drop_silently()
        assert await one(engine) == 1
    finally:
        await engine.dispose()


async def test_a_connection_in_steady_use_is_not_pinged(
    postgres_server_url: str, proxy: TcpProxy
) -> None:
    """The price of not pinging: a connection dropped silently fails the one command that finds
    it, and the pool is renewed for the next."""
    engine = through(proxy, postgres_server_url, idle_ping_seconds=NEVER)
    try:
        assert await one(engine) == 1
        proxy.drop_silently()
        with pytest.raises(DBAPIError):
            await one(engine)
        assert await one(engine) == 1
    finally:
        await engine.dispose()
