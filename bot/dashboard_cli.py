"""`gigguard dashboard link`: the operator's one-time login link to the moderators' dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.settings import Settings


def register(cli: typer.Typer, settings: Callable[[], Settings]) -> None:
    """`gigguard dashboard link`: prints a one-time login link, nothing else."""
    group = typer.Typer(help="The moderators' web dashboard.", no_args_is_help=True)
    cli.add_typer(group, name="dashboard")

    @group.command("link")
    def link(
        platform: Annotated[str, typer.Option(help="slack, discord or console.")],
        workspace: Annotated[str, typer.Option(help="Slack team id / Discord server id.")],
        user: Annotated[str, typer.Option(help="The moderator's user id.")],
    ) -> None:
        """A one-time dashboard login link (10 minutes) for that moderator and community."""
        current = settings()
        if not current.public_url:
            typer.echo("refused: set GIGGUARD_PUBLIC_URL (the dashboard's address)", err=True)
            raise typer.Exit(2)
        if platform not in ("slack", "discord", "console"):
            typer.echo("refused: --platform is slack, discord or console", err=True)
            raise typer.Exit(2)
        import asyncio

        from bot.bootstrap import build_app
        from bot.dashboard import operator_link
        from bot.database import upgrade_database

        upgrade_database(current.database_url)

        async def go() -> str:
            built = build_app(current)
            try:
                return await operator_link(
                    built.core, platform=platform, workspace=workspace, user=user
                )
            finally:
                await built.close()

        typer.echo(asyncio.run(go()))
