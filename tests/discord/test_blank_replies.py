"""A reply with blank sections reaches Discord as a message Discord accepts (the fake validates
every body against Discord's schemas and refuses colour-only embeds and empty messages)."""

from __future__ import annotations

from core.replies import Reply, Section
from core.requests import Request
from core.service import Gigguard
from tests.discord.conftest import MEMBER, RunBot
from tests.discord.fake_discord import FakeDiscord


class BlankSectionsCore(Gigguard):
    """Answers every request with a blank section around a real one."""

    async def handle(self, request: Request) -> Reply:
        return Reply(blocks=(Section("   "), Section("the answer"), Section("\n")))


async def test_blank_sections_are_left_out_of_the_message(
    run_bot: RunBot, fake: FakeDiscord, core: Gigguard
) -> None:
    async with run_bot(with_core=BlankSectionsCore(core.services)):
        (answer,) = await fake.replies(await fake.slash("status", user_id=MEMBER))
        await fake.direct_message(MEMBER, "hello")
        (dm,) = await fake.dm_replies(MEMBER)
    for sent in (answer, dm):
        assert [e.get("description") for e in sent.body["embeds"]] == ["the answer"]
    assert not fake.refused_bodies
