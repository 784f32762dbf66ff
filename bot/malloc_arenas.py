"""Fewer glibc malloc arenas: the bot's threads each filled their own with freed memory.

glibc gives every thread that allocates its own arena (up to eight per core). The bot's
threads (the FAQ's executor, aiosqlite's connection threads, the Slack and Discord clients')
each kept pages of freed memory in theirs, and none of it went back to the system:
bench/load.py's peak RSS was 309 MB with glibc's default and 280 MB with two arenas, at the
same throughput (bench/README.md, round 9). Setting MALLOC_ARENA_MAX in the environment does
the same, but only where the deployment remembers to; this applies it to every process that
builds the bot. Elsewhere (musl, macOS) there is no `mallopt` and nothing changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

ARENAS = 2
_M_ARENA_MAX = -8  # glibc's malloc.h


@functools.cache
def limit_malloc_arenas() -> bool:
    """True when glibc accepted the limit; arenas made before the call stay."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    mallopt = getattr(libc, "mallopt", None)
    return bool(mallopt is not None and mallopt(_M_ARENA_MAX, ARENAS) == 1)
