"""/optout over the wire: registration, every subcommand, moderators, deferral, sync."""

from __future__ import annotations

import asyncio
import json

import pytest

from core.replies import Reply
from core.requests import Request
from core.service import Gigguard
from tests.discord import payloads as p
from tests.discord.conftest import MEMBER, MODERATOR, ROLE_HOLDER, RunBot
from tests.discord.fake_discord import FakeDiscord

GLOBAL_COMMANDS = r"/applications/\d+/commands"
GUILD_COMMANDS = r"/applications/\d+/guilds/\d+/commands"
MANAGE_GUILD = str(p.MANAGE_GUILD)


def _subcommands(fake: FakeDiscord) -> dict[str, dict]:
    (optout,) = fake.commands[None]
    return {option["name"]: option for option in optout["options"]}


async def test_registers_one_optout_group_with_typed_options(
    run_bot: RunBot, fake: FakeDiscord, core: Gigguard
) -> None:
    async with run_bot():
        pass
    subs = _subcommands(fake)
    assert list(subs) == [spec.name for spec in core.registry if not spec.button_only]
    toggle = subs["done"]["options"][0]
    assert toggle["required"] is True
    assert [c["value"] for c in toggle["choices"]] == [
        "communications",
        "work-product",
        "other-platform",
        "all",
    ]
    assert {c["value"] for c in subs["guide"]["options"][0]["choices"]} == {"upwork", "fiverr"}
    assert subs["contract"]["options"][0]["name"] == "client-opted-out"
    assert [c["value"] for c in subs["contract"]["options"][0]["choices"]] == [
        "yes",
        "no",
        "unknown",
    ]
    assert subs["ask"]["options"][0]["autocomplete"] is True
    assert "choices" not in subs["ask"]["options"][0]
    assert fake.commands[None][0]["default_member_permissions"] is None  # gated at run time


@pytest.mark.parametrize(
    ("subcommand", "value", "expected", "ephemeral"),
    [
        ("help", None, "/optout status", True),
        ("guide", "upwork", "Opting out on Upwork", True),
        ("guide", None, "Opting out on Upwork", True),
        ("status", None, "0 of 3 switched off", True),
        ("done", "communications", "Recorded: Communications Data switched off", True),
        ("undo", "communications", "marked as not switched off", True),
        ("ask", "does opting out protect my client?", "Last checked", True),
        ("compare", None, "Fiverr", False),
        ("clause", None, "```", False),
        ("contract", "unknown", "client opted out: unknown", True),
        ("my-data", None, '"platform": "discord"', True),
        ("forget-me", None, "This deletes everything", True),
        ("forget-me", "confirm", "I deleted", True),
    ],
)
async def test_every_subcommand_answers(
    run_bot: RunBot,
    fake: FakeDiscord,
    subcommand: str,
    value: str | None,
    expected: str,
    ephemeral: bool,
) -> None:
    async with run_bot():
        token = await fake.slash(subcommand, value, user_id=MEMBER)
        (answer,) = await fake.replies(token)
    assert answer.kind == "callback"
    assert expected in answer.text
    assert answer.ephemeral is ephemeral
    assert answer.body["allowed_mentions"] == {"parse": []}


async def test_done_all_then_my_data_shows_every_toggle_off(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        await fake.replies(await fake.slash("done", "all", user_id=MEMBER))
        (answer,) = await fake.replies(await fake.slash("my-data", user_id=MEMBER))
    document = json.loads(answer.text.split("```")[1])
    assert document["member"] == {"platform": "discord", "workspace": "global", "user": str(MEMBER)}
    assert all(toggle["off"] for toggle in document["toggles"].values())


async def test_status_in_a_dm_is_the_same_member_as_in_the_server(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        await fake.replies(await fake.slash("done", "all", user_id=MEMBER))
        (answer,) = await fake.replies(await fake.slash("status", user_id=MEMBER, in_dm=True))
    assert "3 of 3" in answer.text or "All Upwork toggles are switched off" in answer.text


async def test_stats_is_refused_to_a_member(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        (answer,) = await fake.replies(await fake.slash("stats", user_id=MEMBER))
    assert "for moderators only" in answer.text
    assert answer.ephemeral


@pytest.mark.parametrize(
    ("user_id", "permissions", "roles"),
    [(MODERATOR, MANAGE_GUILD, ()), (ROLE_HOLDER, "0", (p.MOD_ROLE_ID,))],
    ids=["manage-server", "moderator-role"],
)
async def test_stats_is_allowed_to_moderators(
    run_bot: RunBot, fake: FakeDiscord, user_id: int, permissions: str, roles: tuple[int, ...]
) -> None:
    async with run_bot():
        token = await fake.slash("stats", user_id=user_id, permissions=permissions, roles=roles)
        (answer,) = await fake.replies(token)
    assert "Community progress on Upwork" in answer.text


async def test_moderator_role_can_be_given_by_id(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot(moderator_role=str(p.MOD_ROLE_ID)):
        token = await fake.slash(
            "stats", user_id=ROLE_HOLDER, permissions="0", roles=(p.MOD_ROLE_ID,)
        )
        (answer,) = await fake.replies(token)
    assert "Community progress" in answer.text


async def test_no_moderator_in_a_dm(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        token = await fake.slash("stats", user_id=MODERATOR, in_dm=True)
        (answer,) = await fake.replies(token)
    assert "for moderators only" in answer.text


async def test_ask_autocompletes_faq_topics(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        (answer,) = await fake.replies(await fake.autocomplete("ask", "client", user_id=MEMBER))
    choices = answer.body["data"]["choices"]
    assert choices and len(choices) <= 25
    assert any(c["value"] == "client-protection" for c in choices)


async def test_a_topic_picked_from_autocomplete_is_answered_in_full(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        (answer,) = await fake.replies(await fake.slash("ask", "what-changed", user_id=MEMBER))
    assert "January 5, 2026" in answer.text


class HeldCore(Gigguard):
    """Core that answers only once the test lets it: slow work without sleeping on a clock."""

    def __init__(self, core: Gigguard) -> None:
        super().__init__(core.services)
        self.release = asyncio.Event()

    async def handle(self, request: Request) -> Reply:
        await self.release.wait()
        return await super().handle(request)


async def test_slow_work_is_deferred_then_the_original_edited(
    run_bot: RunBot, fake: FakeDiscord, core: Gigguard
) -> None:
    held = HeldCore(core)
    async with run_bot(with_core=held, defer_after=0.01):
        token = await fake.slash("compare", user_id=MEMBER)
        callbacks = await fake.wait_until(
            lambda: fake.requests_to("POST", r"/interactions/\d+/[^/]+/callback")
        )
        held.release.set()
        (answer,) = await fake.replies(token)
    assert callbacks[0].body["type"] == 5  # deferred: "gigguard is thinking..."
    assert callbacks[0].body["data"]["flags"] == 64
    assert answer.kind == "original"
    assert "Fiverr" in answer.text
    assert answer.body["allowed_mentions"] == {"parse": []}


async def test_commands_sync_once_and_not_again_when_unchanged(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        pass
    async with run_bot():
        pass
    assert len(fake.requests_to("PUT", GLOBAL_COMMANDS)) == 1
    assert len(fake.requests_to("GET", GLOBAL_COMMANDS)) == 2


async def test_a_restart_does_not_sync_guild_commands_discord_filled_in(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot(guild_id=p.GUILD_ID):
        pass
    (stored,) = fake.commands[str(p.GUILD_ID)]
    assert stored["integration_types"] == [0] and stored["contexts"] is None  # server-filled
    async with run_bot(guild_id=p.GUILD_ID):
        pass
    assert len(fake.requests_to("PUT", GUILD_COMMANDS)) == 1


async def test_changed_definitions_sync_again(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        pass
    fake.commands[None][0]["options"][0]["description"] = "an older wording"
    async with run_bot():
        pass
    assert len(fake.requests_to("PUT", GLOBAL_COMMANDS)) == 2


async def test_guild_id_syncs_to_that_guild_only(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot(guild_id=p.GUILD_ID):
        (answer,) = await fake.replies(await fake.slash("status", user_id=MEMBER))
    assert len(fake.requests_to("PUT", GUILD_COMMANDS)) == 1
    assert not fake.requests_to("PUT", GLOBAL_COMMANDS)
    assert "switched off" in answer.text


async def test_a_policy_update_asks_members_to_recheck(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        await fake.replies(await fake.slash("done", "all", user_id=MEMBER))
        update = await fake.slash(
            "policy-update",
            "upwork Upwork moved the AI toggles",
            user_id=MODERATOR,
            permissions=MANAGE_GUILD,
        )
        await fake.replies(update)
        (status,) = await fake.replies(await fake.slash("status", user_id=MEMBER))
    assert "re-check needed" in status.text
