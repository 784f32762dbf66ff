"""Render a reply as plain text: the console adapter's output and every platform's fallback text."""

from __future__ import annotations

from core.replies import Block, Checklist, CodeBlock, Reply, Section, Table


def render_block(block: Block) -> str:
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
            lines.append(render_table(headers, rows))
    return "\n".join(lines)


def render_table(headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
    widths = [max(len(row[i]) for row in (headers, *rows)) for i in range(len(headers))]

    def fmt(row: tuple[str, ...]) -> str:
        return " | ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([fmt(headers), rule, *(fmt(row) for row in rows)])


def render_plain(reply: Reply) -> str:
    parts = [render_block(block) for block in reply.blocks]
    if reply.buttons:
        parts.append("  ".join(f"[{b.label}: /optout {b.command}]" for b in reply.buttons))
    if reply.context:
        parts.append(reply.context)
    return "\n\n".join(part for part in parts if part)
