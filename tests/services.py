"""Services for a core under test, built from the fakes a test chooses.

The bot's are built by bot/bootstrap.py from the settings; a test that needs no database
gives its own storage, FAQ engine and clock, and gets the shipped pacing, no member
directories, no metrics, no dashboard and the default broadcast rules.
"""

from __future__ import annotations

from core.broadcast_rules import BroadcastRules
from core.clock import Clock
from core.faq.engine import FaqEngine
from core.feedback_counts import FeedbackCounts
from core.inbox.pending import DeclinedQuestions
from core.knowledge import Knowledge
from core.metrics import Metrics, NoMetrics
from core.pacing import PaceBook, load_pacing
from core.ports import UnitOfWorkFactory
from core.question_counts import QuestionCounts
from core.services import Services


def make_services(
    *,
    knowledge: Knowledge,
    uow: UnitOfWorkFactory,
    faq: FaqEngine,
    clock: Clock,
    metrics: Metrics | None = None,
) -> Services:
    return Services(
        knowledge=knowledge,
        uow=uow,
        faq=faq,
        clock=clock,
        pacing=load_pacing(),
        paces=PaceBook.published_figures(),
        directories={},
        join_feeds={},
        metrics=metrics or NoMetrics(),
        question_counts=QuestionCounts(),
        public_url=None,
        broadcast_rules=BroadcastRules(),
        declined=DeclinedQuestions(),
        answer_feedback=FeedbackCounts(),
        editable_knowledge=None,
        default_language="en",
    )
