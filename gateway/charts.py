"""Charts drawn on the server as SVG: nothing loaded from anywhere, printable, and each one
beside the table that holds its numbers (the table is what screen readers read)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bar", "bar_chart"]

WIDTH = 560
ROW = 22
LABEL = 220
PALETTE = ("#1f5f99", "#c2702a")  # two series, distinct in grey print too


@dataclass(frozen=True)
class Bar:
    """One category with one value per series; None where a value is suppressed."""

    label: str
    values: tuple[float | None, ...]


def bar_chart(
    title: str, series: Sequence[str], bars: Sequence[Bar], *, unit: str = "", hidden: str = ""
) -> str:
    """Horizontal bars, one row per category and one bar per series, scaled to the largest."""
    top = max((v for b in bars for v in b.values if v is not None), default=0.0) or 1.0
    per_bar = ROW // max(1, len(series))
    height = 24 + len(bars) * (ROW + 6) + 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, name in enumerate(series):
        x = LABEL + i * 150
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[i % 2]}"/>'
            f'<text x="{x + 14}" y="13" font-size="11">{escape(name)}</text>'
        )
    for row, bar in enumerate(bars):
        y = 24 + row * (ROW + 6)
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + ROW / 2 + 4}" font-size="11" '
            f'text-anchor="end">{escape(_short(bar.label))}</text>'
        )
        for i, value in enumerate(bar.values):
            parts.append(_bar(y + i * per_bar, per_bar - 2, value, top, i, unit, hidden))
    parts.append("</svg>")
    return "".join(parts)


def _bar(y: float, h: int, value: float | None, top: float, i: int, unit: str, hidden: str) -> str:
    if value is None:
        return (
            f'<text x="{LABEL + 4}" y="{y + h - 2}" font-size="10" fill="#666">'
            f"{escape(hidden)}</text>"
        )
    width = max(1.0, (WIDTH - LABEL - 70) * value / top)
    return (
        f'<rect x="{LABEL}" y="{y}" width="{width:.1f}" height="{h}" fill="{PALETTE[i % 2]}"/>'
        f'<text x="{LABEL + width + 4:.1f}" y="{y + h - 2}" font-size="10">'
        f"{escape(_number(value))}{escape(unit)}</text>"
    )


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
