"""Which exceptions mean "the database failed", whichever layer raised them.

SQLAlchemy wraps most driver errors, but not all: asyncpg raises ConnectionRefusedError,
TimeoutError (both OSError) or its own InterfaceError straight out of a connect or a reset,
and a connection lost mid-call can surface as the driver's own error.
"""

from __future__ import annotations

import sqlite3
import sys

from sqlalchemy.exc import SQLAlchemyError

_ALWAYS: tuple[type[BaseException], ...] = (SQLAlchemyError, OSError, sqlite3.Error)


def _asyncpg_errors() -> tuple[type[BaseException], ...]:
    # Looked up, not imported: if asyncpg was never loaded, none of its errors can exist, and a
    # SQLite deployment does not pay for importing it.
    asyncpg = sys.modules.get("asyncpg")
    if asyncpg is None:
        return ()
    return (asyncpg.PostgresError, asyncpg.InterfaceError)


def is_driver_error(exc: BaseException) -> bool:
    return isinstance(exc, _ALWAYS + _asyncpg_errors())
