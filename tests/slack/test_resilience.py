"""Rate limits, server errors, crashes, slow work and oversized replies, over the wire."""

from __future__ import annotations

import dataclasses
import logging
import time

import pytest

from adapters.slack.listeners import WORK_SLOTS
from bot.bootstrap import App
from core.replies import Reply, Section
from core.service import Gigguard
from tests.slack.conftest import StartSim
from tests.slack.fake_core import ExplodingFaq, FixedCore
from tests.slack.fake_slack import RESPONSE_URL
from tests.slack.slack_sim import SlackSim


async def test_429_on_a_dm_reply_waits_retry_after_and_succeeds(slack: SlackSim) -> None:
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    await slack.dm("status")
    (answer,) = await slack.fake.wait_for("chat.postMessage")
    assert time.monotonic() - started >= 1
    assert [c.status for c in slack.fake.calls_to("chat.postMessage")] == [429, 200]
    assert answer.blocks[0]["type"] == "header"


async def test_429_on_the_response_url_is_retried(slack: SlackSim) -> None:
    slack.fake.fail_next(RESPONSE_URL, status=429, retry_after=1)
    (reply,) = await slack.run("status")
    assert [c.status for c in slack.fake.calls_to(RESPONSE_URL)] == [429, 200]
    assert reply.blocks[0]["type"] == "header"


async def test_500_from_views_publish_is_retried(slack: SlackSim) -> None:
    slack.fake.fail_next("views.publish", status=500)
    await slack.event("app_home_opened")
    await slack.fake.wait_for("views.publish")
    assert [c.status for c in slack.fake.calls_to("views.publish")] == [500, 200]


async def test_slack_error_is_logged_and_the_member_gets_an_apology(
    slack: SlackSim, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fake.fail_next("chat.postMessage", error="msg_too_long")
    await slack.dm("status")
    (apology,) = await slack.fake.wait_for("chat.postMessage")
    assert "something went wrong on my side" in apology.text
    (record,) = [r for r in caplog.records if r.name == "adapters.slack.listeners"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "msg_too_long" in caplog.text


async def test_unexpected_core_failure_gets_an_apology(
    app: App, sim_for: StartSim, caplog: pytest.LogCaptureFixture
) -> None:
    broken = Gigguard(dataclasses.replace(app.core.services, faq=ExplodingFaq()))
    slack = await sim_for(broken)
    (reply,) = await slack.run("ask is my data safe?")
    assert reply.params["response_type"] == "ephemeral"
    assert "something went wrong on my side" in reply.text
    assert "faq index corrupted" in caplog.text  # the traceback is in the log, not in Slack
    assert "faq index corrupted" not in reply.everything


async def test_users_info_failure_fails_closed(slack: SlackSim) -> None:
    slack.fake.admins.add("U0ADMIN")
    slack.fake.fail_next("users.info", error="missing_scope")
    (reply,) = await slack.run("stats", user="U0ADMIN")
    assert "for moderators only" in reply.text


async def test_ack_comes_before_the_work(sim_for: StartSim) -> None:
    core = FixedCore(Reply(blocks=(Section("slow answer"),)))
    core.release.clear()
    slack = await sim_for(core)
    status, body = await slack.command("status", response="slow")
    assert (status, body) == (200, "")  # acknowledged while core is still working
    assert slack.fake.responses("slow") == []
    core.release.set()
    (reply,) = await slack.fake.wait_for_response("slow")
    assert reply.text == "slow answer"


async def test_a_reply_over_50_blocks_is_split(sim_for: StartSim) -> None:
    sections = tuple(Section(f"part {n}") for n in range(60))
    slack = await sim_for(FixedCore(Reply(blocks=(*sections, Section("y" * 7000)))))
    await slack.command("status", response="big")
    first, second = await slack.fake.wait_for_response("big", 2)
    assert len(first.blocks) == 50 and len(second.blocks) == 13  # 10 parts + 7,000 chars as 3
    texts = [b["text"]["text"] for call in (first, second) for b in call.blocks]
    assert texts[:60] == [f"part {n}" for n in range(60)]
    assert all(len(text) <= 3000 for text in texts) and "".join(texts[60:]) == "y" * 7000
    assert first.text.startswith("part 0") and second.text.startswith("part 50")


async def test_a_split_dm_reply_posts_in_order(sim_for: StartSim) -> None:
    sections = tuple(Section(f"part {n}") for n in range(120))
    slack = await sim_for(FixedCore(Reply(blocks=sections)))
    await slack.dm("anything")
    posts = await slack.fake.wait_for("chat.postMessage", 3)
    assert [len(p.blocks) for p in posts] == [50, 50, 20]
    assert posts[2].blocks[-1]["text"]["text"] == "part 119"


async def test_a_reply_with_nothing_to_show_is_not_sent_anywhere(
    sim_for: StartSim, caplog: pytest.LogCaptureFixture
) -> None:
    """Seen before: a click in a DM raised out of update_message and got an apology."""
    core = FixedCore(Reply(blocks=(Section(" \n "),)))
    slack = await sim_for(core)
    container = {
        "type": "message",
        "message_ts": "1700000400.000100",
        "channel_id": "D0MEMBER",
        "is_ephemeral": False,
    }
    await slack.click("status", container=container)
    await slack.dm("status")
    await slack.command("status", response="blank")
    await core.wait_for_requests(3)
    sentinel = FixedCore(Reply(blocks=(Section("done"),)))
    later = await sim_for(sentinel)
    await later.run("status")  # the three above finished before this one was answered
    assert slack.fake.calls_to("chat.update") == []
    assert slack.fake.calls_to("chat.postMessage") == []
    assert slack.fake.responses("blank") == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_acks_do_not_wait_for_busy_work_slots(sim_for: StartSim) -> None:
    """Past WORK_SLOTS commands in flight, more are still acknowledged at once; their work
    waits for a slot instead of competing with acks for the event loop."""
    core = FixedCore(Reply(blocks=(Section("answer"),)))
    core.release.clear()
    slack = await sim_for(core)
    for number in range(WORK_SLOTS + 5):
        assert await slack.command("status", response=f"busy{number}") == (200, "")
    await core.wait_for_requests(WORK_SLOTS)
    assert len(core.requests) == WORK_SLOTS  # the rest are waiting, not running
    core.release.set()
    for number in range(WORK_SLOTS + 5):
        await slack.fake.wait_for_response(f"busy{number}")
