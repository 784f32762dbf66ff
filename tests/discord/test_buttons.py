"""Persistent buttons: a click runs the button's command, before and after a restart."""

from __future__ import annotations

import json

from tests.discord.conftest import MEMBER, RunBot
from tests.discord.fake_discord import FakeDiscord

DONE_COMMUNICATIONS = "gigguard:done communications"


async def test_status_has_a_button_per_toggle(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        (answer,) = await fake.replies(await fake.slash("status", user_id=MEMBER))
    assert answer.custom_ids == [
        "gigguard:done communications",
        "gigguard:done work-product",
        "gigguard:done other-platform",
    ]
    labels = [c["label"] for row in answer.message["components"] for c in row["components"]]
    assert labels[0] == "I switched this off: Communications Data"


async def test_a_click_runs_the_command_it_carries(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        await fake.replies(await fake.slash("status", user_id=MEMBER))
        (answer,) = await fake.replies(await fake.click(DONE_COMMUNICATIONS, user_id=MEMBER))
    assert "Recorded: Communications Data switched off" in answer.text
    assert answer.ephemeral
    assert DONE_COMMUNICATIONS not in answer.custom_ids  # done: no button left for it


async def test_a_button_from_before_a_restart_still_works(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        (first,) = await fake.replies(await fake.slash("status", user_id=MEMBER))
    assert DONE_COMMUNICATIONS in first.custom_ids
    async with run_bot():  # a new client on the same database
        (answer,) = await fake.replies(await fake.click(DONE_COMMUNICATIONS, user_id=MEMBER))
        (export,) = await fake.replies(await fake.slash("my-data", user_id=MEMBER))
    assert "Recorded: Communications Data switched off" in answer.text
    toggles = json.loads(export.text.split("```")[1])["toggles"]
    assert toggles["communications"]["off"] is True
    assert toggles["work-product"]["off"] is False


async def test_did_you_mean_and_more_buttons_ask_the_topic(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        (answer,) = await fake.replies(
            await fake.slash("ask", "what changed on upwork?", user_id=MEMBER)
        )
        ask_buttons = [c for c in answer.custom_ids if c.startswith("gigguard:ask ")]
        assert ask_buttons
        (more,) = await fake.replies(await fake.click(ask_buttons[0], user_id=MEMBER))
    assert "Last checked" in more.text


async def test_forget_me_button_in_a_dm(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        await fake.replies(await fake.slash("done", "all", user_id=MEMBER, in_dm=True))
        (ask,) = await fake.replies(await fake.slash("forget-me", user_id=MEMBER, in_dm=True))
        (done,) = await fake.replies(
            await fake.click(ask.custom_ids[0], user_id=MEMBER, in_dm=True)
        )
    assert ask.custom_ids == ["gigguard:forget-me confirm"]
    assert "I deleted 4 records" in done.text
