"""DMs: free text is a question; bots are ignored; closed DMs are reported, not fatal."""

from __future__ import annotations

import logging

import discord
import pytest

from tests.discord.conftest import MEMBER, RunBot
from tests.discord.fake_discord import FakeDiscord

STRANGER = 100_000_000_000_000_099


async def test_a_dm_question_is_answered_in_the_dm(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        await fake.direct_message(MEMBER, "what did upwork change?")
        (answer,) = await fake.dm_replies(MEMBER)
    assert answer.kind == "channel"
    assert int(answer.message["channel_id"]) == fake.dm_channel_id(MEMBER)
    assert "Last checked" in answer.text
    assert answer.body["allowed_mentions"] == {"parse": []}


async def test_dm_text_that_reads_like_a_subcommand_runs_it(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        await fake.direct_message(MEMBER, "done all")
        await fake.direct_message(MEMBER, "status")
        answers = await fake.dm_replies(MEMBER, count=2)
    assert "Recorded:" in answers[0].text
    assert "All Upwork toggles are switched off" in answers[1].text


async def test_a_dm_request_in_plain_words_runs_it(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        await fake.direct_message(MEMBER, "I switched off comms")
        (recorded,) = await fake.dm_replies(MEMBER)
        await fake.direct_message(MEMBER, "please forget me")
        _, forget = await fake.dm_replies(MEMBER, count=2)
    assert "Recorded: Communications Data switched off" in recorded.text
    assert "gigguard:undo communications" in recorded.custom_ids
    assert forget.custom_ids == ["gigguard:forget-me confirm"]  # asks; deletes nothing yet


async def test_intents_are_minimal_and_not_privileged(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        pass
    intents = discord.Intents._from_value(fake.sessions[0].identify["intents"])
    assert intents == discord.Intents(guilds=True, dm_messages=True)
    assert not intents.message_content and not intents.members and not intents.presences


async def test_bots_are_ignored_including_itself(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        await fake.direct_message(STRANGER, "what did upwork change?", bot=True)
        await fake.direct_message(MEMBER, "hello")
        await fake.dm_replies(MEMBER)
    assert not [s for s in fake.sent if s.key == str(fake.dm_channel_id(STRANGER))]


async def test_closed_dms_are_logged_and_the_bot_carries_on(
    run_bot: RunBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake.close_dms(STRANGER)
    async with run_bot():
        await fake.direct_message(STRANGER, "what did upwork change?")
        await fake.wait_until(lambda: any(r.status == 403 for r in fake.requests))
        await fake.direct_message(MEMBER, "what did upwork change?")
        await fake.dm_replies(MEMBER)
    assert "their DMs are closed" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_429_is_waited_out_then_the_message_sent(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    fake.rate_limit_once("POST", r"/channels/\d+/messages", retry_after=0.2)
    async with run_bot():
        await fake.direct_message(MEMBER, "what did upwork change?")
        (answer,) = await fake.dm_replies(MEMBER)
    statuses = [r.status for r in fake.requests_to("POST", r"/channels/\d+/messages")]
    assert statuses == [429, 200]
    assert "Last checked" in answer.text


async def test_a_429_on_an_interaction_follow_up_is_retried(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    fake.rate_limit_once("PATCH", r"/webhooks/\d+/[^/]+/messages/@original", retry_after=0.2)
    async with run_bot(defer_after=0):
        token = await fake.slash("done", "all", user_id=MEMBER)
        (answer,) = await fake.replies(token)
    assert "Recorded:" in answer.text


@pytest.mark.parametrize("where", ["dm", "command"])
async def test_mentions_typed_by_members_never_ping(
    run_bot: RunBot, fake: FakeDiscord, where: str
) -> None:
    async with run_bot():
        if where == "dm":
            await fake.direct_message(
                MEMBER, "@everyone @here <@&600000000000000003> what changed?"
            )
            await fake.dm_replies(MEMBER)
        else:
            token = await fake.slash("done", "@everyone <@&600000000000000003>", user_id=MEMBER)
            await fake.replies(token)
    message_bodies = [s.body for s in fake.sent if s.kind != "autocomplete"]
    assert message_bodies
    for body in message_bodies:
        assert body["allowed_mentions"] == {"parse": []}
        assert "@everyone" not in str(body) and "@here" not in str(body)
