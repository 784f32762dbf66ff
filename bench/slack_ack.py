"""Slack's 3-second ack deadline under a burst: N concurrent signed slash commands over HTTP.

    .venv/bin/python bench/slack_ack.py [--commands 500]

The bot runs as in production, in its own process: the real bolt app in HTTP mode
(adapters/slack/web.py) on a migrated database, talking to the fake Slack of the tests. This
process plays Slack: it posts `--commands` signed `/optout` commands at once (a mix of
`status`, `done <toggle>` and `ask <question>` from different members) and measures, for each,
the time to the HTTP answer (the ack Slack waits for, at most 3 s) and to the reply on its
response_url (the answer the member sees). Prints p50 / p99 / max of both and how many acks
missed 3 s. Run it idle and with both cores busy (`yes > /dev/null &` twice).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk.signature import SignatureVerifier

from tests.slack.fake_slack import FakeSlack

SECRET = "bench-signing-secret"
DEADLINE = 3.0
TOGGLES = ("communications", "work-product", "other-platform")
QUESTIONS = (
    "does my opt-out protect my client",
    "how do I turn off upwork AI training",
    "is my 2023 work included",
    "what do I lose by opting out",
)


def serve_bot(api_url: str, database_url: str, port: int) -> None:
    """The bot process: migrate, build the app as `gigguard run --platform slack --http` does."""
    from aiohttp import web

    from adapters.slack.app import build_bolt_app
    from adapters.slack.config import SlackConfig
    from adapters.slack.web import build_web_app
    from bot.bootstrap import build_app
    from bot.database import upgrade_database
    from bot.settings import Settings

    upgrade_database(database_url)
    app = build_app(Settings(_env_file=None, database_url=database_url))  # type: ignore[call-arg]
    config = SlackConfig(
        bot_token="xoxb-bench",
        signing_secret=SECRET,
        app_token=None,
        api_url=api_url,
        moderator_ids=frozenset(),
    )

    async def main() -> None:
        runner = web.AppRunner(
            build_web_app(build_bolt_app(app.core, config), signing_secret=SECRET)
        )
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    asyncio.run(main())


def command_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        return "status"
    if kind < 0.8:
        return f"done {rng.choice(TOGGLES)}"
    return "ask " + rng.choice(QUESTIONS)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def burst(
    url: str, fake: FakeSlack, commands: int, label: str
) -> tuple[list[float], list[float]]:
    rng = random.Random(11)
    verifier = SignatureVerifier(SECRET)
    bodies = []
    for number in range(commands):
        form = {
            "token": "unused",
            "team_id": "T0FAKE",
            "team_domain": "bench",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": f"U{number % 200:07d}",
            "user_name": "member",
            "command": "/optout",
            "text": command_text(rng),
            "api_app_id": "A0GIGGUARD",
            "response_url": fake.response_url(f"{label}{number}"),
            "trigger_id": f"{number}.bench",
        }
        bodies.append(urlencode(form))
    acks: list[float] = []
    answered: dict[str, float] = {}
    started: dict[str, float] = {}
    all_answered = asyncio.Event()

    original = fake._record

    async def record(call: object) -> None:  # the time each reply reaches its response_url
        await original(call)  # type: ignore[arg-type]
        path = getattr(call, "path", "")
        name = path.rsplit("/", 1)[1]
        if path.startswith("/response/") and name in started:
            answered.setdefault(name, time.perf_counter() - started[name])
            if len(answered) == commands:
                all_answered.set()

    fake._record = record  # type: ignore[method-assign]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(number: int, body: str) -> None:
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body) or "",
            }
            began = time.perf_counter()
            started[f"{label}{number}"] = began
            async with session.post(url, data=body.encode(), headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}")
            acks.append(time.perf_counter() - began)

        await asyncio.gather(*(one(n, body) for n, body in enumerate(bodies)))
        try:
            await asyncio.wait_for(all_answered.wait(), 300)
        except TimeoutError:
            print(f"  only {len(answered)} of {commands} replies arrived", file=sys.stderr)
        finally:
            fake._record = original  # type: ignore[method-assign]
    return acks, list(answered.values())


async def wait_ready(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            try:
                async with session.get(url.replace("/slack/events", "/healthz")) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the bot did not start")


async def run(commands: int, database_url: str) -> None:
    fake = FakeSlack()
    fake.limit_rate(None)  # the replies' own Web API calls are not what is measured
    await fake.start()
    port = free_port()
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter, as a deployment has
    bot = spawn.Process(target=serve_bot, args=(fake.api_url, database_url, port), daemon=True)
    bot.start()
    url = f"http://127.0.0.1:{port}/slack/events"
    try:
        await wait_ready(url)
        await burst(url, fake, 20, "warm")  # connections, caches, the FAQ index
        fake.calls.clear()
        acks, answers = await burst(url, fake, commands, "r")
    finally:
        bot.terminate()
        bot.join()
        await fake.stop()
    late = sum(ack > DEADLINE for ack in acks)
    print(f"{commands} concurrent slash commands, load average {os.getloadavg()[0]:.1f}")
    for name, values in (("ack", acks), ("reply", answers)):
        print(
            f"  {name:5}  p50 {percentile(values, 0.5) * 1000:7.0f} ms"
            f"  p99 {percentile(values, 0.99) * 1000:7.0f} ms"
            f"  max {max(values) * 1000:7.0f} ms"
        )
    print(f"  acks over {DEADLINE:.0f} s: {late}")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args.commands, f"sqlite+aiosqlite:///{tmp}/bench.db"))


if __name__ == "__main__":
    main()
