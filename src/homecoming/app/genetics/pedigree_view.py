"""A reference family as a kinship :class:`Pedigree`, and the pedigree drawn as SVG (server-side).

The drawing follows the usual pedigree conventions: squares are males, circles females, diamonds
persons of unknown sex; a filled symbol is a typed member (a usable DNA profile), the missing person
has a double red outline and a question mark; generations are rows, a line joins the two parents and
drops to a bar over their children. Colours are SVG presentation attributes (no inline script, no
style attribute), so the page's Content-Security-Policy needs nothing extra.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Protocol

from django.utils.safestring import SafeString, mark_safe

from homecoming.kinship.model.pedigree import FEMALE, MALE, UNKNOWN, Pedigree

_SEX = {"male": MALE, "female": FEMALE}
SIZE, DX, DY, MARGIN = 34, 112, 150, 40
FONT_SIZE = 11
CHAR_WIDTH = 0.72 * FONT_SIZE  # an upper estimate of a glyph's advance (capitals, Cyrillic)
LINE_CHARS = 14  # a label's line: LINE_CHARS * CHAR_WIDTH < DX, so neighbours' labels never overlap
LABEL_LINES = 2  # a label longer than two lines ends in "…" (the whole text is in the member's title)
LINE_HEIGHT = 13


class MemberLike(Protocol):
    pk: int | None
    code: str
    sex: str
    father_id: int | None
    mother_id: int | None


def build_pedigree(members: Sequence[MemberLike]) -> Pedigree:
    """The pedigree of the given (live) members, ids = member codes; links to others are dropped."""
    index = {m.pk: i for i, m in enumerate(members)}
    return Pedigree(
        ids=tuple(m.code for m in members),
        father=tuple(index.get(m.father_id, -1) for m in members),
        mother=tuple(index.get(m.mother_id, -1) for m in members),
        sex=tuple(_SEX.get(m.sex, UNKNOWN) for m in members),
    )


def generations(ped: Pedigree) -> list[int]:
    """The row of each member: children below both parents, parents right above their first child."""
    n = len(ped)
    gen = [0] * n
    for _ in range(3):
        for _ in range(n):  # children below their parents (bounded: a cycle cannot loop for ever)
            moved = False
            for i in range(n):
                for p in (ped.father[i], ped.mother[i]):
                    if p >= 0 and gen[i] < gen[p] + 1:
                        gen[i], moved = gen[p] + 1, True
            if not moved:
                break
        for i in ped.founders:  # a married-in founder sits beside its partner
            kids = [c for c in range(n) if i in (ped.father[c], ped.mother[c])]
            if kids:
                gen[i] = max(gen[i], min(gen[c] for c in kids) - 1)
    return gen


def _order(ped: Pedigree, gen: list[int]) -> dict[int, float]:
    """A column for each member: barycentres of parents (down) and children (up), couples side by side."""
    n = len(ped)
    x = {i: float(i) for i in range(n)}
    rows: dict[int, list[int]] = {}
    for i in range(n):
        rows.setdefault(gen[i], []).append(i)
    kids = {i: [c for c in range(n) if i in (ped.father[c], ped.mother[c])] for i in range(n)}
    partner = {}
    for c in range(n):
        f, m = ped.father[c], ped.mother[c]
        if f >= 0 and m >= 0:
            partner.setdefault(f, m)
            partner.setdefault(m, f)
    for sweep in range(6):
        levels = sorted(rows) if sweep % 2 == 0 else sorted(rows, reverse=True)
        for g in levels:
            down = sweep % 2 == 0

            def key(i: int, down: bool = down) -> float:
                if down and ped.father[i] >= 0:
                    return (x[ped.father[i]] + x[ped.mother[i]]) / 2
                if kids[i]:
                    return sum(x[c] for c in kids[i]) / len(kids[i])
                return x[i]

            placed: list[int] = []
            for i in sorted(rows[g], key=lambda i: (key(i), i)):
                if i in placed:
                    continue
                mate = partner.get(i)
                if mate is not None and gen[mate] == g and mate not in placed:
                    pair = [i, mate] if ped.sex[i] != FEMALE else [mate, i]
                    placed += pair
                else:
                    placed.append(i)
            for col, i in enumerate(placed):
                x[i] = float(col)
    return x


@dataclass(frozen=True)
class Node:
    code: str
    label: str
    name: str
    typed: bool
    missing: bool


def _f(v: float) -> str:
    return f"{v:.0f}"


def wrap(text: str, width: int = LINE_CHARS, lines: int = LABEL_LINES) -> list[str]:
    """``text`` on at most ``lines`` lines of at most ``width`` characters, broken between words (a word
    longer than a line is cut); what does not fit ends in ``…``."""
    out: list[str] = []
    words = text.split()
    current = ""
    while words:
        word = words[0]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current, words = candidate, words[1:]
            continue
        if not current:  # a word longer than a line
            current, words = word[:width], [word[width:], *words[1:]]
        out.append(current)
        current = ""
        if len(out) == lines:
            break
    if current and len(out) < lines:
        out.append(current)
    if words:
        last = out[-1]
        out[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
    return out


def _lines(node: Node) -> int:
    """How many lines of text are under the member's symbol."""
    return max(1, sum(len(wrap(t)) for t in (node.code, node.label, node.name) if t))


def _symbol(cx: float, cy: float, sex: int, node: Node) -> str:
    fill = "#1f5f8b" if node.typed else "#ffffff"
    stroke = 'stroke="#b00020" stroke-width="3"' if node.missing else 'stroke="#222" stroke-width="1.5"'
    h = SIZE / 2
    x, y = _f(cx), _f(cy)
    if sex == MALE:
        shape = (
            f'<rect x="{_f(cx - h)}" y="{_f(cy - h)}" width="{SIZE}" height="{SIZE}" fill="{fill}" {stroke}/>'
        )
    elif sex == FEMALE:
        shape = f'<circle cx="{x}" cy="{y}" r="{_f(h)}" fill="{fill}" {stroke}/>'
    else:
        d = h + 3
        pts = f"{x},{_f(cy - d)} {_f(cx + d)},{y} {x},{_f(cy + d)} {_f(cx - d)},{y}"
        shape = f'<polygon points="{pts}" fill="{fill}" {stroke}/>'
    if node.missing:
        shape += (
            f'<circle cx="{x}" cy="{y}" r="{_f(h + 6)}" fill="none" stroke="#b00020" stroke-dasharray="4 3"/>'
            f'<text x="{x}" y="{_f(cy + 6)}" text-anchor="middle" font-size="18" fill="#b00020">?</text>'
        )
    texts = [t for t in (node.code, node.label, node.name) if t]
    k = 0
    for text in texts:
        spans = []
        for line in wrap(text):
            spans.append(f'<tspan x="{x}" y="{_f(cy + h + 16 + LINE_HEIGHT * k)}">{escape(line)}</tspan>')
            k += 1
        shape += f'<text text-anchor="middle">{"".join(spans)}</text>'
    title = escape(" · ".join(texts))
    return f'<g class="member" data-code="{escape(node.code)}"><title>{title}</title>{shape}</g>'


def draw(ped: Pedigree, nodes: Mapping[str, Node], *, title: str) -> SafeString:
    """The pedigree as an accessible SVG (``role="img"``, a ``<title>`` per member)."""
    if not len(ped):
        return mark_safe("")
    gen = generations(ped)
    col = _order(ped, gen)
    pos = {i: (MARGIN + col[i] * DX + SIZE, MARGIN + gen[i] * DY + SIZE / 2) for i in range(len(ped))}
    width = int(max(p[0] for p in pos.values()) + DX / 2 + 4)  # the widest label line fits in DX
    bottoms = [y + SIZE / 2 + 16 + LINE_HEIGHT * (_lines(nodes[ped.ids[i]]) - 1) for i, (_, y) in pos.items()]
    height = int(max(bottoms) + 10)
    lines: list[str] = []
    couples: dict[tuple[int, int], list[int]] = {}
    for c in range(len(ped)):
        if ped.father[c] >= 0 and ped.mother[c] >= 0:
            couples.setdefault((ped.father[c], ped.mother[c]), []).append(c)
    for (f, m), children in couples.items():
        (fx, fy), (mx, my) = pos[f], pos[m]
        lines.append(f'<line x1="{fx:.0f}" y1="{fy:.0f}" x2="{mx:.0f}" y2="{my:.0f}" stroke="#222"/>')
        midx, midy = (fx + mx) / 2, max(fy, my)
        bar = midy + DY - SIZE / 2 - 16  # just above the children, below the parents' labels
        xs = [pos[c][0] for c in children] + [midx]
        lines.append(f'<line x1="{midx:.0f}" y1="{midy:.0f}" x2="{midx:.0f}" y2="{bar:.0f}" stroke="#222"/>')
        lines.append(
            f'<line x1="{min(xs):.0f}" y1="{bar:.0f}" x2="{max(xs):.0f}" y2="{bar:.0f}" stroke="#222"/>'
        )
        for c in children:
            cx, cy = pos[c]
            top = cy - SIZE / 2 - 4
            lines.append(f'<line x1="{_f(cx)}" y1="{_f(bar)}" x2="{_f(cx)}" y2="{_f(top)}" stroke="#222"/>')
    symbols = [_symbol(*pos[i], ped.sex[i], nodes[ped.ids[i]]) for i in range(len(ped))]
    head = (
        f'<svg id="pedigree" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="{FONT_SIZE}"><title>{escape(title)}</title>'
    )
    return mark_safe(head + "".join(lines) + "".join(symbols) + "</svg>")


def typed_codes(members: Sequence[MemberLike], typed_pks: Collection[int]) -> set[str]:
    return {m.code for m in members if m.pk in typed_pks}
