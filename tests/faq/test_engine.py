"""The FAQ engine: accuracy on a set left out of training, invariance, junk input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.faq.build import held_out_model
from core.faq.dataset import DATA_DIR, TRAINING_FILE, load_training
from core.faq.engine import FaqEngine, FaqMatch, MatchKind
from core.faq.factory import build_faq_engine, faq_engine_for
from core.knowledge import load_knowledge

DATA = Path(__file__).resolve().parent.parent / "data" / "faq"


@pytest.fixture(scope="module")
def engine() -> FaqEngine:
    return build_faq_engine(load_knowledge())


def _rows(name: str) -> list[tuple[str, list[str]]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [(row["q"], row["ok"]) for row in map(json.loads, filter(None, lines))]


def _rates(engine: FaqEngine, name: str) -> tuple[float, float]:
    rows = _rows(name)
    answerable = [(q, ok) for q, ok in rows if ok]
    off_topic = [q for q, ok in rows if not ok]
    top1 = sum(engine.match(q).topic in ok for q, ok in answerable) / len(answerable)
    declined = sum(engine.match(q).topic is None for q in off_topic) / len(off_topic)
    return top1, declined


def _assert_floors(engine: FaqEngine, name: str, top1_floor: float, declined_floor: float) -> None:
    top1, declined = _rates(engine, f"{name}.jsonl")
    assert top1 >= top1_floor, f"top-1 on {name} {top1:.1%}"
    assert declined >= declined_floor, f"declined on {name} {declined:.1%}"


def _left_out_engine(name: str, source: str | None) -> FaqEngine:
    """Trained without the set and without any phrasing that nearly duplicates one of it."""
    knowledge = load_knowledge()
    model = held_out_model(knowledge, [q for q, _ in _rows(name)], source=source)
    return faq_engine_for(knowledge, model)


@pytest.mark.parametrize(
    ("name", "top1_floor", "declined_floor"),
    [
        # Floors one question under each fold's figure in round 10 (bench/README.md): authorB
        # 95.0 / 95.7, blind2 96.2 / 90.0, authorE 97.5 / 94.0.
        ("authorB", 0.945, 0.94),
        ("blind2", 0.955, 0.88),
        ("authorE", 0.97, 0.93),
        # Spanish and Portuguese, targets 90% / 85% (issue 15): 95.1 / 93.2 and 95.8 / 96.2;
        # authorE_pt 88.0 / 90.0 is under the 90% target.
        ("es_heldout", 0.945, 0.92),
        ("pt_heldout", 0.94, 0.95),
        ("authorE_pt", 0.87, 0.86),
    ],
)
def test_a_set_by_an_unseen_author_is_answered(
    name: str, top1_floor: float, declined_floor: float
) -> None:
    # Trained without the set (and its near-copies); misses are never printed.
    _assert_floors(_left_out_engine(f"{name}.jsonl", name), name, top1_floor, declined_floor)


@pytest.mark.parametrize(
    ("name", "top1_floor", "declined_floor"),
    [
        # Round 10's run-once sets, by the shipped engine (bench/README.md): en 97.0 / 97.5,
        # es 95.0 / 100, pt 95.0 / 100; floors one question under.
        ("en_once4", 0.965, 0.96),
        ("es_once4", 0.93, 0.96),
        ("pt_once4", 0.93, 0.96),
    ],
)
def test_a_run_once_set_never_trained_on_is_answered(
    engine: FaqEngine, name: str, top1_floor: float, declined_floor: float
) -> None:
    # Not a training source (a short question such as "is the opt-out permanent" may still
    # be written word for word by another author whose set is).
    assert name not in {row.src for row in load_training(DATA_DIR / TRAINING_FILE)}
    _assert_floors(engine, name, top1_floor, declined_floor)


@pytest.mark.parametrize("name", ["tune.jsonl", "tune2.jsonl"])
def test_tune_splits_meet_the_targets(engine: FaqEngine, name: str) -> None:
    top1, declined = _rates(engine, name)
    assert top1 >= 0.95
    assert declined >= 0.90


def test_eval_sets_are_big_enough_and_disjoint() -> None:
    names = ("tune.jsonl", "tune2.jsonl", "holdout.jsonl")
    for name in names:
        rows = _rows(name)
        per_topic: dict[str, int] = {}
        for _, ok in rows:
            for topic in ok:
                per_topic[topic] = per_topic.get(topic, 0) + 1
        assert len(per_topic) == 13 and min(per_topic.values()) >= 10, name
        assert sum(not ok for _, ok in rows) >= 40, name
    seen: set[str] = set()
    for name in names:
        questions = {q.casefold() for q, _ in _rows(name)}
        assert not seen & questions, name
        seen |= questions


@pytest.mark.parametrize(
    ("variants", "topic"),
    [
        (
            [
                "how do I opt out of upwork AI training",
                "HOW DO I OPT OUT OF UPWORK AI TRAINING???",
                "how do i opt-out of upwork ai training 🙏",
                "how do i optout of upwrok ai trainig",
                "hey, quick question: how do I opt out of upwork ai training, thanks!",
            ],
            "how-to-opt-out",
        ),
        (
            [
                "is the opt-out retroactive",
                "is the optout retroactive?!",
                "is teh opt out retroactiv",
            ],
            "not-retroactive",
        ),
        (
            [
                "does fiverr have an AI opt-out",
                "Does Fiverr have an AI opt out?",
                "does fivver have an ai optout",
            ],
            "fiverr-comparison",
        ),
        (
            ["nda and ai training", "NDA & AI-training?", "nda and ai trainning"],
            "client-confidentiality",
        ),
    ],
)
def test_noise_does_not_change_the_answer(
    engine: FaqEngine, variants: list[str], topic: str
) -> None:
    assert {engine.match(v).topic for v in variants} == {topic}


@pytest.mark.parametrize(
    "text", ["hi", "Hello!", "thanks!", "thank you so much 🙏", "good morning", "bye"]
)
def test_greetings_get_a_greeting(engine: FaqEngine, text: str) -> None:
    assert engine.match(text) == FaqMatch(kind=MatchKind.GREETING, topic=None, confidence=1.0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "a" * 5000,
        "how do I opt out " * 200,
        "\x00\x01\x02\xff binary",
        "Как отказаться от обучения ИИ на апворк?",
        "如何退出 upwork 的人工智能训练",
        "🤖🤖🤖",
        "?!?",
    ],
)
def test_junk_is_declined_without_error(engine: FaqEngine, text: str) -> None:
    found = engine.match(text)
    assert found.topic is None
    assert found.kind in (MatchKind.DECLINE, MatchKind.GREETING)


@pytest.mark.parametrize(
    "text",
    [
        "how do I change my profile picture",
        "how do I opt out of upwork marketing emails",
        "what is upwork's fee",
        "how do I opt out of linkedin ai training",
        "can I use chatgpt to write proposals",
        "does google train on my gmail",
        "how to train my own ai model",
        "my client refuses to pay",
        "how to report a scam client",
        "what date does upwork pay",
        "how to protect my portfolio from being copied",
        "can i use chatgpt for client work",
        "how do i opt out of upwork's freelancer plus subscription",
        "how do i turn off email notifications on upwork",
        "upwork privacy settings: how do i hide my profile",
        "can i opt out of the upwork arbitration agreement",
    ],
)
def test_near_misses_are_declined(engine: FaqEngine, text: str) -> None:
    assert engine.match(text).kind is MatchKind.DECLINE


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # An off-topic word (JSS, password, emails) is what the opt-out might affect.
        ("will my job success score drop if I opt out", "opt-out-effects"),
        ("does opting out of ai training affect my upwork emails", "opt-out-effects"),
    ],
)
def test_ai_training_evidence_overrides_an_off_topic_word(
    engine: FaqEngine, text: str, topic: str | None
) -> None:
    found = engine.match(text)
    assert found.kind is MatchKind.ANSWER
    if topic:
        assert found.topic == topic


def test_confident_answers_offer_no_alternatives(engine: FaqEngine) -> None:
    found = engine.match("how do I opt out of upwork AI training")
    assert found.kind is MatchKind.ANSWER
    assert found.confidence >= 0.85
    assert found.alternatives == ()


def test_middle_band_answers_with_alternatives(engine: FaqEngine) -> None:
    # Vague: clients and AI fit client-protection and client-confidentiality alike.
    found = engine.match("my client and the ai thing")
    assert found.kind is MatchKind.ANSWER
    assert 0 < found.confidence < 0.85
    assert found.alternatives and found.topic not in found.alternatives


def test_confidence_is_a_probability(engine: FaqEngine) -> None:
    for question, _ in _rows("tune.jsonl"):
        assert 0.0 <= engine.match(question).confidence <= 1.0
