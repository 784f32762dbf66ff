"""The one core object every adapter talks to: a request in, a platform-neutral reply out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from core import welcome
from core.admission import Admission, Busy
from core.commands.ask import Answer, answer_text
from core.commands.catalog import build_registry
from core.commands.context import CommandContext
from core.commands.registry import CommandSpec, Registry
from core.dm_requests import FAQ, router_for
from core.errors import StorageError, UserInputError
from core.faq.engine import FaqEngine
from core.identity import MemberKey
from core.joins import MemberJoined
from core.knowledge import Knowledge
from core.language import ENGLISH, LANGUAGES, choose
from core.member_language import note_platform_language
from core.metrics import COMMANDS_BUSY, COMMANDS_HANDLED
from core.replies import Reply, Section
from core.requests import Actor, Origin, Request
from core.services import Services
from core.text import clean_input, encodable, quote

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Loaded:
    """What one request is served with; replaced whole, never changed in place."""

    services: Services
    registry: Registry
    # The same commands with their help in each language (routing uses `registry`'s names).
    registries: Mapping[str, Registry]


def _loaded(services: Services) -> Loaded:
    knowledge = services.knowledge
    registries = {
        language: build_registry(knowledge.in_language(language))
        for language in knowledge.languages
    }
    return Loaded(services, registries[ENGLISH], registries)


class Gigguard:
    def __init__(self, services: Services, *, admission: Admission | None = None) -> None:
        """`admission` bounds how many commands run at once (None: no bound, for tests)."""
        self._loaded = _loaded(services)
        self.admission = admission

    @property
    def services(self) -> Services:
        return self._loaded.services

    @property
    def registry(self) -> Registry:
        return self._loaded.registry

    def registry_in(self, language: str) -> Registry:
        """The commands with their help texts in `language` (English when not translated)."""
        return self._loaded.registries.get(language, self._loaded.registry)

    @property
    def knowledge(self) -> Knowledge:
        return self.services.knowledge

    def reload(self, knowledge: Knowledge, faq: FaqEngine) -> None:
        """Serve new knowledge, FAQ engine and command registry from the next request on.

        One object is swapped, so no request ever sees a mix; a request already running keeps
        the services it started with.
        """
        self._loaded = _loaded(replace(self.services, knowledge=knowledge, faq=faq))

    async def member_joined(self, joined: MemberJoined) -> bool:
        """A member joined a community: queue their welcome DM if it is on there."""
        return await welcome.member_joined(self.services, _encodable_join(joined))

    async def handle(self, request: Request) -> Reply:
        """Run one request. Expected failures become friendly replies; nothing half-written."""
        request = _encodable(request)
        # Until the member's stored choice is read (inside the command's slot), errors speak
        # what the text itself or the platform says.
        unset = self._language(request)
        knowledge = self.knowledge.in_language(unset)
        try:
            text = clean_input(request.text)
            spec, args = self._route(request, text, knowledge)
            if spec.moderator_only and not request.actor.is_moderator:
                key = request.actor.key
                log.warning(
                    "moderator command refused: command=%s platform=%s workspace=%s user=%s",
                    spec.name,
                    key.platform,
                    key.workspace,
                    key.user,
                )
                return self._error(knowledge.message("moderator_only", command=spec.name))
            platform = request.actor.key.platform
            if self.admission is None:
                return await self._run(spec, args, request, unset)
            try:
                async with self.admission.slot():
                    return await self._run(spec, args, request, unset)
            except Busy:
                self.services.metrics.count(COMMANDS_BUSY, command=spec.name, platform=platform)
                return self._error(knowledge.message("busy"))
        except UserInputError as exc:
            return self._error(str(exc))
        except StorageError:
            log.exception("storage failure while handling a request")
            return self._error(knowledge.message("storage_error"))

    async def _run(self, spec: CommandSpec, args: str, request: Request, unset: str) -> Reply:
        """`unset`: the language to answer in if the member set none."""
        platform = request.actor.key.platform
        self.services.metrics.count(COMMANDS_HANDLED, command=spec.name, platform=platform)
        async with self.services.uow() as uow:
            stored = await uow.members.language(request.actor.key)
        language = stored if stored in LANGUAGES else unset
        local = self.registry_in(language).get(spec.name) or spec
        reply = await local.handler(CommandContext(request, self.services, language), args)
        await self._note_community(request.actor)
        await note_platform_language(self.services.uow, request.actor)
        return reply

    def _language(self, request: Request) -> str:
        """The language to answer in before the member's own choice is known."""
        # Text typed as a command ("/optout stauts") says nothing about the member's language.
        typed_as_text = request.origin is Origin.DM_TEXT
        if typed_as_text and self.registry.slash_line(request.text.strip()) is not None:
            typed_as_text = False
        return choose(
            stored=None,
            platform_locale=request.actor.locale,
            dm_text=request.text if typed_as_text else None,
            default=self.services.default_language,
        )

    async def _note_community(self, actor: Actor) -> None:
        """A member seen in a server counts in that server's stats and audiences (Discord)."""
        if actor.community is None or actor.community == actor.key.workspace:
            return
        try:
            async with self.services.uow() as uow:
                await uow.members.join_community(actor.key, actor.community)
                await uow.commit()
        except StorageError:  # the command itself succeeded; membership is retried next time
            log.exception("could not record community membership")

    def ask(self, question: str) -> Answer:
        """Answer one question without a member; nothing is stored."""
        return answer_text(self.knowledge, self.services.faq, question)

    def _route(self, request: Request, text: str, knowledge: Knowledge) -> tuple[CommandSpec, str]:
        ask_spec = self.registry.get("ask")
        assert ask_spec is not None
        if request.origin is Origin.DM_TEXT:
            typed = self.registry.slash_line(text)  # "/optout help" typed in a DM
            if typed is None:
                return self._understood(text) or (ask_spec, text)
            text = typed
        if not text:
            spec = self.registry.get("help")
            assert spec is not None
            return spec, ""
        found = self.registry.resolve(text)
        if found is None:
            given = text.split()[0].lower()
            closest = self.registry.closest(text, moderator=request.actor.is_moderator)
            key = "unknown_command_suggest" if closest else "unknown_command"
            raise UserInputError(knowledge.message(key, given=quote(given), closest=closest))
        spec, args = found
        if spec is ask_spec and args not in self.knowledge.topics:  # not a topic button
            return self._understood(args) or found
        return found

    def _understood(self, text: str) -> tuple[CommandSpec, str] | None:
        """The command that free text reads as (a subcommand typed as such, or a request in
        plain words: "forget me", "done with all three"); None when it is a question."""
        found = self.registry.resolve(text)
        if found is not None and found[0].accepts(found[1]):
            return found
        routed = router_for(self.knowledge).route(text)
        spec = None if routed.route == FAQ else self.registry.get(routed.route)
        return (spec, routed.arg) if spec is not None else None

    def apology(self) -> Reply:
        """What an adapter's last-resort boundary answers when something unexpected failed."""
        return self._error(self.knowledge.message("unexpected_error"))

    def _error(self, text: str) -> Reply:
        return Reply(blocks=(Section(text),), ephemeral=True)


def _encodable_key(key: MemberKey) -> MemberKey:
    return MemberKey(encodable(key.platform), encodable(key.workspace), encodable(key.user))


def _encodable_join(joined: MemberJoined) -> MemberJoined:
    return replace(joined, key=_encodable_key(joined.key), community=encodable(joined.community))


def _encodable(request: Request) -> Request:
    """The request with no lone surrogate in anything that may be stored or echoed."""
    key = request.actor.key
    actor = replace(
        request.actor,
        key=_encodable_key(key),
        community=encodable(request.actor.community) if request.actor.community else None,
    )
    channel = encodable(request.channel) if request.channel else request.channel
    return replace(request, actor=actor, text=encodable(request.text), channel=channel)
