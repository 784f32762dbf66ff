"""The console in Spanish and Portuguese: /optout lang, a question typed in the language, and a
community whose default language is Portuguese (GIGGUARD_DEFAULT_LANGUAGE), end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from adapters.console.session import ConsoleSession
from bot.bootstrap import App
from tests.languages import dm_text, expected_replies, language_phrases
from tests.processes import bot_env, sqlite_url


@pytest.mark.parametrize("language", ["es", "pt"])
async def test_a_member_who_chose_a_language_reads_every_reply_in_it(
    app: App, language: str
) -> None:
    session = ConsoleSession(app.core, user="ana", moderator=False)
    await session.reply_to(f"/optout lang {language}")
    for expected in expected_replies(language):
        shown = await session.reply_to(f"/optout {expected.command}")
        assert expected.phrase.upper() in shown.upper(), (expected, shown)
        assert expected.english.upper() not in shown.upper(), expected


async def test_a_question_typed_in_spanish_is_answered_in_spanish(app: App) -> None:
    session = ConsoleSession(app.core, user="luis", moderator=False)
    shown = await session.reply_to(dm_text("es"))
    assert any(phrase.upper() in shown.upper() for phrase in language_phrases("es")), shown


async def test_buttons_and_dates_follow_the_language(app: App) -> None:
    session = ConsoleSession(app.core, user="bia", moderator=False)
    await session.reply_to("/optout lang pt")
    shown = await session.reply_to("/optout status")
    assert "[1] Já desliguei" in shown
    recorded = await session.reply_to("1")
    assert "Registrado: Dados de comunicação (Communications Data) desligada(s) em" in recorded
    assert " de 20" in recorded  # "2 de dezembro de 2026": Babel's long date, not ISO


def test_the_community_default_language(tmp_path: Path) -> None:
    env = bot_env(sqlite_url(tmp_path / "bot.db"), GIGGUARD_DEFAULT_LANGUAGE="pt")
    run = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--user", "rui"],
        input="/optout status\n/optout lang en\n/optout status\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,  # a hang guard only
        check=True,
    )
    portuguese, _, english = run.stdout.partition("English from now on")
    assert "SUA SAÍDA DO TREINAMENTO DE IA NA UPWORK" in portuguese.upper()
    assert "YOUR UPWORK AI-TRAINING OPT-OUT" in english.upper()
