"""The ops endpoints on port 0, against the real SQLite app from the shared fixtures."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.bootstrap import App
from bot.database import upgrade_database
from bot.health import AdapterStatus
from bot.metrics import PrometheusMetrics
from bot.ops_http import OpsEndpoints, start_ops_server
from core.metrics import COMMANDS_HANDLED, DELIVERIES, FAQ_DECLINES, RATE_LIMIT_WAITS
from tests import postgres

Get = Callable[[str], Awaitable[tuple[int, Any]]]


@pytest.fixture
def adapters() -> AdapterStatus:
    status = AdapterStatus()
    status.connected("console")
    return status


@pytest.fixture
def metrics() -> PrometheusMetrics:
    return PrometheusMetrics()


@asynccontextmanager
async def serving(
    engine: AsyncEngine,
    adapters: AdapterStatus,
    metrics: PrometheusMetrics,
    database_timeout: float = 2.0,
) -> AsyncIterator[Get]:
    endpoints = OpsEndpoints(
        engine=engine, adapters=adapters, metrics=metrics, database_timeout=database_timeout
    )
    server = await start_ops_server(endpoints, port=0, host="127.0.0.1")
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http:

            async def get(path: str) -> tuple[int, Any]:
                async with http.get(path) as response:
                    if response.content_type == "application/json":
                        return response.status, await response.json()
                    return response.status, await response.text()

            yield get
    finally:
        await server.stop()


@pytest.fixture
async def ops(app: App, adapters: AdapterStatus, metrics: PrometheusMetrics) -> AsyncIterator[Get]:
    async with serving(app.engine, adapters, metrics) as get:
        yield get


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def ops_without_database(
    adapters: AdapterStatus, metrics: PrometheusMetrics
) -> AsyncIterator[Get]:
    # A PostgreSQL server that is down: nothing listens, connections are refused at once.
    # (Not a SQLite file in a missing directory: aiosqlite's worker thread then outlives
    # the failed connect and reports to a closed loop after the test.)
    engine = create_async_engine(f"postgresql+asyncpg://bot:pw@127.0.0.1:{closed_port()}/bot")
    try:
        async with serving(engine, adapters, metrics) as get:
            yield get
    finally:
        await engine.dispose()


async def test_healthy_when_database_answers_and_adapters_are_connected(ops: Get) -> None:
    status, body = await ops("/healthz")
    assert status == 200
    assert body == {
        "status": "ok",
        "database": {"ok": True, "error": None, "reason": None},
        "adapters": {"console": "connected"},
    }


async def test_unhealthy_when_an_adapter_disconnects(ops: Get, adapters: AdapterStatus) -> None:
    adapters.connected("discord")
    adapters.disconnected("discord")
    status, body = await ops("/healthz")
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["database"]["ok"] is True
    assert body["adapters"] == {"console": "connected", "discord": "disconnected"}

    adapters.connected("discord")  # reconnected
    assert (await ops("/healthz"))[0] == 200


async def test_unhealthy_when_the_database_is_unreachable(ops_without_database: Get) -> None:
    status, body = await ops_without_database("/healthz")
    assert status == 503
    assert body["database"]["ok"] is False
    assert body["database"]["error"] == "ConnectionRefusedError"
    assert body["database"]["reason"].startswith("cannot reach the database")
    assert body["adapters"] == {"console": "connected"}


async def test_unhealthy_when_the_database_does_not_answer_in_time(
    adapters: AdapterStatus, metrics: PrometheusMetrics
) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # accept the connection, never speak PostgreSQL, until dropped
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    engine = create_async_engine(f"postgresql+asyncpg://bot:pw@127.0.0.1:{port}/bot")
    try:
        async with serving(engine, adapters, metrics, database_timeout=0.2) as get:
            status, body = await get("/healthz")
    finally:
        await engine.dispose()
        server.close()
        await server.wait_closed()
    assert status == 503
    assert body["database"]["ok"] is False and body["database"]["error"] == "TimeoutError"


async def test_degraded_when_the_database_answers_reads_but_refuses_writes(
    postgres_server_url: str, adapters: AdapterStatus, metrics: PrometheusMetrics
) -> None:
    """SELECT 1 still works on a read-only PostgreSQL; the bot, which must write, does not."""
    await postgres.reset_schema(postgres_server_url)
    await asyncio.to_thread(upgrade_database, postgres_server_url)
    name = postgres_server_url.rsplit("/", 1)[1]
    await postgres.admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    engine = create_async_engine(postgres_server_url)
    try:
        async with serving(engine, adapters, metrics) as get:
            status, body = await get("/healthz")
    finally:
        await engine.dispose()
        await postgres.admin(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
    assert status == 503 and body["status"] == "unhealthy"
    assert body["database"]["ok"] is False
    assert body["database"]["reason"].startswith("the database refuses writes")
    assert "read-only" in body["database"]["reason"]


def value(exposition: str, name: str, **labels: str) -> float | None:
    """One sample's value, parsed with prometheus_client's own parser."""
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


async def test_metrics_expose_the_counters_in_prometheus_text_format(
    ops: Get, metrics: PrometheusMetrics
) -> None:
    metrics.count(COMMANDS_HANDLED, command="status", platform="slack")
    metrics.count(COMMANDS_HANDLED, command="status", platform="slack")
    metrics.count(COMMANDS_HANDLED, command="guide", platform="discord")
    metrics.count(FAQ_DECLINES, platform="slack")
    metrics.count(DELIVERIES, platform="discord", outcome="sent")
    metrics.count(DELIVERIES, platform="discord", outcome="failed")
    metrics.count(RATE_LIMIT_WAITS, platform="discord")

    status, text = await ops("/metrics")
    assert status == 200
    commands = "gigguard_commands_handled_total"
    assert value(text, commands, command="status", platform="slack") == 2
    assert value(text, commands, command="guide", platform="discord") == 1
    assert value(text, commands, command="guide", platform="slack") is None
    assert value(text, "gigguard_faq_declines_total", platform="slack") == 1
    assert value(text, "gigguard_deliveries_total", platform="discord", outcome="sent") == 1
    assert value(text, "gigguard_deliveries_total", platform="discord", outcome="failed") == 1
    assert value(text, "gigguard_rate_limit_waits_total", platform="discord") == 1


def test_each_app_counts_in_its_own_registry() -> None:
    first, second = PrometheusMetrics(), PrometheusMetrics()
    first.count(FAQ_DECLINES, platform="console")
    assert b'gigguard_faq_declines_total{platform="console"} 1.0' in first.exposition()
    assert b"gigguard_faq_declines_total{" not in second.exposition()


def test_an_unknown_counter_or_wrong_labels_fail_loudly(metrics: PrometheusMetrics) -> None:
    with pytest.raises(ValueError, match="unknown metric 'commands'"):
        metrics.count("commands", command="status", platform="slack")
    with pytest.raises(ValueError):
        metrics.count(COMMANDS_HANDLED, command="status")
