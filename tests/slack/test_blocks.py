"""Block Kit rendering: escaping, Slack's limits, fallback text. Pure functions, no wire."""

from __future__ import annotations

import re

import pytest

from adapters.slack.blocks import (
    MAX_SECTION_TEXT,
    chunks,
    escape,
    render_messages,
    render_view_blocks,
)
from adapters.slack.home import home_reply, notice_of
from core.replies import (
    Button,
    ButtonStyle,
    Checklist,
    ChecklistItem,
    CodeBlock,
    Reply,
    Section,
    Table,
)
from tests.slack.slack_rules import check_message, check_view

INJECTION = "<!channel> <!here> <!everyone> <@U123> <#C1> <!subteam^S1> a&b"


def all_mrkdwn(reply: Reply) -> list[str]:
    texts = []
    for message in render_messages(reply):
        texts.append(message.text)
        for block in message.blocks:
            if block["type"] == "section":
                texts.append(block["text"]["text"])
            if block["type"] == "context":
                texts += [element["text"] for element in block["elements"]]
    return texts


def test_every_mrkdwn_text_is_escaped() -> None:
    reply = Reply(
        blocks=(
            Section(INJECTION, title=INJECTION),
            CodeBlock(INJECTION, title=INJECTION),
            Table(headers=("who", "what"), rows=((INJECTION, "x"),), title=INJECTION),
            Checklist(
                title="list",
                items=(ChecklistItem(INJECTION, done=False, detail=INJECTION),),
                summary=INJECTION,
            ),
        ),
        context=INJECTION,
    )
    texts = all_mrkdwn(reply)
    assert len(texts) == 9  # fallback text + 8 mrkdwn texts
    for text in texts:
        assert not re.search(r"<[!@#]", text), text
        assert "&lt;!channel&gt;" in text and "a&amp;b" in text


def test_escape_only_the_three_control_characters() -> None:
    assert escape("<!channel> & *bold* `x`") == "&lt;!channel&gt; &amp; *bold* `x`"


def test_chunks_respect_the_budget_and_never_cut_an_entity() -> None:
    parts = chunks("&" * 2000, MAX_SECTION_TEXT)
    assert [len(p) for p in parts] == [3000, 3000, 3000, 1000]
    assert all(re.fullmatch(r"(&amp;)+", p) for p in parts)


def test_chunks_prefer_line_ends() -> None:
    text = "\n".join(["a" * 1000] * 5)
    assert chunks(text, 2500) == ["a" * 1000 + "\n" + "a" * 1000] * 2 + ["a" * 1000]


def test_long_section_splits_and_keeps_its_title_once() -> None:
    (message,) = render_messages(Reply(blocks=(Section("word " * 1500, title="Title"),)))
    texts = [b["text"]["text"] for b in message.blocks]
    assert len(texts) == 3 and all(len(t) <= MAX_SECTION_TEXT for t in texts)
    assert texts[0].startswith("*Title*\n") and "Title" not in "".join(texts[1:])


def test_code_block_chunks_each_keep_their_fences() -> None:
    (message,) = render_messages(Reply(blocks=(CodeBlock("line\n" * 1000),)))
    texts = [b["text"]["text"] for b in message.blocks]
    assert len(texts) == 2
    assert all(t.startswith("```\n") and t.endswith("\n```") and len(t) <= 3000 for t in texts)


def test_checklist_has_header_and_a_button_per_toggle() -> None:
    undo = Button("Undo", "undo work-product")
    done = Button("I switched this off", "done communications", ButtonStyle.PRIMARY)
    checklist = Checklist(
        title="T" * 200,
        items=(
            ChecklistItem("Work", done=True, detail="recorded", button=undo),
            ChecklistItem("Chat", done=False, button=done),
        ),
        summary="1 of 2",
    )
    (message,) = render_messages(Reply(blocks=(checklist,)))
    header, work, chat, summary = message.blocks
    assert header["type"] == "header" and len(header["text"]["text"]) == 150
    assert work["text"]["text"] == ":white_check_mark: *Work*\nrecorded"
    assert work["accessory"] == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Undo", "emoji": True},
        "action_id": "gigguard:undo work-product",
        "value": "undo work-product",
    }
    assert chat["accessory"]["style"] == "primary"
    assert summary["text"]["text"] == "1 of 2"
    assert "[x] Work" in message.text and "[ ] Chat" in message.text


def test_buttons_fill_actions_blocks_of_25() -> None:
    buttons = tuple(Button(f"Did you mean topic {n}?", f"ask topic-{n}") for n in range(60))
    (message,) = render_messages(Reply(blocks=(Section("answer"),), buttons=buttons))
    actions = [b for b in message.blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 25, 10]


def test_over_50_blocks_become_several_messages_with_fallback_text() -> None:
    reply = Reply(blocks=tuple(Section(f"s{n}") for n in range(101)), context="Source: x")
    messages = render_messages(reply)
    assert [len(m.blocks) for m in messages] == [50, 50, 2]
    assert all(m.text for m in messages)
    assert messages[-1].blocks[-1]["type"] == "context"


def test_a_home_view_stops_at_100_blocks() -> None:
    reply = Reply(blocks=tuple(Section(f"s{n}") for n in range(150)))
    assert len(render_view_blocks(reply)) == 100


def test_home_shows_the_checklist_once_and_the_click_notice_first() -> None:
    checklist = Checklist("Your list", items=())
    status = Reply(blocks=(checklist,))
    guide = Reply(blocks=(Section("intro"), checklist, Section("note")), context="Source")
    clicked = Reply(blocks=(Section("Recorded: done"), checklist))
    home = home_reply(status, guide, notice_of(clicked))
    assert home.blocks == (Section("Recorded: done"), checklist, Section("intro"), Section("note"))
    assert home.context == "Source"


BLANK = " \n\t "
BLANK_REPLIES = [
    Reply(blocks=(Section(BLANK),)),
    Reply(blocks=(Section(BLANK, title=BLANK),)),
    Reply(blocks=(Section("real text"),), context=BLANK),
    Reply(blocks=(CodeBlock(BLANK), Section("after"))),
    Reply(blocks=(Checklist(BLANK, (ChecklistItem("ok", False, detail=BLANK),)),)),
    Reply(blocks=(Checklist("t", (ChecklistItem(BLANK, True),), summary=BLANK),)),
    Reply(blocks=(Section("x"),), buttons=(Button(BLANK, "status"),)),
]


@pytest.mark.parametrize("reply", BLANK_REPLIES)
def test_no_block_or_message_is_blank(reply: Reply) -> None:
    """Slack refuses a text object with no visible text; slack_sdk's models let it through."""
    for message in render_messages(reply):
        check_message({"text": message.text, "blocks": message.blocks})
    view_blocks = render_view_blocks(reply)
    if view_blocks:
        check_view({"type": "home", "blocks": view_blocks})


def test_a_reply_with_nothing_visible_renders_no_message() -> None:
    assert render_messages(Reply(blocks=(Section(BLANK),))) == []
