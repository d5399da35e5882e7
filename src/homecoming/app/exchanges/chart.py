"""The ledger chart: cumulative deliveries each way over time against the quota (server-side SVG).

Time runs along the x axis; one line per direction; the quota is a dashed horizontal line; a point whose
count is approximate (or follows one) is drawn hollow, one whose date was inferred has a dotted ring;
deliveries without a date are written beside the chart, never placed on the time axis.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from django.utils.safestring import SafeString, mark_safe

from homecoming.app.exchanges.ledger import Series

COLOURS = ("#1f5f8b", "#b35806", "#4d9221", "#762a83")


def _scale(lo: float, hi: float, a: float, b: float) -> tuple[float, float]:
    span = (hi - lo) or 1.0
    return (b - a) / span, a - lo * (b - a) / span


def ledger_chart(series: list[Series], *, title: str, width: int = 700, height: int = 300) -> SafeString:
    left, right, top, bottom = 60, 200, 30, 40
    dated = [p.date for s in series for p in s.points]
    if not dated:
        return mark_safe(f'<p class="muted">{escape(title)}: no dated deliveries yet.</p>')
    start, end = min(dated) - timedelta(days=7), max(dated) + timedelta(days=7)
    ymax = max([p.cumulative for s in series for p in s.points] + [s.quota or 0 for s in series] + [1])
    ymax = int(ymax * 1.1) + 1
    kx, cx = _scale(start.toordinal(), end.toordinal(), left, width - right)
    ky, cy = _scale(0, ymax, height - bottom, top)

    def x(d: date) -> float:
        return kx * d.toordinal() + cx

    def y(v: float) -> float:
        return ky * v + cy

    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-size="13" font-weight="600">{escape(title)}</text>',
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{y(0):.1f}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{y(0):.1f}" text-anchor="end">0</text>',
        f'<text x="{left - 6}" y="{y(ymax) + 4:.1f}" text-anchor="end">{ymax:,}</text>',
        f'<text x="{left}" y="{height - 22}">{start + timedelta(days=7):%d %b %Y}</text>',
        f'<text x="{width - right}" y="{height - 22}" text-anchor="end">'
        f"{end - timedelta(days=7):%d %b %Y}</text>",
    ]
    quotas_drawn: set[int] = set()
    for i, s in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        label = f"{s.sending} → {s.receiving} ({s.category})"
        if s.quota and s.quota not in quotas_drawn:
            quotas_drawn.add(s.quota)
            parts.append(
                f'<line class="quota" x1="{left}" y1="{y(s.quota):.1f}" x2="{width - right}" '
                f'y2="{y(s.quota):.1f}" stroke="#c00" stroke-dasharray="6 4"/>'
                f'<text x="{left + 4}" y="{y(s.quota) - 4:.1f}" fill="#c00">quota {s.quota:,}</text>'
            )
        coords = " ".join(f"{x(p.date):.1f},{y(p.cumulative):.1f}" for p in s.points)
        if coords:
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for p in s.points:
            fill = "white" if p.approximate else colour
            cls = "point approximate" if p.approximate else "point"
            ring = ' stroke-dasharray="2 2"' if p.date_inferred else ""
            tip = (
                f"{label}: {p.operation} {p.date.isoformat()}"
                f"{' (date inferred)' if p.date_inferred else ''}, "
                f"+{p.delivered:,} → {p.cumulative:,}{' (approximate)' if p.approximate else ''}"
            )
            parts.append(
                f'<circle class="{cls}" cx="{x(p.date):.1f}" cy="{y(p.cumulative):.1f}" r="4" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2"{ring}><title>{escape(tip)}</title></circle>'
            )
        ly = top + 16 * i
        parts.append(
            f'<rect x="{width - right + 4}" y="{ly + 20}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{width - right + 18}" y="{ly + 29}">{escape(label)}</text>'
        )
        undated = sum(d.delivered for d in s.undated)
        over = "over " if any(d.qualifier == "lower_bound" for d in s.undated) else ""
        if undated:
            parts.append(
                f'<text class="undated" x="{width - right + 18}" y="{ly + 29 + 16 * len(series)}" '
                f'fill="{colour}">{escape(f"+ {over}{undated:,} not dated")}</text>'
            )
    parts.append(
        f'<text x="{left}" y="{height - 6}" fill="#555">filled point: exact; hollow: approximate; '
        "dotted ring: date inferred</text></svg>"
    )
    return mark_safe("".join(parts))
