"""`gigguard broadcast` (enqueue) and `gigguard broadcasts` (report); `gigguard run` delivers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli_choices import Platform
from core.outbox import Audience, Target

if TYPE_CHECKING:
    from bot.settings import Settings


def register(app: typer.Typer, settings: Callable[[], Settings]) -> None:
    """Add the two commands to the `gigguard` CLI; `settings` reads settings and sets up logs."""

    @app.command()
    def broadcast(
        platform: Annotated[Platform, typer.Option(help="Where to send.")],
        workspace: Annotated[str, typer.Option(help="Slack team id / Discord guild id.")],
        message: Annotated[str, typer.Option(help="The text (mentions are neutralised).")],
        to: Annotated[
            Target, typer.Option(help="DM each member, or post in a channel.")
        ] = Target.DM,
        channel: Annotated[str | None, typer.Option(help="Channel id for --to channel.")] = None,
        audience: Annotated[
            Audience, typer.Option(help="all, or members with toggles left (pending).")
        ] = Audience.ALL,
        at: Annotated[str | None, typer.Option(help="When, e.g. 'friday 10:00' (UTC).")] = None,
        every: Annotated[
            str | None, typer.Option(help="Repeat: 'monday 09:00' or cron '0 9 * * 1' (UTC).")
        ] = None,
        yes: Annotated[
            bool, typer.Option("--yes", help="Confirm; without it, preview only.")
        ] = False,
        json_output: Annotated[
            bool, typer.Option("--json", help="Machine-readable result.")
        ] = False,
    ) -> None:
        """Queue a broadcast; the running `gigguard run` process delivers it."""
        # Imported here so `gigguard --help` and `gigguard ask` do not load the database stack.
        import asyncio

        from bot.bootstrap import build_app
        from bot.broadcast_target import workspace_refusal
        from bot.database import upgrade_database
        from bot.delivery import as_json, enqueue_broadcast, order_from_options
        from core.errors import UserInputError

        current = settings()
        upgrade_database(current.database_url)
        order = order_from_options(
            to=to.value, channel=channel, audience=audience.value, at=at, every=every, text=message
        )

        async def go() -> dict[str, object]:
            refusal = await workspace_refusal(current, platform.value, workspace)
            if refusal is not None:
                raise UserInputError(refusal + "; nothing was queued")
            built = build_app(current)
            try:
                return await enqueue_broadcast(
                    built.core,
                    platform=platform.value,
                    workspace=workspace,
                    order=order,
                    confirmed=yes,
                )
            finally:
                await built.close()

        try:
            result = asyncio.run(go())
        except UserInputError as exc:
            typer.echo(f"refused: {exc}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(as_json(result) if json_output else str(result["preview"]))
        if not yes:
            typer.echo(f"preview only: re-run with --yes to send (draft #{result['id']})", err=True)

    @app.command()
    def broadcasts(
        json_output: Annotated[
            bool, typer.Option("--json", help="Machine-readable report.")
        ] = False,
    ) -> None:
        """Scheduled and recent broadcasts with their delivery report."""
        import asyncio

        from adapters.console.render import terminal_width
        from bot.bootstrap import build_app
        from bot.database import upgrade_database
        from bot.delivery import as_json, broadcast_reports
        from core.render_text import render_table

        current = settings()
        upgrade_database(current.database_url)

        async def go() -> list[dict[str, object]]:
            built = build_app(current)
            try:
                return await broadcast_reports(built.core)
            finally:
                await built.close()

        reports = asyncio.run(go())
        if json_output:
            typer.echo(as_json(reports))
            return
        headers = ("id", "where", "state", "next run", "sent", "pending", "skipped", "failed")
        rows = tuple(
            (
                str(r["id"]),
                f"{r['platform']}/{r['workspace']}",
                str(r["state"]),
                _moment(r["next_run_at"], r["timezone"]),
                str(r["sent"]),
                str(r["pending"]),
                _by_reason(r["skipped"]),
                _by_reason(r["failed"]),
            )
            for r in reports
        )
        width = terminal_width()
        typer.echo(render_table(headers, rows, width=width) if rows else "no broadcasts yet")


def _moment(iso: object, timezone: object) -> str:
    """An ISO timestamp from the report as a person reads it, in the broadcast's zone."""
    from core.delivery.when import describe

    if not isinstance(iso, str):
        return "-"
    return describe(dt.datetime.fromisoformat(iso), str(timezone) if timezone else None)


def _by_reason(counts: object) -> str:
    """{"muted": 1, "finished": 3} -> "finished 3, muted 1"."""
    if not isinstance(counts, dict) or not counts:
        return "0"
    return ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items()))
