"""Community FAQ entries are answerable, and knowledge reloads without a restart (and refuses
broken files, keeping the old knowledge)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from adapters.console.session import ConsoleSession
from bot.bootstrap import build_app
from bot.knowledge_reload import current_generation, watch_generation
from bot.lifecycle import run_until_stopped
from bot.settings import Settings
from core.faq.factory import build_faq_engine
from core.knowledge import load_knowledge
from tests.fakes import ManualClock

ENTRY = {
    "id": "community-policy",
    "title": "Our community's AI policy",
    "answer": "Members of this community agree not to post client work in public channels.",
    "sources": ["community-rules"],
    "last_checked": "2026-11-20",
    "questions": [
        "what is our community AI policy",
        "can I share client work in this community",
        "community rules about AI",
    ],
}
SOURCE = {"id": "community-rules", "title": "Community rules", "url": "https://example.org/rules"}


def write(directory: Path, name: str, entries: object) -> None:
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(yaml.safe_dump(entries, sort_keys=False))


def test_a_community_entry_is_found_by_the_faq_engine(tmp_path: Path) -> None:
    write(tmp_path, "sources.yaml", [SOURCE])
    write(tmp_path, "faq.yaml", [ENTRY])
    knowledge = load_knowledge(overrides=tmp_path)
    found = build_faq_engine(knowledge).match("what is our community AI policy?")
    assert found.topic == "community-policy"
    assert (
        build_faq_engine(knowledge).match("how do I opt out on upwork").topic != "community-policy"
    )


class Ticks:
    """The watcher's sleep: each tick lets exactly one more poll run."""

    def __init__(self) -> None:
        self.go: asyncio.Queue[None] = asyncio.Queue()
        self.polled: asyncio.Queue[None] = asyncio.Queue()

    async def sleep(self, _: float) -> None:
        self.polled.put_nowait(None)
        await self.go.get()

    async def tick(self) -> None:
        self.go.put_nowait(None)
        await self.polled.get()


def cli_reload(database_url: str, overrides: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "GIGGUARD_DATABASE_URL": database_url,
        "GIGGUARD_KNOWLEDGE_DIR": str(overrides),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "knowledge", "reload"],
        capture_output=True,
        text=True,
        env=env,
    )


async def test_a_running_bot_picks_up_a_new_entry_and_keeps_serving_on_a_broken_file(
    database_url: str, tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    overrides = tmp_path / "community"
    write(overrides, "sources.yaml", [SOURCE])
    settings = Settings(_env_file=None, database_url=database_url, knowledge_dir=overrides)  # type: ignore[call-arg]
    app = build_app(settings, clock=clock)
    console = ConsoleSession(app.core, user="me", moderator=False)
    ticks = Ticks()
    watcher = asyncio.create_task(
        watch_generation(app.core, app.engine, settings, sleep=ticks.sleep)
    )
    try:
        await ticks.polled.get()
        question = "what is our community AI policy?"
        assert "agree not to post client work" not in await console.reply_to(question)

        write(overrides, "faq.yaml", [ENTRY])
        done = await asyncio.to_thread(cli_reload, database_url, overrides)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "generation 1" in done.stdout
        await ticks.tick()
        assert "agree not to post client work" in await console.reply_to(question)

        write(overrides, "faq.yaml", [ENTRY | {"last_checked": "someday"}])
        refused = await asyncio.to_thread(cli_reload, database_url, overrides)
        assert refused.returncode == 1
        assert "faq.yaml: line 6, field [0].last_checked" in refused.stdout
        assert await current_generation(app.engine) == 1  # nothing signalled

        # A bot that reloads a broken file anyway (SIGHUP, a host with other files) logs and
        # keeps the knowledge it has.
        from bot.knowledge_reload import bump_generation

        await bump_generation(app.engine)
        await ticks.tick()
        assert "knowledge reload rejected" in caplog.text
        assert "faq.yaml: line 6, field [0].last_checked" in caplog.text
        assert "agree not to post client work" in await console.reply_to(question)
    finally:
        watcher.cancel()
        await app.close()


async def test_sighup_reloads_and_keeps_running() -> None:
    reloads: list[int] = []
    hung_up = asyncio.Event()

    def on_reload() -> None:
        reloads.append(1)
        hung_up.set()

    async def bot() -> None:
        os.kill(os.getpid(), signal.SIGHUP)
        await hung_up.wait()

    await run_until_stopped([bot()], on_reload=on_reload)
    assert reloads == [1]


async def test_a_reload_reads_the_files_off_the_event_loop(tmp_path: Path) -> None:
    # The loader blocks until the loop has run something else: a reload done inside the
    # loop would wait out the hang guard and fail.
    import threading

    from bot.knowledge_reload import load_from_disk, reload_core

    settings = Settings(_env_file=None, knowledge_dir=tmp_path)  # type: ignore[call-arg]
    app = build_app(settings)
    loop_ran = threading.Event()

    def slow_load(s: Settings) -> tuple[object, object]:
        assert loop_ran.wait(60), "the event loop was blocked by the reload"
        return load_from_disk(s)

    try:
        reload = asyncio.create_task(reload_core(app.core, settings, load=slow_load))  # type: ignore[arg-type]
        await asyncio.sleep(0)  # let the reload start and hand the read to its thread
        loop_ran.set()
        assert await asyncio.wait_for(reload, 60)
    finally:
        await app.close()
