"""Reminders and broadcasts in each recipient's language: the moderator's text is never
translated, what surrounds it (title, footer, buttons) and the reminder's checklist are."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.bootstrap import App
from core.identity import MemberKey
from core.render_text import render_plain
from core.replies import Checklist
from core.requests import Actor, Place, Request
from tests.fake_messenger import FakeMessenger, drain, make_worker, say
from tests.fakes import ManualClock

MOD = MemberKey("slack", "T1", "UMOD")
TEXT = "Hello team, please switch your toggles off before Friday"


def member(user: str) -> MemberKey:
    return MemberKey("slack", "T1", user)


@pytest.fixture
def slack(clock: ManualClock) -> FakeMessenger:
    return FakeMessenger("slack", clock)


async def test_a_broadcast_keeps_the_moderators_text_in_each_members_template(
    app: App, clock: ManualClock, slack: FakeMessenger
) -> None:
    for user, language in (("UES", "es"), ("UPT", "pt"), ("UEN", None)):
        await say(app.core, member(user), f"lang {language}" if language else "done all")
    await say(app.core, MOD, f"broadcast dm all: {TEXT}", moderator=True)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)
    await drain(make_worker(app.core.services, slack, clock))
    received = {d.to: d.reply for d in slack.sent}
    for user, title, button, footer in (
        ("UES", "Mensaje de los moderadores", "Silenciar anuncios", "Recibes esto porque"),
        ("UPT", "Mensagem dos moderadores", "Silenciar avisos", "Você recebe isto porque"),
        ("UEN", "Message from your community", "Mute announcements", "You get this because"),
    ):
        reply = received[user]
        assert reply.blocks[0].text == TEXT  # type: ignore[attr-defined]
        assert reply.blocks[0].title.startswith(title)  # type: ignore[attr-defined]
        assert [b.label for b in reply.buttons] == [button]
        assert reply.context is not None and reply.context.startswith(footer)


async def test_a_reminder_arrives_in_the_members_language(
    app: App, clock: ManualClock, slack: FakeMessenger
) -> None:
    alice = member("alice")
    await say(app.core, alice, "lang es")
    await say(app.core, alice, "done communications")
    reminded = render_plain(await say(app.core, alice, "remind in 1 hour"))
    assert reminded.startswith("Recordatorio n.º 1 programado para")
    clock.advance(dt.timedelta(hours=1))
    await drain(make_worker(app.core.services, slack, clock))
    [dm] = slack.to("alice")
    checklist = next(b for b in dm.reply.blocks if isinstance(b, Checklist))
    assert checklist.title == "Tu exclusión del entrenamiento de IA en Upwork"
    assert checklist.items[0].detail.startswith("desactivado, registrado el ")
    assert dm.reply.buttons[0].label == "Posponer 1 hora"


async def test_a_reminder_follows_the_platform_language_of_a_member_who_set_none(
    app: App, clock: ManualClock, slack: FakeMessenger
) -> None:
    """The reminder is sent later, outside any request: it reads the language Slack reported
    on the member's requests, which the member never chose with /optout lang."""
    alice = member("alice")
    for text in ("done communications", "remind in 1 hour"):
        await app.core.handle(Request(Actor(alice, locale="pt-BR"), text, Place.DM))
    clock.advance(dt.timedelta(hours=1))
    await drain(make_worker(app.core.services, slack, clock))
    [dm] = slack.to("alice")
    checklist = next(b for b in dm.reply.blocks if isinstance(b, Checklist))
    assert checklist.title == "Sua saída do treinamento de IA na Upwork"
    assert dm.reply.buttons[0].label == "Adiar 1 hora"


async def test_the_choice_goes_before_the_platform_and_the_platform_before_the_default(
    app: App, clock: ManualClock, slack: FakeMessenger
) -> None:
    chose, platform, neither = member("UCHOSE"), member("UPLATFORM"), member("UNEITHER")
    await app.core.handle(Request(Actor(chose, locale="pt-BR"), "lang es", Place.DM))
    await app.core.handle(Request(Actor(platform, locale="es-419"), "done all", Place.DM))
    await app.core.handle(Request(Actor(neither), "done all", Place.DM))  # the console: no locale
    await say(app.core, MOD, f"broadcast dm all: {TEXT}", moderator=True)
    await say(app.core, MOD, "broadcast confirm 1", moderator=True)
    await drain(make_worker(app.core.services, slack, clock))
    received = {d.to: [b.label for b in d.reply.buttons] for d in slack.sent}
    assert received["UCHOSE"] == ["Silenciar anuncios"]
    assert received["UPLATFORM"] == ["Silenciar anuncios"]
    assert received["UNEITHER"] == ["Mute announcements"]
