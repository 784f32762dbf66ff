"""DiscordMemberDirectory on the wire (GET /guilds/{id}/members on the fake Discord), the
opt-in setting that asks for the members intent, and a pending broadcast reaching a server
member who never used the bot."""

from __future__ import annotations

import logging

import discord
import pytest

from adapters.discord.client import intents
from adapters.discord.directory import DiscordMemberDirectory
from adapters.discord.messenger import DiscordMessenger
from bot.delivery import delivery_directories
from bot.platforms import discord_config
from bot.settings import Settings
from core.delivery.worker import DeliveryWorker
from core.member_directories import MemberDirectories
from core.service import Gigguard
from tests.discord.conftest import MEMBER, MODERATOR, RunBot
from tests.discord.fake_discord import FakeDiscord
from tests.discord.payloads import BOT_ID, GUILD_ID, MANAGE_GUILD
from tests.fake_messenger import clock_sleep, drain
from tests.fakes import ManualClock

MEMBERS = "/guilds/\\d+/members"
STRANGERS = range(MEMBER + 1_000, MEMBER + 3_300)  # 2,300 people who never used the bot
GUILD = str(GUILD_ID)


async def test_pages_through_every_human_member(run_bot: RunBot, fake: FakeDiscord) -> None:
    fake.add_guild_members(STRANGERS)
    fake.add_guild_members([MEMBER + 5_000, MEMBER + 5_001, BOT_ID], bot=True)  # listed last
    async with run_bot() as client:
        found = await DiscordMemberDirectory(client).member_ids(GUILD)
    assert sorted(found) == sorted(str(user) for user in STRANGERS)
    pages = fake.requests_to("GET", MEMBERS)
    assert [r.query for r in pages] == [
        {"limit": "1000"},
        {"limit": "1000", "after": str(STRANGERS[999])},
        {"limit": "1000", "after": str(STRANGERS[1999])},
    ]


async def test_a_smaller_page_walks_further(run_bot: RunBot, fake: FakeDiscord) -> None:
    fake.add_guild_members(range(MEMBER, MEMBER + 10))
    async with run_bot() as client:
        found = await DiscordMemberDirectory(client, page_size=4).member_ids(GUILD)
    assert len(found) == 10
    assert len(fake.requests_to("GET", MEMBERS)) == 3  # 4 + 4 + 2: a short page ends it


async def test_a_refusal_returns_nobody_and_is_logged_once(
    run_bot: RunBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_guild_members(STRANGERS)
    fake.refuse_member_list = True
    async with run_bot() as client:
        directory = DiscordMemberDirectory(client)
        with caplog.at_level(logging.WARNING, logger="adapters.discord.directory"):
            assert await directory.member_ids(GUILD) == []
            assert await directory.member_ids(GUILD) == []
    (line,) = [r for r in caplog.records if r.name == "adapters.discord.directory"]
    assert "Server Members Intent" in line.getMessage() and "50001" in line.getMessage()


async def test_a_dm_identity_has_no_member_list(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot() as client:
        assert await DiscordMemberDirectory(client).member_ids("global") == []
    assert not fake.requests_to("GET", MEMBERS)


def test_the_members_intent_is_asked_for_only_on_opt_in() -> None:
    assert not intents().members and intents().value == intents(member_list=False).value
    assert intents(member_list=True).members
    assert not any(
        flag
        for name, flag in intents(member_list=True)
        if name not in ("guilds", "dm_messages", "members")
    )


@pytest.mark.parametrize("opted_in", [False, True])
async def test_the_setting_reaches_the_gateway_identify(
    run_bot: RunBot, fake: FakeDiscord, opted_in: bool
) -> None:
    env = {"discord_token": "fake-token", "discord_member_list": opted_in}
    settings = Settings(_env_file=None, **env)  # type: ignore[call-arg]
    chosen = discord_config(settings, lambda up: None)
    async with run_bot(member_list=chosen.member_list) as client:
        directories = delivery_directories(None, discord_client=client if opted_in else None)
    members_bit = discord.Intents(members=True).value
    assert bool(fake.sessions[-1].identify["intents"] & members_bit) is opted_in
    assert ("discord" in directories) is opted_in


def test_the_setting_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).discord_member_list is False  # type: ignore[call-arg]
    monkeypatch.setenv("GIGGUARD_DISCORD_MEMBER_LIST", "true")
    assert Settings(_env_file=None).discord_member_list is True  # type: ignore[call-arg]


@pytest.fixture
def directories(core: Gigguard) -> MemberDirectories:
    """Filled once the client exists: the directory lists through it, as in bot/bootstrap.py."""
    assert isinstance(core.services.directories, MemberDirectories)
    return core.services.directories


def worker_for(core: Gigguard, client: discord.Client, clock: ManualClock) -> DeliveryWorker:
    return DeliveryWorker(
        services=core.services,
        messengers={"discord": DiscordMessenger(client)},
        sleep=clock_sleep(clock),  # type: ignore[arg-type]
    )


def dm_to(fake: FakeDiscord, user: int) -> list[object]:
    return [s for s in fake.sent if s.key == str(fake.dm_channel_id(user))]


async def test_a_pending_broadcast_reaches_a_member_who_never_used_the_bot(
    run_bot: RunBot,
    fake: FakeDiscord,
    core: Gigguard,
    clock: ManualClock,
    directories: MemberDirectories,
) -> None:
    finished, pending, stranger = MEMBER + 100, MEMBER + 101, MEMBER + 102
    fake.add_guild_members([finished, pending, stranger, MODERATOR])
    fake.add_guild_members([MEMBER + 103, BOT_ID], bot=True)
    moderator = {"user_id": MODERATOR, "permissions": str(MANAGE_GUILD)}
    async with run_bot(member_list=True) as client:
        directories.register("discord", DiscordMemberDirectory(client))
        await fake.replies(await fake.slash("done", "all", user_id=finished))
        await fake.replies(await fake.slash("done", "communications", user_id=pending))
        token = await fake.slash("broadcast", "dm pending: Switch them off", **moderator)
        (preview,) = await fake.replies(token)
        # pending, plus the two listed members the bot never met (the stranger, the moderator)
        assert "3 recipients" in preview.text, preview.text
        await fake.replies(await fake.slash("broadcast", "confirm 1", **moderator))
        await drain(worker_for(core, client, clock))
        (dm,) = await fake.dm_replies(stranger)
    assert "Switch them off" in dm.text and dm.body["allowed_mentions"] == {"parse": []}
    assert len(dm_to(fake, pending)) == 1 and len(dm_to(fake, MODERATOR)) == 1
    assert not dm_to(fake, finished) and not dm_to(fake, MEMBER + 103) and not dm_to(fake, BOT_ID)


async def test_a_member_known_from_dms_keeps_their_mute_and_progress(
    run_bot: RunBot,
    fake: FakeDiscord,
    core: Gigguard,
    clock: ManualClock,
    directories: MemberDirectories,
) -> None:
    """Known to the bot, but never used it in this server: listed, yet still themselves."""
    muted, finished, stranger = MEMBER + 200, MEMBER + 201, MEMBER + 202
    fake.add_guild_members([muted, finished, stranger])
    moderator = {"user_id": MODERATOR, "permissions": str(MANAGE_GUILD)}
    async with run_bot(member_list=True) as client:
        directories.register("discord", DiscordMemberDirectory(client))
        await fake.replies(await fake.slash("mute", user_id=muted, in_dm=True))
        await fake.replies(await fake.slash("done", "all", user_id=finished, in_dm=True))
        await fake.replies(await fake.slash("broadcast", "dm pending: Hello", **moderator))
        await fake.replies(await fake.slash("broadcast", "confirm 1", **moderator))
        await drain(worker_for(core, client, clock))
        await fake.dm_replies(stranger)
    assert not dm_to(fake, muted) and not dm_to(fake, finished)
