"""forget-me leaves no trace: claimed deliveries are not sent, and no table keeps the id.

The scan reads every column of every table of the migrated database (the Slack installation
tables of bot/migrations included) as text and looks for the member's id, on both engines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, cast, func, inspect, select, table, text
from sqlalchemy import column as sql_column
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import App
from core.delivery.worker import DeliveryWorker
from core.identity import MemberKey
from core.outbox import Kind, Status
from core.ports import Sent
from core.replies import Reply
from tests.fake_messenger import FakeMessenger, clock_sleep, drain, say
from tests.fakes import ManualClock

MOD = MemberKey("slack", "T1", "UMOD")
DOOMED = MemberKey("slack", "T1", "UFORGETME7")


async def known(app: App, key: MemberKey, clock: ManualClock) -> None:
    async with app.core.services.uow() as uow:
        await uow.members.set_timezone(key, "Europe/Berlin", at=clock.now())
        await uow.commit()


async def hits(engine: AsyncEngine, needle: str) -> dict[str, int]:
    """Per "table.column", how many rows hold `needle` anywhere in that column's text."""

    def layout(sync_conn: object) -> dict[str, list[str]]:
        inspector = inspect(sync_conn)
        return {
            name: [c["name"] for c in inspector.get_columns(name)]
            for name in inspector.get_table_names()
        }

    async with engine.connect() as conn:
        tables = await conn.run_sync(layout)
        found: dict[str, int] = {}
        for name, columns in tables.items():
            for column in columns:
                ref = sql_column(column)
                query = (
                    select(func.count())
                    .select_from(table(name, ref))
                    .where(cast(ref, String).like(f"%{needle}%"))
                )
                count = int((await conn.execute(query)).scalar_one())
                if count:
                    found[f"{name}.{column}"] = count
    assert "member" in tables and "slack_installations" in tables  # the scan saw the schema
    return found


async def test_after_forget_me_no_table_or_column_holds_the_member_id(
    app: App, clock: ManualClock
) -> None:
    await known(app, MOD, clock)
    await known(app, DOOMED, clock)
    async with app.core.services.uow() as uow:
        await uow.members.set_toggle(
            DOOMED, marketplace="upwork", toggle="ai-training", off=True, at=clock.now()
        )
        await uow.members.join_community(DOOMED, "T2")
        await uow.reminders.add(DOOMED, due_at=clock.now() + dt.timedelta(days=3), at=clock.now())
        await uow.commit()
    # They were a moderator once (a broadcast of theirs) and installed the Slack app.
    await say(app.core, DOOMED, "broadcast dm all: from me", moderator=True)
    await say(app.core, DOOMED, "broadcast confirm 1", moderator=True)
    async with app.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO slack_installations (client_id, app_id, team_id, user_id,"
                " is_enterprise_install, installed_at) VALUES"
                " ('C1', 'A1', 'T1', :user, false, :at)"
            ),
            {"user": DOOMED.user, "at": clock.now().replace(tzinfo=None)},
        )
    # A broadcast copy to them, claimed by a worker that is about to send it.
    await say(app.core, MOD, "broadcast dm all: to everyone", moderator=True)
    await say(app.core, MOD, "broadcast confirm 2", moderator=True)
    lease = dt.timedelta(minutes=1)
    async with app.core.services.uow() as uow:
        runs = await uow.outbox.claim(
            owner="w", platforms=["slack"], now=clock.now(), lease=lease, limit=9
        )
        for run in runs:
            if run.kind is Kind.RUN and run.broadcast_id is not None:
                broadcast = await uow.outbox.broadcast(run.broadcast_id)
                assert broadcast is not None
                await uow.outbox.fan_out(
                    run, broadcast, owner="w", extra_users=[], next_run_at=None, at=clock.now()
                )
        claimed = await uow.outbox.claim(
            owner="w", platforms=["slack"], now=clock.now(), lease=lease, limit=99
        )
        await uow.commit()
    assert DOOMED.user in {row.user for row in claimed}
    # Two questions to the moderators with "tell me when it is answered"; one answered, so
    # the DM telling them waits in the outbox.
    async with app.core.services.uow() as uow:
        scope = {"platform": "slack", "community": "T1", "on": clock.now().date()}
        await uow.inbox.add(**scope, text="open one?", notify=DOOMED)
        answered = await uow.inbox.add(**scope, text="answered one?", notify=DOOMED)
        await uow.inbox.answer(
            [answered], platform="slack", community="T1", topic="t", answer="a", at=clock.now()
        )
        await uow.commit()

    exported = (await say(app.core, DOOMED, "my-data")).data
    assert isinstance(exported, dict)
    assert [q["answered"] for q in exported["questions_to_moderators"]] == [False, True]
    assert exported["broadcasts_created"] == [1]
    assert exported["broadcasts_approved"] == [1]  # confirming it approved it
    assert exported["slack_installations"] == 1
    before = await hits(app.engine, DOOMED.user)
    attributions = {
        "broadcast.created_by",
        "broadcast.approved_by",
        "slack_installations.user_id",
        "inbox_question.notify_user",
    }
    assert {"member.user_id", *attributions} <= set(before)

    await say(app.core, DOOMED, "forget-me confirm")

    assert await hits(app.engine, DOOMED.user) == {}
    assert await hits(app.engine, MOD.user)  # other members' data stays
    assert await hits(app.engine, "open one?") == {"inbox_question.text": 1}  # anonymous now


@dataclass
class ForgetsMidBatch:
    """A messenger that, on its first send, has DOOMED run `command` (forget-me) meanwhile."""

    app: App
    inner: FakeMessenger
    command: str
    platform: str = "slack"
    done: bool = False

    async def send_dm(
        self,
        workspace: str,
        user: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        if not self.done:
            self.done = True
            await say(self.app.core, DOOMED, self.command)
        return await self.inner.send_dm(workspace, user, reply, idempotency_key=idempotency_key)

    async def send_to_channel(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        return await self.inner.send_to_channel(
            workspace, channel, reply, idempotency_key=idempotency_key
        )


async def broadcast_to_three(app: App, clock: ManualClock) -> None:
    for user in ("UA", "UB"):
        await known(app, MemberKey("slack", "T1", user), clock)
    await known(app, DOOMED, clock)
    await say(app.core, MOD, "broadcast dm all: hello", moderator=True)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)


async def test_forget_me_while_the_dm_is_already_claimed_stops_it(
    app: App, clock: ManualClock
) -> None:
    await broadcast_to_three(app, clock)
    fake = FakeMessenger("slack", clock)
    messenger = ForgetsMidBatch(app, fake, "forget-me confirm")
    worker = DeliveryWorker(
        services=app.core.services,
        messengers={"slack": messenger},
        sleep=clock_sleep(clock),  # type: ignore[arg-type]
        concurrency=1,
    )
    await drain(worker)
    assert messenger.done
    assert fake.to(DOOMED.user) == []
    assert {d.to for d in fake.sent} == {"UA", "UB"}


async def test_muting_while_the_dm_waits_on_the_pacer_skips_it(
    app: App, clock: ManualClock
) -> None:
    """The worker checks the recipient before its pacer wait; they mute during it."""
    for key in (MemberKey("slack", "T1", "UA"), DOOMED):  # DOOMED's copy is the second
        await known(app, key, clock)
    await say(app.core, MOD, "broadcast dm all: hello", moderator=True)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)
    fake = FakeMessenger("slack", clock)

    async def sleep_while_they_mute(seconds: float) -> None:
        await say(app.core, DOOMED, "mute")
        clock.advance(dt.timedelta(seconds=seconds))

    worker = DeliveryWorker(
        services=app.core.services,
        messengers={"slack": fake},
        sleep=sleep_while_they_mute,
        concurrency=1,
    )
    await drain(worker)
    assert [d.to for d in fake.sent] == ["UA"]
    async with app.core.services.uow() as uow:
        report = await uow.broadcasts.report(1)
    assert report.by_reason(Status.SKIPPED) == {"muted": 1}
