"""/optout in Spanish and Portuguese over the real discord.py client and the fake Discord:
localised command descriptions and option names, and replies in the member's language (from
the interaction's locale, /optout lang, or a DM's own language)."""

from __future__ import annotations

import pytest

from tests.discord import payloads as p
from tests.discord.conftest import MEMBER, RunBot
from tests.discord.fake_discord import FakeDiscord
from tests.languages import SPEAKERS, dm_text, expected_replies, language_phrases

GLOBAL_COMMANDS = r"/applications/\d+/commands"


def _split(command: str) -> tuple[str, str | None]:
    name, _, value = command.partition(" ")
    return name, value or None


async def test_the_command_is_localised_in_spanish_and_brazilian_portuguese(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        pass
    (optout,) = fake.commands[None]
    assert set(optout["description_localizations"]) == {"es-ES", "es-419", "pt-BR"}
    assert optout["description_localizations"]["pt-BR"].startswith("gigguard: sua ajuda")
    assert "name_localizations" not in optout or not optout["name_localizations"]
    subs = {o["name"]: o for o in optout["options"]}
    assert subs["status"]["description_localizations"]["es-419"].startswith("tu lista")
    question = subs["ask"]["options"][0]
    assert question["name"] == "question"
    assert question["name_localizations"] == {
        "es-ES": "pregunta",
        "es-419": "pregunta",
        "pt-BR": "pergunta",
    }
    assert question["description_localizations"]["pt-BR"] == "sua pergunta"
    assert subs["contract"]["options"][0]["name_localizations"]["es-ES"] == "cliente-excluido"
    # A restart compares the localisations too (listed with_localizations) and finds no change.
    async with run_bot():
        pass
    assert len(fake.requests_to("PUT", GLOBAL_COMMANDS)) == 1
    listed = fake.requests_to("GET", GLOBAL_COMMANDS)
    assert all(r.query.get("with_localizations") == "true" for r in listed)


async def test_a_changed_translation_syncs_again(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        pass
    fake.commands[None][0]["options"][0]["description_localizations"]["es-ES"] = "antes"
    async with run_bot():
        pass
    assert len(fake.requests_to("PUT", GLOBAL_COMMANDS)) == 2


@pytest.mark.parametrize("language", ["es", "pt"])
async def test_a_member_whose_discord_speaks_it_is_answered_in_it(
    run_bot: RunBot, fake: FakeDiscord, language: str
) -> None:
    async with run_bot():
        for expected in expected_replies(language):
            name, value = _split(expected.command)
            token = await fake.slash(name, value, user_id=MEMBER, locale=SPEAKERS[language])
            (answer,) = await fake.replies(token)
            assert expected.phrase in answer.text, expected
            assert expected.english not in answer.text, expected


async def test_a_chosen_language_wins_over_the_clients(run_bot: RunBot, fake: FakeDiscord) -> None:
    async with run_bot():
        await fake.replies(await fake.slash("lang", "pt", user_id=MEMBER, locale="es-ES"))
        for expected in expected_replies("pt"):
            name, value = _split(expected.command)
            token = await fake.slash(name, value, user_id=MEMBER, locale="es-ES")
            (answer,) = await fake.replies(token)
            assert expected.phrase in answer.text, expected


async def test_a_dm_in_portuguese_is_answered_in_portuguese(
    run_bot: RunBot, fake: FakeDiscord
) -> None:
    async with run_bot():
        await fake.direct_message(MEMBER, dm_text("pt"))
        (answer,) = await fake.dm_replies(MEMBER)
    assert any(phrase in answer.text for phrase in language_phrases("pt")), answer.text


def test_interaction_payloads_carry_the_locale() -> None:
    payload = p.interaction(
        1, 2, {}, user_id=MEMBER, dm_channel_id=None, permissions="0", roles=(), locale="pt-BR"
    )
    assert payload["locale"] == "pt-BR"
