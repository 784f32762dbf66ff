"""Translations: every locale has the English ids and placeholders, or the check says what is
off, while the bot still runs with English in the gaps."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest
import yaml

from core.knowledge.check import check_knowledge
from core.knowledge.loader import DEFAULT_DIR, KnowledgeError, load_knowledge
from core.knowledge.translations import message_placeholders

TODAY = dt.date(2026, 11, 26)
LOCALES = ("es", "pt")


@pytest.fixture
def copy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def check(directory: Path) -> list[str]:
    return check_knowledge(directory, today=TODAY, stale_days=180, required_topics=())


def edit_yaml(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_every_english_id_with_its_placeholders(locale: str) -> None:
    english = load_knowledge()
    translated = english.in_language(locale)
    assert translated.language == locale
    raw = yaml.safe_load((DEFAULT_DIR / "locales" / locale / "messages.yaml").read_text())
    assert set(raw) == set(english.messages)
    for key, text in english.messages.items():
        assert message_placeholders(raw[key]) == message_placeholders(text), key
        assert (
            raw[key] != text
            or not any(c.isalpha() for c in text)
            or key.startswith(
                ("option_", "stats_hidden", "duration_hm", "broadcasts_progress", "contract_no")
            )
        ), f"{key} is not translated"
    for topic in english.topics.values():
        there = translated.topics[topic.id]
        assert there.answer != topic.answer
        # The facts are the English topic's: same sources, same dates.
        assert (there.sources, there.last_checked, there.effective) == (
            topic.sources,
            topic.last_checked,
            topic.effective,
        )
    assert translated.clause.seller.text != english.clause.seller.text
    assert translated.clause.buyer.text != english.clause.buyer.text
    assert translated.clause.last_checked == english.clause.last_checked
    toggles = [t for g in translated.toggle_marketplaces() for t in g.toggles]
    assert [t.id for t in toggles] == [
        t.id for g in english.toggle_marketplaces() for t in g.toggles
    ]
    assert all(
        t.covers != e.covers for t, e in zip(toggles, english.guides["upwork"].toggles, strict=True)
    )


def test_the_shipped_locales_pass_the_check() -> None:
    assert check(DEFAULT_DIR) == []


def test_a_missing_message_fails_the_check_but_runs_in_english(
    copy_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    edit_yaml(copy_dir / "locales" / "es" / "messages.yaml", lambda d: d.pop("button_undo"))
    problems = check(copy_dir)
    assert len(problems) == 1
    assert "locales/es/messages.yaml: message 'button_undo' is missing" in problems[0]
    with caplog.at_level(logging.WARNING):
        spanish = load_knowledge(copy_dir).in_language("es")
    assert spanish.message("button_undo") == "Undo"  # English, not a crash
    assert spanish.message("button_switched_off") == "Ya lo desactivé"
    assert "button_undo" in caplog.text


def test_an_extra_message_fails_the_check(copy_dir: Path) -> None:
    edit_yaml(copy_dir / "locales" / "pt" / "messages.yaml", lambda d: d.update(old_key="velho"))
    [problem] = check(copy_dir)
    assert "locales/pt/messages.yaml: message 'old_key' is not in the English knowledge" in problem


def test_a_different_placeholder_fails_the_check_and_falls_back(copy_dir: Path) -> None:
    edit_yaml(
        copy_dir / "locales" / "es" / "messages.yaml",
        lambda d: d.update(reminder_cancelled="Recordatorio n.º {numero} cancelado."),
    )
    [problem] = check(copy_dir)
    assert "message 'reminder_cancelled' has placeholders ['numero'], English has ['id']" in problem
    spanish = load_knowledge(copy_dir).in_language("es")
    assert spanish.message("reminder_cancelled", id=3) == "Reminder #3 cancelled."


def test_missing_and_extra_topics_fail_the_check(copy_dir: Path) -> None:
    def change(topics: list[dict[str, str]]) -> None:
        topics[0]["id"] = "not-a-topic"

    edit_yaml(copy_dir / "locales" / "pt" / "topics.yaml", change)
    problems = check(copy_dir)
    assert any("topic 'what-changed' is missing" in p for p in problems)
    assert any("topic 'not-a-topic' is not in the English knowledge" in p for p in problems)
    knowledge = load_knowledge(copy_dir)
    assert knowledge.in_language("pt").topics["what-changed"] == knowledge.topics["what-changed"]


def test_a_changed_command_in_a_topic_fails_the_check(copy_dir: Path) -> None:
    def change(topics: list[dict[str, str]]) -> None:
        topics[0]["details"] = topics[0]["details"].replace("`/optout guide`", "`/optout guia`")

    edit_yaml(copy_dir / "locales" / "es" / "topics.yaml", change)
    [problem] = check(copy_dir)
    assert "topic 'what-changed': commands in `backticks` differ" in problem


def test_a_guide_with_another_shape_fails_the_check(copy_dir: Path) -> None:
    edit_yaml(
        copy_dir / "locales" / "es" / "marketplaces" / "upwork.yaml", lambda d: d["steps"].pop()
    )
    [problem] = check(copy_dir)
    assert "marketplaces/upwork.yaml: steps, toggle ids and notes are" in problem
    knowledge = load_knowledge(copy_dir)
    assert knowledge.in_language("es").guides["upwork"] == knowledge.guides["upwork"]


def test_a_missing_locale_file_fails_the_check(copy_dir: Path) -> None:
    (copy_dir / "locales" / "pt" / "clause.yaml").unlink()
    [problem] = check(copy_dir)
    assert "locales/pt/clause.yaml: file is missing" in problem


def test_a_translation_cannot_carry_facts(copy_dir: Path) -> None:
    """Sources and dates are the English entry's: a locale file giving its own is refused by
    the check, and the bot keeps the English clause."""
    edit_yaml(
        copy_dir / "locales" / "es" / "clause.yaml", lambda d: d.update(last_checked="2027-01-01")
    )
    [problem] = check(copy_dir)
    assert "locales/es/clause.yaml: " in problem and "last_checked" in problem
    knowledge = load_knowledge(copy_dir)
    assert knowledge.in_language("es").clause == knowledge.clause


def test_a_locale_file_of_the_wrong_shape_falls_back_to_english_and_logs_one_line(
    copy_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    messages = copy_dir / "locales" / "es" / "messages.yaml"
    messages.write_text("- a list\n- not a mapping\n", encoding="utf-8")
    [problem] = check(copy_dir)
    assert "locales/es/messages.yaml: expected a mapping" in problem
    with caplog.at_level(logging.WARNING, logger="core.knowledge.loader"):
        knowledge = load_knowledge(copy_dir)
    spanish = knowledge.in_language("es")
    assert spanish.messages == knowledge.messages  # English for the broken file
    assert spanish.topics != knowledge.topics  # the rest of the locale is still Spanish
    assert knowledge.in_language("pt").message("button_undo") != "Undo"
    [record] = caplog.records
    assert "\n" not in record.getMessage() and "locales/es/messages.yaml" in record.getMessage()


def test_a_locale_file_that_is_not_yaml_falls_back_to_english(copy_dir: Path) -> None:
    (copy_dir / "locales" / "pt" / "comparison.yaml").write_text("rows: [\n", encoding="utf-8")
    [problem] = check(copy_dir)
    assert "locales/pt/comparison.yaml: not valid YAML" in problem and "\n" not in problem
    knowledge = load_knowledge(copy_dir)
    assert knowledge.in_language("pt").comparison == knowledge.comparison


def test_an_unknown_language_folder_is_an_error(copy_dir: Path) -> None:
    shutil.copytree(copy_dir / "locales" / "es", copy_dir / "locales" / "fr")
    with pytest.raises(KnowledgeError, match="not a language gigguard speaks"):
        load_knowledge(copy_dir)


def test_dates_and_numbers_follow_the_language() -> None:
    knowledge = load_knowledge()
    day = dt.date(2026, 11, 25)
    assert knowledge.day(day) == "2026-11-25"
    assert knowledge.in_language("es").day(day) == "25 de noviembre de 2026"
    assert knowledge.in_language("pt").day(day) == "25 de novembro de 2026"
    values = {"length": 12345, "limit": 4000}
    assert "12,345" in knowledge.message("broadcast_too_long", **values)
    assert "12.345" in knowledge.in_language("es").message("broadcast_too_long", **values)
    assert "12.345" in knowledge.in_language("pt").message("broadcast_too_long", **values)
