"""Spanish and Portuguese questions: noise invariance, near-misses, greetings.

Their held-out sets are scored with the English ones (test_engine.py, by unseen authors).
"""

from __future__ import annotations

import pytest

from core.faq.engine import FaqEngine, MatchKind
from core.faq.factory import build_faq_engine
from core.knowledge import load_knowledge


@pytest.fixture(scope="module")
def engine() -> FaqEngine:
    return build_faq_engine(load_knowledge())


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
