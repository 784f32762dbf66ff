"""Raw driver and connection errors leave SqlUnitOfWork as StorageError (issue 11).

asyncpg raises ConnectionRefusedError, TimeoutError or its own errors straight out of a connect,
unwrapped by SQLAlchemy; a command must still get the storage message, not a traceback.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.bootstrap import ADAPTER_TABLES
from bot.database import session_factory
from core.errors import StorageError
from core.identity import MemberKey
from core.storage.sql import SqlUnitOfWork

ALICE = MemberKey("slack", "T1", "alice")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Accepts connections and never answers: the driver's connect times out."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def read_toggles(url: str, **connect_args: object) -> StorageError:
    engine = create_async_engine(url, connect_args=connect_args)
    try:
        with pytest.raises(StorageError) as failure:
            async with SqlUnitOfWork(
                session_factory(engine), adapter_tables=ADAPTER_TABLES
            ) as work:
                await work.members.toggles(ALICE)
        return failure.value
    finally:
        await engine.dispose()


async def test_connection_refused_becomes_a_storage_error() -> None:
    error = await read_toggles(f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/x")
    assert isinstance(error.original, OSError)


async def test_a_connect_timeout_becomes_a_storage_error(silent_server: int) -> None:
    # The timeout is the fault being injected, not something asserted about speed.
    error = await read_toggles(
        f"postgresql+asyncpg://postgres@127.0.0.1:{silent_server}/x", timeout=0.2
    )
    assert isinstance(error.original, TimeoutError)


async def test_an_unopenable_sqlite_file_becomes_a_storage_error(tmp_path: object) -> None:
    error = await read_toggles(f"sqlite+aiosqlite:///{tmp_path}/missing-dir/db.sqlite")
    assert error.original is not None
