"""The `gigguard` command line: run, console, ask, db upgrade."""

from __future__ import annotations

import asyncio
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from bot.bootstrap import build_app
from bot.database import upgrade_database
from bot.logs import setup_logging
from bot.settings import Settings

app = typer.Typer(help="gigguard: the Upwork AI-training opt-out bot.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


class Platform(StrEnum):
    CONSOLE = "console"
    SLACK = "slack"
    DISCORD = "discord"


def _settings() -> Settings:
    settings = Settings()
    setup_logging(settings.log_level, as_json=settings.log_json)
    return settings


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending schema migration."""
    settings = _settings()
    upgrade_database(settings.database_url)
    typer.echo("database is up to date")


@app.command()
def console(
    user: Annotated[str, typer.Option(help="Who you are in this session.")] = "me",
    moderator: Annotated[bool, typer.Option(help="Act as a community moderator.")] = False,
) -> None:
    """Talk to the bot in this terminal (or pipe lines into it)."""
    from bot.runners import run_console_adapter

    settings = _settings()
    upgrade_database(settings.database_url)
    asyncio.run(run_console_adapter(settings, user=user, moderator=moderator))


@app.command()
def run(
    platform: Annotated[
        list[Platform] | None,
        typer.Option(help="Adapters to start (default: every configured one, else the console)."),
    ] = None,
    http: Annotated[
        bool, typer.Option(help="Slack: serve HTTP events instead of Socket Mode.")
    ] = False,
    host: Annotated[str, typer.Option(help="Slack HTTP mode: address to bind.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="Slack HTTP mode: port to listen on.")] = 3000,
) -> None:
    """Start the bot on every configured platform."""
    from bot.runners import run_adapters

    settings = _settings()
    upgrade_database(settings.database_url)
    chosen = [p.value for p in platform] if platform else None
    asyncio.run(run_adapters(settings, chosen, http=http, host=host, port=port))


@app.command()
def ask(
    question: Annotated[
        str, typer.Argument(help="The question, or - to read one per line from stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per answer.")] = False,
) -> None:
    """Answer FAQ questions without a chat platform."""
    from core.render_text import render_plain

    built = build_app(_settings())
    questions = (line.rstrip("\n") for line in sys.stdin) if question == "-" else iter([question])
    for text in questions:
        answer = built.core.ask(text)
        if as_json:
            typer.echo(
                json.dumps(
                    {
                        "question": text,
                        "topic": answer.match.topic,
                        "confidence": round(answer.match.confidence, 4),
                        "answer": render_plain(answer.reply),
                        "alternatives": list(answer.match.alternatives),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            typer.echo(render_plain(answer.reply) + "\n")


def main() -> None:
    app()
