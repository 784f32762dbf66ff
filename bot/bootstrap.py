"""The composition root: `build_app` builds the whole application from the settings, once.

Every entry point goes through it: `gigguard run` and `gigguard console` with a `Serve` (the
adapters, the delivery worker, the ops server and the knowledge watcher around the core), the
one-shot CLI commands and the tests without one (the core and its database only). Nothing it
returns is changed afterwards: a knowledge reload swaps the core's one `Loaded` object. The one
part filled in while building is the member directories registry, which Discord's directory
joins once its client, built around the core, exists. Nothing connects until the app runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.member_tables import MEMBER_TABLES as SLACK_MEMBER_TABLES
from bot.database import session_factory, settings_engine
from bot.delivery import delivery_directories, delivery_messengers, run_worker
from bot.health import AdapterStatus
from bot.knowledge_reload import reload_everywhere, reload_in_background, watch_generation
from bot.lifecycle import Graceful, run_until_stopped
from bot.malloc_arenas import limit_malloc_arenas
from bot.platforms import ConsoleOptions, discord_config, slack_config, slack_installations
from bot.settings import Settings
from core.admission import Admission
from core.broadcast_rules import BroadcastRules
from core.clock import Clock, SystemClock
from core.faq.engine import FaqEngine
from core.faq.factory import build_faq_engine
from core.feedback_counts import FeedbackCounts
from core.inbox.pending import DeclinedQuestions
from core.knowledge import load_knowledge
from core.knowledge.community_files import CommunityFiles, EditableKnowledge
from core.member_directories import JoinFeeds, MemberDirectories
from core.metrics import Metrics, NoMetrics
from core.pacing import PaceBook, load_pacing
from core.question_counts import QuestionCounts
from core.service import Gigguard
from core.services import Services
from core.storage.language_cache import LanguageCache
from core.storage.membership_cache import MembershipCache
from core.storage.platform_language import PlatformLanguageCache
from core.storage.policy_cache import PolicyCache
from core.storage.sql import SqlUnitOfWork

if TYPE_CHECKING:
    from adapters.console.render import Choices

log = logging.getLogger(__name__)

# The adapters' own tables that name members, covered by my-data and forget-me. Every migrated
# database has them, whichever platforms this process runs.
ADAPTER_TABLES = (*SLACK_MEMBER_TABLES,)

Start = Callable[[], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Serve:
    """What `gigguard run` and `gigguard console` start around the core."""

    platforms: tuple[str, ...]
    console: ConsoleOptions
    http: bool = False  # Slack: HTTP events instead of Socket Mode
    host: str = "0.0.0.0"
    port: int = 3000
    # A long-running service: Prometheus metrics, the ops server (with GIGGUARD_HTTP_PORT),
    # the FAQ count flusher, the knowledge watcher and SIGHUP. Off for `gigguard console`, a
    # session at a terminal, whose counts are written when it ends.
    service: bool = True


@dataclass(frozen=True, slots=True)
class App:
    """The core and its database, and what runs around them (nothing without a `Serve`)."""

    core: Gigguard
    engine: AsyncEngine
    runs: tuple[Start, ...] = ()  # adapters, ops server, knowledge watcher: cancelled on stop
    graceful: tuple[Graceful, ...] = ()  # delivery worker, count flusher: told to wind down
    on_reload: Callable[[], object] | None = None  # SIGHUP

    async def run(self) -> None:
        """Run until stopped (a signal, or any task ending), then close."""
        try:
            await run_until_stopped(
                [start() for start in self.runs], graceful=self.graceful, on_reload=self.on_reload
            )
        finally:
            await self.close()

    async def close(self) -> None:
        """Write the question counts still in memory, then close the database connections."""
        await self.core.services.question_counts.flush(self.core.services.uow)
        await self.engine.dispose()


# The one-shot CLI commands and the tests: the core and its database, nothing running.
CORE_ONLY = Serve(platforms=(), console=ConsoleOptions(), service=False)


def build_app(
    settings: Settings,
    *,
    serve: Serve = CORE_ONLY,
    clock: Clock | None = None,
    faq: FaqEngine | None = None,
) -> App:
    """Build everything; nothing connects until the app runs or a request uses the database.

    `clock` is given by tests (the system clock otherwise); `faq` when one built for the same
    knowledge already exists (it takes seconds to build)."""
    from adapters.console.render import Choices

    limit_malloc_arenas()
    chosen = serve.platforms
    adapters = AdapterStatus()
    # Both configurations first: a missing token stops start-up before anything is built.
    slack = slack_config(settings, adapters.reporter("slack")) if "slack" in chosen else None
    discord = (
        discord_config(settings, adapters.reporter("discord")) if "discord" in chosen else None
    )
    prometheus = None
    if serve.service:
        from bot.metrics import PrometheusMetrics  # aiohttp and prometheus: not for the console

        prometheus = PrometheusMetrics()
        log.info("starting adapters: %s", ", ".join(chosen))
    engine = settings_engine(settings)
    # Single-token mode sends with SLACK_BOT_TOKEN; OAuth mode with each installation's token.
    store, slack_tokens = slack_installations(slack, engine)
    directories, join_feeds = MemberDirectories(), JoinFeeds()
    core = _core(settings, engine, (directories, join_feeds), prometheus or NoMetrics(), clock, faq)
    runs: list[Start] = []
    choices = Choices()  # the console's numbered buttons, shared by its session and Messenger
    if "console" in chosen:
        runs.append(_tracked(adapters, "console", _console(core, serve.console, choices)))
    if slack is not None:
        from adapters.slack.oauth import oauth_settings
        from adapters.slack.runner import run_slack

        oauth = oauth_settings(slack.oauth, engine, store) if slack.oauth and store else None
        slack_run = partial(
            run_slack, core, slack, http=serve.http, host=serve.host, port=serve.port, oauth=oauth
        )
        runs.append(_tracked(adapters, "slack", slack_run, self_reported=True))
    discord_client = None
    if discord is not None:
        from adapters.discord.client import create_client
        from adapters.discord.runner import run_discord

        discord_client = create_client(core, discord)  # shared with the Messenger
        discord_run = partial(run_discord, core, discord, discord_client)
        runs.append(_tracked(adapters, "discord", discord_run, self_reported=True))
        from adapters.discord.client import DiscordJoinFeed

        join_feeds.register("discord", DiscordJoinFeed(discord_client))
    # Discord's member list goes through its client, so it joins the registry only now.
    lister = discord_client if settings.discord_member_list else None
    listed = delivery_directories(slack, slack_tokens, discord_client=lister)
    for platform, directory in listed.items():
        directories.register(platform, directory)
    messengers = delivery_messengers(
        list(chosen),
        slack=slack,
        slack_tokens=slack_tokens,
        discord_client=discord_client,
        console_choices=choices,
    )
    graceful: list[Graceful] = []
    if serve.service:
        services = core.services
        graceful.extend(
            partial(counts.flush_every, services.uow, seconds=settings.faq_count_flush_seconds)
            for counts in (services.question_counts, services.answer_feedback)
        )
    if messengers:
        graceful.append(partial(run_worker, core, messengers))
    if prometheus is None:
        return App(core=core, engine=engine, runs=tuple(runs), graceful=tuple(graceful))
    if settings.http_port is not None:
        from bot.dashboard import dashboard_mount, moderator_checks
        from bot.ops_http import OpsEndpoints, serve_ops

        checks = moderator_checks(
            slack, slack_tokens, discord_client, settings.discord_moderator_role
        )
        dashboard = dashboard_mount(core, engine, settings, checks)
        ops = OpsEndpoints(
            engine=engine,
            adapters=adapters,
            metrics=prometheus,
            mounts=(dashboard,) if dashboard else (),
        )
        runs.append(partial(serve_ops, ops, port=settings.http_port))
    runs.append(partial(watch_generation, core, engine, settings))
    return App(
        core=core,
        engine=engine,
        runs=tuple(runs),
        graceful=tuple(graceful),
        on_reload=partial(reload_in_background, core, settings),
    )


def _core(
    settings: Settings,
    engine: AsyncEngine,
    registries: tuple[MemberDirectories, JoinFeeds],
    metrics: Metrics,
    clock: Clock | None,
    faq: FaqEngine | None,
) -> Gigguard:
    knowledge = load_knowledge(overrides=settings.knowledge_dir)
    pacing = load_pacing()
    policies = PolicyCache(ttl=settings.policy_cache_seconds)
    languages = LanguageCache(ttl=settings.policy_cache_seconds)
    services = Services(
        knowledge=knowledge,
        uow=partial(
            SqlUnitOfWork,
            session_factory(engine),
            adapter_tables=ADAPTER_TABLES,
            policy_cache=policies,
            language_cache=languages,
            memberships=MembershipCache(),
            platform_languages=PlatformLanguageCache(),
        ),
        faq=faq or build_faq_engine(knowledge),
        clock=clock or SystemClock(),
        pacing=pacing,
        metrics=metrics,
        directories=registries[0],
        join_feeds=registries[1],
        paces=PaceBook(pacing, ceiling=settings.max_send_rate),
        question_counts=QuestionCounts(),
        public_url=settings.public_url,
        declined=DeclinedQuestions(),
        answer_feedback=FeedbackCounts(),
        editable_knowledge=_editable(settings, engine, lambda: core),
        broadcast_rules=BroadcastRules(
            min_repeat=settings.min_repeat,
            weekly_cap=settings.broadcast_weekly_cap,
            approvers=settings.broadcast_approvers,
            default_timezone=settings.default_timezone,
        ),
        default_language=settings.default_language,
    )
    admission = Admission(
        limit=settings.command_slots,
        queue=settings.command_queue,
        max_wait=settings.busy_after_seconds,
    )
    core = Gigguard(services, admission=admission)
    return core


def _editable(
    settings: Settings, engine: AsyncEngine, core: Callable[[], Gigguard]
) -> EditableKnowledge | None:
    """GIGGUARD_KNOWLEDGE_DIR, reloaded here and (through the generation row) everywhere.
    `core` is looked up when a reload runs: it does not exist yet while its services are built."""
    if settings.knowledge_dir is None:
        return None

    async def reload() -> bool:
        return await reload_everywhere(core(), settings, engine)

    return EditableKnowledge(CommunityFiles(settings.knowledge_dir), reload)


def _console(core: Gigguard, options: ConsoleOptions, choices: Choices) -> Start:
    from adapters.console.render import terminal_width
    from adapters.console.repl import run_console
    from adapters.console.session import ConsoleSession

    session = ConsoleSession(
        core,
        user=options.user,
        moderator=options.moderator,
        save_to=options.save_to,
        choices=choices,
        width=terminal_width(),
    )
    return partial(run_console, session, banner=core.knowledge.message("console_banner"))


def _tracked(
    adapters: AdapterStatus, name: str, start: Start, *, self_reported: bool = False
) -> Start:
    """The adapter's run, its connection state tracked for /healthz (see AdapterStatus)."""
    return lambda: adapters.track(name, start(), self_reported=self_reported)
