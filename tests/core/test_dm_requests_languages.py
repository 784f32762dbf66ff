"""Plain-words requests in Spanish and Portuguese: routed to the action, questions, negations
and conditions to the FAQ; a reminder time `remind` reads; replies in the member's language."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.dm_routing import NOW, load_set, score
from core.delivery.when import parse_when
from core.dm_grammar import LANGUAGE_FILES, Stemmer, load_grammar
from core.dm_requests import FAQ, Routed, router_for
from core.identity import MemberKey
from core.knowledge import load_knowledge
from core.render_text import render_plain
from core.replies import Reply
from core.requests import Actor, Origin, Place, Request
from core.service import Gigguard
from tests.fakes import FixedFaq, InMemoryStore, ManualClock

ALICE = MemberKey("console", "w1", "alice")


async def dm(core: Gigguard, text: str) -> Reply:
    return await core.handle(Request(Actor(ALICE), text, Place.DM, Origin.DM_TEXT))


@pytest.mark.parametrize(
    ("text", "route", "arg"),
    [
        ("ya desactivé comunicaciones", "done", "communications"),
        ("ya desactive comunicaciones", "done", "communications"),
        ("desactivé work product", "done", "work-product"),
        ("desliguei os três", "done", "all"),
        ("comunicações: feito", "done", "communications"),
        ("desactivé mensajes y archivos", "done", "communications work-product"),
        ("vuelve a activar los archivos", "undo", "work-product"),
        ("liguei de novo as mensagens, desfaz isso", "undo", "communications"),
        ("olvídame", "forget-me", ""),
        ("borra mis datos", "forget-me", ""),
        ("apaga meus dados", "forget-me", ""),
        ("recuérdame mañana a las 9", "remind", "tomorrow at 9"),
        ("me lembra amanhã às 9h", "remind", "tomorrow at 9:00"),
        ("recuérdamelo en 2 horas", "remind", "in 2 hours"),
        ("avísame el viernes", "remind", "friday"),
        ("¿cómo voy?", "status", ""),
        ("meu status", "status", ""),
        ("para de me mandar mensagem", "mute", ""),
        ("no me escribas más", "mute", ""),
        ("muéstrame la guía", "guide", ""),
        ("o guia da upwork por favor", "guide", "upwork"),
        ("compara con fiverr", "compare", ""),
        ("upwork x fiverr, qual é melhor?", "compare", ""),
        ("see https://x.io/a?b=1 about the meetup", FAQ, ""),  # a lone x is a letter
        ("dame la cláusula", "clause", ""),
        ("muéstrame mis datos", "my-data", ""),
        ("¿cómo desactivo comunicaciones?", FAQ, ""),
        ("como eu desligo comunicações?", FAQ, ""),
        ("todavía no desactivé comunicaciones", FAQ, ""),
        ("ainda não desliguei comunicações", FAQ, ""),
        ("si borro mis datos, ¿qué pasa?", FAQ, ""),
        ("se eu apagar meus dados, o que acontece?", FAQ, ""),
        ("quiero desactivar los tres", FAQ, ""),
        ("¿puedo borrar mis datos después?", FAQ, ""),
        ("¿puedes recordarme?", FAQ, ""),
        ("desactivé comunicaciones pero no los archivos", "done", "communications"),
        ("desliguei as comunicações, e agora?", "done", "communications"),
        ("es necesario desactivar comunicaciones", FAQ, ""),  # an infinitive records nothing
    ],
)
def test_requests_and_questions(text: str, route: str, arg: str) -> None:
    assert router_for(load_knowledge()).route(text) == Routed(route, arg)


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("recuérdame mañana a las 9", "tomorrow 9:00"),
        ("mándame un recordatorio el lunes a las 10 de la mañana", "monday 10am"),
        ("recuérdame dentro de una hora", "in 1 hour"),
        ("me lembra segunda às 10h30", "monday 10:30"),
        ("me lembra amanhã de manhã", "tomorrow 9am"),
        ("me avisa daqui a 3 dias", "in 3 days"),
    ],
)
def test_a_reminder_time_reads_as_the_english_one(text: str, english: str) -> None:
    routed = router_for(load_knowledge()).route(text)
    assert routed.route == "remind"
    moment = parse_when(routed.arg, now=NOW, timezone=None)
    assert moment == parse_when(english, now=NOW, timezone=None)


@pytest.mark.parametrize(
    ("text", "alone", "by"),
    [
        ("I did not complete work product", "es", ("en", "es", "pt")),  # "complete" ~ "completé"
        ("if I complete the work product one", "es", ("en", "es", "pt")),
        ("intenté apagar las propuestas y me da error", "pt", ("es", "pt")),  # pt "apagar": delete
    ],
)
def test_a_grammar_is_not_outvoted_by_one_that_misses_its_hedges(
    text: str, alone: str, by: tuple[str, ...]
) -> None:
    routers = router_for(load_knowledge())
    assert routers.route(text, (alone,)).route != FAQ
    assert routers.route(text, by) == Routed(FAQ)
    assert routers.route(text) == Routed(FAQ)


def test_readings_that_disagree_are_a_question() -> None:
    """Portuguese "apagar" deletes, Spanish "apagar" switches off."""
    routers = router_for(load_knowledge())
    text = "apaga todos os meus dados"
    assert routers.route(text, ("es",)) == Routed("done", "all")
    assert routers.route(text, ("pt",)) == Routed("forget-me")
    assert routers.route(text, ("en", "es", "pt")) == Routed(FAQ)
    assert routers.route(text) == Routed("forget-me")  # written in Portuguese, read so


def test_suffix_stems_join_a_verbs_forms_and_keep_whole_words_whole() -> None:
    grammar = load_grammar(LANGUAGE_FILES["es"][0])
    stem = Stemmer(grammar.suffixes, grammar.whole)
    assert {stem(w) for w in ("desactive", "desactivado", "desactivamos")} == {"desactiv"}
    assert stem("desactivar") == "desactivar"  # what to do, not what was done
    assert stem("puedo") != stem("puedes")
    assert stem("como") == "como"  # four letters left at least: not "com" (with)


@pytest.mark.parametrize("name", ["es_pt", "es_pt_heldout", "es_pt_fresh", "es_pt_fresh2"])
@pytest.mark.parametrize("language", ["es", "pt"])
def test_labelled_sets_per_language(name: str, language: str) -> None:
    rows = [row for row in load_set(name) if row.lang == language]
    assert len(rows) >= 30
    report = score(router_for(load_knowledge()), rows)
    assert report.destructive == 0
    assert report.accuracy >= 0.95


async def test_forget_me_in_spanish_only_asks_and_answers_in_spanish(
    core: Gigguard, store: InMemoryStore
) -> None:
    await dm(core, "ya desactivé comunicaciones")
    reply = await dm(core, "olvídame, borra todos mis datos")
    assert [b.command for b in reply.buttons] == ["forget-me confirm"]
    assert "Esto borra todo lo que gigguard guarda sobre ti" in render_plain(reply)
    assert store.toggles  # nothing deleted on one message


async def test_a_record_in_portuguese_says_what_it_did_in_portuguese(
    core: Gigguard, store: InMemoryStore
) -> None:
    reply = await dm(core, "já desliguei as comunicações e os arquivos")
    assert "Registrado:" in render_plain(reply)
    assert [b.command for b in reply.buttons] == ["undo communications work-product"]
    assert sum(record.off for record in store.toggles.values()) == 2


@pytest.mark.parametrize(
    ("command", "recorded"),
    [
        ("done archivos", "Work Product Data"),
        ("done mensagens e propostas", "Communications Data, Other Platform Data"),
        ("done los tres", "Communications Data, Work Product Data, Other Platform Data"),
    ],
)
async def test_commands_take_toggle_words_in_every_language(
    core: Gigguard, command: str, recorded: str
) -> None:
    request = Request(Actor(ALICE), command, Place.DM, Origin.COMMAND)
    assert f"Recorded: {recorded} switched off" in render_plain(await core.handle(request))


@pytest.mark.parametrize(
    ("text", "said"),
    [("recuérdame mañana a las 9", "Recordatorio"), ("me lembra amanhã às 9h", "Lembrete")],
)
async def test_a_reminder_in_words_is_set_and_confirmed_in_the_members_language(
    core: Gigguard, store: InMemoryStore, clock: ManualClock, text: str, said: str
) -> None:
    reply = await dm(core, text)
    assert said in render_plain(reply)
    [(_, reminder)] = store.reminders.values()
    tomorrow = clock.now().date() + dt.timedelta(days=1)
    assert reminder.due_at == dt.datetime.combine(tomorrow, dt.time(9), tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "text",
    [
        "¿cómo desactivo comunicaciones?",
        "todavía no desactivé comunicaciones",
        "ainda não desliguei as mensagens",
        "se eu apagar meus dados perco tudo?",
    ],
)
async def test_questions_negations_and_conditions_go_to_the_faq_and_change_nothing(
    core: Gigguard, faq: FixedFaq, store: InMemoryStore, text: str
) -> None:
    await dm(core, text)
    assert faq.questions == [text]
    assert store.toggles == {} and store.reminders == {}
