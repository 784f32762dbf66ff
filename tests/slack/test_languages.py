"""A Spanish and a Portuguese member over the real bolt app and the fake Slack: the language
comes from users.info's locale (include_locale) or from /optout lang."""

from __future__ import annotations

import pytest

from tests.languages import SPEAKERS, dm_text, expected_replies, language_phrases
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_sim import MEMBER, SlackSim


@pytest.mark.parametrize("language", ["es", "pt"])
async def test_a_member_whose_slack_speaks_it_is_answered_in_it(
    slack: SlackSim, fake_slack: FakeSlack, language: str
) -> None:
    fake_slack.locales[MEMBER] = SPEAKERS[language]
    for expected in expected_replies(language):
        (reply,) = await slack.run(expected.command)
        assert expected.phrase in reply.everything, expected
        assert expected.english not in reply.everything, expected
    [info, *_] = fake_slack.calls_to("users.info")
    assert info.params.get("include_locale") in ("1", "true", True)


@pytest.mark.parametrize("language", ["es", "pt"])
async def test_a_member_who_chose_it_is_answered_in_it(
    slack: SlackSim, fake_slack: FakeSlack, language: str
) -> None:
    fake_slack.locales[MEMBER] = "en-US"  # Slack's default: the member's choice wins
    await slack.run(f"lang {language}")
    for expected in expected_replies(language):
        (reply,) = await slack.run(expected.command)
        assert expected.phrase in reply.everything, expected
    (data,) = await slack.run("my-data")
    assert f'\\"language\\": \\"{language}\\"' in data.everything
    await slack.run("lang auto")
    (status,) = await slack.run("status")
    assert "AI-training opt-out" in status.everything


async def test_a_dm_in_spanish_is_answered_in_spanish(
    slack: SlackSim, fake_slack: FakeSlack
) -> None:
    fake_slack.locales[MEMBER] = "en-US"
    await slack.dm(dm_text("es"))
    (answer,) = await fake_slack.wait_for("chat.postMessage")
    assert any(phrase in answer.everything for phrase in language_phrases("es")), answer.text


async def test_the_app_home_follows_the_members_language(
    slack: SlackSim, fake_slack: FakeSlack
) -> None:
    fake_slack.locales[MEMBER] = "pt-BR"
    await slack.event("app_home_opened")
    (publish,) = await fake_slack.wait_for("views.publish")
    blocks = str(publish.params["view"]["blocks"])
    assert "Como sair na Upwork" in blocks and "Já desliguei" in blocks
    assert "Opting out on Upwork" not in blocks
