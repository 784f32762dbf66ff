"""The trend chart is a real PNG whose bars stand where, and as high as, the figures say."""

from __future__ import annotations

import io
from itertools import pairwise

from PIL import Image

from core.charts import (
    BAR_COLOUR,
    HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    WIDTH,
    bar_chart,
    integer_ticks,
)

GREEN = Image.new("RGB", (1, 1), BAR_COLOUR).getpixel((0, 0))


def draw(values: list[int]) -> Image.Image:
    labels = [f"W{n:02d}" for n in range(len(values))]
    chart = bar_chart(
        labels, values, title="t", ylabel="members", filename="c.png", alt_text="a chart"
    )
    assert chart.mime == "image/png" and chart.filename == "c.png"
    return Image.open(io.BytesIO(chart.content)).convert("RGB")


def bar_height(image: Image.Image, column: int) -> int:
    return sum(1 for y in range(HEIGHT) if image.getpixel((column, y)) == GREEN)


def test_bars_are_proportional_and_zero_draws_nothing() -> None:
    image = draw([0, 2, 4])
    assert image.size == (WIDTH, HEIGHT)
    slot = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / 3
    middles = [int(MARGIN_LEFT + slot * (i + 0.5)) for i in range(3)]
    heights = [bar_height(image, x) for x in middles]
    assert heights[0] == 0
    assert heights[1] > 0 and abs(heights[2] - 2 * heights[1]) <= 1
    assert image.getpixel((middles[2], HEIGHT - MARGIN_BOTTOM - 1)) == GREEN


def test_an_all_zero_week_still_draws_an_axis() -> None:
    assert bar_height(draw([0] * 8), WIDTH // 2) == 0


def test_ticks_are_whole_numbers_reaching_the_top() -> None:
    assert integer_ticks(0) == [0, 1]
    assert integer_ticks(3) == [0, 1, 2, 3]
    ticks = integer_ticks(23)
    assert ticks[0] == 0 and ticks[-1] >= 23 and len(ticks) <= 6
    assert all(b - a == ticks[1] for a, b in pairwise(ticks))
