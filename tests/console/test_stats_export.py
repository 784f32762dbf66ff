"""`/optout stats export` in the console: both files are written and their paths printed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from adapters.console.session import ConsoleSession
from bot.bootstrap import App
from core.identity import MemberKey
from tests.fake_messenger import say


async def test_stats_export_writes_csv_and_json_and_prints_where(app: App, tmp_path: Path) -> None:
    for n in range(5):
        await say(app.core, MemberKey("console", "local", f"u{n}"), "done all")
    exports = tmp_path / "exports"  # created on first use
    session = ConsoleSession(app.core, user="mod", moderator=True, exports=exports)
    text = await session.reply_to("/optout stats export")
    csv_path = exports / "gigguard-stats-2026-11-26.csv"
    json_path = exports / "gigguard-stats-2026-11-26.json"
    assert f"saved to {csv_path}]" in text and f"saved to {json_path}]" in text
    assert ["community", "members", "5"] in list(csv.reader(csv_path.open()))
    assert json.loads(json_path.read_text())["community"] == "local"
    # An everyday stats writes nothing: its chart is only described.
    assert "not saved]" in await session.reply_to("/optout stats")
    assert sorted(p.name for p in exports.iterdir()) == [csv_path.name, json_path.name]
