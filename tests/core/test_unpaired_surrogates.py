"""Text no encoder accepts (a lone UTF-16 surrogate, as a broken client or invalid UTF-8
decoded with surrogateescape delivers it) is cleaned at the request boundary: it cannot raise
UnicodeEncodeError out of Gigguard.handle when SQLite stores it, and `ask --json` prints valid
UTF-8 JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bootstrap import App
from core.identity import MemberKey
from core.render_text import render_plain
from core.requests import Actor, Origin, Place, Request

LONE = "\ud800"


@pytest.mark.parametrize(
    "text",
    [
        f"ask what does {LONE} mean?",
        f"done communications{LONE}",
        f"remind me in 3 days {LONE}",
        f"{LONE}",
        "ask is \ud83d\ude00 fine?",  # a pair written as two code units: kept as the emoji
    ],
)
async def test_handle_cleans_lone_surrogates_before_storage(app: App, text: str) -> None:
    actor = Actor(MemberKey("console", f"w{LONE}", f"alice{LONE}"))
    request = Request(actor=actor, text=text, origin=Origin.COMMAND, place=Place.DM)
    reply = await app.core.handle(request)
    rendered = render_plain(reply)
    rendered.encode("utf-8")  # no surrogate survives into the reply either
    follow_up = await app.core.handle(
        Request(actor=actor, text="my-data", origin=Origin.COMMAND, place=Place.DM)
    )
    assert "storage" not in render_plain(follow_up).lower()


def test_ask_json_is_valid_utf8_for_invalid_utf8_input(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIGGUARD_")}
    env["GIGGUARD_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "-"],
        input=b"what is \xff\xfe upwork \xed\xa0\x80 doing?\nsecond \xc3\x28 line\n",
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=300,  # a hang guard only
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    lines = done.stdout.decode("utf-8").splitlines()  # strict: raises on invalid UTF-8
    answers = [json.loads(line) for line in lines]
    assert [a["question"].split()[0] for a in answers] == ["what", "second"]
    assert "\ufffd" in answers[0]["question"]
