"""The shipped knowledge loads and is complete; a broken file fails with file, field and reason."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from core.knowledge import KnowledgeError, load_knowledge
from core.knowledge.loader import DEFAULT_DIR

ROOT = Path(__file__).resolve().parents[2]
TOPICS_MD = ROOT.parent / "shared" / "faq" / "TOPICS.md"
EXPECTED_TOPICS = {
    "what-changed",
    "data-categories",
    "how-to-opt-out",
    "client-protection",
    "older-data",
    "not-retroactive",
    "opt-out-effects",
    "opt-out-permanence",
    "proof-of-opt-out",
    "fiverr-comparison",
    "fiverr-no-ai-clause",
    "third-party-ai",
    "client-confidentiality",
}


def test_shipped_knowledge_has_every_topic_with_sources() -> None:
    knowledge = load_knowledge()
    assert set(knowledge.topics) == EXPECTED_TOPICS
    for topic in knowledge.topics.values():
        assert len(topic.answer) <= 600
        assert topic.sources and all(s in knowledge.sources for s in topic.sources)
    upwork = knowledge.guides["upwork"]
    assert [t.id for t in upwork.toggles] == ["communications", "work-product", "other-platform"]
    assert [t.double_opt_in for t in upwork.toggles] == [True, True, False]
    assert knowledge.guides["fiverr"].toggles == []


@pytest.mark.skipif(not TOPICS_MD.exists(), reason="shared/ is not beside the repo")
def test_topic_ids_match_the_shared_topic_list() -> None:
    ids = set(re.findall(r"^## ([a-z0-9-]+)\s*$", TOPICS_MD.read_text(), flags=re.M))
    assert ids == EXPECTED_TOPICS


def test_only_the_shared_sources_are_cited() -> None:
    urls = {str(s.url) for s in load_knowledge().sources.values()}
    if TOPICS_MD.exists():
        text = TOPICS_MD.read_text()
        assert all(url.rstrip("/") in text for url in urls)


def test_every_message_key_used_in_code_exists() -> None:
    messages = load_knowledge().messages
    used: set[str] = set()
    for path in (ROOT / "core").rglob("*.py"):
        used |= set(re.findall(r"""(?:msg|message)\(\s*"([a-z_]+)\"""", path.read_text()))
    assert used, "the scan found no message keys at all"
    assert sorted(used - set(messages)) == []


@pytest.fixture
def broken_dir(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def _edit_topics(directory: Path, change: dict[str, object]) -> None:
    path = directory / "topics.yaml"
    topics = yaml.safe_load(path.read_text())
    topics[2].update(change)
    path.write_text(yaml.safe_dump(topics))


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"title": None}, "[2].title", "valid string"),
        ({"last_checked": "yesterday"}, "[2].last_checked", "date"),
        ({"answer": "x" * 601}, "[2].answer", "at most 600"),
        ({"colour": "red"}, "[2].colour", "Extra inputs"),
    ],
)
def test_a_bad_topic_names_file_field_and_problem(
    broken_dir: Path, change: dict[str, object], field: str, reason: str
) -> None:
    _edit_topics(broken_dir, change)
    with pytest.raises(KnowledgeError) as failure:
        load_knowledge(broken_dir)
    message = str(failure.value)
    assert "topics.yaml" in message and field in message and reason in message


def test_a_bad_url_is_rejected(broken_dir: Path) -> None:
    path = broken_dir / "sources.yaml"
    path.write_text(path.read_text().replace("https://aiguide101.com", "not a url", 1))
    with pytest.raises(KnowledgeError, match=r"sources.yaml: line 4, field \[0\].url"):
        load_knowledge(broken_dir)


def test_an_unknown_source_reference_is_rejected(broken_dir: Path) -> None:
    _edit_topics(broken_dir, {"sources": ["nowhere"]})
    with pytest.raises(KnowledgeError, match=r"topic how-to-opt-out cites unknown source"):
        load_knowledge(broken_dir)


def test_a_missing_file_is_named(broken_dir: Path) -> None:
    (broken_dir / "clause.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"clause.yaml: file is missing"):
        load_knowledge(broken_dir)
