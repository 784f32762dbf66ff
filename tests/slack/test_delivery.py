"""SlackMessenger and SlackMemberDirectory on the wire: DMs, error mapping, 429s, resends,
and reminders and broadcasts from a slash command to a DM through the delivery worker."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.config import SlackConfig
from adapters.slack.messenger import (
    EVENT_TYPE,
    SlackMemberDirectory,
    SlackMessenger,
    delivery_client,
    directory_client,
)
from adapters.slack.tokens import SingleWorkspace
from bot.bootstrap import App
from core.delivery.worker import DeliveryWorker
from core.errors import PermanentDeliveryError, TransientDeliveryError
from core.outbox import FailReason
from core.replies import Reply, Section
from core.service import Gigguard
from core.services import Services
from tests.fake_messenger import clock_sleep, drain
from tests.fakes import ManualClock
from tests.slack.conftest import StartSim
from tests.slack.fake_slack import TEAM, FakeSlack
from tests.slack.slack_sim import MEMBER, SlackSim

REPLY = Reply(blocks=(Section("Hi <!channel> & <@U123>", title="Reminder"),), buttons=())
KEY = "gigguard-delivery-7"


def config_for(fake: FakeSlack) -> SlackConfig:
    return SlackConfig(
        bot_token="xoxb-delivery",
        signing_secret=None,
        app_token=None,
        api_url=fake.api_url,
        moderator_ids=frozenset(),
    )


@pytest.fixture
def messenger(fake_slack: FakeSlack) -> SlackMessenger:
    return SlackMessenger(delivery_client(config_for(fake_slack)))


async def test_a_dm_opens_the_conversation_and_posts_escaped_blocks_with_metadata(
    messenger: SlackMessenger, fake_slack: FakeSlack
) -> None:
    sent = await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY)
    (opened,) = fake_slack.delivered("conversations.open")
    assert opened.params["users"] == MEMBER
    (post,) = fake_slack.delivered("chat.postMessage")
    assert post.params["channel"] == "D" + MEMBER and sent.message_id is not None
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in post.blocks[0]["text"]["text"]
    assert "<!channel>" not in post.everything
    assert "link_names" not in post.params and "parse" not in post.params
    assert post.params["metadata"] == {
        "event_type": EVENT_TYPE,
        "event_payload": {"key": KEY, "part": 0},
    }
    # A DM that was not open before cannot hold an earlier copy: no history lookup.
    assert fake_slack.calls_to("conversations.history") == []


async def test_a_resend_finds_the_first_copy_and_posts_nothing(
    fake_slack: FakeSlack,
) -> None:
    """A second process (the first died after posting) is told it is a resend."""
    first = await SlackMessenger(delivery_client(config_for(fake_slack))).send_dm(
        TEAM, MEMBER, REPLY, idempotency_key=KEY
    )
    messenger = SlackMessenger(delivery_client(config_for(fake_slack)))
    again = await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY, resend=True)
    assert again.message_id == first.message_id
    assert len(fake_slack.delivered("chat.postMessage")) == 1
    (history,) = fake_slack.delivered("conversations.history")
    assert history.params["include_all_metadata"] in ("1", "true")
    assert int(history.params["limit"]) <= 15  # Slack's cap for apps outside the Marketplace
    await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key="gigguard-delivery-8")
    assert len(fake_slack.delivered("chat.postMessage")) == 2  # another delivery is sent
    assert len(fake_slack.calls_to("conversations.history")) == 1  # a first try never looks


@pytest.mark.parametrize(
    ("method", "error", "reason"),
    [
        ("conversations.open", "user_not_found", "user_not_found"),
        ("conversations.open", "account_inactive", "user_not_found"),
        ("conversations.open", "cannot_dm_bot", "dms_closed"),
        ("chat.postMessage", "not_allowed", "dms_closed"),
        ("chat.postMessage", "channel_not_found", "channel_not_found"),
        ("chat.postMessage", "is_archived", "channel_not_found"),
        ("chat.postMessage", "invalid_blocks", "other"),
    ],
)
async def test_slack_errors_are_permanent_with_a_reason(
    messenger: SlackMessenger, fake_slack: FakeSlack, method: str, error: str, reason: str
) -> None:
    fake_slack.fail_next(method, error=error)
    with pytest.raises(PermanentDeliveryError) as caught:
        await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY)
    assert caught.value.reason == reason


async def test_a_channel_the_bot_is_not_in_fails_with_its_own_reason(
    messenger: SlackMessenger, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(PermanentDeliveryError) as caught:
        await messenger.send_to_channel(TEAM, "C0RANDOM", REPLY, idempotency_key=KEY)
    assert caught.value.reason == FailReason.NOT_IN_CHANNEL
    (line,) = [r.getMessage() for r in caplog.records if r.name == "adapters.slack.messenger"]
    assert "invite @gigguard" in line and "C0RANDOM" in line
    fake_slack.bot_channels.add("C0RANDOM")  # a moderator invited the bot
    await messenger.send_to_channel(TEAM, "C0RANDOM", REPLY, idempotency_key=KEY)
    (post,) = fake_slack.delivered("chat.postMessage")
    assert post.params["channel"] == "C0RANDOM"


async def test_a_channel_broadcast_posts_without_reading_history(
    messenger: SlackMessenger, fake_slack: FakeSlack
) -> None:
    for number in range(3):
        await messenger.send_to_channel(TEAM, "C0GENERAL", REPLY, idempotency_key=f"k{number}")
    assert len(fake_slack.delivered("chat.postMessage")) == 3
    assert fake_slack.calls_to("conversations.history") == []


async def test_a_channel_resend_reads_history_with_a_scope_the_manifest_grants(
    fake_slack: FakeSlack,
) -> None:
    await SlackMessenger(delivery_client(config_for(fake_slack))).send_to_channel(
        TEAM, "C0GENERAL", REPLY, idempotency_key=KEY
    )
    fresh = SlackMessenger(delivery_client(config_for(fake_slack)))
    await fresh.send_to_channel(TEAM, "C0GENERAL", REPLY, idempotency_key=KEY, resend=True)
    assert len(fake_slack.delivered("chat.postMessage")) == 1
    assert len(fake_slack.delivered("conversations.history")) == 1


async def test_dm_channels_are_opened_once_per_member(
    messenger: SlackMessenger, fake_slack: FakeSlack
) -> None:
    for number in range(3):
        await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=f"k{number}")
    assert len(fake_slack.delivered("conversations.open")) == 1
    assert len(fake_slack.delivered("chat.postMessage")) == 3
    assert fake_slack.calls_to("conversations.history") == []


async def test_a_retry_after_a_429_does_not_read_history(
    messenger: SlackMessenger, fake_slack: FakeSlack
) -> None:
    """Slack said nothing was posted: the worker's resend needs no look at history."""
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(TransientDeliveryError):
        await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY)
    await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY, resend=True)
    assert len(fake_slack.delivered("chat.postMessage")) == 1
    assert fake_slack.calls_to("conversations.history") == []


async def test_a_retry_after_a_500_reads_history_once_and_posts_once(
    messenger: SlackMessenger, fake_slack: FakeSlack
) -> None:
    """A 500 may come after Slack posted: not retried by the SDK, checked on the resend."""
    fake_slack.fail_next("chat.postMessage", status=500)
    with pytest.raises(TransientDeliveryError):
        await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY)
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [500]
    await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY, resend=True)
    assert len(fake_slack.delivered("conversations.history")) == 1
    assert len(fake_slack.delivered("chat.postMessage")) == 1


async def test_a_reply_with_nothing_visible_is_never_posted(
    messenger: SlackMessenger, fake_slack: FakeSlack
) -> None:
    empty = Reply(blocks=(Section("  \n "),))
    with pytest.raises(PermanentDeliveryError):
        await messenger.send_dm(TEAM, MEMBER, empty, idempotency_key=KEY)
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_a_429_reaches_the_worker_with_retry_after(
    messenger: SlackMessenger, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(TransientDeliveryError) as caught:
        await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY)
    assert caught.value.retry_after == 7.0
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [429]  # not slept on


async def test_the_rate_limiter_answers_a_burst_with_429(
    messenger: SlackMessenger, fake_slack: FakeSlack
) -> None:
    fake_slack.limit_rate({"conversations.open": 1.0})
    await messenger.send_dm(TEAM, "U1", REPLY, idempotency_key="k1")
    with pytest.raises(TransientDeliveryError) as caught:
        await messenger.send_dm(TEAM, "U2", REPLY, idempotency_key="k2")
    assert caught.value.retry_after == 1.0


async def test_server_and_connection_errors_are_transient(
    messenger: SlackMessenger, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("chat.postMessage", status=502)
    with pytest.raises(TransientDeliveryError):
        await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY)
    fake_slack.fail_next("chat.postMessage", error="internal_error")
    with pytest.raises(TransientDeliveryError):
        await messenger.send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY)
    unreachable = AsyncWebClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/")
    with pytest.raises(TransientDeliveryError):
        await SlackMessenger(
            unreachable, tokens=SingleWorkspace(unreachable, team_id=TEAM)
        ).send_dm(TEAM, MEMBER, REPLY, idempotency_key=KEY)


async def test_another_workspace_is_refused(messenger: SlackMessenger) -> None:
    with pytest.raises(PermanentDeliveryError) as caught:
        await messenger.send_dm("T0OTHER", MEMBER, REPLY, idempotency_key=KEY)
    assert caught.value.reason == "other"


async def test_the_directory_pages_through_people_only(fake_slack: FakeSlack) -> None:
    people = [{"id": f"U{n:04}"} for n in range(450)]
    fake_slack.members = [
        *people,
        {"id": "USLACKBOT", "is_bot": False},
        {"id": "UBOT2", "is_bot": True},
        {"id": "UGONE", "deleted": True},
    ]
    directory = SlackMemberDirectory(directory_client(config_for(fake_slack)))
    assert await directory.member_ids(TEAM) == [p["id"] for p in people]
    assert len(fake_slack.delivered("users.list")) == 3
    assert await directory.member_ids("T0OTHER") == []


def worker_for(services: Services, clock: ManualClock, fake: FakeSlack) -> DeliveryWorker:
    return DeliveryWorker(
        services=services,
        messengers={"slack": SlackMessenger(delivery_client(config_for(fake)))},
        sleep=clock_sleep(clock),  # type: ignore[arg-type]
    )


def buttons(blocks: list[dict[str, object]]) -> list[str]:
    found = []
    for block in blocks:
        if block["type"] == "actions":
            found += [e["value"] for e in block["elements"]]  # type: ignore[attr-defined]
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            found.append(accessory["value"])
    return found


async def test_a_reminder_from_the_slash_command_arrives_as_a_dm(
    app: App, clock: ManualClock, slack: SlackSim
) -> None:
    (answer,) = await slack.run("remind in 1 hour")
    assert "Reminder #" in answer.text
    worker = worker_for(app.core.services, clock, slack.fake)
    assert await drain(worker) == 0  # not due yet
    clock.advance(dt.timedelta(hours=1, seconds=1))
    assert await drain(worker) == 1
    (dm,) = slack.fake.delivered("chat.postMessage")
    assert dm.params["channel"] == "D" + MEMBER
    assert any(b["type"] == "header" for b in dm.blocks)  # the live checklist
    assert "done communications" in buttons(dm.blocks)
    assert dm.params["metadata"]["event_payload"]["key"].startswith("gigguard-delivery-")


async def test_a_broadcast_to_pending_reaches_unfinished_and_never_met_members(
    app: App, clock: ManualClock, fake_slack: FakeSlack, sim_for: StartSim
) -> None:
    directory = SlackMemberDirectory(directory_client(config_for(fake_slack)))
    services = replace(app.core.services, directories={"slack": directory})
    slack = await sim_for(Gigguard(services))
    for user in ("U0DONE", "U0HALF"):
        await slack.run("status", user=user)
    await slack.run("done all", user="U0DONE")
    await slack.run("done communications", user="U0HALF")
    fake_slack.members = [{"id": u} for u in ("U0DONE", "U0HALF", "U0NEW")]
    fake_slack.members.append({"id": "UBOT2", "is_bot": True})
    fake_slack.admins.add("U0ADMIN")
    (preview,) = await slack.run("broadcast dm pending: Switch them off @here", user="U0ADMIN")
    assert "2 recipients" in preview.text, preview.text
    await slack.run("broadcast confirm 1", user="U0ADMIN")
    await drain(worker_for(services, clock, fake_slack))
    posts = fake_slack.delivered("chat.postMessage")
    assert sorted(p.params["channel"] for p in posts) == ["DU0HALF", "DU0NEW"]
    assert all("@here" not in p.everything for p in posts)
    (report,) = await slack.run("broadcasts", user="U0ADMIN")
    assert "3/3" in report.text and "finished 1" in report.text, report.text


async def test_a_channel_broadcast_where_the_bot_is_not_tells_the_moderator_to_invite_it(
    app: App, clock: ManualClock, slack: SlackSim
) -> None:
    slack.fake.admins.add("U0ADMIN")
    await slack.run("broadcast channel: Switch them off", user="U0ADMIN", channel="C0RANDOM")
    await slack.run("broadcast confirm 1", user="U0ADMIN", channel="C0RANDOM")
    await drain(worker_for(app.core.services, clock, slack.fake))
    assert slack.fake.delivered("chat.postMessage") == []
    assert slack.fake.calls_to("conversations.history") == []  # no scope spent on a first try
    (report,) = await slack.run("broadcasts", user="U0ADMIN")
    assert "not_in_channel 1" in report.text, report.text
    assert "invite it with /invite @gigguard" in report.text and "C0RANDOM" in report.text
