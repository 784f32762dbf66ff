"""The `gigguard` command line: run, console, ask, db upgrade.

Each command imports what it needs when it runs: `gigguard --help` and `gigguard ask` must
not pay for the database stack, the chat clients or the charts (tests/ops checks it).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.broadcast_cli import register as register_broadcast_commands
from bot.cli_choices import Platform
from bot.dashboard_cli import register as register_dashboard_commands

if TYPE_CHECKING:
    from bot.settings import Settings

app = typer.Typer(
    help="gigguard: the Upwork AI-training opt-out bot. Add --debug to see tracebacks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
knowledge_app = typer.Typer(help="Policy knowledge files.", no_args_is_help=True)
app.add_typer(knowledge_app, name="knowledge")
faq_app = typer.Typer(help="The FAQ model.", no_args_is_help=True)
app.add_typer(faq_app, name="faq")


def _settings() -> Settings:
    from bot.logs import setup_logging
    from bot.settings import Settings

    settings = Settings()
    setup_logging(settings.log_level, as_json=settings.log_json)
    return settings


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending schema migration."""
    from bot.database import upgrade_database

    settings = _settings()
    upgrade_database(settings.database_url)
    typer.echo("database is up to date")


@knowledge_app.command("check")
def knowledge_check(
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Knowledge directory to check (default: the shipped one)."),
    ] = None,
    topics: Annotated[
        Path | None, typer.Option(help="A TOPICS.md whose `## id` headings must all be covered.")
    ] = None,
) -> None:
    """Validate the knowledge files (and GIGGUARD_KNOWLEDGE_DIR): schema, topics, dates."""
    import datetime

    from core.knowledge import load_knowledge
    from core.knowledge.check import check_knowledge, topic_ids_from_markdown
    from core.knowledge.loader import DEFAULT_DIR

    directory = directory or DEFAULT_DIR
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
    import asyncio

    from bot.database import create_engine, upgrade_database
    from bot.knowledge_reload import bump_generation, load_from_disk
    from core.faq.dataset import FaqDataError
    from core.knowledge import KnowledgeError

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


def _console_logs(settings: Settings) -> None:
    """Log lines never appear inside the conversation: at a terminal, where stderr shares
    the screen with the chat, they go to a file (GIGGUARD_LOG_FILE, else CONSOLE_LOG_FILE)."""
    from bot.logs import setup_logging
    from bot.settings import CONSOLE_LOG_FILE

    log_file = settings.log_file
    if log_file is None and sys.stdin.isatty() and sys.stderr.isatty():
        log_file = CONSOLE_LOG_FILE
    if log_file is not None:
        setup_logging(settings.log_level, as_json=settings.log_json, file=log_file)


@app.command()
def console(
    user: Annotated[str, typer.Option(help="Who you are in this session.")] = "me",
    moderator: Annotated[bool, typer.Option(help="Act as a community moderator.")] = False,
    save_to: Annotated[
        Path | None, typer.Option(help="Folder to save attachments (charts, exports) in.")
    ] = None,
) -> None:
    """Talk to the bot in this terminal (or pipe lines into it); reminders and broadcasts
    are delivered into the conversation."""
    import asyncio

    from bot.database import upgrade_database
    from bot.platforms import ConsoleOptions
    from bot.runners import run_console_adapter

    settings = _settings()
    _console_logs(settings)
    upgrade_database(settings.database_url)
    options = ConsoleOptions(user=user, moderator=moderator, save_to=save_to)
    asyncio.run(run_console_adapter(settings, options))


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
    user: Annotated[str, typer.Option(help="Console: who you are.")] = "me",
    moderator: Annotated[bool, typer.Option(help="Console: act as a moderator.")] = False,
) -> None:
    """Start the bot on every configured platform."""
    import asyncio

    from bot.database import upgrade_database
    from bot.platforms import ConsoleOptions, configured_platforms
    from bot.runners import run_adapters

    settings = _settings()
    chosen = [p.value for p in platform] if platform else None
    if "console" in (chosen or configured_platforms(settings)):
        _console_logs(settings)
    upgrade_database(settings.database_url)
    console = ConsoleOptions(user=user, moderator=moderator)
    asyncio.run(run_adapters(settings, chosen, http=http, host=host, port=port, console=console))


@app.command()
def ask(
    question: Annotated[
        str, typer.Argument(help="The question, or - to read one per line from stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per answer.")] = False,
) -> None:
    """Answer FAQ questions without a chat platform (no database: nothing is stored)."""
    import io
    import json

    from core.commands.ask import answer_text
    from core.faq.factory import build_faq_engine
    from core.knowledge import load_knowledge
    from core.render_text import render_plain
    from core.text import encodable

    knowledge = load_knowledge(overrides=_settings().knowledge_dir)
    faq = build_faq_engine(knowledge)
    # Invalid UTF-8 becomes U+FFFD, on stdin and in argv (which Python decodes with
    # surrogateescape), so every answer, echoed question included, is valid UTF-8 JSON.
    lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    asked = (line.rstrip("\n") for line in lines) if question == "-" else iter([question])
    for text in map(encodable, asked):
        answer = answer_text(knowledge, faq, text)
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


@faq_app.command("build")
def faq_build() -> None:
    """Retrain the FAQ model from core/faq/data and write core/faq/data/model.npz.

    Needs scikit-learn (installed with the dev extras); run it after editing a topic's
    phrasings, training.jsonl or settings.yaml, and commit the new model.npz.
    """
    from core.faq.build import MODEL_FILE, build

    try:
        model = build()
    except ImportError as exc:  # scikit-learn missing: a one-line hint, not a traceback
        typer.echo(f"{exc}: install the dev extras (pip install -e '.[dev]')")
        raise typer.Exit(1) from exc
    typer.echo(f"{MODEL_FILE}: {len(model.classes)} classes, {model.size} features")


register_broadcast_commands(app, _settings)
register_dashboard_commands(app, _settings)


def main() -> None:
    """The `gigguard` entry point, behind the one-line error boundary (bot/fatal.py)."""
    from bot.fatal import run_guarded

    raise SystemExit(run_guarded(app))
