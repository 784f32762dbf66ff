"""A reply's attachment (the moderators' trend chart) is uploaded with its message."""

from __future__ import annotations

from tests.discord import payloads as p
from tests.discord.conftest import MODERATOR, RunBot
from tests.discord.fake_discord import FakeDiscord

PNG = b"\x89PNG\r\n\x1a\n"


async def test_stats_uploads_the_trend_chart_as_a_file(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        for user_id in range(900001, 900006):  # five members: figures and the chart are shown
            await fake.replies(await fake.slash("done", "all", user_id=user_id))
        token = await fake.slash("stats", user_id=MODERATOR, permissions=str(p.MANAGE_GUILD))
        (answer,) = await fake.replies(token)
    assert "Members known" in answer.text and "< 5" not in answer.text
    # The answer or, when stats took long enough to be deferred, the edit that replaced it.
    [upload] = [r.body for r in fake.requests if token in r.path and (r.body or {}).get("_files")]
    [chart] = upload["_files"]
    assert chart["filename"] == "gigguard-weekly-trend.png"
    assert chart["content"].startswith(PNG)
    [described] = upload.get("data", upload)["attachments"]
    assert described["filename"] == "gigguard-weekly-trend.png"
    assert described["description"].startswith("Bar chart of members finishing per ISO week")
