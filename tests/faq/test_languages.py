"""Spanish and Portuguese questions: held-out accuracy, noise invariance, near-misses."""

from __future__ import annotations

import pytest

from core.faq.engine import FaqEngine, MatchKind
from core.faq.factory import build_faq_engine
from core.knowledge import load_knowledge
from tests.faq.test_engine import _left_out_engine, _rates


@pytest.fixture(scope="module")
def engine() -> FaqEngine:
    return build_faq_engine(load_knowledge())


@pytest.mark.parametrize(
    ("name", "top1_floor", "declined_floor"),
    [
        # Written by an author who never saw the engine (issue 15); floors just under the
        # leave-one-author-out figures in bench/README.md, not the 90% / 85% targets.
        ("es_heldout", 0.89, 0.85),
        ("pt_heldout", 0.86, 0.84),
    ],
)
def test_a_set_in_another_language_by_an_unseen_author_is_answered(
    name: str, top1_floor: float, declined_floor: float
) -> None:
    top1, declined = _rates(_left_out_engine(f"{name}.jsonl", name), f"{name}.jsonl")
    assert top1 >= top1_floor, f"top-1 on {name} left out {top1:.1%}"
    assert declined >= declined_floor, f"declined on {name} left out {declined:.1%}"


@pytest.mark.parametrize(
    ("variants", "topic"),
    [
        (
            [
                "¿Cómo desactivo el entrenamiento de IA de Upwork?",
                "como desactivo el entrenamiento de ia de upwork",
                "COMO DESACTIVO EL ENTRENAMIENTO DE IA DE UPWORK??",
                "como desactibo el entrenamiento de ia de upwork",
                "hola! como desactivo el entrenamiento de ia de upwork, gracias",
            ],
            "how-to-opt-out",
        ),
        (
            [
                "Como desativo o treinamento de IA da Upwork?",
                "como desativo o treinamento de ia da upwork",
                "como desativo o treinamento de ia da upwork nas settings",
                "como desatvo o treinamento de ia da upwork",
                "oi gente, como desativo o treinamento de ia da upwork? valeu",
            ],
            "how-to-opt-out",
        ),
        (
            [
                "¿El opt-out es retroactivo?",
                "el opt out es retroactivo",
                "el optout es retroativo?",
            ],
            "not-retroactive",
        ),
        (
            [
                "A Fiverr também tem opção de desativar a IA?",
                "a fiverr tambem tem opcao de desativar a ia",
                "a fiver tambem tem opcao de desativar a ia?",
            ],
            "fiverr-comparison",
        ),
    ],
)
def test_accents_case_and_typos_do_not_change_the_answer(
    engine: FaqEngine, variants: list[str], topic: str
) -> None:
    assert {engine.match(v).topic for v in variants} == {topic}


@pytest.mark.parametrize(
    "text",
    [
        "¿Cuánto cobra Upwork por retirar a PayPal?",
        "como cambio mi contraseña de fiverr",
        "puedo usar chatgpt para responder a mis clientes?",
        "Quanto a Upwork cobra pra sacar via Pix?",
        "como mudo minha foto de perfil na fiverr",
        "o linkedin usa meus posts pra treinar ia?",
    ],
)
def test_near_misses_in_spanish_and_portuguese_are_declined(engine: FaqEngine, text: str) -> None:
    assert engine.match(text).kind is MatchKind.DECLINE


@pytest.mark.parametrize("text", ["hola", "¡Muchas gracias!", "oi, tudo bem?", "valeu", "tchau"])
def test_greetings_in_spanish_and_portuguese_get_a_greeting(engine: FaqEngine, text: str) -> None:
    assert engine.match(text).kind is MatchKind.GREETING
