"""The console adapter and the CLI end to end, as separate processes fed through a pipe."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.processes import bot_env, gigguard, sqlite_url

ROOT = Path(__file__).resolve().parents[2]
DEV_QUESTIONS = ROOT.parent / "shared" / "faq" / "faq_dev.jsonl"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return bot_env(sqlite_url(tmp_path / "bot.db"))


def fed(
    args: list[str], stdin: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`gigguard ARGS` fed `stdin`; a failed exit fails the test."""
    return gigguard(args, env, cwd, stdin=stdin, check=True)


def rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_status_survives_a_restart_and_forget_me_leaves_no_row(
    env: dict[str, str], tmp_path: Path
) -> None:
    first = fed(
        ["console", "--user", "alice"],
        "/optout done communications\n/optout done work-product\n",
        env,
        tmp_path,
    )
    assert "Recorded: Work Product Data switched off" in first.stdout
    assert "you>" not in first.stdout  # no prompts when fed by a pipe

    second = fed(["console", "--user", "alice"], "/optout status\nstatus\n", env, tmp_path)
    assert second.stdout.count("[x] Communications Data") == 2
    assert "[x] Work Product Data" in second.stdout
    assert "[ ] Other Platform Data" in second.stdout

    db = tmp_path / "bot.db"
    assert rows(db, "member") == 1 and rows(db, "toggle_status") == 2
    third = fed(
        ["console", "--user", "alice"],
        "/optout forget-me\n/optout forget-me confirm\n",
        env,
        tmp_path,
    )
    assert "I deleted 3 records" in third.stdout
    assert rows(db, "member") == 0 and rows(db, "toggle_status") == 0


def test_free_text_is_a_question_and_bad_input_is_handled(
    env: dict[str, str], tmp_path: Path
) -> None:
    session = fed(
        ["console"],
        "how do I switch off the upwork AI training?\n/optout stauts\n/optout stats\n"
        + "x" * 2500
        + "\n",
        env,
        tmp_path,
    )
    out = session.stdout
    assert "AI Preferences" in out and "Last checked" in out
    assert "Did you mean /optout status?" in out
    assert "for moderators only" in out
    assert "limit is 2,000" in out
    assert "Traceback" not in session.stderr


def test_moderator_flag_unlocks_stats(env: dict[str, str], tmp_path: Path) -> None:
    out = fed(["console", "--moderator"], "/optout stats\n", env, tmp_path).stdout
    assert "Members known" in out


@pytest.mark.skipif(not DEV_QUESTIONS.exists(), reason="shared/ is not beside the repo")
def test_ask_json_answers_every_dev_question_in_one_process(
    env: dict[str, str], tmp_path: Path
) -> None:
    questions = [json.loads(line)["q"] for line in DEV_QUESTIONS.read_text().splitlines() if line]
    out = fed(["ask", "--json", "-"], "\n".join(questions) + "\n", env, tmp_path).stdout
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["question"] for a in answers] == questions
    for answer in answers:
        assert set(answer) == {"question", "topic", "confidence", "answer", "alternatives"}
        assert 0.0 <= answer["confidence"] <= 1.0 and answer["answer"]
    assert not (tmp_path / "bot.db").exists()  # asking stores nothing


def test_ask_single_question_plain(env: dict[str, str], tmp_path: Path) -> None:
    out = fed(["ask", "is my pre-2026 work included?"], "", env, tmp_path).stdout
    assert "January 5, 2026" in out


def test_a_policy_update_asks_for_a_recheck(env: dict[str, str], tmp_path: Path) -> None:
    fed(["console", "--user", "alice"], "/optout done all\n", env, tmp_path)
    moderator = fed(
        ["console", "--user", "mod", "--moderator"],
        "/optout policy-update upwork Upwork moved the AI toggles\n",
        env,
        tmp_path,
    )
    assert "Traceback" not in moderator.stderr
    after = fed(["console", "--user", "alice"], "/optout status\n", env, tmp_path).stdout
    assert after.count("re-check needed") == 3
