"""The dashboard on the real ops server (port 0) over the migrated SQLite app, and a browser-
like client (aiohttp with a cookie jar that accepts 127.0.0.1)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from adapters.dashboard.app import mount
from adapters.dashboard.config import DashboardConfig
from bot.bootstrap import App, build_app
from bot.health import AdapterStatus
from bot.metrics import PrometheusMetrics
from bot.ops_http import OpsEndpoints, RunningServer, start_ops_server
from bot.settings import Settings
from core.dashboard.models import DashboardModerator
from core.dashboard_access import issue_link
from core.faq.engine import FaqEngine
from core.identity import MemberKey
from core.knowledge.community_files import CommunityFiles
from tests.fakes import ManualClock

MOD = MemberKey("slack", "T1", "UMOD")
OTHER_MOD = MemberKey("slack", "T2", "UOTHER")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@dataclass
class Moderators:
    """A platform's moderator rule as the adapters provide it; tests demote members."""

    ids: set[tuple[str, str]] = field(default_factory=set)

    async def is_moderator(self, community: str, user: str) -> bool:
        return (community, user) in self.ids


@dataclass
class Dashboard:
    app: App
    server: RunningServer
    moderators: Moderators
    config: DashboardConfig
    reloads: list[bool]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def client(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            self.url, cookie_jar=aiohttp.CookieJar(unsafe=True), raise_for_status=False
        )

    async def link(self, key: MemberKey = MOD, community: str | None = None) -> str:
        token = await issue_link(
            self.app.core.services, DashboardModerator(key, community or key.workspace)
        )
        return f"/dashboard/login?token={token}"

    async def logged_in(self, key: MemberKey = MOD) -> tuple[aiohttp.ClientSession, str]:
        """A client with a session, and the session's CSRF token."""
        client = self.client()
        async with client.get(await self.link(key)) as response:
            assert response.status == 200, await response.text()
        async with client.get("/dashboard/") as response:
            page = await response.text()
            assert response.status == 200, page
        found = CSRF.search(page)
        assert found is not None
        return client, found[1]


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "community"
    directory.mkdir()
    return directory


@pytest.fixture
async def dashboard(
    settings: Settings, clock: ManualClock, faq_engine: FaqEngine, knowledge_dir: Path
) -> AsyncIterator[Dashboard]:
    app = build_app(
        settings.model_copy(
            update={"public_url": "http://127.0.0.1", "knowledge_dir": knowledge_dir}
        ),
        clock=clock,
        faq=faq_engine,
    )
    moderators = Moderators({("T1", "UMOD"), ("T2", "UOTHER")})
    reloads: list[bool] = []

    async def reload() -> bool:
        reloads.append(True)
        return True

    config = DashboardConfig(
        public_url="http://127.0.0.1",
        checks={"slack": moderators},
        files=CommunityFiles(knowledge_dir),
        reload=reload,
    )
    endpoints = OpsEndpoints(
        engine=app.engine,
        adapters=AdapterStatus(),
        metrics=PrometheusMetrics(),
        mounts=(lambda parent: mount(parent, app.core, config),),
    )
    server = await start_ops_server(endpoints, port=0, host="127.0.0.1")
    try:
        yield Dashboard(app, server, moderators, config, reloads)
    finally:
        await server.stop()
        await app.close()
