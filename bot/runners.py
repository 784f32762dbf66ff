"""`gigguard run` and `gigguard console`: build the application (bot/bootstrap.py), run it."""

from __future__ import annotations

from bot.bootstrap import Serve, build_app
from bot.platforms import ConsoleOptions, configured_platforms
from bot.settings import Settings


async def run_console_adapter(settings: Settings, options: ConsoleOptions) -> None:
    """The console with its delivery worker, so reminders and broadcasts arrive in it; the
    session ends at EOF or `quit`, and the worker finishes its send in flight."""
    serve = Serve(platforms=("console",), console=options, service=False)
    await build_app(settings, serve=serve).run()


async def run_adapters(
    settings: Settings,
    platforms: list[str] | None,
    *,
    http: bool,
    host: str,
    port: int,
    console: ConsoleOptions | None = None,
) -> None:
    """Every chosen platform (by default each configured one, else the console) around one
    core, with the delivery worker, the ops server and the knowledge watcher."""
    serve = Serve(
        platforms=tuple(platforms or configured_platforms(settings)),
        console=console or ConsoleOptions(),
        http=http,
        host=host,
        port=port,
    )
    await build_app(settings, serve=serve).run()
