"""`dashboard` (moderators): a one-time login link to the web dashboard, answered ephemerally."""

from __future__ import annotations

from core.commands.context import CommandContext
from core.dashboard_access import issue_link, login_url, moderator_of
from core.replies import Reply, Section


async def dashboard(ctx: CommandContext, args: str) -> Reply:
    public_url = ctx.services.public_url
    if not public_url:
        return Reply(blocks=(Section(ctx.msg("dashboard_off")),), ephemeral=True)
    token = await issue_link(ctx.services, moderator_of(ctx.request.actor))
    url = login_url(public_url, token)
    return Reply(blocks=(Section(ctx.msg("dashboard_link", url=url)),), ephemeral=True)
