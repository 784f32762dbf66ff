"""A TCP proxy in front of a real server, to fail the network between the bot and its database.

`cut()` refuses new connections and drops the open ones, as a server restart does (the client
sees its connections close); `start()` restores it on the same port. `drop_silently()` loses
the open connections' server side without telling the clients, who find out only when they
next send (as after a NAT or firewall timeout); new connections keep working.
"""

from __future__ import annotations

import asyncio


class _Link:
    """One client connection and its connection to the server."""

    def __init__(self, client: asyncio.StreamWriter, server: asyncio.StreamWriter) -> None:
        self.client = client
        self.server = server
        self.silent = False

    def abort(self) -> None:
        self.client.transport.abort()
        self.server.transport.abort()


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        assert self._server is not None
        self._server.close()
        for link in list(self._links):
            link.abort()
        await self._server.wait_closed()
        self._server = None

    def drop_silently(self) -> None:
        for link in self._links:
            link.silent = True
            link.server.transport.abort()

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        link = _Link(writer, up_writer)
        self._links.add(link)
        try:
            await asyncio.gather(
                self._forward(reader, link, to_server=True),
                self._forward(up_reader, link, to_server=False),
                return_exceptions=True,
            )
        finally:
            self._links.discard(link)

    async def _forward(self, source: asyncio.StreamReader, link: _Link, *, to_server: bool) -> None:
        try:
            while data := await source.read(65536):
                if link.silent:  # the server side is gone: the client learns it now
                    break
                sink = link.server if to_server else link.client
                sink.write(data)
                await sink.drain()
        finally:
            if to_server or not link.silent:
                link.abort()
