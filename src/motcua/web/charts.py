"""Charts of the dashboards as server-rendered SVG, with matplotlib's SVG backend (decision: docs/decisions.md).

Nothing runs in the browser: a chart is an ``image/svg+xml`` response (or a ``data:`` URI inside a PDF),
shown with ``<img alt=…>`` next to the table of the same numbers, so pages work inside a closed network and
under a strict Content-Security-Policy (no script, no inline style in the page: the SVG's own styles live in
its own document). The object-oriented API (``Figure``, no ``pyplot``) keeps no global state, so concurrent
requests do not share a figure. Text stays text (``svg.fonttype = none``): the browser draws Vietnamese in its
own fonts, and the file is small; ``metadata`` without a date makes the same data give the same bytes.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib
from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global figure

_STYLE = {"svg.fonttype": "none", "font.family": ["DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"]}
BAR = "#2b6cb0"
WARN = "#c05621"
TARGET = "#2f855a"


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(_STYLE):
        return Figure(figsize=(width, height), dpi=100, layout="constrained")


def percent_bars(
    labels: Sequence[str], values: Sequence[float | None], *, target: float | None = None, title: str = ""
) -> str:
    """Horizontal bars of percentages (n/a drawn as no bar, labelled "n/a"), with the target as a line."""
    height = max(1.6, 0.32 * len(labels) + 0.9)
    figure = _figure(7.5, height)
    with matplotlib.rc_context(_STYLE):
        axes = figure.subplots()
        positions = list(range(len(labels)))
        shown = [v if v is not None else 0 for v in values]
        colours = [BAR if target is None or (v is not None and v >= target) else WARN for v in values]
        axes.barh(positions, shown, color=colours)
        for y, value in zip(positions, values, strict=True):
            axes.text((value or 0) + 1, y, "n/a" if value is None else f"{value:.1f} %", va="center", fontsize=8)
        if target is not None:
            axes.axvline(target, color=TARGET, linestyle="--", linewidth=1.2)
        axes.set_yticks(positions, [_short(label) for label in labels], fontsize=8)
        axes.invert_yaxis()
        axes.set_xlim(0, 110)
        axes.set_xlabel("%")
        if title:
            axes.set_title(title, fontsize=10)
        axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def percent_trend(
    labels: Sequence[str], values: Sequence[float | None], *, target: float | None = None, title: str = ""
) -> str:
    """A line of percentages by month (gaps where n/a), with the target as a line."""
    figure = _figure(7.5, 2.8)
    with matplotlib.rc_context(_STYLE):
        axes = figure.subplots()
        xs = list(range(len(labels)))
        ys = [v if v is not None else float("nan") for v in values]
        axes.plot(xs, ys, marker="o", color=BAR)
        if target is not None:
            axes.axhline(target, color=TARGET, linestyle="--", linewidth=1.2)
        axes.set_xticks(xs, labels, fontsize=8, rotation=45 if len(labels) > 6 else 0)
        axes.set_ylim(0, 105)
        axes.set_ylabel("%")
        if title:
            axes.set_title(title, fontsize=10)
        axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def count_bars(labels: Sequence[str], values: Sequence[int], *, title: str = "") -> str:
    """Vertical bars of counts (the backlog by age)."""
    figure = _figure(6, 2.8)
    with matplotlib.rc_context(_STYLE):
        axes = figure.subplots()
        xs = list(range(len(labels)))
        axes.bar(xs, values, color=BAR)
        for x, value in zip(xs, values, strict=True):
            axes.text(x, value, str(value), ha="center", va="bottom", fontsize=8)
        axes.set_xticks(xs, labels, fontsize=8)
        if title:
            axes.set_title(title, fontsize=10)
        axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def data_uri(svg: str) -> str:
    """The SVG as a ``data:`` URI (the only kind of URL the PDF renderer fetches, ``documents.pdf``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
