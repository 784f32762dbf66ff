"""The command line's one error boundary: an operator gets one line, never a traceback.

Whatever stops a `gigguard` command is reported as a single line naming what went wrong and
how to fix it (one JSON line with GIGGUARD_LOG_JSON=1), and the process exits 2 for a
configuration problem or 1 for anything else. `--debug`, anywhere on the command line, adds
the traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.logs import JsonFormatter, redact
from core.errors import GigguardError

if TYPE_CHECKING:
    from pydantic import ValidationError

DEBUG_FLAG = "--debug"
CONFIGURATION = 2
FAILURE = 1
TRUTHY = {"1", "true", "yes", "on"}


class ConfigurationError(GigguardError):
    """The settings cannot run what was asked; the message names the fix."""


def run_guarded(command: Callable[[], object], argv: Sequence[str] | None = None) -> int:
    """Run the CLI (which reads sys.argv) with `--debug` taken out; the exit code."""
    arguments = list(sys.argv if argv is None else argv)
    debug = DEBUG_FLAG in arguments
    sys.argv = [a for a in arguments if a != DEBUG_FLAG]
    try:
        command()
    except SystemExit as exit_:  # typer/click exit with the command's own code
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except KeyboardInterrupt:
        return 130
    except BaseException as exc:
        code, line = describe(exc)
        report(line, exc if debug else None)
        return code
    return 0


def describe(exc: BaseException) -> tuple[int, str]:
    """(exit code, the one line an operator reads) for what stopped the command."""
    from pydantic import ValidationError  # not at import: `gigguard --help` skips pydantic

    from core.faq.dataset import FaqDataError
    from core.knowledge import KnowledgeError

    if isinstance(exc, ConfigurationError):
        return CONFIGURATION, str(exc)
    if isinstance(exc, ValidationError):
        return CONFIGURATION, _settings_problem(exc)
    if isinstance(exc, (KnowledgeError, FaqDataError)):
        return CONFIGURATION, f"the knowledge files are invalid: {exc}"
    if isinstance(exc, FileNotFoundError):
        return CONFIGURATION, f"no such file: {exc.filename or exc} (check the path given)"
    if isinstance(exc, GigguardError):  # the adapters' configuration errors, storage errors
        return FAILURE, str(exc)
    unreachable = _database_problem(exc)
    if unreachable:
        return FAILURE, unreachable
    return FAILURE, f"stopped by an unexpected error: {_what(exc)} (add --debug for the traceback)"


def report(line: str, exc: BaseException | None = None) -> None:
    """Write the line to stderr, as a JSON log line when GIGGUARD_LOG_JSON is set."""
    text = redact(f"gigguard: {line}")
    if os.environ.get("GIGGUARD_LOG_JSON", "").strip().lower() in TRUTHY:
        record = logging.LogRecord("gigguard", logging.CRITICAL, __file__, 0, text, None, None)
        if exc is not None:
            record.exc_info = (type(exc), exc, exc.__traceback__)
        print(JsonFormatter().format(record), file=sys.stderr, flush=True)
        return
    if exc is not None:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    print(text, file=sys.stderr, flush=True)


def _settings_problem(exc: ValidationError) -> str:
    """Pydantic's errors by environment variable: 'GIGGUARD_STALE_DAYS: ... (got 'x')'."""
    from bot.settings import Settings

    aliases = {
        name: str(field.validation_alias.choices[0])  # type: ignore[union-attr]
        if hasattr(field.validation_alias, "choices")
        else str(field.validation_alias or name).upper()
        for name, field in Settings.model_fields.items()
    }
    parts = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        variable = aliases.get(field, field.upper())
        parts.append(f"{variable}: {error['msg']} (got {error.get('input')!r:.60})")
    return "invalid setting " + "; ".join(parts) + " (fix it in the environment or .env)"


def _database_problem(exc: BaseException) -> str | None:
    """A database that cannot be reached: at start-up the migrations connect first."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    chain = _chain(exc)
    if any(isinstance(c, (OperationalError, InterfaceError, OSError)) for c in chain):
        return (
            f"cannot reach the database ({_what(chain[-1])}): check GIGGUARD_DATABASE_URL "
            "and that the database server is running"
        )
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _what(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    name = type(exc).__name__
    return f"{name}: {message[:200]}" if message else name
