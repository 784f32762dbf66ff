"""`/optout stats export` on Slack: both files in one upload to the moderator's DM (a file
cannot be ephemeral), through files.getUploadURLExternal and files.completeUploadExternal."""

from __future__ import annotations

import csv
import io
import json

from bot.bootstrap import App
from tests.slack.fake_slack import TEAM
from tests.slack.slack_sim import SlackSim
from tests.slack.test_attachments import ADMIN, five_finished_members


async def test_stats_export_uploads_csv_and_json_to_the_moderators_dm(
    app: App, slack: SlackSim
) -> None:
    await five_finished_members(app)
    slack.fake.admins.add(ADMIN)
    (reply,) = await slack.run("stats export", user=ADMIN)
    assert "as CSV and JSON" in reply.text
    [complete] = await slack.fake.wait_for("files.completeUploadExternal")
    assert complete.ok and complete.params["channel_id"] == "D" + ADMIN
    asked = {c.params["filename"]: c for c in slack.fake.calls_to("files.getUploadURLExternal")}
    assert sorted(asked) == ["gigguard-stats-2026-11-26.csv", "gigguard-stats-2026-11-26.json"]
    shared = json.loads(complete.params["files"])
    assert {f["title"] for f in shared} == set(asked)  # one message with both files
    csv_file, json_file = sorted(slack.fake.uploads.values(), key=lambda b: b.startswith(b"{"))
    assert [len(csv_file), len(json_file)] == [
        int(asked[f"gigguard-stats-2026-11-26.{ext}"].params["length"]) for ext in ("csv", "json")
    ]
    rows = list(csv.reader(io.StringIO(csv_file.decode())))
    assert rows[0] == ["section", "figure", "value"] and ["community", "members", "5"] in rows
    body = json.loads(json_file)
    assert body["community"] == TEAM and body["hidden_under"] == 5
