""" "Helpful" / "Not helpful" under FAQ answers: counted per topic and community, in batches,
never with who clicked; shown in `stats`."""

from __future__ import annotations

from bot.bootstrap import App
from core.identity import MemberKey
from core.replies import MAX_ACTION_ID
from tests.fake_messenger import say
from tests.inbox.conftest import button, text_of

MOD = MemberKey("slack", "T1", "UMOD")
ANA = MemberKey("slack", "T1", "UANA")
STRANGER = MemberKey("slack", "T2", "UZED")


async def test_every_answer_offers_feedback_and_a_click_is_counted_once_flushed(
    app: App,
) -> None:
    answer = await say(app.core, ANA, "ask what changed on upwork in january?")
    helpful = button(answer, "Helpful")
    assert helpful.startswith("feedback ") and helpful.endswith(" helpful")
    topic = helpful.split()[1]
    assert all(len(b.action_id) <= MAX_ACTION_ID for b in answer.buttons)
    assert "Only the count is kept" in text_of(await say(app.core, ANA, helpful))
    await say(app.core, ANA, button(answer, "Not helpful"))
    await say(app.core, STRANGER, helpful)  # another community's click

    counts = app.core.services.answer_feedback
    assert counts.pending(platform="slack", workspace="T1") == {(topic, True): 1, (topic, False): 1}
    assert await counts.flush(app.core.services.uow) == 3
    async with app.core.services.uow() as uow:
        stored = await uow.feedback.topic_counts(platform="slack", workspace="T1")
    assert stored == {(topic, True): 1, (topic, False): 1}

    await say(app.core, ANA, helpful)  # not yet written: stats add it in
    title = app.core.knowledge.topics[topic].title
    stats = text_of(await say(app.core, MOD, "stats", moderator=True))
    assert f"{title}: 2 helpful, 1 not helpful" in stats


async def test_feedback_on_no_topic_is_refused_and_not_counted(app: App) -> None:
    for command in ("feedback nothing-here helpful", "feedback what-changed maybe"):
        assert "cannot record feedback" in text_of(await say(app.core, ANA, command))
    assert app.core.services.answer_feedback.unwritten() == {}
    stats = text_of(await say(app.core, MOD, "stats", moderator=True))
    assert "No answer feedback yet." in stats


async def test_button_commands_stay_out_of_help_and_suggestions(app: App) -> None:
    help_text = text_of(await say(app.core, MOD, "help", moderator=True))
    assert "/optout inbox" in help_text
    for hidden in ("feedback", "inbox-send", "topics"):
        assert f"/optout {hidden}" not in help_text
    typo = await say(app.core, ANA, "feedbak", moderator=True)
    assert "feedbak" in text_of(typo) and "/optout feedback" not in text_of(typo)
