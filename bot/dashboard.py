"""Wiring for the moderators' dashboard: its config, its knowledge reload, the operator's link."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.knowledge_reload import reload_everywhere
from bot.settings import Settings
from core.dashboard.models import DashboardModerator, ModeratorCheck
from core.dashboard_access import issue_link, login_url
from core.identity import MemberKey
from core.knowledge.community_files import CommunityFiles
from core.service import Gigguard

if TYPE_CHECKING:
    import discord

    from adapters.slack.config import SlackConfig
    from adapters.slack.tokens import WorkspaceTokens


def moderator_checks(
    slack: SlackConfig | None,
    slack_tokens: WorkspaceTokens | None,
    discord_client: discord.Client | None,
    discord_role: str | None,
) -> dict[str, ModeratorCheck]:
    """Each running platform's own moderator rule, for the dashboard's per-request re-check.
    The console has none: its sessions keep the verdict taken when the link was made."""
    found: dict[str, ModeratorCheck] = {}
    if slack is not None:
        from adapters.slack.app import retry_handlers, web_client
        from adapters.slack.moderator_check import SlackModeratorCheck
        from adapters.slack.moderators import ModeratorDirectory

        found["slack"] = SlackModeratorCheck(
            ModeratorDirectory(slack.moderator_ids),
            web_client(slack, retry_handlers()),
            tokens=slack_tokens,
        )
    if discord_client is not None:
        from adapters.discord.moderator_check import DiscordModeratorCheck

        found["discord"] = DiscordModeratorCheck(discord_client, discord_role)
    return found


def dashboard_mount(
    core: Gigguard, engine: AsyncEngine, settings: Settings, checks: Mapping[str, ModeratorCheck]
) -> Callable[[web.Application], None] | None:
    """The dashboard's mount for the ops server, or None without GIGGUARD_PUBLIC_URL."""
    if not settings.public_url:
        return None
    from adapters.dashboard.app import mount
    from adapters.dashboard.config import DashboardConfig

    config = DashboardConfig(
        public_url=settings.public_url,
        checks=checks,
        files=CommunityFiles(settings.knowledge_dir) if settings.knowledge_dir else None,
        reload=partial(reload_everywhere, core, settings, engine),
    )
    return partial(mount, core=core, config=config)


async def operator_link(core: Gigguard, *, platform: str, workspace: str, user: str) -> str:
    """A login link made by the operator, who is trusted as a moderator at link time; a
    platform checker still re-checks the member at each dashboard request."""
    assert core.services.public_url
    key_workspace = workspace
    if platform == "discord":  # Discord identities are global; the server is the community
        from adapters.discord.events import WORKSPACE as DISCORD_WORKSPACE

        key_workspace = DISCORD_WORKSPACE
    moderator = DashboardModerator(MemberKey(platform, key_workspace, user), community=workspace)
    token = await issue_link(core.services, moderator)
    return login_url(core.services.public_url, token)
