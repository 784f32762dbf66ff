"""What core's services share: knowledge, storage, the FAQ engine, the clock, pacing.

Built once by the composition root (`bot/bootstrap.py`, `build_app`) and passed down, so
commands and the delivery engine use the same objects. Every field is given there: nothing
here has a default that builds something, so no part can be silently left out. A knowledge
reload replaces the whole object (`Gigguard.reload`); nothing assigns to it. It sits below
both `core.commands` and `core.delivery`, so either can import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.broadcast_rules import BroadcastRules
from core.clock import Clock
from core.faq.engine import FaqEngine
from core.feedback_counts import FeedbackCounts
from core.inbox.pending import DeclinedQuestions
from core.joins import JoinFeed
from core.knowledge import Knowledge
from core.knowledge.community_files import EditableKnowledge
from core.metrics import Metrics
from core.pacing import PaceBook, Pacing
from core.ports import MemberDirectory, UnitOfWorkFactory
from core.question_counts import QuestionCounts


@dataclass(frozen=True, slots=True, kw_only=True)
class Services:
    knowledge: Knowledge
    uow: UnitOfWorkFactory
    faq: FaqEngine
    clock: Clock
    pacing: Pacing
    # What the delivery worker learned of each workspace's rate limit; the preview's ETA.
    paces: PaceBook
    # Per platform; a broadcast to "all" reaches members who never used the bot only with one.
    # In the bot a MemberDirectories registry, which adapters fill as they are built.
    directories: Mapping[str, MemberDirectory]
    # Per platform, whether its adapter hears members join (Discord: a privileged intent);
    # a registry filled like `directories`.
    join_feeds: Mapping[str, JoinFeed]
    metrics: Metrics
    # Questions per topic, added up in memory and flushed in batches by a background task.
    question_counts: QuestionCounts
    # GIGGUARD_PUBLIC_URL: where `/optout dashboard` links point; None: no dashboard served.
    public_url: str | None
    # Limits that keep broadcasts from becoming spam (GIGGUARD_MIN_REPEAT, ...).
    broadcast_rules: BroadcastRules
    # Declined questions a member may still send to the moderators (memory only, minutes).
    declined: DeclinedQuestions
    # "Helpful" / "Not helpful" clicks per topic, flushed in batches like question_counts.
    answer_feedback: FeedbackCounts
    # GIGGUARD_KNOWLEDGE_DIR and its live reload: moderators' answers become FAQ entries there.
    editable_knowledge: EditableKnowledge | None
    # GIGGUARD_DEFAULT_LANGUAGE: the community's language for members whose language is unknown.
    default_language: str
