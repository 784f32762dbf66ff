"""`/optout stats export` on Discord: the CSV and JSON files are attachments of the answer."""

from __future__ import annotations

import csv
import io
import json

from tests.discord import payloads as p
from tests.discord.conftest import MODERATOR, RunBot
from tests.discord.fake_discord import FakeDiscord


async def test_stats_export_attaches_csv_and_json(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        for user_id in range(900001, 900004):  # three members: figures of people are hidden
            await fake.replies(await fake.slash("done", "all", user_id=user_id))
        token = await fake.slash(
            "stats", "export", user_id=MODERATOR, permissions=str(p.MANAGE_GUILD)
        )
        (answer,) = await fake.replies(token)
    assert "as CSV and JSON" in answer.text
    [upload] = [r.body for r in fake.requests if token in r.path and (r.body or {}).get("_files")]
    files = {f["filename"]: f["content"] for f in upload["_files"]}
    assert sorted(files) == ["gigguard-stats-2026-11-26.csv", "gigguard-stats-2026-11-26.json"]
    rows = list(csv.reader(io.StringIO(files["gigguard-stats-2026-11-26.csv"].decode())))
    assert ["community", "members", "hidden"] in rows
    body = json.loads(files["gigguard-stats-2026-11-26.json"])
    assert {"section": "community", "figure": "members", "value": None} in body["figures"]
    described = upload.get("data", upload)["attachments"]
    assert [a["description"] for a in described] == [
        "Community figures as CSV: one row per figure, hidden ones marked.",
        "Community figures as JSON: one row per figure, hidden ones marked.",
    ]
