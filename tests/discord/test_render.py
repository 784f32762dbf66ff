"""Reply -> embeds and buttons: Discord's limits are respected by splitting, never by failing."""

from __future__ import annotations

from adapters.discord import render as r
from core.replies import (
    Button,
    Checklist,
    ChecklistItem,
    CodeBlock,
    Reply,
    Section,
    Table,
    command_of,
)


def _assert_within_limits(messages: list[r.Outgoing]) -> None:
    for message in messages:
        assert len(message.embeds) <= r.MAX_EMBEDS
        assert sum(len(e) for e in message.embeds) <= r.MAX_MESSAGE_EMBED_CHARS
        assert len(message.buttons) <= r.MAX_BUTTONS
        for embed in message.embeds:
            assert len(embed.title or "") <= r.MAX_TITLE
            assert len(embed.description or "") <= r.MAX_DESCRIPTION
            assert len(embed.fields) <= r.MAX_FIELDS
            assert all(len(f.value or "") <= r.MAX_FIELD_VALUE for f in embed.fields)
            assert len(embed.footer.text or "") <= r.MAX_FOOTER


def test_a_long_reply_is_split_over_embeds_and_messages() -> None:
    paragraph = "word " * 2_000  # 10,000 characters
    reply = Reply(
        blocks=tuple(Section(paragraph, title="T" * 300) for _ in range(4)),
        context="Source: somewhere " * 200,
    )
    messages = r.render(reply)
    _assert_within_limits(messages)
    assert len(messages) > 1
    text = "".join(e.description or "" for m in messages for e in m.embeds)
    assert text.count("word") == 8_000  # nothing lost
    assert messages[-1].embeds[-1].footer.text


def test_long_code_and_tables_stay_fenced_in_every_piece() -> None:
    rows = tuple((f"row {i}", "x" * 50) for i in range(300))
    reply = Reply(blocks=(CodeBlock("line\n" * 2_000 + "```"), Table(("a", "b"), rows, title="t")))
    messages = r.render(reply)
    _assert_within_limits(messages)
    for embed in (e for m in messages for e in m.embeds):
        assert embed.description.startswith("```\n") and embed.description.endswith("\n```")
        assert embed.description.count("```") == 2  # a fence in the text cannot close the block


def test_a_long_checklist_spreads_over_embeds_of_at_most_25_fields() -> None:
    items = tuple(
        ChecklistItem(
            f"toggle {i}",
            done=i % 2 == 0,
            detail="d" * 2_000,
            button=Button("I switched this off", f"done t{i}"),
        )
        for i in range(60)
    )
    messages = r.render(Reply(blocks=(Checklist("Your list", items, summary="s"),)))
    _assert_within_limits(messages)
    assert sum(len(e.fields) for m in messages for e in m.embeds) == 60
    buttons = [b for m in messages for b in m.buttons]
    assert len(buttons) == 60
    assert [len(m.buttons) for m in messages if m.buttons] == [25, 25, 10]  # 5 rows x 5 at most


def test_buttons_are_unique_per_reply() -> None:
    same = Button("More", "ask what-changed")
    reply = Reply(blocks=(Section("x"),), buttons=(same, same, Button("Help", "help")))
    (message,) = r.render(reply)
    assert [b.action_id for b in message.buttons] == ["gigguard:ask what-changed", "gigguard:help"]


def test_mentions_are_defused_in_text() -> None:
    (message,) = r.render(Reply(blocks=(Section("hi @everyone and @here", title="@everyone"),)))
    embed = message.embeds[0]
    assert "@everyone" not in (embed.description or "") + (embed.title or "")


def test_custom_ids_round_trip_to_commands() -> None:
    for command in ("done communications", "forget-me confirm", "ask client-protection", "help"):
        assert command_of(Button("x", command).action_id) == command


def test_an_empty_or_blank_section_adds_no_embed() -> None:
    # An embed with nothing but a colour is refused by Discord (400 Invalid Form Body).
    reply = Reply(blocks=(Section(""), Section("  \n\t "), Section("kept")))
    (message,) = r.render(reply)
    assert [e.description for e in message.embeds] == ["kept"]


def test_a_reply_with_nothing_to_show_renders_no_message() -> None:
    assert r.render(Reply(blocks=(Section(" "), Section("\n")))) == []
