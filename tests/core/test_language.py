"""Which language a member is answered in, and detection on short chat messages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.identity import MemberKey
from core.language import choose, detect, for_later, from_locale
from core.render_text import render_plain
from core.requests import Actor, Request
from core.service import Gigguard
from tests.fakes import InMemoryStore

MESSAGES = Path(__file__).resolve().parents[1] / "data" / "language" / "short_messages.jsonl"
ROWS = [json.loads(line) for line in MESSAGES.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    "text, language",
    [
        ("como desactivo el toggle de communications?", "es"),
        ("donde estan las AI Preferences en settings", "es"),
        ("como desativo o toggle de communications?", "pt"),
        ("onde ficam as AI Preferences nas settings", "pt"),
        ("how do I turn off the communications toggle?", "en"),
    ],
)
def test_short_texts_with_english_words_mixed_in(text: str, language: str) -> None:
    assert detect(text) == language


def test_realistic_short_messages_are_recognised() -> None:
    """75 chat-style messages (no accents, typos, English UI words): at least 72 right, none
    wrong (an undecided one falls back to the platform's language), each language >= 22/25."""
    found = [(row["lang"], detect(row["text"])) for row in ROWS]
    right = {
        lang: sum(1 for want, got in found if want == got == lang) for lang in ("en", "es", "pt")
    }
    wrong = [(want, got) for want, got in found if got is not None and got != want]
    assert sum(right.values()) >= 72, right
    assert min(right.values()) >= 22, right
    assert wrong == []


@pytest.mark.parametrize("text", ["ok", "hi!", "👍", "/optout"])
def test_too_short_to_say(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    "locale, language",
    [("es-ES", "es"), ("es-419", "es"), ("pt-BR", "pt"), ("en-US", "en"), ("en_GB", "en")],
)
def test_platform_locales(locale: str, language: str) -> None:
    assert from_locale(locale) == language


@pytest.mark.parametrize("locale", ["fr", "de-DE", "", None])
def test_locales_not_spoken_here(locale: str | None) -> None:
    assert from_locale(locale) is None


def test_a_stored_choice_wins() -> None:
    spanish_dm = "como desactivo el toggle de communications?"
    assert choose(stored="pt", platform_locale="es-ES", dm_text=spanish_dm) == "pt"


def test_a_dm_in_another_language_than_the_platform_default_is_answered_in_it() -> None:
    """Slack reports en-US for everyone who never changed it."""
    text = "como desactivo el toggle de communications?"
    assert choose(stored=None, platform_locale="en-US", dm_text=text) == "es"


def test_then_the_platform_then_the_community_default() -> None:
    assert choose(stored=None, platform_locale="pt-BR", dm_text=None, default="es") == "pt"
    assert choose(stored=None, platform_locale="pt-BR", dm_text="ok") == "pt"
    assert choose(stored=None, platform_locale="fr", dm_text=None, default="es") == "es"
    assert choose(stored=None, platform_locale=None, dm_text=None) == "en"


def test_a_dm_sent_later_speaks_the_choice_then_the_platform_then_the_default() -> None:
    assert for_later(stored="pt", platform="es", default="en") == "pt"
    assert for_later(stored=None, platform="es", default="pt") == "es"
    assert for_later(stored=None, platform=None, default="pt") == "pt"


async def test_the_platform_language_is_kept_after_a_command(core: Gigguard) -> None:
    alice = MemberKey("slack", "T1", "alice")
    await core.handle(Request(Actor(alice, locale="es-419"), "done communications"))
    await core.handle(Request(Actor(alice), "status"))  # no locale: what is known stays
    async with core.services.uow() as uow:
        profile = await uow.members.profile(alice)
    assert profile is not None
    assert (profile.language, profile.platform_language) == (None, "es")


async def test_a_storage_failure_noting_it_does_not_fail_the_command(
    core: Gigguard, store: InMemoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    alice = MemberKey("slack", "T1", "alice")
    await core.handle(Request(Actor(alice), "done communications"))
    store.fail_on_commit = True
    reply = render_plain(await core.handle(Request(Actor(alice, locale="pt-BR"), "status")))
    assert "[x] Dados de comunicação" in reply  # the status itself, in the platform's language
    assert "could not record the member's platform language" in caplog.text


def test_the_identifier_keeps_only_the_three_languages_tables() -> None:
    # py3langid's own identifier keeps every language's table (142 columns, 28 MB) beside
    # the restricted one, for a set_languages(None) this bot never makes.
    from core.language import LANGUAGES, _identifier

    identifier = _identifier()
    tables = [
        value
        for value in (getattr(identifier, name) for name in type(identifier).__slots__)
        for value in (value if isinstance(value, tuple) else (value,))
        if isinstance(value, np.ndarray) and value.ndim == 2
    ]
    assert tables
    assert all(table.shape[1] == len(LANGUAGES) for table in tables)
