"""The console's Messenger and MemberDirectory: deliveries are printed to the terminal."""

from __future__ import annotations

import sys
from typing import TextIO

from adapters.console.render import Choices
from adapters.console.session import PLATFORM
from core.delivery.neutralise import neutralise
from core.ports import Sent
from core.replies import Reply


class ConsoleMessenger:
    """Prints deliveries into the conversation; their buttons become the numbered choices."""

    platform = PLATFORM

    def __init__(
        self, out: TextIO | None = None, *, choices: Choices | None = None, width: int | None = None
    ) -> None:
        self._out = out
        self._choices = choices or Choices()
        self._width = width

    def _print(self, heading: str, reply: Reply, key: str) -> Sent:
        out = self._out or sys.stdout
        text = neutralise_lines(self._choices.render(reply, width=self._width))
        print(f"--- {heading} ---\n{text}\n", file=out, flush=True)
        return Sent(message_id=key)

    async def send_dm(
        self, workspace: str, user: str, reply: Reply, *, idempotency_key: str, resend: bool = False
    ) -> Sent:
        return self._print(f"DM to {user}", reply, idempotency_key)

    async def send_to_channel(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        return self._print(f"#{channel}", reply, idempotency_key)


def neutralise_lines(text: str) -> str:
    return "\n".join(
        neutralise(line) if "@" in line or "<" in line else line for line in text.split("\n")
    )


class ConsoleMemberDirectory:
    """The console has one community whose members are the users named on the command line."""

    def __init__(self, users: list[str]) -> None:
        self._users = list(users)

    async def member_ids(self, workspace: str) -> list[str]:
        return list(self._users)
