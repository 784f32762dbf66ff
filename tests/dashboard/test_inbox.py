"""The Inbox page: grouped questions of the session's community only, an answer form whose
refusals show inline and change nothing, dismiss, and CSRF like every other form."""

from __future__ import annotations

import html
from pathlib import Path

import yaml

from core.identity import MemberKey
from tests.dashboard.conftest import MOD, OTHER_MOD, Dashboard
from tests.fake_messenger import say
from tests.inbox.conftest import ASK_MODERATORS, button

MEETUP = "Is there a Berlin meetup for freelancers in December?"
THEIRS = "How much does Upwork charge in fees for T2 secret projects?"
LINK = "https://example.org/meetups"


async def send(dashboard: Dashboard, key: MemberKey, question: str) -> None:
    core = dashboard.app.core
    await say(core, key, button(await say(core, key, f"ask {question}"), ASK_MODERATORS))


async def page_of(client: object, path: str = "/dashboard/inbox") -> tuple[int, str]:
    async with client.get(path) as response:  # type: ignore[attr-defined]
        return response.status, html.unescape(await response.text())


async def test_the_inbox_shows_this_community_s_groups_only(dashboard: Dashboard) -> None:
    await send(dashboard, MemberKey("slack", "T1", "UANA"), MEETUP)
    await send(dashboard, MemberKey("slack", "T1", "UBEN"), MEETUP.lower().rstrip("?"))
    await send(dashboard, MemberKey("slack", "T2", "UZED"), THEIRS)
    client, csrf = await dashboard.logged_in(MOD)
    async with client:
        status, page = await page_of(client)
        assert status == 200
        assert f"#1: {MEETUP}" in page and "Asked 2 times" in page
        assert "T2 secret" not in page and 'href="/dashboard/inbox" aria-current="page"' in page
        async with client.post("/dashboard/inbox/3/dismiss", data={"csrf": csrf}) as response:
            assert response.status == 400
            assert "no open question #3" in html.unescape(await response.text())
        async with client.post(
            "/dashboard/inbox/3/answer", data={"csrf": csrf, "answer": f"No {LINK}"}
        ) as response:
            assert response.status == 400
    other, _ = await dashboard.logged_in(OTHER_MOD)
    async with other:
        _, theirs = await page_of(other)
    assert "T2 secret" in theirs and MEETUP not in theirs


async def test_an_answer_is_saved_as_an_faq_entry_and_leaves_the_inbox(
    dashboard: Dashboard, knowledge_dir: Path
) -> None:
    await send(dashboard, MemberKey("slack", "T1", "UANA"), MEETUP)
    client, csrf = await dashboard.logged_in(MOD)
    async with client:
        refused = {"csrf": csrf, "answer": "Every Tuesday."}
        async with client.post("/dashboard/inbox/1/answer", data=refused) as response:
            page = html.unescape(await response.text())
            assert response.status == 400
        assert 'aria-invalid="true"' in page and "Add the link your answer comes from" in page
        assert "Every Tuesday." in page  # what was typed stays in the form
        assert not (knowledge_dir / "faq.yaml").exists()

        without = {"answer": f"Every Tuesday, see {LINK}"}
        async with client.post("/dashboard/inbox/1/answer", data=without) as response:
            assert response.status == 403
        good = {**without, "csrf": csrf}
        async with client.post("/dashboard/inbox/1/answer", data=good) as response:
            page = html.unescape(await response.text())
            assert response.status == 200 and str(response.url.path) == "/dashboard/inbox"
        assert "saved as the FAQ entry asked-1" in page and "No open questions." in page
    (entry,) = yaml.safe_load((knowledge_dir / "faq.yaml").read_text())
    assert entry["id"] == "asked-1" and MEETUP in entry["questions"]
    later = await say(
        dashboard.app.core, MemberKey("slack", "T1", "UCAT"), "ask any Berlin meetup in December?"
    )
    assert "Every Tuesday" in later.blocks[0].text


async def test_dismiss_needs_the_form_token_and_removes_the_group(dashboard: Dashboard) -> None:
    await send(dashboard, MemberKey("slack", "T1", "UANA"), MEETUP)
    client, csrf = await dashboard.logged_in(MOD)
    async with client:
        async with client.post("/dashboard/inbox/1/dismiss", data={}) as response:
            assert response.status == 403
        _, page = await page_of(client)
        assert f"#1: {MEETUP}" in page
        async with client.post("/dashboard/inbox/1/dismiss", data={"csrf": csrf}) as response:
            page = html.unescape(await response.text())
        assert "#1 dismissed; questions removed: 1" in page and "No open questions." in page


async def test_the_inbox_needs_a_session(dashboard: Dashboard) -> None:
    async with dashboard.client() as client:
        async with client.get("/dashboard/inbox") as response:
            assert response.status == 401
        async with client.post("/dashboard/inbox/1/dismiss", data={"csrf": "x"}) as response:
            assert response.status == 403


async def test_the_overview_shows_answer_feedback(dashboard: Dashboard) -> None:
    core = dashboard.app.core
    ana = MemberKey("slack", "T1", "UANA")
    answer = await say(core, ana, "ask what changed on upwork in january?")
    await say(core, ana, button(answer, "Helpful"))
    await say(core, MemberKey("slack", "T2", "UZED"), button(answer, "Not helpful"))
    client, _ = await dashboard.logged_in(MOD)
    async with client:
        _, page = await page_of(client, "/dashboard/")
        async with client.get("/dashboard/export.json") as response:
            figures = {
                (f["section"], f["figure"]): f["value"] for f in (await response.json())["figures"]
            }
    topic = button(answer, "Helpful").split()[1]
    title = core.knowledge.topics[topic].title
    assert f'<th scope="row">{title}</th><td>1</td><td>0</td>' in page
    assert figures[("feedback", f"helpful:{topic}")] == 1
    assert figures[("feedback", f"not-helpful:{topic}")] == 0
