"""The weekly trend as an inline SVG bar chart: geometry computed here, drawn by a template."""

from __future__ import annotations

from dataclasses import dataclass

from core.community_figures import WeekFigure

WIDTH = 640
HEIGHT = 220
TOP = 20
BOTTOM = 36  # room for the week labels
LEFT = 36  # room for the axis figures


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    top_value: int
    baseline: float
    left: int
    summary: str  # the text alternative: every figure, for screen readers


def trend_chart(trend: tuple[WeekFigure, ...]) -> Chart | None:
    """None when the figures are hidden (too few members)."""
    if not trend or any(week.finished is None for week in trend):
        return None
    values = [week.finished or 0 for week in trend]
    top_value = max(max(values), 1)
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) / len(trend)
    baseline = float(HEIGHT - BOTTOM)
    bars = tuple(
        Bar(
            label=week.label.split("-")[1],
            value=value,
            x=LEFT + i * slot + slot * 0.15,
            y=baseline - plot_height * value / top_value,
            width=slot * 0.7,
            height=plot_height * value / top_value,
        )
        for i, (week, value) in enumerate(zip(trend, values, strict=True))
    )
    summary = ", ".join(f"{week.label}: {value}" for week, value in zip(trend, values, strict=True))
    return Chart(WIDTH, HEIGHT, bars, top_value, baseline, LEFT, summary)
