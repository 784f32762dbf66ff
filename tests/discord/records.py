"""What the fake Discord records: every request, and every message the bot sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.discord.payloads import Payload

EPHEMERAL = 64


@dataclass
class Recorded:
    method: str
    path: str  # below /api/v10
    query: dict[str, str]
    body: Any
    status: int = 200


@dataclass
class Sent:
    """A message the bot created or edited: interaction answer, follow-up or channel message."""

    kind: str  # "callback" | "original" | "followup" | "channel"
    key: str  # the interaction token, or the channel id
    body: Payload  # the JSON the bot sent
    message: Payload  # the message object the fake stored

    @property
    def ephemeral(self) -> bool:
        return bool(self.message["flags"] & EPHEMERAL)

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for row in self.message["components"] for c in row["components"]]

    @property
    def text(self) -> str:
        """Everything readable in the message, for assertions."""
        parts = [self.message["content"]]
        for embed in self.message["embeds"]:
            parts += [embed.get("title", ""), embed.get("description", "")]
            parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
            parts.append(embed.get("footer", {}).get("text", ""))
        return "\n".join(part for part in parts if part)
