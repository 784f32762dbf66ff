"""The first user's defects fixed in core, over the fake Discord: snooze moves only later,
tz EST is explained, stats hides only counts of people, policy-update's URL is its source."""

from __future__ import annotations

import pytest

from tests.discord import payloads as p
from tests.discord.conftest import MEMBER, MODERATOR, RunBot
from tests.discord.fake_discord import FakeDiscord
from tests.firstuser import wire_cases
from tests.firstuser.wire_cases import CASES, WireCase

USERS = {wire_cases.MEMBER: MEMBER, wire_cases.OTHER: MEMBER + 100, wire_cases.MODERATOR: MODERATOR}


async def run(fake: FakeDiscord, line: str, who: str) -> str:
    subcommand, _, value = line.partition(" ")
    permissions = (
        str(p.MANAGE_GUILD) if who == wire_cases.MODERATOR else p.PERMISSIONS_ALL_BUT_MANAGE
    )
    token = await fake.slash(subcommand, value or None, user_id=USERS[who], permissions=permissions)
    return "\n".join(sent.text for sent in await fake.replies(token))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_fixed_defect_over_discord(
    run_bot: RunBot, fake: FakeDiscord, case: WireCase
) -> None:
    async with run_bot():
        for line, who in case.steps:
            await run(fake, line, who)
        case.check(await run(fake, *case.command))
