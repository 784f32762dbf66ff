"""`knowledge check`: passes on the shipped files, fails precisely on broken ones."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core.knowledge.check import check_knowledge, topic_ids_from_markdown
from core.knowledge.loader import DEFAULT_DIR

ROOT = Path(__file__).resolve().parents[2]
TOPICS_MD = ROOT.parent / "shared" / "faq" / "TOPICS.md"
TODAY = dt.date(2026, 11, 26)
SHIPPED_TOPICS = {t["id"] for t in yaml.safe_load((DEFAULT_DIR / "topics.yaml").read_text())}


@pytest.fixture
def copy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def check(directory: Path, today: dt.date = TODAY) -> list[str]:
    return check_knowledge(directory, today=today, stale_days=180, required_topics=SHIPPED_TOPICS)


def test_shipped_files_pass() -> None:
    assert check(DEFAULT_DIR) == []


@pytest.mark.skipif(not TOPICS_MD.exists(), reason="shared/ is not beside the repo")
def test_the_shared_topic_list_is_covered() -> None:
    required = topic_ids_from_markdown(TOPICS_MD)
    assert len(required) == 13
    assert check_knowledge(DEFAULT_DIR, today=TODAY, stale_days=180, required_topics=required) == []


def test_stale_facts_are_named() -> None:
    problems = check(DEFAULT_DIR, today=TODAY + dt.timedelta(days=200))
    assert any(
        "topic what-changed: last checked 2026-11-25, more than 180 days" in p for p in problems
    )
    assert any(p.startswith("clause:") for p in problems)


def test_future_check_dates_and_missing_topics_are_named(copy_dir: Path) -> None:
    path = copy_dir / "topics.yaml"
    topics = yaml.safe_load(path.read_text())
    topics[0]["last_checked"] = "2027-03-01"
    del topics[-1]
    path.write_text(yaml.safe_dump(topics, sort_keys=False))
    problems = check(copy_dir)
    assert "topic what-changed: last_checked 2027-03-01 is in the future" in problems
    assert any("topic 'client-confidentiality' is missing" in p for p in problems)


def test_a_schema_error_is_reported_with_its_line(copy_dir: Path) -> None:
    path = copy_dir / "comparison.yaml"
    path.write_text(path.read_text().replace("feature: Default setting", "feature:", 1))
    [problem] = check(copy_dir)
    assert "comparison.yaml: line 4, field rows.0.feature" in problem


def test_cli_exit_codes(copy_dir: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "knowledge", "check"], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (copy_dir / "sources.yaml").write_text("- id: x\n  title: y\n  url: nope\n")
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "knowledge", "check", "--dir", str(copy_dir)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert "sources.yaml: line 3, field [0].url" in bad.stdout


def test_an_update_newer_than_the_check_is_named(copy_dir: Path) -> None:
    path = copy_dir / "topics.yaml"
    topics = yaml.safe_load(path.read_text())
    topics[1]["updated"] = "2026-11-26"
    path.write_text(yaml.safe_dump(topics, sort_keys=False))
    assert check(copy_dir) == [
        "topic data-categories: updated 2026-11-26 after it was last checked 2026-11-25"
    ]


def _edit_topics(directory: Path, change: object) -> None:
    path = directory / "topics.yaml"
    topics = yaml.safe_load(path.read_text())
    change(topics[0])  # type: ignore[operator]
    path.write_text(yaml.safe_dump(topics, sort_keys=False))


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (lambda t: t.pop("answer"), r"topics.yaml: line \d+, field \[0\].answer: Field required"),
        (
            lambda t: t.update(last_checked="2026-13-45"),
            r"topics.yaml: line \d+, field \[0\].last_checked: .*valid date",
        ),
    ],
    ids=["missing-field", "bad-date"],
)
def test_broken_shipped_files_fail_clearly(copy_dir: Path, break_it: object, expected: str) -> None:
    _edit_topics(copy_dir, break_it)
    [problem] = check(copy_dir)
    assert re.search(expected, problem), problem


@pytest.mark.parametrize(
    ("name", "entries", "expected"),
    [
        (
            "notes.yaml",
            [{"topic": "no-such-topic", "note": "x"}],
            r"notes for unknown topics: \['no-such-topic'\]",
        ),
        (
            "sources.yaml",
            [{"id": "ours", "title": "Ours", "url": "not a url"}],
            r"sources.yaml: line 3, field \[0\].url: .*URL",
        ),
    ],
    ids=["unknown-topic-in-notes", "bad-url"],
)
def test_broken_override_files_fail_clearly(
    tmp_path: Path, name: str, entries: object, expected: str
) -> None:
    overrides = tmp_path / "community"
    overrides.mkdir()
    (overrides / name).write_text(yaml.safe_dump(entries))
    [problem] = check_knowledge(
        DEFAULT_DIR,
        today=TODAY,
        stale_days=180,
        required_topics=SHIPPED_TOPICS,
        overrides=overrides,
    )
    assert str(overrides) in problem and re.search(expected, problem), problem
