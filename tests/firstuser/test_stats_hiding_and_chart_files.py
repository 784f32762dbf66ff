"""`stats` hides only counts of people; the console leaves no chart file behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

from adapters.console.session import ConsoleSession
from bot.bootstrap import App
from core.identity import MemberKey
from core.replies import Reply, Table
from tests.fake_messenger import say

MOD = MemberKey("console", "local", "mod")
PNG = b"\x89PNG\r\n\x1a\n"


def figures(reply: Reply, title: str) -> dict[str, str]:
    table = next(b for b in reply.blocks if isinstance(b, Table) and b.title == title)
    return {str(k): str(v) for k, v in table.rows}


async def test_small_community_still_sees_message_counts(app: App) -> None:
    for n in range(2):
        await say(app.core, MemberKey("console", "local", f"m{n}"), "remind in 3 days")
    reply = await say(app.core, MOD, "stats", moderator=True)
    assert set(figures(reply, "Community overview").values()) == {"< 5"}  # people: hidden
    deliveries = figures(reply, "Reminders and broadcasts")
    assert deliveries["Reminders waiting"] == "2"
    assert deliveries["Broadcast messages failed"] == "0"


def _chart_files() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("gigguard-*"))


async def test_console_stats_writes_no_temporary_file(app: App, tmp_path: Path) -> None:
    for n in range(5):
        await say(app.core, MemberKey("console", "local", f"u{n}"), "done all")
    before = _chart_files()
    text = await ConsoleSession(app.core, user="mod", moderator=True).reply_to("/optout stats")
    assert "Bar chart of members finishing" in text
    assert _chart_files() == before
    folder = tmp_path / "attachments"
    folder.mkdir()
    saving = ConsoleSession(app.core, user="mod", moderator=True, save_to=folder)
    saved = await saving.reply_to("/optout stats")
    assert "saved to" in saved
    [chart] = list(folder.iterdir())
    assert chart.read_bytes().startswith(PNG)
    await saving.reply_to("/optout stats")
    assert list(folder.iterdir()) == [chart]  # overwritten by name, not accumulated
