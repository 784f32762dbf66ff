"""Charts attached to replies: a bar chart drawn as PNG with Pillow.

Slack's files upload and Discord's attachments show a PNG inline, so a raster image is what
both adapters send. Pillow draws it directly (no plotting library), with the font it ships
(`ImageFont.load_default(size=...)`), so the picture looks the same on every machine.
Pillow is imported when the first chart is drawn: most processes never draw one."""

from __future__ import annotations

import io
import math

from core.replies import Attachment

WIDTH, HEIGHT = 640, 320
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 40, 36
BAR_COLOUR = "#2e7d32"
INK = "#222222"
GRID = "#dddddd"
MAX_TICKS = 5


def integer_ticks(top: int, most: int = MAX_TICKS) -> list[int]:
    """Whole-number y ticks from 0 to at least `top`, at most `most` + 1 of them."""
    step = max(1, math.ceil(top / most))
    return list(range(0, max(top, 1) + step, step))


def bar_chart(
    labels: list[str], values: list[int], *, title: str, ylabel: str, filename: str, alt_text: str
) -> Attachment:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    small, large = ImageFont.load_default(size=11), ImageFont.load_default(size=15)
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    draw.text((WIDTH / 2, 12), title, fill=INK, font=large, anchor="mt")

    ticks = integer_ticks(max(values, default=0))
    scale = (bottom - top) / ticks[-1]
    for tick in ticks:
        y = bottom - tick * scale
        draw.line([(left, y), (right, y)], fill=GRID)
        draw.text((left - 6, y), str(tick), fill=INK, font=small, anchor="rm")
    axis_label = Image.new("RGBA", (bottom - top, 14), (255, 255, 255, 0))
    ImageDraw.Draw(axis_label).text(
        (axis_label.width / 2, 7), ylabel, fill=INK, font=small, anchor="mm"
    )
    rotated = axis_label.rotate(90, expand=True)
    image.paste(rotated, (8, top), rotated)

    slot = (right - left) / max(len(values), 1)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x0 = left + i * slot + slot * 0.15
        x1 = left + (i + 1) * slot - slot * 0.15
        if value:
            draw.rectangle([(x0, bottom - value * scale), (x1, bottom)], fill=BAR_COLOUR)
        draw.text(((x0 + x1) / 2, bottom + 6), label, fill=INK, font=small, anchor="mt")
    draw.line([(left, bottom), (right, bottom)], fill=INK)
    draw.line([(left, top), (left, bottom)], fill=INK)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return Attachment(
        filename=filename, content=out.getvalue(), mime="image/png", alt_text=alt_text
    )
