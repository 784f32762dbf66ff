"""The `gigguard` command line: run, console, ask, db upgrade."""

from __future__ import annotations

import asyncio
import datetime
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.bootstrap import build_app
from bot.broadcast_cli import register as register_broadcast_commands
from bot.database import create_engine, upgrade_database
from bot.logs import setup_logging
from bot.settings import Platform, Settings
from core.faq.lexicon import FaqDataError
from core.knowledge import KnowledgeError, load_knowledge
from core.knowledge.check import check_knowledge, topic_ids_from_markdown
from core.knowledge.loader import DEFAULT_DIR as DEFAULT_KNOWLEDGE_DIR

app = typer.Typer(help="gigguard: the Upwork AI-training opt-out bot.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
knowledge_app = typer.Typer(help="Policy knowledge files.", no_args_is_help=True)
app.add_typer(knowledge_app, name="knowledge")


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


@knowledge_app.command("check")
def knowledge_check(
    directory: Annotated[
        Path, typer.Option("--dir", help="Knowledge directory to check.")
    ] = DEFAULT_KNOWLEDGE_DIR,
    topics: Annotated[
        Path | None, typer.Option(help="A TOPICS.md whose `## id` headings must all be covered.")
    ] = None,
) -> None:
    """Validate the knowledge files (and GIGGUARD_KNOWLEDGE_DIR): schema, topics, dates."""
    settings = _settings()
    required = topic_ids_from_markdown(topics) if topics else set(load_knowledge().topics)
    problems = check_knowledge(
        directory,
        today=datetime.date.today(),
        stale_days=settings.stale_days,
        required_topics=required,
        overrides=settings.knowledge_dir,
    )
    for problem in problems:
        typer.echo(problem)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"{directory}: knowledge is valid")


@knowledge_app.command("reload")
def knowledge_reload() -> None:
    """Validate the knowledge files, then make every running `gigguard run` reload them.

    Bumps a generation row in the database, which each running bot polls every ~10 s, so it
    reaches bots on other hosts and containers too (`kill -HUP` reloads one local process).
    """
    from bot.knowledge_reload import bump_generation, load_from_disk

    settings = _settings()
    try:
        load_from_disk(settings)
    except (KnowledgeError, FaqDataError) as exc:
        typer.echo(str(exc))
        typer.echo("nothing reloaded: the running bots keep their current knowledge")
        raise typer.Exit(1) from exc
    upgrade_database(settings.database_url)

    async def bump() -> int:
        engine = create_engine(settings.database_url)
        try:
            return await bump_generation(engine)
        finally:
            await engine.dispose()

    generation = asyncio.run(bump())
    typer.echo(f"knowledge is valid; generation {generation}: running bots reload within ~10 s")


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


register_broadcast_commands(app, _settings)


def main() -> None:
    app()
