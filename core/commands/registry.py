"""Subcommand specs: name, one-line help, argument shape, moderator flag and handler.

Adapters read the specs to build their own command surfaces (Discord options, help text).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from core.commands.context import CommandContext
from core.replies import Reply

Handler = Callable[[CommandContext, str], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Argument:
    name: str
    description: str
    choices: tuple[str, ...] = ()  # empty: free text
    required: bool = False
    shape: str = ""  # how help writes it ("<number> <delay>"); default: the choices or the name


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    summary: str
    handler: Handler
    argument: Argument | None = None
    moderator_only: bool = False

    @property
    def usage(self) -> str:
        if self.argument is None:
            return self.name
        if self.argument.shape:
            return f"{self.name} {self.argument.shape}"
        shape = "|".join(self.argument.choices) if self.argument.choices else self.argument.name
        return f"{self.name} <{shape}>" if self.argument.required else f"{self.name} [{shape}]"

    def accepts(self, args: str) -> bool:
        """Whether `args` fits this command's argument shape (used to route DM text)."""
        if self.argument is None:
            return not args
        if not args:
            return not self.argument.required
        return not self.argument.choices or args.lower() in self.argument.choices


class Registry:
    def __init__(self, specs: Iterable[CommandSpec]) -> None:
        self._specs = {spec.name: spec for spec in specs}

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(self._specs.values())

    def get(self, name: str) -> CommandSpec | None:
        return self._specs.get(name)

    def closest(self, name: str, *, moderator: bool) -> str | None:
        """The usable command most like a mistyped name (`stauts` -> `status`), if any is close.

        Ranked by edit distance counting a swap of two letters as one edit, then by length
        difference, so `stauts` suggests `status` rather than `stats`.
        """
        limit = max(2, len(name) // 3)
        ranked = sorted(
            (
                DamerauLevenshtein.distance(name, spec.name),
                abs(len(name) - len(spec.name)),
                spec.name,
            )
            for spec in self._specs.values()
            if moderator or not spec.moderator_only
        )
        return ranked[0][2] if ranked and ranked[0][0] <= limit else None
