"""Welcome DMs on Discord: GUILD_MEMBER_ADD from the fake gateway (only to a client that asked
for the Server Members intent, as Discord does), through discord.py's on_member_join, the
outbox and DiscordMessenger, to exactly one DM."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from adapters.discord.client import DiscordJoinFeed, intents
from bot.platforms import discord_config
from bot.settings import Settings
from core.joins import MemberJoined
from core.member_directories import JoinFeeds
from core.service import Gigguard
from tests.discord import payloads as p
from tests.discord.conftest import MEMBER, MODERATOR, RunBot
from tests.discord.fake_discord import FakeDiscord
from tests.discord.spec_check import response_problems
from tests.discord.test_delivery import worker_for
from tests.fake_messenger import drain
from tests.fakes import ManualClock
from tests.waiting import until

NEW = MEMBER + 500
AS_MODERATOR: dict[str, Any] = {"user_id": MODERATOR, "permissions": str(p.MANAGE_GUILD)}


class JoinsSeen(Gigguard):
    """The real core, noting each join it finished, so a test knows when "nothing" is final."""

    def __init__(self, core: Gigguard) -> None:
        super().__init__(core.services)
        self.joins: list[tuple[MemberJoined, bool]] = []

    async def member_joined(self, joined: MemberJoined) -> bool:
        queued = await super().member_joined(joined)
        self.joins.append((joined, queued))
        return queued


def hear_joins(core: Gigguard, client: discord.Client) -> None:
    """What the composition root does once the Discord client exists."""
    feeds = core.services.join_feeds
    assert isinstance(feeds, JoinFeeds)
    feeds.register("discord", DiscordJoinFeed(client))


@pytest.fixture
def seen(core: Gigguard) -> JoinsSeen:
    return JoinsSeen(core)


async def join(fake: FakeDiscord, seen: JoinsSeen, user_id: int, *, bot: bool = False) -> None:
    before = len(seen.joins)
    assert await fake.member_joins(user_id, bot=bot)
    await until(lambda: len(seen.joins) > before, what=f"{user_id}'s join to be handled")


async def command(fake: FakeDiscord, subcommand: str, value: str | None, **who: Any) -> str:
    (answer,) = await fake.replies(await fake.slash(subcommand, value, **who))
    return answer.text


async def test_welcome_on_a_joining_member_gets_one_dm_through_the_outbox(
    run_bot: RunBot, fake: FakeDiscord, seen: JoinsSeen, clock: ManualClock
) -> None:
    async with run_bot(with_core=seen, welcome=True) as client:
        hear_joins(seen, client)
        on = await command(fake, "welcome", "on", **AS_MODERATOR)
        assert "Welcome DMs are on" in on and "Server Members Intent" not in on
        await join(fake, seen, NEW)
        await drain(worker_for(seen, client, clock))
        (dm,) = await fake.dm_replies(NEW)
        assert "Upwork" in dm.text and "Communications Data" in dm.text
        assert {"gigguard:guide", "gigguard:mute", "gigguard:done communications"} <= set(
            dm.custom_ids
        )
        await join(fake, seen, NEW)  # they leave and come back
        await join(fake, seen, NEW + 1, bot=True)
        await drain(worker_for(seen, client, clock))
        stats = await command(fake, "stats", None, **AS_MODERATOR)
    assert len(await fake.dm_replies(NEW)) == 1
    assert not [s for s in fake.sent if s.key == str(fake.dm_channel_id(NEW + 1))]
    assert [queued for _, queued in seen.joins] == [True, False, False]
    assert seen.joins[0][0].community == str(p.GUILD_ID)
    assert "Welcome DMs sent" in stats


async def test_off_by_default_and_a_muted_member_gets_nothing(
    run_bot: RunBot, fake: FakeDiscord, seen: JoinsSeen, clock: ManualClock
) -> None:
    async with run_bot(with_core=seen, welcome=True) as client:
        await join(fake, seen, NEW - 1)  # nobody switched it on yet
        await command(fake, "welcome", "on", **AS_MODERATOR)
        await command(fake, "mute", None, user_id=NEW)
        await join(fake, seen, NEW)
        await drain(worker_for(seen, client, clock))
        stats = await command(fake, "stats", None, **AS_MODERATOR)
    assert [queued for _, queued in seen.joins] == [False, True]
    silent = {str(fake.dm_channel_id(user)) for user in (NEW - 1, NEW)}
    assert not [s for s in fake.sent if s.key in silent]
    assert "Welcome DMs skipped (muted)" in stats


async def test_without_the_intent_no_join_arrives_and_welcome_on_says_so(
    run_bot: RunBot, fake: FakeDiscord, core: Gigguard
) -> None:
    async with run_bot() as client:
        hear_joins(core, client)
        on = await command(fake, "welcome", "on", **AS_MODERATOR)
        assert not await fake.member_joins(NEW)  # Discord sends nothing to this client
        state = await command(fake, "welcome", None, **AS_MODERATOR)
    assert "Welcome DMs are on" in on and "Server Members Intent" in on
    assert "GIGGUARD_DISCORD_WELCOME=true" in on
    assert "Server Members Intent" in state
    async with core.services.uow() as uow:
        assert await uow.welcome.is_on(platform="discord", community=str(p.GUILD_ID))


async def test_the_portal_flags_tell_the_feed_and_discord_refuses_a_disallowed_intent(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot(welcome=True) as client:
        assert DiscordJoinFeed(client).hears_joins()
    fake.application_flags = 0  # Server Members Intent switched off in the developer portal
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with run_bot(welcome=True):
            pass


def test_the_members_intent_is_asked_for_welcome_only_on_opt_in() -> None:
    assert intents(member_joins=True).members and not intents().members
    assert intents(member_joins=True).value == intents(member_list=True).value


async def test_preview_is_for_the_moderator_alone_and_others_are_refused(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        refused = await command(fake, "welcome", "on", user_id=MEMBER)
        (preview,) = await fake.replies(await fake.slash("welcome", "preview", **AS_MODERATOR))
    assert "for moderators only" in refused
    assert preview.ephemeral and "Preview of the welcome DM" in preview.text
    assert "gigguard:guide" in preview.custom_ids


def test_the_fakes_join_payload_is_a_member_as_discords_schema_has_it() -> None:
    data = p.guild_member_add(NEW)
    assert data["guild_id"] == str(p.GUILD_ID)
    member = {k: v for k, v in data.items() if k != "guild_id"}
    assert response_problems("GuildMemberResponse", member) == []
    naive = {"user": p.user(NEW), "roles": [], "joined_at": p.TIMESTAMP}  # what a guess sends
    assert response_problems("GuildMemberResponse", naive)


@pytest.mark.parametrize("opted_in", [False, True])
async def test_the_welcome_setting_reaches_the_gateway_identify(
    run_bot: RunBot, fake: FakeDiscord, opted_in: bool
) -> None:
    env = {"discord_token": "fake-token", "discord_welcome": opted_in}
    chosen = discord_config(Settings(_env_file=None, **env), lambda up: None)  # type: ignore[call-arg]
    async with run_bot(welcome=chosen.welcome) as client:
        assert DiscordJoinFeed(client).hears_joins() is opted_in
    members_bit = discord.Intents(members=True).value
    assert bool(fake.sessions[-1].identify["intents"] & members_bit) is opted_in
