"""Small server-rendered SVG charts (no JavaScript, printable, accessible)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from homecoming.app.counts import count


def nice_ticks(hi: float, *, most: int = 6) -> list[int]:
    """Round axis ticks from 0 to at least ``hi``: a step of 1, 2 or 5 times a power of ten, chosen so
    there are at most ``most`` intervals (``hi`` 6,000 gives 0, 2,000, 4,000, 6,000 — not 0 and 6,601)."""
    hi = max(float(hi), 1.0)
    magnitude = 10 ** math.floor(math.log10(hi / most)) if hi / most >= 1 else 1
    step = next(
        m * magnitude * k for k in (1, 10, 100) for m in (1, 2, 5) if hi / (m * magnitude * k) <= most
    )
    top = math.ceil(hi / step) * step
    return [int(v) for v in range(0, int(top) + 1, int(step))]


#: the widest a character of the 12 px labels is taken to be (generous: Cyrillic capitals, digits, "ш")
CHAR_PX = 7.5
#: a label longer than this is shortened with "…" (its whole text in a tooltip)
LABEL_CHARS = 48
#: the least room left for the bars, however long the labels
MIN_BAR_ROOM = 220


def label_width(labels: Iterable[str], *, least: int = 120) -> int:
    """The width (px) of a chart's labels' column: the longest label, as shown, and a margin."""
    longest = max((min(len(str(label)), LABEL_CHARS) for label in labels), default=0)
    return max(least, int(longest * CHAR_PX) + 16)


def _label(label: str) -> str:
    text = str(label)
    if len(text) <= LABEL_CHARS:
        return escape(text)
    return f"<title>{escape(text)}</title>{escape(text[: LABEL_CHARS - 1])}…"


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 560,
    bar_height: int = 22,
    colour: str = "#1f5f8b",
) -> SafeString:
    """A horizontal bar chart with the value written at the end of each bar.

    The labels' column is as wide as the longest label needs (:func:`label_width`), the chart growing
    to keep room for the bars: a long label (a Ukrainian status) is never cut at the chart's left edge.
    A label longer than :data:`LABEL_CHARS` is shortened with "…", its whole text in its tooltip.
    """
    label_w = label_width(label for label, _ in bars)
    width = max(width, label_w + 60 + MIN_BAR_ROOM)
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
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_label(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_height - 6}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{count(round(value))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


#: evidence for (a match weight above 0) and against
FOR_COLOUR = "#2e7d32"
AGAINST_COLOUR = "#c62828"


def weight_chart(
    groups: Sequence[tuple[str, Sequence[tuple[str, float, str]]]],
    *,
    title: str,
    width: int = 760,
    bar_height: int = 20,
) -> SafeString:
    """A horizontal bar chart of signed weights around a zero line: each group a heading, then its bars
    (label, value, the value as written), positive ones green to the right, negative red to the left."""
    label_w = 300
    top = 28
    rows = sum(1 + len(bars) for _, bars in groups)
    height = top + bar_height * rows + 8
    biggest = max((abs(v) for _, bars in groups for _, v, _ in bars if v == v), default=0) or 1
    half = (width - label_w - 100) / 2
    zero = label_w + 50 + half
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" '
        f'font-size="12"><title>{escape(title)}</title>',
        f'<text x="0" y="16" font-size="14" font-weight="600">{escape(title)}</text>',
        f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{height - 4}" stroke="#555"/>',
    ]
    row = 0
    for heading, bars in groups:
        y = top + row * bar_height
        parts.append(f'<text x="0" y="{y + 15}" font-weight="600">{escape(heading)}</text>')
        row += 1
        for label, value, text in bars:
            y = top + row * bar_height
            row += 1
            parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
            if value != value:  # NaN: no weight
                parts.append(f'<text x="{zero + 6:.1f}" y="{y + 15}">{escape(text)}</text>')
                continue
            w = half * abs(value) / biggest
            x = zero if value >= 0 else zero - w
            colour = FOR_COLOUR if value >= 0 else AGAINST_COLOUR
            kind = "for" if value >= 0 else "against"
            parts.append(
                f'<rect class="{kind}" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{bar_height - 6}" '
                f'fill="{colour}"><title>{escape(label)}: {escape(text)}</title></rect>'
            )
            if value >= 0:
                parts.append(f'<text x="{zero + w + 4:.1f}" y="{y + 15}">{escape(text)}</text>')
            else:
                parts.append(
                    f'<text x="{zero - w - 4:.1f}" y="{y + 15}" text-anchor="end">{escape(text)}</text>'
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))
