"""The ledger chart: cumulative deliveries each way over time against the quota (server-side SVG).

Time runs along the x axis; one line per direction; the quota is a dashed horizontal line; a point whose
count is approximate (or follows one) is drawn hollow, one whose date was inferred has a dotted ring, one
whose manifest and figure disagree with no accepted decision has a red ring.

Deliveries without a date cannot be placed in time, but the chart must end where the table ends: they are
drawn in a separate "undated" column after the dated axis, the line continuing dashed from the last dated
total to the total with the undated deliveries (always approximate, so hollow). The last value of each
series (``data-cumulative`` of its last point) is the table's total (``Series.total_with_undated``).
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from homecoming.app.charts import nice_ticks
from homecoming.app.counts import count
from homecoming.app.exchanges.ledger import Series

COLOURS = ("#1f5f8b", "#b35806", "#4d9221", "#762a83")
DISPUTED = "#c00"


def _scale(lo: float, hi: float, a: float, b: float) -> tuple[float, float]:
    span = (hi - lo) or 1.0
    return (b - a) / span, a - lo * (b - a) / span


def _n(value: int) -> str:
    return count(value)


def _day(day: date) -> str:
    """A day of the axis in the page's language (``17 лип. 2025``, ``17 Jul 2025``)."""
    return escape(date_format(day, "j M Y"))


def ledger_chart(series: list[Series], *, title: str, width: int = 1080, height: int = 360) -> SafeString:
    """The chart as SVG drawn ``width`` units wide; it is as wide as its card (``width="100%"``), the
    y axis in round steps (1, 2 or 5 times a power of ten) up to the first one above every value."""
    left, right, top, bottom = 60, 220, 30, 40
    dated = [p.date for s in series for p in s.points]
    has_undated = any(s.undated for s in series)
    if not dated and not has_undated:
        return mark_safe(f'<p class="muted">{escape(title)}: {escape(_("no deliveries yet."))}</p>')
    column = 70 if has_undated else 0  # the "undated" column, after the dated axis
    axis_end = width - right - column
    first, last = (min(dated), max(dated)) if dated else (date.today(), date.today())
    start, end = first - timedelta(days=7), last + timedelta(days=7)
    ymax = max(
        [s.total_with_undated for s in series]
        + [s.delivered for s in series]
        + [s.quota or 0 for s in series]
        + [1]
    )
    ticks = nice_ticks(ymax)
    ymax = ticks[-1]
    kx, cx = _scale(start.toordinal(), end.toordinal(), left, axis_end)
    ky, cy = _scale(0, ymax, height - bottom, top)
    xu = axis_end + column / 2

    def x(d: date) -> float:
        return kx * d.toordinal() + cx

    def y(v: float) -> float:
        return ky * v + cy

    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" style="display:block;height:auto" '
        f'data-ymax="{ymax}" data-ticks="{",".join(map(str, ticks))}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-size="13" font-weight="600">{escape(title)}</text>',
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{y(0):.1f}" stroke="#999"/>',
    ]
    for tick in ticks:
        if tick:
            parts.append(
                f'<line class="grid" x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
                f'stroke="#e3e6eb"/>'
            )
        parts.append(
            f'<text class="tick" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{_n(tick)}</text>'
        )
    if dated:
        parts.append(
            f'<text x="{left}" y="{height - 22}">{_day(first)}</text>'
            f'<text x="{axis_end}" y="{height - 22}" text-anchor="end">{_day(last)}</text>'
        )
    if has_undated:
        parts.append(
            f'<line class="undated-column" x1="{axis_end + 4}" y1="{top}" x2="{axis_end + 4}" '
            f'y2="{y(0):.1f}" stroke="#999" stroke-dasharray="3 3"/>'
            f'<text x="{xu:.1f}" y="{height - 22}" text-anchor="middle">{escape(_("undated"))}</text>'
        )
    quotas_drawn: set[int] = set()
    for i, s in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        key = f"{s.sending} → {s.receiving} ({s.category})"  # the series' key (data-label), codes
        label = f"{s.sending} → {s.receiving} ({s.category_name})"  # what the reader sees
        if s.quota and s.quota not in quotas_drawn:
            quotas_drawn.add(s.quota)
            parts.append(
                f'<line class="quota" x1="{left}" y1="{y(s.quota):.1f}" x2="{width - right}" '
                f'y2="{y(s.quota):.1f}" stroke="#c00" stroke-dasharray="6 4"/>'
                f'<text x="{left + 4}" y="{y(s.quota) - 4:.1f}" fill="#c00">'
                f"{escape(_('quota %(n)s') % {'n': _n(s.quota)})}</text>"
            )
        parts.append(f'<g class="series" data-label="{escape(key)}" data-total="{s.total_with_undated}">')
        coords = " ".join(f"{x(p.date):.1f},{y(p.cumulative):.1f}" for p in s.points)
        if coords:
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for p in s.points:
            fill = "white" if p.approximate else colour
            cls = "point" + (" approximate" if p.approximate else "") + (" disputed" if p.disputed else "")
            ring = ' stroke-dasharray="2 2"' if p.date_inferred else ""
            tip = (
                f"{label}: {p.operation} {p.date.isoformat()}"
                f"{_(' (date inferred)') if p.date_inferred else ''}, "
                f"+{_n(p.delivered)} → {_n(p.cumulative)}{_(' (approximate)') if p.approximate else ''}"
            )
            if p.disputed:
                tip += "; " + _("the manifest disagrees with the figure: the figure is kept until decided")
                parts.append(
                    f'<circle cx="{x(p.date):.1f}" cy="{y(p.cumulative):.1f}" r="8" fill="none" '
                    f'stroke="{DISPUTED}" stroke-width="1.5"/>'
                )
            parts.append(
                f'<circle class="{cls}" cx="{x(p.date):.1f}" cy="{y(p.cumulative):.1f}" r="4" '
                f'fill="{fill}" stroke="{colour}" stroke-width="2"{ring} data-cumulative="{p.cumulative}">'
                f"<title>{escape(tip)}</title></circle>"
            )
        if s.undated:
            undated = sum(d.delivered for d in s.undated)
            over = any(d.qualifier == "lower_bound" for d in s.undated)
            x0, y0 = (x(s.points[-1].date), y(s.delivered)) if s.points else (left, y(0))
            parts.append(
                f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{xu:.1f}" y2="{y(s.total_with_undated):.1f}" '
                f'stroke="{colour}" stroke-width="2" stroke-dasharray="4 3"/>'
            )
            what = "; ".join(f"{d.operation}: {_n(d.delivered)} ({d.date_note})" for d in s.undated)
            added = (_("over %(n)s") if over else "%(n)s") % {"n": _n(undated)}
            tip = _("%(label)s: undated deliveries %(added)s (%(what)s) → ≈ %(total)s") % {
                "label": label,
                "added": added,
                "what": what,
                "total": _n(s.total_with_undated),
            }
            disputed = " disputed" if any(d.open for d in s.undated) else ""
            parts.append(
                f'<circle class="point undated approximate{disputed}" cx="{xu:.1f}" '
                f'cy="{y(s.total_with_undated):.1f}" r="4" fill="white" stroke="{colour}" stroke-width="2" '
                f'data-cumulative="{s.total_with_undated}"><title>{escape(tip)}</title></circle>'
                f'<text x="{xu:.1f}" y="{y(s.total_with_undated) - 8:.1f}" text-anchor="middle" '
                f'fill="{colour}">≈ {_n(s.total_with_undated)}</text>'
            )
        parts.append("</g>")
        ly = top + 16 * i
        parts.append(
            f'<rect x="{width - right + 4}" y="{ly + 20}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{width - right + 18}" y="{ly + 29}">{escape(label)}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 6}" fill="#555">'
        + escape(
            _(
                "filled point: exact; hollow: approximate; dotted ring: date inferred; red ring: manifest "
                "and figure disagree"
            )
        )
        + "</text></svg>"
    )
    return mark_safe("".join(parts))
