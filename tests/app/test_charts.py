"""The dashboard's bar chart keeps every label whole (issue "A new user's first hour": the chart clipped
its longest label)."""

from __future__ import annotations

import re

from homecoming.app.charts import CHAR_PX, LABEL_CHARS, bar_chart


def _geometry(svg: str) -> tuple[float, float, list[float]]:
    width = float(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))  # type: ignore[union-attr]
    bars_x = float(re.search(r'<rect x="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    ends = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="end">', svg)]
    return width, bars_x, ends


def test_the_longest_ukrainian_label_fits_left_of_the_bars() -> None:
    long = "Вважається загиблим (без тіла)"  # 30 characters
    svg = bar_chart([(long, 3), ("Живий", 10)], title="Особи")
    width, bars_x, ends = _geometry(svg)
    for end in ends:  # each label ends left of the bars and starts inside the chart
        assert end < bars_x and end - len(long) * CHAR_PX >= 0
    assert width - bars_x >= 220 + 60  # room for the bars and their values


def test_a_very_long_label_is_shortened_with_its_whole_text_in_a_tooltip() -> None:
    label = "x" * (LABEL_CHARS + 20)
    svg = bar_chart([(label, 1)], title="t")
    assert f"<title>{label}</title>" in svg and "x" * (LABEL_CHARS - 1) + "…" in svg
    _width, bars_x, ends = _geometry(svg)
    assert ends[0] - LABEL_CHARS * CHAR_PX >= 0 and ends[0] < bars_x


def test_short_labels_keep_a_compact_chart() -> None:
    width, bars_x, _ends = _geometry(bar_chart([("a", 1)], title="t"))
    assert bars_x == 120 and width == 560
