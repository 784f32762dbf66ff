"""aiosqlite with one thread round trip per statement instead of four.

SQLAlchemy's aiosqlite adapter asks aiosqlite's worker thread to create a cursor, execute,
fetch the rows and close the cursor: four hand-offs between the event loop and the thread per
statement, each a wake-up, a GIL hand-over and a self-pipe write back, which on a busy machine
cost more than SQLite took to run the statement (issue 17). Here the statement is executed and
its rows fetched in one hand-off. Creating and closing a cursor do no I/O and happen inline, as
do a commit or rollback with no transaction open (sqlite3 does nothing then; a read alone opens
none). SQLite itself runs only on the worker thread's turn: SQLAlchemy never uses one
connection for two things at once, so the inline calls never overlap a statement (hence
`check_same_thread=False`).
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterable
from typing import Any

import aiosqlite


def _execute_and_fetch(cursor: sqlite3.Cursor, sql: str, parameters: Any) -> list[Any] | None:
    cursor.execute(sql, parameters)
    return cursor.fetchall() if cursor.description else None


class _Cursor(aiosqlite.Cursor):
    """The rows are fetched with the statement and served from memory."""

    _rows: deque[Any]

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> _Cursor:
        rows = await self._execute(_execute_and_fetch, self._cursor, sql, parameters or ())
        self._rows = deque(rows or ())
        return self

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._cursor.close()


class _Connection(aiosqlite.Connection):
    async def cursor(self) -> _Cursor:  # type: ignore[override]
        cursor = _Cursor(self, self._conn.cursor())
        cursor._rows = deque()
        return cursor

    async def commit(self) -> None:
        if self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            await super().rollback()


def connect(database: str, **kwargs: Any) -> aiosqlite.Connection:
    """What SQLAlchemy's aiosqlite dialect calls instead of `aiosqlite.connect`."""
    kwargs["check_same_thread"] = False
    return _Connection(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
