"""Localised /optout command names and descriptions (es-ES, es-419, pt-BR) from core's knowledge.

discord.py asks a Translator for every string of every command in every Discord locale when it
builds the payload; this one answers from the same knowledge core answers members with: a
command's help line and an option's description from the registry in that language, an
option's name from the `option_<name>` messages. Locales core does not speak get nothing
(Discord then shows the English text).
"""

from __future__ import annotations

from collections.abc import Mapping

import discord
from discord import app_commands

from core.language import ENGLISH, from_locale
from core.service import Gigguard
from core.text_fit import clip

# The Discord locales of each language spoken here (Discord has no plain "es" or "pt").
DISCORD_LOCALES = {"es-ES": "es", "es-419": "es", "pt-BR": "pt"}
MAX_NAME = 32
MAX_DESCRIPTION = 100


def option_message(name: str) -> str:
    """An option name's message id: `client-opted-out` is option_client_opted_out."""
    return "option_" + name.replace("-", "_")


def _descriptions(core: Gigguard, language: str) -> dict[str, str]:
    """English text -> the same text in `language`, for every help line and option description."""
    english, local = core.knowledge, core.knowledge.in_language(language)
    found = {english.message("help_title"): local.message("help_title")}
    for spec in core.registry:
        there = core.registry_in(language).get(spec.name)
        if there is None:
            continue
        found[spec.summary] = there.summary
        if spec.argument is not None and there.argument is not None:
            found[spec.argument.description] = there.argument.description
    return found


class KnowledgeTranslator(app_commands.Translator):
    def __init__(self, core: Gigguard) -> None:
        self._core = core
        languages = set(DISCORD_LOCALES.values()) & set(core.knowledge.translations)
        self._descriptions: Mapping[str, Mapping[str, str]] = {
            language: _descriptions(core, language) for language in languages
        }

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = from_locale(locale.value) if locale.value in DISCORD_LOCALES else None
        if language is None or language == ENGLISH or language not in self._descriptions:
            return None
        if context.location is app_commands.TranslationContextLocation.parameter_name:
            messages = self._core.knowledge.in_language(language).messages
            name = messages.get(option_message(string.message))
            return clip(name, MAX_NAME) if name and name != string.message else None
        if context.location in (
            app_commands.TranslationContextLocation.command_description,
            app_commands.TranslationContextLocation.group_description,
            app_commands.TranslationContextLocation.parameter_description,
        ):
            text = self._descriptions[language].get(string.message)
            return clip(text, MAX_DESCRIPTION) if text else None
        return None
