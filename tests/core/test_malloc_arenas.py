"""The bot's processes use few glibc malloc arenas (bot/malloc_arenas.py says why)."""

from __future__ import annotations

import platform

import pytest

from bot import bootstrap
from bot.malloc_arenas import limit_malloc_arenas
from bot.settings import Settings


def test_glibc_accepts_the_limit() -> None:
    # Elsewhere (musl, macOS) there is no mallopt, and the call changes nothing.
    assert limit_malloc_arenas() is (platform.libc_ver()[0] == "glibc")


def test_the_composition_root_applies_it(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    calls: list[int] = []
    monkeypatch.setattr(bootstrap, "limit_malloc_arenas", lambda: calls.append(1))
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    bootstrap.build_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    assert calls == [1]
