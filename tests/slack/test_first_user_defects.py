"""The first user's defects fixed in core, over the fake Slack: snooze moves only later, tz EST
is explained, stats hides only counts of people, policy-update's URL is its source."""

from __future__ import annotations

import html
from typing import Any

import pytest

from tests.firstuser.wire_cases import CASES, MEMBER, MODERATOR, WireCase
from tests.slack.fake_slack import Call
from tests.slack.slack_sim import SlackSim

USERS = {MEMBER: "U0MEMBER", "other": "U0OTHER", MODERATOR: "U0ADMIN"}


def readable(call: Call) -> str:
    """Every text of the message as the member sees it (Slack escapes <, > and &)."""
    texts = [call.text]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    texts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(call.blocks)
    return html.unescape("\n".join(texts))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_fixed_defect_over_slack(slack: SlackSim, case: WireCase) -> None:
    slack.fake.admins.add(USERS[MODERATOR])
    for text, who in case.steps:
        await slack.run(text, user=USERS[who])
    text, who = case.command
    replies = await slack.run(text, user=USERS[who])
    case.check("\n".join(readable(r) for r in replies))
