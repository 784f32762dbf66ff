"""Welcome DMs on Slack: a `team_join` from the fake Slack, through the real bolt app, the
outbox and SlackMessenger, to exactly one chat.postMessage in the new member's DM."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from adapters.slack.config import SlackConfig
from adapters.slack.inbound import member_key
from adapters.slack.runner import run_slack
from bot.bootstrap import App
from core.joins import MemberJoined
from core.replies import Reply
from core.requests import Request
from tests.fake_messenger import drain
from tests.fakes import ManualClock
from tests.slack.conftest import StartSim
from tests.slack.fake_slack import SOCKET_ACK, SOCKET_CONNECTED, TEAM, FakeSlack
from tests.slack.slack_sim import SlackSim
from tests.slack.test_delivery import buttons, worker_for
from tests.waiting import until

ADMIN = "U0ADMIN"
NEW = "U0NEWBIE"


class JoinsSeen:
    """The real core, noting each join it finished, so a test knows when "nothing" is final."""

    def __init__(self, app: App) -> None:
        self._core = app.core
        self.joins: list[tuple[MemberJoined, bool]] = []

    async def handle(self, request: Request) -> Reply:
        return await self._core.handle(request)

    async def member_joined(self, joined: MemberJoined) -> bool:
        queued = await self._core.member_joined(joined)
        self.joins.append((joined, queued))
        return queued

    def apology(self) -> Reply:
        return self._core.apology()


async def join(slack: SlackSim, seen: JoinsSeen, user: str, **options: Any) -> None:
    event = slack.fake.team_join(user, **options)
    assert event is not None
    before = len(seen.joins)
    assert await slack.post(json.dumps(event), "application/json") == (200, "")
    await until(lambda: len(seen.joins) > before, what=f"{user}'s join to be handled")


async def posts_to(app: App, clock: ManualClock, fake: FakeSlack) -> list[str]:
    await drain(worker_for(app.core.services, clock, fake))
    return [str(p.params["channel"]) for p in fake.delivered("chat.postMessage")]


async def test_welcome_on_a_joining_member_gets_one_dm_through_the_outbox(
    app: App, clock: ManualClock, fake_slack: FakeSlack, sim_for: StartSim
) -> None:
    seen = JoinsSeen(app)
    slack = await sim_for(seen)
    fake_slack.admins.add(ADMIN)
    (on,) = await slack.run("welcome on", user=ADMIN)
    assert "Welcome DMs are on" in on.text and "Discord" not in on.text

    await join(slack, seen, NEW)
    assert await posts_to(app, clock, fake_slack) == ["D" + NEW]
    (dm,) = fake_slack.delivered("chat.postMessage")
    assert "Upwork" in dm.everything and "Communications Data" in dm.everything
    assert {"guide", "mute", "done communications"} <= set(buttons(dm.blocks))
    assert dm.params["metadata"]["event_payload"]["key"].startswith("gigguard-delivery-")

    await join(slack, seen, NEW)  # Slack sends the event again, or they rejoin
    await join(slack, seen, "U0ROBOT", is_bot=True)
    assert await posts_to(app, clock, fake_slack) == ["D" + NEW]  # still the one DM
    assert [queued for _, queued in seen.joins] == [True, False, False]
    (stats,) = await slack.run("stats", user=ADMIN)
    assert "Welcome DMs sent" in stats.text


async def test_welcome_off_by_default_and_a_muted_member_gets_nothing(
    app: App, clock: ManualClock, fake_slack: FakeSlack, sim_for: StartSim
) -> None:
    seen = JoinsSeen(app)
    slack = await sim_for(seen)
    await join(slack, seen, "U0EARLY")  # nobody switched it on
    fake_slack.admins.add(ADMIN)
    await slack.run("welcome on", user=ADMIN)
    await slack.run("mute", user=NEW)
    await join(slack, seen, NEW)
    assert await posts_to(app, clock, fake_slack) == []
    (stats,) = await slack.run("stats", user=ADMIN)
    assert "Welcome DMs skipped (muted)" in stats.text


async def test_preview_and_the_moderator_gate(
    app: App, fake_slack: FakeSlack, slack: SlackSim
) -> None:
    (refused,) = await slack.run("welcome on")
    assert "for moderators only" in refused.text
    fake_slack.admins.add(ADMIN)
    (preview,) = await slack.run("welcome preview", user=ADMIN)
    assert preview.params.get("response_type") != "in_channel"  # only the moderator sees it
    assert "Preview of the welcome DM" in preview.text and "Upwork" in preview.everything
    assert "guide" in buttons(preview.blocks)


def test_the_fake_sends_team_join_only_to_an_app_that_may_receive_it() -> None:
    """What Slack documents: subscribed in the manifest, and the install granted users:read."""
    fake = FakeSlack()
    event = fake.team_join(NEW, is_bot=True)
    assert event is not None and event["type"] == "event_callback"
    user = event["event"]["user"]
    assert (event["event"]["type"], user["id"], user["is_bot"]) == ("team_join", NEW, True)
    assert user["team_id"] == event["team_id"]
    fake.bot_scopes = fake.bot_scopes - {"users:read"}
    assert fake.team_join(NEW) is None
    fake = FakeSlack()
    fake.bot_events = fake.bot_events - {"team_join"}
    assert fake.team_join(NEW) is None


async def test_a_team_join_over_socket_mode_is_acked_and_queues_the_welcome(
    app: App, clock: ManualClock, fake_slack: FakeSlack
) -> None:
    config = SlackConfig(
        "xoxb-socket",
        signing_secret=None,
        app_token="xapp-1-test",
        api_url=fake_slack.api_url,
        moderator_ids=frozenset({ADMIN}),
    )
    task = asyncio.create_task(run_slack(app.core, config, http=False, host="", port=0))
    try:
        await fake_slack.wait_for(SOCKET_CONNECTED)
        async with app.core.services.uow() as uow:
            await uow.welcome.switch(platform="slack", community=TEAM, on=True, at=clock.now())
            await uow.commit()
        event = fake_slack.team_join(NEW)
        assert event is not None
        envelope = await fake_slack.push_event(event)
        (ack,) = await fake_slack.wait_for(SOCKET_ACK)
        assert ack.params["envelope_id"] == envelope

        async def queued() -> bool:
            async with app.core.services.uow() as uow:
                return (await uow.members.traces(member_key(TEAM, NEW))).welcomed is not None

        await until(queued, what="the welcome to be queued")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert await posts_to(app, clock, fake_slack) == ["D" + NEW]
