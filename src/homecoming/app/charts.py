"""Small server-rendered SVG charts (no JavaScript, printable, accessible)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 560,
    bar_height: int = 22,
    colour: str = "#1f5f8b",
) -> SafeString:
    """A horizontal bar chart with the value written at the end of each bar."""
    label_w = 250
    top = 28
    height = top + bar_height * len(bars) + 8
    biggest = max((v for _, v in bars), default=0) or 1
    room = width - label_w - 60
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" '
        f'font-size="12"><title>{escape(title)}</title>',
        f'<text x="0" y="16" font-size="14" font-weight="600">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = top + i * bar_height
        w = room * value / biggest
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_height - 6}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{value:,.0f}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
