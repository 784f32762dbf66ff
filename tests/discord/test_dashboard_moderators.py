"""The dashboard's moderator re-check on Discord, against the fake Discord's Get Guild Member:
the same rule as the commands (Manage Server or the moderator role), as the server has it now."""

from __future__ import annotations

from adapters.discord.moderator_check import DiscordModeratorCheck
from tests.discord import payloads as p
from tests.discord.conftest import MEMBER, MODERATOR, RunBot
from tests.discord.fake_discord import FakeDiscord

GUILD = str(p.GUILD_ID)
OWNER = "1"  # the guild payload's owner_id: Manage Server through ownership


def add(fake: FakeDiscord, user: int, roles: tuple[int, ...] = ()) -> None:
    fake.guild_members.append(p.member(user, permissions="0", roles=roles))


async def test_the_role_counts_and_losing_it_is_seen_at_once(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    add(fake, MODERATOR, roles=(p.MOD_ROLE_ID,))
    add(fake, MEMBER)
    async with run_bot() as client:
        check = DiscordModeratorCheck(client, "Moderators")
        assert await check.is_moderator(GUILD, str(MODERATOR))
        assert not await check.is_moderator(GUILD, str(MEMBER))
        fake.guild_members[0]["roles"] = []  # demoted in the server
        assert not await check.is_moderator(GUILD, str(MODERATOR))
        assert not await check.is_moderator(GUILD, "100000000000000999")  # not a member
        assert not await check.is_moderator("600000000000000999", str(MODERATOR))  # no guild
    assert fake.requests_to("GET", r"/guilds/\d+/members/\d+")


async def test_the_owner_has_manage_server_without_any_role(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    fake.guild_members.append(p.member(1, permissions="0", roles=()) | {"user": p.user(1)})
    async with run_bot() as client:
        assert await DiscordModeratorCheck(client, None).is_moderator(GUILD, OWNER)
        assert not await DiscordModeratorCheck(client, None).is_moderator(GUILD, str(MEMBER))
