"""The languages gigguard speaks, how a member's language is chosen, and how it writes dates.

A member's language is, in order: the one they set (`/optout lang`); for a free-text DM, the
language it is clearly written in; the one their platform reports (Slack's user locale,
Discord's interaction locale); the community default (GIGGUARD_DEFAULT_LANGUAGE); English.
A DM's own language goes before the platform's because Slack reports "en-US" for everyone who
never changed it: a member who writes in Spanish is answered in Spanish.

A DM sent later, outside any request (a reminder, a broadcast, a welcome), has no request to
read: it speaks the language the member set, else the one their platform reported on their last
requests (stored as `member.platform_language`, see core/member_language.py), else the
community default (`for_later`).

Detection uses py3langid (its model ships inside the wheel; nothing downloads), restricted to
the languages spoken here and loaded on first use: most requests never need it. bench/README.md
has the comparison with lingua-language-detector on short chat messages.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

ENGLISH = "en"
LANGUAGES = (ENGLISH, "es", "pt")
# Babel's locale for each language: Portuguese here is Brazilian Portuguese.
BABEL_LOCALES = {ENGLISH: "en", "es": "es", "pt": "pt_BR"}
# Each language by its own name, as `/optout lang` shows it.
LANGUAGE_NAMES = {ENGLISH: "English", "es": "español", "pt": "português (Brasil)"}
# Below this probability (normalised over en/es/pt) a text is too short or too mixed to say:
# on tests/data/language/short_messages.jsonl, 0.6 leaves 3 of 75 undecided and none wrong.
MIN_CONFIDENCE = 0.6
MIN_LETTERS = 8


def from_locale(locale: str | None) -> str | None:
    """The language of a platform locale ("es-ES", "pt-BR", "es-419", "en_US"), if spoken here."""
    if not locale:
        return None
    language = locale.replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else None


@cache
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    every = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    every.set_languages(list(LANGUAGES))
    # A new identifier holding only the three languages' columns: `every` also keeps the
    # table of all 142 (28 MB) for a later set_languages(None), which is never called here.
    return LanguageIdentifier(
        every.nb_ptc,
        every.nb_pc,
        every.nb_classes,
        every.tk_nextmove,
        every.tk_output,
        norm_probs=True,
        tk_row=every.tk_row,
    )


def detect(text: str) -> str | None:
    """The language `text` is written in, or None when it is too short or unclear to say."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    language, confidence = _identifier().classify(text)
    return str(language) if confidence >= MIN_CONFIDENCE else None


def choose(
    *,
    stored: str | None,
    platform_locale: str | None,
    dm_text: str | None,
    default: str = ENGLISH,
) -> str:
    """The language to answer in (see the module docstring for the order)."""
    if stored in LANGUAGES:
        return stored
    return (detect(dm_text) if dm_text else None) or from_locale(platform_locale) or default


def for_later(*, stored: str | None, platform: str | None, default: str) -> str:
    """The language of a DM sent outside any request; `platform` is the stored platform
    language (already one of LANGUAGES, or None)."""
    return choose(stored=stored, platform_locale=platform, dm_text=None, default=default)


def format_day(value: dt.date, language: str) -> str:
    """A date as `language` writes it: English keeps ISO (2026-11-25), others Babel's long form
    (25 de noviembre de 2026)."""
    if language == ENGLISH:
        return value.isoformat()
    from babel.dates import format_date

    return format_date(value, "long", locale=BABEL_LOCALES[language])


def format_moment(local: dt.datetime, language: str) -> str:
    """A moment already in the member's time zone: "Fri 2026-11-27 09:00" in English,
    "vie 27 nov 2026, 09:00" in Spanish."""
    if language == ENGLISH:
        return local.strftime("%a %Y-%m-%d %H:%M")
    from babel.dates import format_datetime

    return format_datetime(local, "EEE d MMM y, HH:mm", locale=BABEL_LOCALES[language])


def localise_numbers(
    template: str, values: Mapping[str, object], language: str
) -> tuple[str, dict[str, object]]:
    """`{count:,}` fields written with the language's digit grouping (12.345 in Spanish)."""
    out = dict(values)
    for _, field, spec, _ in string.Formatter().parse(template):
        number = out.get(field) if field and spec == "," else None
        if field and isinstance(number, int | float):
            from babel.numbers import format_decimal

            out[field] = format_decimal(number, locale=BABEL_LOCALES[language])
            template = template.replace(f"{{{field}:,}}", f"{{{field}}}")
    return template, out
