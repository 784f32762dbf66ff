"""Subcommand specs: name, one-line help, argument shape, moderator flag and handler.

Adapters read the specs to build their own command surfaces (Discord options, help text).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from core.commands.context import CommandContext
from core.replies import Reply

Handler = Callable[[CommandContext, str], Awaitable[Reply]]
COMMAND = "optout"  # the slash command every subcommand lives under
_SEPARATORS = re.compile(r"[-_\s]")


def _key(name: str) -> str:
    """A command name as compared: `my-data`, `my data`, `My_Data` and `mydata` are one."""
    return _SEPARATORS.sub("", name.lower())


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
    # Run by a reply's buttons only (sending a declined question, answer feedback): not in
    # `help`, not a Discord subcommand (a command holds at most 25), never a typo suggestion.
    button_only: bool = False

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
        self._by_key = {_key(name): spec for name, spec in self._specs.items()}

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(self._specs.values())

    def get(self, name: str) -> CommandSpec | None:
        return self._specs.get(name)

    def resolve(self, line: str) -> tuple[CommandSpec, str] | None:
        """The command a line starts with and the rest as its arguments. A two-word name may
        be typed with a space, an underscore or nothing between (`my data`, `forget me`)."""
        words = line.split()
        for size in (2, 1):
            spec = self._by_key.get(_key("".join(words[:size]))) if len(words) >= size else None
            if spec is not None:
                return spec, " ".join(words[size:])
        return None

    def slash_line(self, text: str) -> str | None:
        """What follows the slash command when a DM was typed as one (`/optout help`,
        `optout help`, or mistyped: `/optot help`); None when the text does not start so."""
        first, _, rest = text.partition(" ")
        rest = rest.strip()
        if not first.startswith("/"):
            # "optout help" is a command; "optout of messages?" a question.
            known = first.lower() == COMMAND and (not rest or self.resolve(rest) is not None)
            return rest if known else None
        name = first[1:].lower()
        if DamerauLevenshtein.distance(name, COMMAND) <= 2:
            return rest
        if name and self.resolve(text[1:]) is not None:
            return text[1:]  # `/status`
        return None

    def closest(self, line: str, *, moderator: bool, slips: bool = False) -> str | None:
        """The usable command most like a mistyped name (`stauts` -> `status`, `my dta` ->
        `my-data`), if any is close.

        Ranked by edit distance counting a swap of two letters as one edit, then by length
        difference, so `stauts` suggests `status` rather than `stats`. The first word and the
        first two words are both tried, for names of two words. Within two edits (a third of
        a long name); with `slips`, for words that were perhaps no command at all (a DM), one
        slip of the keyboard (two in a name of 10+ letters), so "ok" is not taken for `tz`.
        """
        words = line.split()
        typed = {_key("".join(words[:size])) for size in (1, 2) if len(words) >= size}

        def within(name: str) -> int:
            if slips:
                return 2 if len(name) >= 10 else 1
            return max(2, len(name) // 3)

        ranked = sorted(
            (
                DamerauLevenshtein.distance(name, _key(spec.name)),
                abs(len(name) - len(_key(spec.name))),
                spec.name,
            )
            for name in typed
            if name
            for spec in self._specs.values()
            if (moderator or not spec.moderator_only) and not spec.button_only
            if DamerauLevenshtein.distance(name, _key(spec.name)) <= within(name)
        )
        return ranked[0][2] if ranked else None
