"""The moderators' trend chart: uploaded with files_upload_v2 to the moderator's DM (a file
cannot be ephemeral); when the upload fails, the reply's table is all they get."""

from __future__ import annotations

import logging

import pytest

from bot.bootstrap import App
from core.identity import MemberKey
from tests.slack.fake_slack import TEAM
from tests.slack.slack_sim import SlackSim
from tests.waiting import until

PNG = b"\x89PNG\r\n\x1a\n"
ADMIN = "U0ADMIN"


async def five_finished_members(app: App) -> None:
    now = app.core.services.clock.now()
    async with app.core.services.uow() as uow:
        for n in range(5):
            key = MemberKey("slack", TEAM, f"U{n}")
            for toggle in ("communications", "work-product", "other-platform"):
                await uow.members.set_toggle(
                    key, marketplace="upwork", toggle=toggle, off=True, at=now
                )
        await uow.commit()


async def test_stats_chart_is_uploaded_to_the_moderators_dm(app: App, slack: SlackSim) -> None:
    await five_finished_members(app)
    slack.fake.admins.add(ADMIN)
    (reply,) = await slack.run("stats", user=ADMIN)
    assert "Members finishing per week" in reply.text
    [complete] = await slack.fake.wait_for("files.completeUploadExternal")
    assert complete.ok and complete.params["channel_id"] == "D" + ADMIN
    [asked] = [c for c in slack.fake.calls if c.method == "files.getUploadURLExternal"]
    assert asked.params["filename"] == "gigguard-weekly-trend.png"
    assert asked.params["alt_txt"].startswith("Bar chart of members finishing per ISO week")
    [content] = slack.fake.uploads.values()
    assert content.startswith(PNG) and int(asked.params["length"]) == len(content)


async def test_a_failed_upload_leaves_the_table(
    app: App, slack: SlackSim, caplog: pytest.LogCaptureFixture
) -> None:
    await five_finished_members(app)
    slack.fake.admins.add(ADMIN)
    slack.fake.fail_next("files.getUploadURLExternal", error="missing_scope")
    with caplog.at_level(logging.WARNING):
        (reply,) = await slack.run("stats", user=ADMIN)
        # The warning follows on the listener's task.
        await until(lambda: "could not upload" in caplog.text, what="the upload warning")
    assert "Members finishing per week" in reply.text
    assert "could not upload gigguard-weekly-trend.png" in caplog.text
    assert "something went wrong" not in reply.text
    assert slack.fake.uploads == {}
    assert not [c for c in slack.fake.calls if c.method == "files.completeUploadExternal"]
