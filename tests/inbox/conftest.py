"""An app with a community knowledge directory, and helpers to click a reply's buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap import App, build_app
from bot.settings import Settings
from core.faq.engine import FaqEngine
from core.render_text import render_plain
from core.replies import Reply
from tests.fakes import ManualClock


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    directory.mkdir()
    return directory


@pytest.fixture
async def app(
    database_url: str, knowledge_dir: Path, clock: ManualClock, faq_engine: FaqEngine
) -> AsyncIterator[App]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database_url, knowledge_dir=knowledge_dir
    )
    built = build_app(settings, clock=clock, faq=faq_engine)
    yield built
    await built.close()


ASK_MODERATORS = "Ask the moderators (anonymous)"
TELL_ME = "…and tell me when it is answered"


def button(reply: Reply, label: str) -> str:
    """The command of the reply's button labelled `label`."""
    (found,) = [b.command for b in reply.buttons if b.label == label]
    return found


def text_of(reply: Reply) -> str:
    return render_plain(reply)
