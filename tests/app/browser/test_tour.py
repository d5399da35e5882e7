"""The tour (docs/tour.md) is made by ``python -m homecoming.tour``; CI runs it, so it cannot go stale.

The slow test builds a demo, serves it and walks the whole tour in Chromium: every page of every role must
answer and show what the tour says. The fast tests hold ``docs/tour.md`` to what the script writes and to
the pictures beside it.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from homecoming import tour

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "tour.md"


def test_the_tour_page_is_what_the_script_writes() -> None:
    assert DOC.read_text(encoding="utf-8") == tour.markdown(), "run: make tour"


def test_every_picture_of_the_tour_is_there_and_no_other() -> None:
    shown = re.findall(r"!\[[^\]]*\]\((tour/[^)]+\.png)\)", DOC.read_text(encoding="utf-8"))
    assert len(shown) == sum(len(stop.shots) for stop in tour.TOUR) >= 10
    for picture in shown:
        data = (ROOT / "docs" / picture).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", picture
    assert sorted(p.name for p in (ROOT / "docs" / "tour").glob("*.png")) == sorted(
        Path(p).name for p in shown
    )


def test_every_demo_user_and_the_family_have_their_part() -> None:
    from homecoming.app.demo import DEMO_USERS

    assert [stop.user for stop in tour.TOUR if stop.user] == list(DEMO_USERS)
    assert None in {stop.user for stop in tour.TOUR}  # the family, without an account


@pytest.mark.slow
def test_the_whole_tour_runs_against_a_fresh_demo(tmp_path: Path, browser: Any) -> None:
    data_dir = tmp_path / "demo"
    tour.build_demo(data_dir, persons=300)
    with tour.serving(data_dir) as url:
        written = tour.take(url, tmp_path / "out", browser=browser)
        # the demo's settings (HOMECOMING_DEMO) give the pages of production, not Django's technical ones
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with pytest.raises(urllib.error.HTTPError) as missing:
            opener.open(url + "/no-such-page/", timeout=60)
        body = missing.value.read().decode()
        assert missing.value.code == 404 and "URLconf" not in body and "Traceback" not in body
        assert 'href="/"' in body  # a way on
    assert [p.name for p in written] == [f"{s.name}.png" for stop in tour.TOUR for s in stop.shots]
    for picture in written:
        assert picture.stat().st_size > 10_000, picture  # a page, not an empty window
