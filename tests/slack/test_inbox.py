"""On Slack's wire: a declined question's buttons, sending it to the moderators anonymously,
the moderators' inbox and answer, the DM to the asker, and answer feedback."""

from __future__ import annotations

from bot.bootstrap import App
from core.delivery.worker import DeliveryWorker
from tests.fake_messenger import clock_sleep, drain
from tests.fakes import ManualClock
from tests.inbox.conftest import app, knowledge_dir  # noqa: F401 (the app with a knowledge dir)
from tests.slack.conftest import CONFIGURED_MODERATOR
from tests.slack.fake_slack import TEAM
from tests.slack.slack_sim import MEMBER, SlackSim
from tests.slack.test_commands import buttons
from tests.slack.test_delivery import messenger  # noqa: F401

MEETUP = "Is there a Berlin meetup for freelancers in December?"
LINK = "https://example.org/meetups"


def by_label(reply_blocks: list[dict[str, object]]) -> dict[str, str]:
    return {b["text"]["text"]: b["value"] for b in buttons(reply_blocks)}  # type: ignore[index]


async def test_a_decline_offers_topics_and_the_moderators(slack: SlackSim) -> None:
    (reply,) = await slack.run(f"ask {MEETUP}")
    assert reply.params["response_type"] == "ephemeral"
    values = by_label(reply.blocks)
    assert sum(v.startswith("ask ") for v in values.values()) == 3
    assert values["All topics"] == "topics"
    send = values["Ask the moderators (anonymous)"]
    assert values["…and tell me when it is answered"] == f"{send} notify"
    assert all(len(b["action_id"]) <= 100 for b in buttons(reply.blocks))
    await slack.click("topics")
    (listed,) = await slack.fake.wait_for_response("click")
    assert "What I can answer" in listed.text


async def test_sent_answered_and_told_by_dm(
    slack: SlackSim,
    app: App,  # noqa: F811 (the fixture imported above)
    clock: ManualClock,
    messenger: object,  # noqa: F811 (the fixture imported above)
) -> None:
    (reply,) = await slack.run(f"ask {MEETUP}")
    await slack.click(by_label(reply.blocks)["…and tell me when it is answered"], response="sent")
    (sent,) = await slack.fake.wait_for_response("sent")
    assert "Sent to the moderators" in sent.text

    (refused,) = await slack.run("inbox")
    assert "for moderators only" in refused.text
    (listing,) = await slack.run("inbox", user=CONFIGURED_MODERATOR)
    assert "#1 · asked 1×" in listing.text and MEETUP in listing.text
    (done,) = await slack.run(
        f"inbox answer 1 Every second Tuesday, see {LINK}", user=CONFIGURED_MODERATOR
    )
    assert "asked-1" in done.text

    (later,) = await slack.run("ask any Berlin meetup for freelancers in December?", user="U0NEW")
    assert "Every second Tuesday" in later.text
    values = by_label(later.blocks)
    await slack.click(values["Helpful"], user="U0NEW", response="thanks")
    (thanks,) = await slack.fake.wait_for_response("thanks")
    assert "Only the count is kept" in thanks.text
    feedback = app.core.services.answer_feedback.pending(platform="slack", workspace=TEAM)
    assert feedback == {("asked-1", True): 1}

    worker = DeliveryWorker(
        services=app.core.services,
        messengers={"slack": messenger},  # type: ignore[dict-item]
        sleep=clock_sleep(clock),  # type: ignore[arg-type]
    )
    await drain(worker)
    (opened,) = slack.fake.delivered("conversations.open")
    assert opened.params["users"] == MEMBER
    (post,) = slack.fake.delivered("chat.postMessage")
    assert "The moderators answered your question" in post.text
