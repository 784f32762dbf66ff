"""In the console: a declined question's numbered choices send it to the moderators, who
answer it from the inbox; the next question like it gets the answer."""

from __future__ import annotations

import re

from adapters.console.session import ConsoleSession
from bot.bootstrap import App
from tests.inbox.conftest import app, knowledge_dir  # noqa: F401 (the app with a knowledge dir)


def choice(shown: str, label: str) -> str:
    found = re.search(r"\[(\d+)\] " + re.escape(label), shown)
    assert found, shown
    return found.group(1)


async def test_a_declined_question_reaches_the_inbox_and_its_answer_the_next_member(
    app: App,  # noqa: F811 (the fixture imported above)
) -> None:
    alice = ConsoleSession(app.core, user="alice", moderator=False)
    shown = await alice.reply_to("Is there a Berlin meetup for freelancers in December?")
    assert "rather not guess" in shown and "[6] All topics" in shown
    sent = await alice.reply_to(choice(shown, "Ask the moderators (anonymous)"))
    assert "Sent to the moderators, without your name" in sent

    mod = ConsoleSession(app.core, user="mo", moderator=True)
    listing = await mod.reply_to("/optout inbox")
    assert "#1 · asked 1×" in listing
    done = await mod.reply_to("/optout inbox answer 1 Every Tuesday, see https://example.org/m")
    assert "asked-1" in done
    bob = ConsoleSession(app.core, user="bob", moderator=False)
    answer = await bob.reply_to("any Berlin meetup for freelancers in December?")
    assert "Every Tuesday" in answer
    assert "Only the count is kept" in await bob.reply_to(choice(answer, "Helpful"))
