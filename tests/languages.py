"""What a Spanish or Portuguese member should read, taken from the shipped translations, so the
platform tests check that each reply is the translated one (and not the English one)."""

from __future__ import annotations

from dataclasses import dataclass

from core.knowledge import load_knowledge

SPEAKERS = {"es": "es-ES", "pt": "pt-BR"}  # language -> a platform locale that speaks it


@dataclass(frozen=True)
class Expected:
    """One phrase per command, in the member's language, and its English counterpart."""

    command: str
    phrase: str
    english: str


def _start(text: str, length: int = 30) -> str:
    return text.strip()[:length]


def expected_replies(language: str) -> list[Expected]:
    english = load_knowledge()
    local = english.in_language(language)
    topic = "client-protection"
    pairs = [
        ("status", lambda k: k.message("checklist_title", marketplace="Upwork")),
        ("done communications", lambda k: k.message("recorded_off", toggles="", date="")[:10]),
        ("guide", lambda k: k.message("guide_title", marketplace="Upwork")),
        ("clause", lambda k: _start(k.clause.seller.text)),
        ("help", lambda k: _start(k.message("help_intro"))),
        (f"ask {topic}", lambda k: _start(k.topics[topic].answer)),
    ]
    return [Expected(command, phrase(local), phrase(english)) for command, phrase in pairs]


def dm_text(language: str) -> str:
    """A free-text DM in that language, English UI words mixed in."""
    return {
        "es": "como desactivo el toggle de communications?",
        "pt": "como desativo o toggle de communications?",
    }[language]


def language_phrases(language: str) -> list[str]:
    """Texts a DM answer in `language` starts with: a topic answer, the decline or the greeting."""
    local = load_knowledge().in_language(language)
    return [
        *(_start(t.answer) for t in local.topics.values()),
        _start(local.message("decline_short")),
        _start(local.message("greeting")),
    ]
