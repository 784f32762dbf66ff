"""Regression tests for the defects a first user hit (issue 13); SQL runs on both engines."""

from __future__ import annotations

import pytest


@pytest.fixture
def database_url(any_database_url: str) -> str:
    return any_database_url
