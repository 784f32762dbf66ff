"""Welcome DMs on both engines: the one-per-member marker is a property of the data."""

from __future__ import annotations

import pytest


@pytest.fixture
def database_url(any_database_url: str) -> str:
    return any_database_url
