"""What a moderator does on the pages: export, knowledge edits with inline errors, policy
updates. Each change goes through core's validation; a refused one changes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from core.identity import MemberKey
from tests.dashboard.conftest import OTHER_MOD, Dashboard
from tests.fake_messenger import say

TOPIC = {
    "id": "community-policy",
    "title": "Our community's AI policy",
    "answer": "Members of this community agree not to post client work in public channels.",
    "sources": ["aiguide101"],
    "last_checked": "2026-11-20",
    "questions": ["what is our AI policy", "can I share client work here", "community AI rules"],
}


async def test_export_hides_figures_under_five_members_and_shows_them_from_five(
    dashboard: Dashboard,
) -> None:
    core = dashboard.app.core
    for n in range(4):
        await say(core, MemberKey("slack", "T1", f"U{n}"), "done all")
    client, _ = await dashboard.logged_in()
    async with client:
        async with client.get("/dashboard/export.csv") as response:
            assert response.headers["Content-Type"].startswith("text/csv")
            rows = {
                (r["section"], r["figure"]): r["value"]
                for r in csv.DictReader(io.StringIO(await response.text()))
            }
        assert rows[("community", "members")] == rows[("community", "finished")] == "hidden"
        await say(core, MemberKey("slack", "T1", "U4"), "done all")
        async with client.get("/dashboard/export.json") as response:
            figures = {
                (f["section"], f["figure"]): f["value"] for f in (await response.json())["figures"]
            }
        assert figures[("community", "members")] == figures[("community", "finished")] == 5


async def test_a_bad_faq_file_is_shown_inline_and_changes_nothing(
    dashboard: Dashboard, knowledge_dir: Path
) -> None:
    (knowledge_dir / "faq.yaml").write_text(yaml.safe_dump([TOPIC], sort_keys=False))
    before = (knowledge_dir / "faq.yaml").read_text()
    broken = yaml.safe_dump([{**TOPIC, "questions": ["only one way to ask"]}], sort_keys=False)
    client, csrf = await dashboard.logged_in()
    async with client:
        data = {"csrf": csrf, "file": "faq.yaml", "text": broken}
        async with client.post("/dashboard/knowledge/files", data=data) as response:
            page = await response.text()
            assert response.status == 400
    assert f"{knowledge_dir / 'faq.yaml'}: line" in page and "field [0].questions" in page
    assert 'aria-invalid="true"' in page
    assert (knowledge_dir / "faq.yaml").read_text() == before
    assert dashboard.reloads == []


async def test_a_valid_faq_file_is_saved_and_reloaded(
    dashboard: Dashboard, knowledge_dir: Path
) -> None:
    text = yaml.safe_dump([TOPIC], sort_keys=False)
    client, csrf = await dashboard.logged_in()
    async with client:
        data = {"csrf": csrf, "file": "faq.yaml", "text": text}
        async with client.post("/dashboard/knowledge/files", data=data) as response:
            assert response.status == 200
            assert "saved and reloaded" in await response.text()
        async with client.post(
            "/dashboard/knowledge/files", data={**data, "file": "../etc/passwd"}
        ) as response:
            assert response.status == 404
    assert (knowledge_dir / "faq.yaml").read_text() == text
    assert dashboard.reloads == [True]


async def test_notes_are_per_community(dashboard: Dashboard, knowledge_dir: Path) -> None:
    theirs = {"topic": "how-to-opt-out", "note": "T2 only: ask Dana", "community": "slack/T2"}
    (knowledge_dir / "notes.yaml").write_text(yaml.safe_dump([theirs]))
    client, csrf = await dashboard.logged_in()
    async with client:
        async with client.get("/dashboard/knowledge") as response:
            assert "ask Dana" not in await response.text()
        add = {"csrf": csrf, "topic": "how-to-opt-out", "note": "Ask in #help first."}
        async with client.post("/dashboard/knowledge/notes", data=add) as response:
            assert response.status == 200
            assert "Ask in #help first." in await response.text()
        async with client.post(  # entry 0 is T2's: not this community's to remove
            "/dashboard/knowledge/notes/delete", data={"csrf": csrf, "index": "0"}
        ) as response:
            assert response.status == 400
    notes = yaml.safe_load((knowledge_dir / "notes.yaml").read_text())
    mine = {"topic": "how-to-opt-out", "note": "Ask in #help first.", "community": "slack/T1"}
    assert notes == [theirs, mine]


async def test_policy_updates_are_validated_like_the_command_and_stay_in_their_community(
    dashboard: Dashboard,
) -> None:
    client, csrf = await dashboard.logged_in()
    async with client:
        bad = {"csrf": csrf, "marketplace": "upwork", "source": "javascript:alert(1)", "note": "x"}
        async with client.post("/dashboard/knowledge/policy", data=bad) as response:
            assert response.status == 400
            assert "is not a web address" in await response.text()
        good = {**bad, "source": "https://support.upwork.com/x", "note": "A fourth toggle"}
        async with client.post("/dashboard/knowledge/policy", data=good) as response:
            assert response.status == 200
            assert "A fourth toggle" in await response.text()
    other, _ = await dashboard.logged_in(OTHER_MOD)
    async with other, other.get("/dashboard/knowledge") as response:
        assert "A fourth toggle" not in await response.text()
    async with dashboard.app.core.services.uow() as uow:
        [recorded] = await uow.policy.recent(platform="slack", workspace="T1", limit=5)
    assert recorded.note == "A fourth toggle"


async def test_the_live_estimate_validates_like_a_draft_and_stores_nothing(
    dashboard: Dashboard,
) -> None:
    core = dashboard.app.core
    for n in range(3):
        await say(core, MemberKey("slack", "T1", f"U{n}"), "done communications")
    client, csrf = await dashboard.logged_in()
    order = {"target": "dm", "audience": "all", "text": "Hi <!channel> check your toggles"}
    async with client:
        async with client.post("/dashboard/broadcasts/estimate", data=order) as response:
            assert response.status == 403  # no CSRF token
        headers = {"X-CSRF-Token": csrf}
        async with client.post(
            "/dashboard/broadcasts/estimate", data=order, headers=headers
        ) as response:
            found = await response.json()
        assert found["ok"] and found["recipients"] == 3
        assert "3 recipients" in found["summary"]
        assert "<!channel>" not in found["message"] and "check your toggles" in found["message"]
        async with client.post(
            "/dashboard/broadcasts/estimate", data={**order, "at": "yesterday-ish"}, headers=headers
        ) as response:
            assert response.status == 400
            assert not (await response.json())["ok"]
    async with core.services.uow() as uow:
        assert await uow.broadcasts.recent(platform=None, workspace=None, limit=5) == []
