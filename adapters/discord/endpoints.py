"""Point discord.py at another REST API and gateway (a fake Discord in tests, a proxy).

discord.py reads both from class attributes (`Route.BASE`, `DiscordWebSocket.DEFAULT_GATEWAY`)
that are shared by every client in the process, so the override is scoped to the run and
restored afterwards; two clients in one process must therefore agree on the endpoints.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


@contextmanager
def discord_endpoints(*, api_url: str | None, gateway_url: str | None) -> Iterator[None]:
    saved_base, saved_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    if api_url:
        Route.BASE = api_url.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved_base, saved_gateway
