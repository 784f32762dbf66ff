"""A core on the in-memory store, for the command tests of this package."""

from __future__ import annotations

from functools import partial

import pytest

from core.knowledge import load_knowledge
from core.service import Gigguard
from tests.fakes import FixedFaq, InMemoryStore, InMemoryUnitOfWork, ManualClock
from tests.services import make_services


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def faq() -> FixedFaq:
    return FixedFaq()


@pytest.fixture
def core(store: InMemoryStore, faq: FixedFaq, clock: ManualClock) -> Gigguard:
    services = make_services(
        knowledge=load_knowledge(), uow=partial(InMemoryUnitOfWork, store), faq=faq, clock=clock
    )
    return Gigguard(services)
