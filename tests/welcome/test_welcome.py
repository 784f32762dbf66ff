"""Welcome DMs through core and the real outbox: off by default, one per member, never to bots,
skipped for muted members, counted in stats, listed by my-data and gone after forget-me."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.bootstrap import App
from core.delivery.worker import DeliveryWorker
from core.identity import MemberKey
from core.joins import MemberJoined
from core.outbox import Kind, Status
from core.render_text import render_plain
from core.requests import Actor, Place, Request
from tests.delivery.test_forget_me import hits
from tests.fake_messenger import FakeMessenger, drain, make_worker, say
from tests.fakes import ManualClock

MOD = MemberKey("slack", "T1", "UMOD")
NEWCOMER = MemberKey("slack", "T1", "UNEWCOMER9")


def joined(key: MemberKey = NEWCOMER, *, bot: bool = False) -> MemberJoined:
    return MemberJoined(key=key, community=key.workspace, bot=bot)


async def welcome_on(app: App) -> str:
    return render_plain(await say(app.core, MOD, "welcome on", moderator=True))


async def deliver(app: App, clock: ManualClock) -> FakeMessenger:
    messenger = FakeMessenger("slack", clock)
    await drain(make_worker(app.core.services, messenger, clock))
    return messenger


async def test_off_by_default_a_join_queues_nothing(app: App, clock: ManualClock) -> None:
    assert await app.core.member_joined(joined()) is False
    assert (await deliver(app, clock)).sent == []
    state = render_plain(await say(app.core, MOD, "welcome", moderator=True))
    assert "Welcome DMs are off" in state


async def test_on_a_new_member_gets_one_dm_with_checklist_guide_and_source(
    app: App, clock: ManualClock
) -> None:
    assert "Welcome DMs are on" in await welcome_on(app)
    assert await app.core.member_joined(joined()) is True
    messenger = await deliver(app, clock)
    (dm,) = messenger.to(NEWCOMER.user)
    text = render_plain(dm.reply)
    assert "Since January 5, 2026 every Upwork account is opted into AI training" in text
    assert "Communications Data" in text and "Last checked" in text
    commands = [b.command for b in dm.reply.buttons] + [
        item.button.command
        for block in dm.reply.blocks
        for item in getattr(block, "items", ())
        if item.button is not None
    ]
    assert {"guide", "mute", "done communications"} <= set(commands)
    # A second join (Slack retrying the event, a rejoin) sends nothing more.
    assert await app.core.member_joined(joined()) is False
    assert (await deliver(app, clock)).sent == []


async def test_two_joins_at_once_queue_one_welcome(app: App, clock: ManualClock) -> None:
    await welcome_on(app)
    outcomes = await asyncio.gather(*(app.core.member_joined(joined()) for _ in range(4)))
    assert sorted(outcomes) == [False, False, False, True]
    assert len((await deliver(app, clock)).to(NEWCOMER.user)) == 1


async def test_bots_are_never_welcomed(app: App, clock: ManualClock) -> None:
    await welcome_on(app)
    robot = MemberKey("slack", "T1", "UBOT7")
    assert await app.core.member_joined(joined(robot, bot=True)) is False
    assert (await deliver(app, clock)).sent == []


async def test_a_member_who_muted_is_skipped_and_it_shows_in_stats(
    app: App, clock: ManualClock
) -> None:
    await welcome_on(app)
    await say(app.core, NEWCOMER, "mute")
    assert await app.core.member_joined(joined()) is True
    assert (await deliver(app, clock)).sent == []
    async with app.core.services.uow() as uow:
        counts = await uow.stats.deliveries(platform="slack", workspace="T1")
    assert counts.welcomes == {Status.SKIPPED.value: 1}
    stats = render_plain(await say(app.core, MOD, "stats", moderator=True))
    assert "Welcome DMs skipped (muted)" in stats


async def test_switching_off_stops_welcomes_and_other_communities_are_apart(
    app: App, clock: ManualClock
) -> None:
    await welcome_on(app)
    elsewhere = MemberKey("slack", "T2", "UELSEWHERE")
    assert await app.core.member_joined(joined(elsewhere)) is False  # T2 never switched it on
    assert "Welcome DMs are off" in render_plain(
        await say(app.core, MOD, "welcome off", moderator=True)
    )
    assert await app.core.member_joined(joined()) is False
    assert (await deliver(app, clock)).sent == []


async def test_only_moderators_switch_it_and_bad_input_changes_nothing(
    app: App, clock: ManualClock
) -> None:
    refused = render_plain(await say(app.core, NEWCOMER, "welcome on"))
    assert "for moderators only" in refused
    bad = render_plain(await say(app.core, MOD, "welcome maybe", moderator=True))
    assert "welcome on" in bad and "maybe" in bad
    assert await app.core.member_joined(joined()) is False


async def test_preview_shows_the_moderator_exactly_the_welcome(
    app: App, clock: ManualClock
) -> None:
    preview = await say(app.core, MOD, "welcome preview", moderator=True)
    assert preview.ephemeral
    assert "Welcome DMs are off" in render_plain(preview)
    await welcome_on(app)
    await app.core.member_joined(joined())
    (dm,) = (await deliver(app, clock)).sent
    preview = await say(app.core, MOD, "welcome preview", moderator=True)
    assert preview.blocks[1:] == dm.reply.blocks  # under one line saying it is a preview
    assert (preview.buttons, preview.context) == (dm.reply.buttons, dm.reply.context)


async def test_my_data_lists_the_marker_and_forget_me_leaves_no_trace(
    app: App, clock: ManualClock
) -> None:
    await welcome_on(app)
    await app.core.member_joined(joined())
    exported = (await say(app.core, NEWCOMER, "my-data")).data
    assert isinstance(exported, dict)
    assert exported["welcomed"] == {"community": "T1", "at": clock.now().isoformat()}
    assert {"welcomed_member.user_id", "delivery.user_id"} <= set(
        await hits(app.engine, NEWCOMER.user)
    )
    await say(app.core, NEWCOMER, "forget-me confirm")
    assert await hits(app.engine, NEWCOMER.user) == {}
    assert (await deliver(app, clock)).sent == []
    async with app.core.services.uow() as uow:
        assert (await uow.members.traces(NEWCOMER)).welcomed is None
        assert await uow.welcome.is_on(platform="slack", community="T1") is not None


async def test_the_delivery_row_is_a_welcome_in_the_outbox(app: App, clock: ManualClock) -> None:
    """Crash-safe: the DM is a pending outbox row before anything is sent."""
    await welcome_on(app)
    await app.core.member_joined(joined())
    async with app.core.services.uow() as uow:
        rows = await uow.outbox.claim(
            owner="w", platforms=["slack"], now=clock.now(), lease=dt.timedelta(minutes=1), limit=9
        )
    assert [(r.kind, r.user) for r in rows] == [(Kind.WELCOME, NEWCOMER.user)]


async def test_muting_while_the_welcome_waits_on_the_pacer_skips_it(
    app: App, clock: ManualClock
) -> None:
    """The worker checks the recipient before its pacer wait; the fence checks again after."""
    await welcome_on(app)
    first = MemberKey("slack", "T1", "UFIRST")
    await app.core.member_joined(joined(first))
    clock.advance(dt.timedelta(seconds=1))  # NEWCOMER's welcome is the second one due
    await app.core.member_joined(joined())
    messenger = FakeMessenger("slack", clock)

    async def sleep_while_they_mute(seconds: float) -> None:
        await say(app.core, NEWCOMER, "mute")
        clock.advance(dt.timedelta(seconds=seconds))

    worker = DeliveryWorker(
        services=app.core.services,
        messengers={"slack": messenger},
        sleep=sleep_while_they_mute,
        concurrency=1,
    )
    await drain(worker)
    assert [d.to for d in messenger.sent] == [first.user]
    async with app.core.services.uow() as uow:
        counts = await uow.stats.deliveries(platform="slack", workspace="T1")
    assert counts.welcomes == {Status.SENT.value: 1, Status.SKIPPED.value: 1}


async def test_the_welcome_speaks_the_language_the_platform_reported(
    app: App, clock: ManualClock
) -> None:
    """A member the bot has seen before (their Slack locale on an earlier request) is welcomed
    in that language; a stranger in the community's default."""
    seen = MemberKey("slack", "T1", "USEENBEFORE")
    await app.core.handle(Request(Actor(seen, locale="es-ES"), "done communications", Place.DM))
    await welcome_on(app)
    assert await app.core.member_joined(joined(seen)) is True
    assert await app.core.member_joined(joined()) is True
    messenger = await deliver(app, clock)
    (spanish,) = messenger.to(seen.user)
    assert render_plain(spanish.reply).startswith("¡Te damos la bienvenida!")
    assert spanish.reply.buttons[0].label == "Muéstrame los pasos"
    (english,) = messenger.to(NEWCOMER.user)
    assert english.reply.buttons[0].label == "Show me the steps"
