"""Render a reply as plain text: the console adapter's output and every platform's fallback text."""

from __future__ import annotations

import textwrap

from core.replies import Block, Checklist, CodeBlock, Reply, Section, Table

SEPARATOR = " | "


def render_block(block: Block, *, width: int | None = None) -> str:
    lines: list[str] = []
    if block.title:
        lines.append(block.title.upper() if isinstance(block, Checklist) else block.title)
    match block:
        case Section(text=text):
            lines.append(text)
        case CodeBlock(text=text):
            lines.extend("    " + line for line in text.splitlines())
        case Checklist(items=items, summary=summary):
            for item in items:
                mark = "[x]" if item.done else "[ ]"
                detail = f" ({item.detail})" if item.detail else ""
                lines.append(f"{mark} {item.label}{detail}")
            if summary:
                lines.append(summary)
        case Table(headers=headers, rows=rows):
            lines.append(render_table(headers, rows, width=width))
    return "\n".join(lines)


def render_table(
    headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...], *, width: int | None = None
) -> str:
    """Columns padded to line up; with `width`, cells wrap between words to fit in it."""
    table = (headers, *rows)
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    if width:
        widths = _fit(widths, table, width - len(SEPARATOR) * (len(headers) - 1))

    def fmt(row: tuple[str, ...]) -> list[str]:
        cells = [
            textwrap.wrap(cell, w, break_on_hyphens=False) or [""]
            for cell, w in zip(row, widths, strict=True)
        ]
        return [
            SEPARATOR.join(
                (cell[line] if line < len(cell) else "").ljust(w)
                for cell, w in zip(cells, widths, strict=True)
            ).rstrip()
            for line in range(max(len(cell) for cell in cells))
        ]

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([*fmt(headers), rule, *(line for row in rows for line in fmt(row))])


def _fit(widths: list[int], table: tuple[tuple[str, ...], ...], room: int) -> list[int]:
    """Narrow the widest columns until the table fits in `room`, keeping each column at least
    as wide as its longest word while that is possible."""
    words = [
        max((len(word) for row in table for word in row[i].split()), default=1)
        for i in range(len(widths))
    ]
    fitted = list(widths)
    for floor in (words, [1] * len(widths)):
        while sum(fitted) > room:
            shrinkable = [i for i, w in enumerate(fitted) if w > floor[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: fitted[i])
            fitted[widest] -= 1
    return fitted


def render_plain(reply: Reply) -> str:
    parts = [render_block(block) for block in reply.blocks]
    if reply.buttons:
        parts.append("  ".join(f"[{b.label}: /optout {b.command}]" for b in reply.buttons))
    if reply.context:
        parts.append(reply.context)
    return "\n\n".join(part for part in parts if part)
