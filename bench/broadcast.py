"""Broadcast delivery benchmark: 10,000 DMs per platform through the outbox, the real Slack and
Discord Messengers, and the fake Slack and fake Discord servers of the test suite with their
rate limits switched on.

Real limits would make 10,000 DMs take hours (Slack: 0.8/s, Discord: 2/s, see
core/data/pacing.yaml), so both sides are scaled by one factor per platform: the fake
server's per-second budget and the worker's pacing. The ratio between them, which is what the
run measures, is the real one; the ETA at the real pace is printed alongside.

Two runs per platform, each worker process with its own SQLite database and fake server (the
clean runs of both platforms together, then the kill runs together):
- clean: time from the first to the last DM vs the minimum the fake's budget allows, lost and
  duplicated messages, the worker's peak RSS, DB statements per delivery early and late;
- kill: SIGKILL at about half-way, restart at once: lost, duplicated, and how many resends
  of the in-flight window the idempotency key caught (Slack metadata, Discord nonce).

    .venv/bin/python bench/broadcast.py [--members 10000] [--slack-rate 100] [--discord-rate 100]

With `--pace` it runs only bench/learned_pace.py instead: the worker learning an unknown limit
(20 msg/s: time vs the minimum; 1 msg/s: share of calls answered 429), in virtual time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.bootstrap import build_app  # noqa: E402
from bot.database import upgrade_database  # noqa: E402
from bot.settings import Settings  # noqa: E402
from core.delivery import broadcasting  # noqa: E402
from core.delivery.broadcasting import Order  # noqa: E402
from core.delivery.worker import DeliveryWorker  # noqa: E402
from core.identity import MemberKey  # noqa: E402
from core.outbox import Audience, Target  # noqa: E402
from core.pacing import load_pacing  # noqa: E402
from core.ports import Messenger, Sent  # noqa: E402
from core.replies import Reply  # noqa: E402
from core.requests import Actor  # noqa: E402
from core.storage.tables import Member  # noqa: E402
from tests.discord.fake_discord import FakeDiscord  # noqa: E402
from tests.slack.fake_slack import TEAM, FakeSlack  # noqa: E402

LEASE = dt.timedelta(seconds=10)
SLACK_TIER3_PER_SECOND = 50 / 60  # conversations.open and conversations.history (Tier 3)
DISCORD_GLOBAL_PER_SECOND = 50.0
GUILD = "600000000000000001"
SNAPSHOT_EVERY = 1000
BUDGET_SECONDS = 600.0  # give up rather than run for ever (undelivered then count as lost)


def settings_for(db: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{db}")  # type: ignore[call-arg]


# -- the worker process -------------------------------------------------------------------


class Counting:
    """Wraps a Messenger: every N sends, note the DB statements so far (constant per delivery?)."""

    def __init__(self, inner: Messenger, statements: list[int], snapshots: list[list[int]]) -> None:
        self.platform = inner.platform
        self._inner = inner
        self._statements = statements
        self._snapshots = snapshots
        self.sends = 0

    async def send_dm(
        self, workspace: str, user: str, reply: Reply, *, idempotency_key: str, resend: bool = False
    ) -> Sent:
        sent = await self._inner.send_dm(workspace, user, reply, idempotency_key=idempotency_key)
        self.sends += 1
        if self.sends % SNAPSHOT_EVERY == 0:
            self._snapshots.append([self.sends, self._statements[0]])
        return sent

    async def send_to_channel(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        idempotency_key: str,
        resend: bool = False,
    ) -> Sent:
        return await self._inner.send_to_channel(
            workspace, channel, reply, idempotency_key=idempotency_key
        )


def own_peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not getrusage's ru_maxrss: that survives fork and
    execve, so a worker spawned late would report the bench parent's size (getrusage(2))."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def worker_main(
    platform: str, db: Path, url: str, token: str, rate: float, stats: Path
) -> None:
    from adapters.discord.endpoints import discord_endpoints
    from adapters.discord.messenger import DiscordMessenger
    from adapters.slack.config import SlackConfig
    from adapters.slack.messenger import SlackMessenger, delivery_client

    app = build_app(settings_for(db))
    statements = [0]
    snapshots: list[list[int]] = []

    def count(*_: object) -> None:
        statements[0] += 1

    event.listen(app.engine.sync_engine, "before_cursor_execute", count)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    with discord_endpoints(api_url=url if platform == "discord" else None, gateway_url=None):
        import discord

        client = discord.Client(intents=discord.Intents.none(), max_ratelimit_timeout=30.0)
        async with client:
            inner: Messenger
            if platform == "discord":
                await client.login(token)  # REST only: no gateway needed to send
                inner = DiscordMessenger(client)
            else:
                config = SlackConfig(token, None, None, url, frozenset())
                inner = SlackMessenger(delivery_client(config))
            messenger = Counting(inner, statements, snapshots)
            worker = DeliveryWorker(
                services=replace(
                    app.core.services, pacing=load_pacing().overridden({platform: rate})
                ),
                messengers={platform: messenger},
                sleep=asyncio.sleep,
                lease=LEASE,
                poll_seconds=0.2,
            )
            await worker.run_forever(stop)
    await app.close()
    peak_mb = own_peak_rss_mb()
    stats.write_text(
        json.dumps({"rss_mb": peak_mb, "snapshots": snapshots, "sends": messenger.sends})
    )


# -- the benchmark ------------------------------------------------------------------------


@dataclass
class Scenario:
    platform: str
    kill: bool
    members: int
    rate: float  # the worker's DM pace (scaled)
    budget: float  # the fake server's binding per-second limit (scaled)
    db: Path
    stats: Path
    token: str
    fake: FakeSlack | FakeDiscord | None = None
    figures: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.platform} {'kill -9' if self.kill else 'clean'}"

    def delivered(self) -> Counter[str]:
        """Messages on the fake server by idempotency key (Slack) or nonce (Discord)."""
        if isinstance(self.fake, FakeSlack):
            return Counter(
                str(m["metadata"]["event_payload"]["key"])
                for messages in self.fake.history.values()
                for m in messages
                if m.get("metadata")
            )
        assert isinstance(self.fake, FakeDiscord)
        return Counter(str(s.body.get("nonce")) for s in self.fake.sent if s.kind == "channel")

    def count(self) -> int:
        """Messages on the fake server so far (cheap: polled while the run goes)."""
        if isinstance(self.fake, FakeSlack):
            return self.fake.posted
        assert isinstance(self.fake, FakeDiscord)
        return len(self.fake.sent)

    def caught_resends(self) -> int:
        if isinstance(self.fake, FakeDiscord):
            return self.fake.nonce_repeats
        assert isinstance(self.fake, FakeSlack)
        return self.fake.history_hits


async def prepare(scenario: Scenario) -> None:
    app = build_app(settings_for(scenario.db))
    workspace = TEAM if scenario.platform == "slack" else GUILD
    now = dt.datetime.now(dt.UTC)
    async with app.engine.begin() as conn:
        await conn.execute(
            insert(Member),
            [
                {
                    "platform": scenario.platform,
                    "workspace": workspace,
                    "user_id": f"U{i:06}" if scenario.platform == "slack" else str(10**17 + i),
                    "muted": False,
                    "created_at": now,
                }
                for i in range(scenario.members)
            ],
        )
    moderator = Actor(MemberKey(scenario.platform, workspace, "UMOD"), is_moderator=True)
    order = Order(
        target=Target.DM, audience=Audience.PENDING, text="Have you switched off all three?"
    )
    shown = await broadcasting.draft(app.core.services, moderator, order)
    await broadcasting.confirm(app.core.services, moderator, shown.broadcast.id)
    await app.close()


async def start_fake(scenario: Scenario) -> None:
    if scenario.platform == "slack":
        slack = FakeSlack()
        slack.record_calls = False
        await slack.start()
        slack.limit_rate(
            {m: scenario.budget for m in ("conversations.open", "conversations.history")}
        )
        scenario.fake = slack
    else:
        discord_ = FakeDiscord()
        discord_.record_requests = False
        await discord_.start()
        factor = scenario.budget / load_pacing().platform("discord").dm_per_second
        discord_.limit_rate("*", ".*", DISCORD_GLOBAL_PER_SECOND * factor, is_global=True)
        # Opening DMs has no published figure (error 40003 "too fast"): pacing.yaml's 2/s.
        discord_.limit_rate("POST", "/users/@me/channels", scenario.budget, is_global=False)
        scenario.fake = discord_


async def spawn(scenario: Scenario) -> asyncio.subprocess.Process:
    assert scenario.fake is not None
    url = scenario.fake.api_url
    return await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--worker",
        scenario.platform,
        str(scenario.db),
        url,
        scenario.token,
        str(scenario.rate),
        str(scenario.stats),
        stderr=asyncio.subprocess.DEVNULL,
    )


async def run(scenario: Scenario) -> None:
    started = time.monotonic()
    deadline = started + BUDGET_SECONDS
    first: float | None = None
    process = await spawn(scenario)
    killed_after = 0
    while time.monotonic() < deadline:
        count = scenario.count()
        if count and first is None:
            first = time.monotonic()
        if scenario.kill and not killed_after and count >= scenario.members // 2:
            process.send_signal(signal.SIGKILL)
            await process.wait()
            killed_after = scenario.count()
            process = await spawn(scenario)
        if count >= scenario.members and len(scenario.delivered()) >= scenario.members:
            break
        await asyncio.sleep(0.02)
    last = time.monotonic()
    await asyncio.sleep(LEASE.total_seconds() + 1 if scenario.kill else 0.5)  # late repeats
    process.send_signal(signal.SIGTERM)
    await process.wait()
    got = scenario.delivered()
    stats = json.loads(scenario.stats.read_text()) if scenario.stats.exists() else {}
    snapshots = stats.get("snapshots") or [[0, 0]]
    early = snapshots[0][1] / max(1, snapshots[0][0])
    late = (
        (snapshots[-1][1] - snapshots[-2][1]) / (snapshots[-1][0] - snapshots[-2][0])
        if len(snapshots) > 1
        else early
    )
    minimum = scenario.members / scenario.budget
    sending = last - (first or started)
    scenario.figures = {
        "sending": sending,
        "total": last - started,
        "minimum": minimum,
        "ratio": sending / minimum,
        "lost": scenario.members - len(got),
        "duplicated": sum(got.values()) - len(got),
        "caught": scenario.caught_resends(),
        "killed_after": killed_after,
        "rss_mb": stats.get("rss_mb", float("nan")),
        "stmts_early": early,
        "stmts_late": late,
        "limited": scenario.fake.limited
        if isinstance(scenario.fake, FakeDiscord)
        else (scenario.fake.limiter.limited if scenario.fake and scenario.fake.limiter else 0),
    }


async def bench(
    members: int, slack_rate: float, discord_rate: float, base: Path, only: str | None
) -> list[Scenario]:
    pacing = load_pacing()
    slack_factor = slack_rate / pacing.platform("slack").dm_per_second
    scenarios: list[Scenario] = []
    for platform, rate in (("slack", slack_rate), ("discord", discord_rate)):
        budget = SLACK_TIER3_PER_SECOND * slack_factor if platform == "slack" else rate
        for kill in (False, True):
            name = f"{platform}-{'kill' if kill else 'clean'}"
            if only and name != only:
                continue
            token = f"xoxb-{name}" if platform == "slack" else f"token-{name}"
            db = base / f"{name}.db"
            shutil.copyfile(base / "migrated.db", db)
            scenario = Scenario(
                platform, kill, members, rate, budget, db, base / f"{name}.json", token
            )
            await prepare(scenario)
            await start_fake(scenario)
            scenarios.append(scenario)
    # Two cores cannot run four workers at pace: clean runs together, then the kill runs.
    for kill in (False, True):
        await asyncio.gather(*(run(s) for s in scenarios if s.kill is kill))
    for scenario in scenarios:
        if scenario.fake is not None:
            await (
                scenario.fake.stop()
                if isinstance(scenario.fake, FakeSlack)
                else scenario.fake.close()
            )
    return scenarios


def report(scenarios: list[Scenario], members: int) -> None:
    pacing = load_pacing()
    print(f"{members:,} DMs per run; the fake servers' limits and the workers' pacing scaled alike")
    for name in ("slack", "discord"):
        pace = pacing.platform(name).dm_per_second
        print(f"  at the real {name} pace ({pace}/s): ETA {pacing.eta(name, members)}")
    rows = [
        ("run", lambda s: s.name),
        ("worker pace /s", lambda s: f"{s.rate:g}"),
        ("fake limit /s", lambda s: f"{s.budget:.1f}"),
        ("minimum s", lambda s: f"{s.figures['minimum']:.1f}"),
        ("first->last s", lambda s: f"{s.figures['sending']:.1f}"),
        ("ratio", lambda s: f"{s.figures['ratio']:.3f}"),
        ("spawn->last s", lambda s: f"{s.figures['total']:.1f}"),
        ("429s", lambda s: f"{s.figures['limited']:.0f}"),
        ("lost", lambda s: f"{s.figures['lost']:.0f}"),
        ("duplicated", lambda s: f"{s.figures['duplicated']:.0f}"),
        ("resends caught", lambda s: f"{s.figures['caught']:.0f}"),
        ("killed after", lambda s: f"{s.figures['killed_after']:.0f}" if s.kill else "-"),
        ("peak RSS MB", lambda s: f"{s.figures['rss_mb']:.0f}"),
        ("stmts/DM first 1k", lambda s: f"{s.figures['stmts_early']:.2f}"),
        ("stmts/DM last 1k", lambda s: f"{s.figures['stmts_late']:.2f}"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}} | " + " | ".join(f"{value(s):>16}" for s in scenarios))
    print(
        "peak RSS: the worker process (for kill runs, the restarted one); resends caught: "
        "repeats of the in-flight window answered by the platform's idempotency, not delivered"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--slack-rate", type=float, default=100.0, help="scaled DMs per second")
    parser.add_argument("--discord-rate", type=float, default=100.0, help="scaled DMs per second")
    parser.add_argument("--only", help="run just one scenario, e.g. slack-clean")
    parser.add_argument("--worker", nargs=6)
    parser.add_argument("--pace", action="store_true", help="learned pacing vs unknown limits")
    args = parser.parse_args()
    if args.pace:
        from bench import learned_pace

        learned_pace.bench(300, whole_seconds=False)
        learned_pace.bench(300, whole_seconds=True)
        return
    if args.worker:
        platform, db, url, token, rate, stats = args.worker
        asyncio.run(worker_main(platform, Path(db), url, token, float(rate), Path(stats)))
        return
    with tempfile.TemporaryDirectory(prefix="gigguard-bench-") as tmp:
        base = Path(tmp)
        upgrade_database(f"sqlite+aiosqlite:///{base / 'migrated.db'}")
        scenarios = asyncio.run(
            bench(args.members, args.slack_rate, args.discord_rate, base, args.only)
        )
    report(scenarios, args.members)


if __name__ == "__main__":
    main()
