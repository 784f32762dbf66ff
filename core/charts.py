"""Charts attached to replies, drawn as PNG with matplotlib's Agg canvas (no display, no pyplot
global state, safe inside the event loop's thread).

matplotlib is imported when the first chart is drawn: it costs ~60 MB, and most processes
(delivery workers, `gigguard ask`, members' commands) never draw one."""

from __future__ import annotations

import io

from core.replies import Attachment


def bar_chart(
    labels: list[str], values: list[int], *, title: str, ylabel: str, filename: str, alt_text: str
) -> Attachment:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6.4, 3.2), dpi=100, layout="tight")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.bar(labels, values, color="#2e7d32")
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="x", labelsize=8)
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return Attachment(
        filename=filename, content=out.getvalue(), mime="image/png", alt_text=alt_text
    )
