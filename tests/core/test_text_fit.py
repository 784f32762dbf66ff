"""One clip and one splitter serve every adapter's length limits."""

from __future__ import annotations

import re

from core.text_fit import clip, split_text


def amp(char: str) -> str:
    return "&amp;" if char == "&" else char


def test_clip_keeps_short_text_and_ends_cut_text_with_an_ellipsis() -> None:
    assert clip("abc", 3) == "abc"
    assert clip("abcdef", 4) == "abc…" and len(clip("x" * 500, 100)) == 100


def test_split_prefers_line_breaks_then_spaces_then_anywhere() -> None:
    assert split_text("aaaa\nbbbb cccc", 10) == ["aaaa", "bbbb cccc"]
    assert split_text("aaaa bbbb cccc", 10) == ["aaaa bbbb", "cccc"]
    assert split_text("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]
    assert split_text("", 10) == []


def test_split_counts_escapes_and_never_cuts_inside_one() -> None:
    parts = split_text("&" * 7, 12, escape=amp)
    assert parts == ["&amp;&amp;", "&amp;&amp;", "&amp;&amp;", "&amp;"]
    assert all(re.fullmatch(r"(&amp;)+", p) for p in parts)


def test_split_keeps_every_character_but_the_breaks_at_a_cut() -> None:
    text = "\n".join(f"line {n} " + "word " * n for n in range(40))
    parts = split_text(text, 50)
    assert all(len(p) <= 50 for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )
