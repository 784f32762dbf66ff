"""A real browser (Debian's Chromium, headless, through the system chromedriver) logs in with
a link from `/optout dashboard`, reads the overview, composes and confirms a broadcast to the
console, and watches the live progress reach 100% while the real delivery worker sends it.

Skipped where Chromium is not installed (`.ci/run` installs it). Every wait is on a page
condition, with a generous timeout only as a hang guard.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.console.messenger import ConsoleMessenger
from adapters.dashboard.app import mount
from adapters.dashboard.config import DashboardConfig
from bot.bootstrap import App, build_app
from bot.delivery import build_worker
from bot.health import AdapterStatus
from bot.metrics import PrometheusMetrics
from bot.ops_http import OpsEndpoints, start_ops_server
from bot.settings import Settings
from core.faq.engine import FaqEngine
from core.identity import MemberKey
from core.requests import Actor, Place, Request
from tests.fake_messenger import say

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
HANG_GUARD = 120  # seconds; the assertion is the page condition, never the time taken
SCREENSHOTS = (
    Path(os.environ.get("GIGGUARD_SCREENSHOTS", ""))
    if os.environ.get("GIGGUARD_SCREENSHOTS")
    else None
)

pytestmark = pytest.mark.skipif(  # never skipped on CI, where .ci/run installs them
    not os.environ.get("CI")
    and (not (CHROMIUM.exists() and CHROMEDRIVER.exists()) or shutil.which("chromium") is None),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)

MODERATOR = MemberKey("console", "local", "mod")
MEMBERS = 7


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1100,1400",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
async def live(settings: Settings, faq_engine: FaqEngine) -> AsyncIterator[tuple[App, str]]:
    """The bot as `gigguard run` wires it (system clock), the dashboard on the ops server and
    the delivery worker sending to the console messenger."""
    # The public URL names the port: find a free one first, then serve on it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    url = f"http://127.0.0.1:{port}"
    app = build_app(settings.model_copy(update={"public_url": url}), faq=faq_engine)
    config = DashboardConfig(public_url=url)  # the console has no moderator checker
    endpoints = OpsEndpoints(
        engine=app.engine,
        adapters=AdapterStatus(),
        metrics=PrometheusMetrics(),
        mounts=(lambda parent: mount(parent, app.core, config),),
    )
    server = await start_ops_server(endpoints, port=port, host="127.0.0.1")
    stop = asyncio.Event()
    worker = build_worker(app.core, {"console": ConsoleMessenger(out=io.StringIO())})
    delivering = asyncio.create_task(worker.run_forever(stop))
    try:
        yield app, url
    finally:
        stop.set()
        await asyncio.wait_for(delivering, HANG_GUARD)
        await server.stop()
        await app.close()


def _shot(driver: Any, name: str) -> None:
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / name))


async def test_log_in_read_the_overview_and_send_a_broadcast_to_100_percent(
    live: tuple[App, str], browser: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    app, base = live
    for n in range(MEMBERS):  # known members: five finished, two still pending
        await say(
            app.core,
            MemberKey("console", "local", f"u{n}"),
            "done all" if n < 5 else "done communications",
        )
    reply = await app.core.handle(
        Request(Actor(MODERATOR, is_moderator=True), "dashboard", Place.CHANNEL)
    )
    link = reply.blocks[0].text.rsplit(" ", 1)[-1]
    assert link.startswith(f"{base}/dashboard/login?token=")
    wait = WebDriverWait(browser, HANG_GUARD)

    def overview() -> tuple[str, str]:
        browser.get(link)
        wait.until(seen.url_to_be(f"{base}/dashboard/"))
        wait.until(seen.presence_of_element_located((By.CSS_SELECTOR, "svg.chart rect.bar")))
        _shot(browser, "dashboard-overview.png")
        return (
            browser.find_element(By.ID, "members").text,
            browser.find_element(By.ID, "finished").text,
        )

    assert await asyncio.to_thread(overview) == (str(MEMBERS), "5")

    def compose_and_confirm() -> str:
        browser.find_element(By.LINK_TEXT, "Broadcasts").click()
        wait.until(seen.presence_of_element_located((By.ID, "compose-form")))
        browser.find_element(By.ID, "text").send_keys("Please check your Upwork toggles @everyone")
        live = (By.ID, "live-summary")
        wait.until(seen.text_to_be_present_in_element(live, f"{MEMBERS} recipients"))
        browser.find_element(By.CSS_SELECTOR, "input[name=audience][value=pending]").click()
        wait.until(seen.text_to_be_present_in_element(live, f"{MEMBERS - 5} recipients"))
        _shot(browser, "dashboard-compose.png")
        browser.find_element(By.CSS_SELECTOR, "input[name=audience][value=all]").click()
        wait.until(seen.text_to_be_present_in_element(live, f"{MEMBERS} recipients"))
        browser.find_element(By.ID, "preview-button").click()
        summary = wait.until(seen.presence_of_element_located((By.ID, "preview-summary"))).text
        _shot(browser, "dashboard-preview.png")
        browser.find_element(By.ID, "confirm").click()
        wait.until(seen.text_to_be_present_in_element((By.ID, "percent"), "100"))
        wait.until(seen.text_to_be_present_in_element((By.ID, "sent"), str(MEMBERS)))
        _shot(browser, "dashboard-broadcast.png")
        return summary

    summary = await asyncio.to_thread(compose_and_confirm)
    assert f"{MEMBERS} recipients" in summary
    async with app.core.services.uow() as uow:
        [broadcast] = await uow.broadcasts.recent(platform="console", workspace="local", limit=5)
        report = await uow.broadcasts.report(broadcast.id)
    assert report.done == report.queued == MEMBERS
    assert "@everyone" not in broadcast.text  # neutralised before it was stored
