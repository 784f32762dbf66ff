"""On Discord's wire: the decline's buttons (custom ids of at most 100 characters), sending
the question to the server's moderators, their inbox and answer, and the DM to the asker."""

from __future__ import annotations

from adapters.discord.messenger import DiscordMessenger
from bot.bootstrap import App
from core.delivery.worker import DeliveryWorker
from tests.discord.conftest import MEMBER, MODERATOR, RunBot
from tests.discord.fake_discord import FakeDiscord
from tests.discord.payloads import MANAGE_GUILD
from tests.discord.test_commands import _subcommands
from tests.fake_messenger import clock_sleep, drain
from tests.fakes import ManualClock
from tests.inbox.conftest import app, knowledge_dir  # noqa: F401 (the app with a knowledge dir)

MEETUP = "Is there a Berlin meetup for freelancers in December?"
LINK = "https://example.org/meetups"
NEWCOMER = 100_000_000_000_000_099


def labelled(message: dict[str, object], label: str) -> str:
    rows = message["components"]
    assert isinstance(rows, list)
    (found,) = [c["custom_id"] for r in rows for c in r["components"] if c["label"] == label]
    return str(found)


async def test_the_subcommands_fit_discord_and_button_commands_are_not_among_them(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        pass
    names = set(_subcommands(fake))
    assert "inbox" in names and len(names) <= 25
    assert not names & {"inbox-send", "feedback", "topics"}


async def test_send_answer_and_dm_on_discord(
    run_bot: RunBot,
    fake: FakeDiscord,
    app: App,  # noqa: F811 (the fixture imported above)
    clock: ManualClock,
) -> None:
    async with run_bot() as client:
        (decline,) = await fake.replies(await fake.slash("ask", MEETUP, user_id=MEMBER))
        assert decline.ephemeral
        assert all(len(c) <= 100 for c in decline.custom_ids)
        assert len(decline.custom_ids) == 6  # 3 topics, 2 for the moderators, all topics
        tell_me = labelled(decline.message, "…and tell me when it is answered")
        (sent,) = await fake.replies(await fake.click(tell_me, user_id=MEMBER))
        assert "Sent to the moderators" in sent.text

        (refused,) = await fake.replies(await fake.slash("inbox", user_id=MEMBER))
        assert "for moderators only" in refused.text
        as_mod = {"user_id": MODERATOR, "permissions": str(MANAGE_GUILD)}
        (listing,) = await fake.replies(await fake.slash("inbox", **as_mod))  # type: ignore[arg-type]
        assert "#1 · asked 1×" in listing.text
        (done,) = await fake.replies(
            await fake.slash("inbox", f"answer 1 Every second Tuesday, see {LINK}", **as_mod)  # type: ignore[arg-type]
        )
        assert "asked-1" in done.text
        (later,) = await fake.replies(
            await fake.slash(
                "ask", "any Berlin meetup for freelancers in December?", user_id=NEWCOMER
            )
        )
        assert "Every second Tuesday" in later.text
        helpful = labelled(later.message, "Helpful")
        (thanks,) = await fake.replies(await fake.click(helpful, user_id=NEWCOMER))
        assert "Only the count is kept" in thanks.text

        worker = DeliveryWorker(
            services=app.core.services,
            messengers={"discord": DiscordMessenger(client)},
            sleep=clock_sleep(clock),  # type: ignore[arg-type]
        )
        await drain(worker)
        (dm,) = await fake.dm_replies(MEMBER)
    assert "The moderators answered your question" in dm.text
    assert dm.body["allowed_mentions"] == {"parse": []}
