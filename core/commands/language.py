"""`/optout lang`: the language the bot answers a member in."""

from __future__ import annotations

from core.commands.context import CommandContext
from core.errors import UserInputError
from core.language import LANGUAGE_NAMES, LANGUAGES, from_locale
from core.replies import Reply, Section
from core.text import quote

AUTO = "auto"  # forget the choice: the platform's language, or the one a DM is written in
CHOICES = (*LANGUAGES, AUTO)


async def lang(ctx: CommandContext, args: str) -> Reply:
    given = args.strip().lower()
    if not given:
        return _reply(ctx.msg("lang_current", language=LANGUAGE_NAMES[ctx.language]))
    if given not in CHOICES:
        raise UserInputError(ctx.msg("lang_unknown", given=quote(given), valid="|".join(CHOICES)))
    chosen = None if given == AUTO else given
    async with ctx.services.uow() as uow:
        await uow.members.set_language(ctx.request.actor.key, chosen, at=ctx.now())
        await uow.commit()
    if chosen is None:
        now = from_locale(ctx.request.actor.locale) or ctx.services.default_language
        return _reply(ctx.services.knowledge.in_language(now).message("lang_auto"))
    return _reply(ctx.services.knowledge.in_language(chosen).message("lang_set"))


def _reply(text: str) -> Reply:
    return Reply(blocks=(Section(text),))
