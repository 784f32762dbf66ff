"""What reaches /slack/events before any listener: replays, Slack's retries, unsigned garbage."""

from __future__ import annotations

import json
import logging
import re
import time

import pytest

from adapters.slack.replays import ReplayGuard
from tests.slack.fake_slack import RESPONSE_URL
from tests.slack.slack_sim import SlackSim, payload


async def test_a_replayed_slash_command_runs_once(slack: SlackSim) -> None:
    body = slack.command_body("remind in 1 hour", response="replayed")
    stamp = int(time.time())
    for _ in range(3):
        status, _ = await slack.post(body, "application/x-www-form-urlencoded", timestamp=stamp)
        assert status == 200
    await slack.fake.wait_for_response("replayed")
    await slack.run("status")  # a later command: by then any replay would have answered too
    assert len(slack.fake.responses("replayed")) == 1
    (reminders,) = await slack.run("reminders")
    rows = [line for line in reminders.text.split("\n") if re.match(r"\d+ \| ", line)]
    assert len(rows) == 1, reminders.text


async def test_slacks_retries_of_one_event_answer_once(slack: SlackSim) -> None:
    envelope = payload("message_im")
    envelope["event"]["text"] = "status"
    body = json.dumps(envelope)
    await slack.post(body, "application/json")
    for retry in (1, 2):
        # Slack retries with a fresh timestamp and signature and the same event_id.
        status, _ = await slack.post(
            body,
            "application/json",
            headers={"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"},
        )
        assert status == 200
    await slack.fake.wait_for("chat.postMessage")
    await slack.run("status")
    assert len(slack.fake.delivered("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("headers", "body", "content_type"),
    [
        ({"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}, "a=1", "form"),
        ({}, "payload=%7Bnot-json", "form"),
        ({"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=00"}, "[" * 100_000, "json"),
        ({"X-Slack-Request-Timestamp": str(2**80), "X-Slack-Signature": "x"}, "{}", "json"),
    ],
)
async def test_unsigned_garbage_is_refused_in_one_line_without_the_body(
    slack: SlackSim,
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str],
    body: str,
    content_type: str,
) -> None:
    kind = "application/json" if content_type == "json" else "application/x-www-form-urlencoded"
    with caplog.at_level(logging.INFO):
        status, _ = await slack.post_raw(body, kind, headers)
    assert status == 401
    assert all(r.exc_info is None for r in caplog.records)
    refusals = [r for r in caplog.records if r.name.startswith("adapters.slack")]
    assert len(refusals) == 1 and refusals[0].levelno == logging.WARNING
    assert body[:20] not in caplog.text
    assert slack.fake.calls == []


@pytest.mark.parametrize(
    "body",
    ["payload=%7Bnot-json", "payload=" + "%5B" * 100_000, "payload=%5B1%5D"],
)
async def test_a_signed_body_that_does_not_parse_is_a_400(
    slack: SlackSim, caplog: pytest.LogCaptureFixture, body: str
) -> None:
    status, _ = await slack.post(body, "application/x-www-form-urlencoded")
    assert status == 400
    assert all(r.exc_info is None for r in caplog.records)
    assert "not-json" not in caplog.text
    assert slack.fake.calls_to(RESPONSE_URL) == []


def test_the_replay_memory_lasts_the_signature_window_and_stays_bounded() -> None:
    now = [0.0]
    guard = ReplayGuard(window=300.0, max_remembered=3, now=lambda: now[0])
    assert guard.first_time("a") and not guard.first_time("a")
    now[0] = 299.0
    assert not guard.first_time("a")
    now[0] = 300.0  # a replay this late fails the signature check anyway
    assert guard.first_time("a")
    for key in ("b", "c", "d"):
        assert guard.first_time(key)
    assert len(guard._seen) == 3  # the oldest made room
