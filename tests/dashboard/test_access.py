"""Every access rule of the dashboard, over HTTP against the real server."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import replace

import aiohttp
from sqlalchemy import text

from adapters.dashboard.app import mount
from bot.health import AdapterStatus
from bot.metrics import PrometheusMetrics
from bot.ops_http import OpsEndpoints, start_ops_server
from core.identity import MemberKey
from core.requests import Actor, Place, Request
from core.service import Gigguard
from tests.dashboard.conftest import MOD, OTHER_MOD, Dashboard
from tests.fake_messenger import say
from tests.fakes import ManualClock

NEW_LINK = "/optout dashboard"


async def test_without_a_session_pages_are_401_and_actions_403(dashboard: Dashboard) -> None:
    async with dashboard.client() as client:
        for path in ("/dashboard/", "/dashboard/broadcasts", "/dashboard/export.csv"):
            async with client.get(path) as response:
                assert response.status == 401, path
                assert NEW_LINK in await response.text()
        async with client.post("/dashboard/broadcasts", data={"text": "hi"}) as response:
            assert response.status == 403
            assert NEW_LINK in await response.text()
    async with dashboard.app.core.services.uow() as uow:
        assert await uow.broadcasts.recent(platform=None, workspace=None, limit=5) == []


async def test_a_forged_token_is_403(dashboard: Dashboard) -> None:
    async with dashboard.client() as client:
        for query in ("?token=forged", "", "?token="):
            async with client.get(f"/dashboard/login{query}") as response:
                assert response.status == 403
                assert "already used, has expired" in await response.text()
                assert "Set-Cookie" not in response.headers


async def test_a_link_works_once_and_the_database_holds_only_hashes(
    dashboard: Dashboard,
) -> None:
    link = await dashboard.link()
    token = link.split("token=")[1]
    async with dashboard.client() as first:
        async with first.get(link) as response:
            assert response.status == 200
        async with first.get("/dashboard/") as response:
            assert response.status == 200
        session = first.cookie_jar.filter_cookies(f"{dashboard.url}/dashboard/")[
            "gigguard_dashboard"
        ].value
    async with dashboard.client() as second, second.get(link) as response:
        assert response.status == 403
        assert NEW_LINK in await response.text()
    async with dashboard.app.engine.connect() as conn:
        [row] = (await conn.execute(text("SELECT * FROM dashboard_login"))).all()
    stored = " ".join(str(value) for value in row)
    assert token not in stored and session not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored


async def test_a_link_expires_after_ten_minutes(dashboard: Dashboard, clock: ManualClock) -> None:
    link = await dashboard.link()
    clock.advance(dt.timedelta(minutes=10, seconds=1))
    async with dashboard.client() as client, client.get(link) as response:
        assert response.status == 403


async def test_the_session_cookie_and_its_end_after_eight_hours(
    dashboard: Dashboard, clock: ManualClock
) -> None:
    async with dashboard.client() as client:
        async with client.get(await dashboard.link()) as response:
            cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
            assert "Secure" not in cookie  # the public URL is http here
            assert "Max-Age=28800" in cookie
            assert response.headers["Referrer-Policy"] == "no-referrer"
        clock.advance(dt.timedelta(hours=7, minutes=59))
        async with client.get("/dashboard/") as response:
            assert response.status == 200
        clock.advance(dt.timedelta(minutes=2))
        async with client.get("/dashboard/") as response:
            assert response.status == 401


async def test_the_cookie_is_secure_behind_https(dashboard: Dashboard) -> None:
    secure = replace(dashboard.config, public_url="https://dash.example.org")
    endpoints = OpsEndpoints(
        engine=dashboard.app.engine,
        adapters=AdapterStatus(),
        metrics=PrometheusMetrics(),
        mounts=(lambda parent: mount(parent, dashboard.app.core, secure),),
    )
    server = await start_ops_server(endpoints, port=0, host="127.0.0.1")
    try:
        async with (
            aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as client,
            client.get(await dashboard.link()) as response,
        ):
            assert response.status == 200
            assert "Secure" in response.headers["Set-Cookie"]
    finally:
        await server.stop()


async def test_an_action_without_the_csrf_token_is_refused(dashboard: Dashboard) -> None:
    client, csrf = await dashboard.logged_in()
    async with client:
        order = {"target": "dm", "audience": "all", "text": "Hello"}
        async with client.post("/dashboard/broadcasts", data=order) as response:
            assert response.status == 403
            assert "form token" in await response.text()
        bad = {**order, "csrf": "0" * 64}
        async with client.post("/dashboard/broadcasts", data=bad) as response:
            assert response.status == 403
        async with dashboard.app.core.services.uow() as uow:
            assert await uow.broadcasts.recent(platform=None, workspace=None, limit=5) == []
        good = {**order, "csrf": csrf}
        async with client.post("/dashboard/broadcasts", data=good, allow_redirects=False) as r:
            assert r.status == 303
            assert re.fullmatch(r"/dashboard/broadcasts/\d+", r.headers["Location"])


async def test_a_demoted_moderator_is_refused_at_the_next_request(dashboard: Dashboard) -> None:
    client, _ = await dashboard.logged_in()
    async with client:
        dashboard.moderators.ids.discard(("T1", "UMOD"))
        async with client.get("/dashboard/") as response:
            assert response.status == 403
            assert "no longer counts you as a moderator" in await response.text()


async def test_a_link_for_someone_not_a_moderator_opens_no_session(dashboard: Dashboard) -> None:
    member = MemberKey("slack", "T1", "UMEMBER")  # e.g. an operator link for the wrong user
    async with dashboard.client() as client:
        async with client.get(await dashboard.link(member)) as response:
            assert response.status == 403
        async with client.get("/dashboard/") as response:
            assert response.status == 401


async def test_another_communitys_data_is_never_visible(dashboard: Dashboard) -> None:
    core = dashboard.app.core
    for n in range(6):  # T2 has six finished members, T1 none
        await say(core, MemberKey("slack", "T2", f"U{n}"), "done all")
    theirs = await say(core, OTHER_MOD, "broadcast dm all: T2 secret plans", moderator=True)
    [their_id] = re.findall(r"#(\d+)", theirs.blocks[0].title or "")
    client, csrf = await dashboard.logged_in(MOD)
    async with client:
        async with client.get("/dashboard/") as response:
            page = await response.text()
        assert 'id="members"><span class="hidden"' in page  # T1: too few, hidden
        async with client.get("/dashboard/export.json") as response:
            figures = {
                (f["section"], f["figure"]): f["value"] for f in (await response.json())["figures"]
            }
        assert figures[("community", "members")] is None
        async with client.get("/dashboard/broadcasts") as response:
            assert "T2 secret" not in await response.text()
        for path in (
            f"/dashboard/broadcasts/{their_id}",
            f"/dashboard/broadcasts/{their_id}/progress",
        ):
            async with client.get(path) as response:
                assert response.status == 404
        async with client.post(
            f"/dashboard/broadcasts/{their_id}/confirm", data={"csrf": csrf}
        ) as response:
            assert response.status == 404
    async with core.services.uow() as uow:
        found = await uow.broadcasts.get("slack", "T2", int(their_id))
    assert found is not None and found.state.value == "draft"


async def test_optout_dashboard_answers_moderators_with_a_link_only_they_see(
    dashboard: Dashboard,
) -> None:
    core = dashboard.app.core
    refused = await say(core, MemberKey("slack", "T1", "UMEMBER"), "dashboard")
    assert "/dashboard/login" not in refused.blocks[0].text
    reply = await core.handle(Request(Actor(MOD, is_moderator=True), "dashboard", Place.CHANNEL))
    assert reply.ephemeral
    [url] = re.findall(r"http://127\.0\.0\.1/dashboard/login\?token=\S+", reply.blocks[0].text)
    async with dashboard.client() as client:
        async with client.get(url.removeprefix("http://127.0.0.1")) as response:
            assert response.status == 200
        async with client.get("/dashboard/") as response:
            assert "slack / T1" in await response.text()


async def test_optout_dashboard_without_a_public_url_says_how_to_enable_it(
    dashboard: Dashboard,
) -> None:
    core = Gigguard(replace(dashboard.app.core.services, public_url=None))
    reply = await say(core, MOD, "dashboard", moderator=True)
    assert "GIGGUARD_PUBLIC_URL" in reply.blocks[0].text
