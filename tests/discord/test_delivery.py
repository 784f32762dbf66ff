"""DiscordMessenger on the wire (the running client's HTTP layer against the fake Discord):
DMs, error codes, 429s, nonce resends, and reminders and broadcasts through the worker."""

from __future__ import annotations

import datetime as dt

import discord
import pytest

from adapters.discord.messenger import DiscordMessenger, nonce_for
from core.delivery.worker import DeliveryWorker
from core.errors import PermanentDeliveryError, TransientDeliveryError
from core.replies import Button, Reply, Section
from core.service import Gigguard
from tests.discord.conftest import MEMBER, MODERATOR, RunBot
from tests.discord.fake_discord import FakeDiscord
from tests.discord.payloads import MANAGE_GUILD
from tests.fake_messenger import clock_sleep, drain
from tests.fakes import ManualClock

REPLY = Reply(
    blocks=(Section("Hi @everyone and <@&1>", title="Reminder"),),
    buttons=(Button("Mute", "mute"),),
)
KEY = "gigguard-delivery-7"
MESSAGES = r"/channels/\d+/messages"


def dm_posts(fake: FakeDiscord) -> list[dict[str, object]]:
    return [r.body for r in fake.requests_to("POST", MESSAGES) if r.status == 200]


async def test_a_dm_opens_the_channel_and_sends_embeds_without_mentions(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot() as client:
        sent = await DiscordMessenger(client).send_dm("G1", str(MEMBER), REPLY, idempotency_key=KEY)
    (opened,) = fake.requests_to("POST", "/users/@me/channels")
    assert opened.body == {"recipient_id": MEMBER}
    (dm,) = await fake.dm_replies(MEMBER)
    assert sent.message_id == dm.message["id"]
    assert dm.body["allowed_mentions"] == {"parse": []}
    assert dm.body["nonce"] == nonce_for(KEY, 0) and len(dm.body["nonce"]) == 25
    assert dm.body["enforce_nonce"] is True
    assert "@\u200beveryone" in dm.text and dm.custom_ids == ["gigguard:mute"]


async def test_a_resend_with_the_same_nonce_creates_nothing(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot() as client:
        messenger = DiscordMessenger(client)
        first = await messenger.send_dm("G1", str(MEMBER), REPLY, idempotency_key=KEY)
        again = await messenger.send_dm("G1", str(MEMBER), REPLY, idempotency_key=KEY)
    assert first.message_id == again.message_id
    assert fake.nonce_repeats == 1
    assert len(await fake.dm_replies(MEMBER)) == 1


@pytest.mark.parametrize(
    ("path", "status", "code", "reason"),
    [
        ("/users/@me/channels", 404, 10013, "user_not_found"),
        (MESSAGES, 403, 50007, "dms_closed"),
        (MESSAGES, 404, 10003, "channel_not_found"),
        (MESSAGES, 403, 50001, "channel_not_found"),
        (MESSAGES, 400, 50035, "other"),
    ],
)
async def test_discord_errors_are_permanent_with_a_reason(
    run_bot: RunBot, fake: FakeDiscord, path: str, status: int, code: int, reason: str
) -> None:
    fake.fail_next("POST", path, status=status, code=code, message="refused")
    async with run_bot() as client:
        with pytest.raises(PermanentDeliveryError) as caught:
            await DiscordMessenger(client).send_dm("G1", str(MEMBER), REPLY, idempotency_key=KEY)
    assert caught.value.reason == reason


async def test_closed_dms_and_unknown_users_on_the_fake(run_bot: RunBot, fake: FakeDiscord) -> None:
    fake.close_dms(MEMBER)
    fake.unknown_users.add(MODERATOR)
    async with run_bot() as client:
        messenger = DiscordMessenger(client)
        with pytest.raises(PermanentDeliveryError) as closed:
            await messenger.send_dm("G1", str(MEMBER), REPLY, idempotency_key=KEY)
        with pytest.raises(PermanentDeliveryError) as unknown:
            await messenger.send_dm("G1", str(MODERATOR), REPLY, idempotency_key=KEY)
    assert (closed.value.reason, unknown.value.reason) == ("dms_closed", "user_not_found")


async def test_a_long_429_surfaces_with_retry_after(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot() as client:
        messenger = DiscordMessenger(client)
        fake.rate_limit_once("POST", MESSAGES, retry_after=45.0)
        with pytest.raises(TransientDeliveryError) as route:
            await messenger.send_dm("G1", str(MEMBER), REPLY, idempotency_key=KEY)
        # A global limit: discord.py would stop every request; it raises instead of hanging.
        fake.limit_rate("POST", "/users/@me/channels", per_second=0.02, is_global=True)
        await messenger.send_dm("G1", str(MEMBER), REPLY, idempotency_key="k2")
        with pytest.raises(TransientDeliveryError) as global_:
            await messenger.send_dm("G1", str(MEMBER), REPLY, idempotency_key="k3")
    assert route.value.retry_after == 45.0
    assert global_.value.retry_after is not None and global_.value.retry_after > 30
    assert fake.limited == 1


async def test_a_short_429_is_waited_out_by_discord_py(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot() as client:
        fake.rate_limit_once("POST", MESSAGES, retry_after=0.05)
        await DiscordMessenger(client).send_dm("G1", str(MEMBER), REPLY, idempotency_key=KEY)
    assert [r.status for r in fake.requests_to("POST", MESSAGES)] == [429, 200]


async def test_server_errors_are_transient(run_bot: RunBot, fake: FakeDiscord) -> None:
    fake.fail_next("POST", MESSAGES, status=503, code=0, message="unavailable")
    async with run_bot() as client:
        with pytest.raises(TransientDeliveryError):
            await DiscordMessenger(client).send_dm("G1", str(MEMBER), REPLY, idempotency_key=KEY)


async def test_before_login_a_send_waits_for_a_retry(core: Gigguard, config) -> None:
    from adapters.discord.client import create_client

    client = create_client(core, config)
    with pytest.raises(TransientDeliveryError):
        await DiscordMessenger(client).send_dm("G1", str(MEMBER), REPLY, idempotency_key=KEY)


def worker_for(core: Gigguard, client: discord.Client, clock: ManualClock) -> DeliveryWorker:
    return DeliveryWorker(
        services=core.services,
        messengers={"discord": DiscordMessenger(client)},
        sleep=clock_sleep(clock),  # type: ignore[arg-type]
    )


async def test_a_reminder_from_the_slash_command_arrives_as_a_dm(
    run_bot: RunBot, fake: FakeDiscord, core: Gigguard, clock: ManualClock
) -> None:
    async with run_bot() as client:
        (answer,) = await fake.replies(await fake.slash("remind", "in 1 hour", user_id=MEMBER))
        assert "Reminder #" in answer.text
        worker = worker_for(core, client, clock)
        assert await drain(worker) == 0
        clock.advance(dt.timedelta(hours=1, seconds=1))
        assert await drain(worker) == 1
        (dm,) = await fake.dm_replies(MEMBER)
    assert "Communications" in dm.text  # the live checklist
    assert "gigguard:done communications" in dm.custom_ids


async def test_a_broadcast_to_pending_reaches_unfinished_members(
    run_bot: RunBot, fake: FakeDiscord, core: Gigguard, clock: ManualClock
) -> None:
    finished, pending = MEMBER + 100, MEMBER + 101
    async with run_bot() as client:
        await fake.replies(await fake.slash("done", "all", user_id=finished))
        await fake.replies(await fake.slash("done", "communications", user_id=pending))
        moderator = {"user_id": MODERATOR, "permissions": str(MANAGE_GUILD)}
        token = await fake.slash("broadcast", "dm pending: Switch them off @everyone", **moderator)
        (preview,) = await fake.replies(token)
        assert "1 recipient" in preview.text, preview.text
        await fake.replies(await fake.slash("broadcast", "confirm 1", **moderator))
        await drain(worker_for(core, client, clock))
        (dm,) = await fake.dm_replies(pending)
    assert "Switch them off" in dm.text and "@everyone" not in dm.text
    assert dm.body["allowed_mentions"] == {"parse": []}
    assert not [s for s in fake.sent if s.key == str(fake.dm_channel_id(finished))]
