"""The operations endpoints: GET /healthz for probes, GET /metrics for Prometheus; the
moderators' dashboard is mounted beside them (one aiohttp server on GIGGUARD_HTTP_PORT)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.health import DATABASE_TIMEOUT, AdapterStatus, check_database
from bot.metrics import PrometheusMetrics

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


@dataclass(frozen=True, slots=True)
class OpsEndpoints:
    engine: AsyncEngine
    adapters: AdapterStatus
    metrics: PrometheusMetrics
    database_timeout: float = DATABASE_TIMEOUT
    mounts: tuple[Callable[[web.Application], None], ...] = ()  # e.g. the dashboard

    async def healthz(self, _request: web.Request) -> web.Response:
        database = await check_database(self.engine, timeout=self.database_timeout)
        adapters = self.adapters.snapshot()
        healthy = database.ok and all(adapters.values())
        body = {
            "status": "ok" if healthy else "unhealthy",
            "database": {"ok": database.ok, "error": database.error, "reason": database.reason},
            "adapters": {
                name: "connected" if up else "disconnected" for name, up in adapters.items()
            },
        }
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_text(self, _request: web.Request) -> web.Response:
        return web.Response(
            body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(HEALTH_PATH, self.healthz)
        app.router.add_get(METRICS_PATH, self.metrics_text)
        for mount in self.mounts:
            mount(app)
        return app


@dataclass(frozen=True, slots=True)
class RunningServer:
    runner: web.AppRunner
    port: int

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_ops_server(
    endpoints: OpsEndpoints, *, port: int, host: str = "0.0.0.0"
) -> RunningServer:
    """Listen on `port` (0: any free one; the bound port is returned)."""
    runner = web.AppRunner(endpoints.web_app(), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    bound = runner.addresses[0][1]
    log.info("ops: serving %s and %s on %s:%d", HEALTH_PATH, METRICS_PATH, host, bound)
    return RunningServer(runner=runner, port=bound)


async def serve_ops(endpoints: OpsEndpoints, *, port: int, host: str = "0.0.0.0") -> None:
    """Serve until cancelled, like the adapters, so the runner treats it as one more task."""
    server = await start_ops_server(endpoints, port=port, host=host)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()
