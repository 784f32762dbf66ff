"""Wiring for the delivery worker and the `gigguard broadcast(s)` commands."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from core.commands.broadcasts import preview_reply
from core.commands.context import CommandContext
from core.delivery import broadcasting
from core.delivery.broadcasting import Order
from core.delivery.worker import DeliveryWorker
from core.identity import MemberKey
from core.outbox import Audience, Status, Target
from core.ports import MemberDirectory, Messenger
from core.render_text import render_plain
from core.replies import Reply
from core.requests import Actor, Request
from core.service import Gigguard

if TYPE_CHECKING:
    import discord

    from adapters.console.render import Choices
    from adapters.slack.config import SlackConfig
    from adapters.slack.tokens import WorkspaceTokens

log = logging.getLogger(__name__)

CLI_USER = "cli"


def build_worker(core: Gigguard, messengers: Mapping[str, Messenger]) -> DeliveryWorker:
    """The worker of the running bot: it follows knowledge reloads, and what it learns of
    each workspace's rate limit is the pace the broadcast preview's ETA uses."""
    return DeliveryWorker(
        services=core.services,
        messengers=messengers,
        sleep=asyncio.sleep,
        refresh=lambda: core.services,
        paces=core.services.paces,
    )


def delivery_messengers(
    platforms: list[str],
    *,
    slack: SlackConfig | None = None,
    slack_tokens: WorkspaceTokens | None = None,
    discord_client: discord.Client | None = None,
    console_choices: Choices | None = None,
) -> dict[str, Messenger]:
    """A Messenger for each running platform that has one. Deliveries for the others wait,
    queued, until a process with their Messenger runs. Discord's sends through the running
    client, so they start once it has logged in. The console's numbers the buttons it prints
    in `console_choices`, the choices the console session reads."""
    from adapters.console.messenger import ConsoleMessenger
    from adapters.console.render import terminal_width

    found: dict[str, Messenger] = {}
    if "console" in platforms:
        found["console"] = ConsoleMessenger(choices=console_choices, width=terminal_width())
    if "slack" in platforms and slack is not None:
        from adapters.slack.messenger import SlackMessenger, delivery_client

        found["slack"] = SlackMessenger(delivery_client(slack), tokens=slack_tokens)
    if "discord" in platforms and discord_client is not None:
        from adapters.discord.messenger import DiscordMessenger

        found["discord"] = DiscordMessenger(discord_client)
    missing = sorted(set(platforms) - set(found))
    if missing:
        log.warning("no Messenger yet for %s: their deliveries stay queued", ", ".join(missing))
    return found


def delivery_directories(
    slack: SlackConfig | None,
    slack_tokens: WorkspaceTokens | None = None,
    *,
    discord_client: discord.Client | None = None,
) -> dict[str, MemberDirectory]:
    """Member lists for broadcasts to "all"/"pending". Discord's only with `discord_client`,
    given when GIGGUARD_DISCORD_MEMBER_LIST opts in to the privileged GUILD_MEMBERS intent;
    without it a Discord "all" means every member known to the bot."""
    found: dict[str, MemberDirectory] = {}
    if slack is not None:
        from adapters.slack.messenger import SlackMemberDirectory, directory_client

        found["slack"] = SlackMemberDirectory(directory_client(slack), tokens=slack_tokens)
    if discord_client is not None:
        from adapters.discord.directory import DiscordMemberDirectory

        found["discord"] = DiscordMemberDirectory(discord_client)
    return found


async def run_worker(
    core: Gigguard, messengers: Mapping[str, Messenger], stop: asyncio.Event
) -> None:
    """Deliver until `stop` is set; then finish the send in flight and release the rest."""
    await build_worker(core, messengers).run_forever(stop)


async def enqueue_broadcast(
    core: Gigguard,
    *,
    platform: str,
    workspace: str,
    order: Order,
    confirmed: bool,
) -> dict[str, object]:
    """Draft (and with --yes confirm) a broadcast exactly as the `broadcast` subcommand would."""
    services = core.services
    operator = Actor(MemberKey(platform, workspace, CLI_USER), is_moderator=True)
    shown = await broadcasting.draft(services, operator, order)
    broadcast = shown.broadcast
    if confirmed:
        broadcast = await broadcasting.confirm(services, operator, broadcast.id)
    ctx = CommandContext(Request(operator, ""), services)
    return {
        "preview": render_plain(Reply(blocks=preview_reply(ctx, shown).blocks)),
        "text": broadcast.text,
        "removed_mentions": list(shown.removed),
        "id": broadcast.id,
        "state": broadcast.state.value,
        "recipients_now": shown.recipients,
        "first_at": broadcast.first_at.isoformat(),
        "schedule": broadcast.schedule,
        "eta_seconds": shown.eta.total_seconds(),
    }


async def broadcast_reports(core: Gigguard) -> list[dict[str, object]]:
    found = await broadcasting.reports(core.services, platform=None, workspace=None, limit=100)
    return [
        {
            "id": b.id,
            "platform": b.platform,
            "workspace": b.workspace,
            "state": b.state.value,
            "target": b.target.value,
            "audience": b.audience.value if b.target is Target.DM else None,
            "channel": b.channel,
            "schedule": b.schedule,
            "timezone": b.timezone,
            "runs": b.runs,
            "next_run_at": b.next_run_at.isoformat() if b.next_run_at else None,
            "queued": r.queued,
            "pending": r.total(Status.PENDING),
            "sent": r.total(Status.SENT),
            "skipped": r.by_reason(Status.SKIPPED),
            "failed": r.by_reason(Status.FAILED),
            "cancelled": r.total(Status.CANCELLED),
        }
        for b, r in found
    ]


def order_from_options(
    *, to: str, channel: str | None, audience: str, at: str | None, every: str | None, text: str
) -> Order:
    return Order(
        target=Target(to),
        audience=Audience(audience),
        text=text,
        channel=channel,
        at=at,
        every=every,
    )


def as_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
