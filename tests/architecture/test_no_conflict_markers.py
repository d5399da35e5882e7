"""No file of the repository holds a merge's conflict markers (a template with one renders them as text)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)
KINDS = ("*.py", "*.html", "*.txt", "*.md", "*.po", "*.css", "*.js", "*.toml", "Makefile")


def test_no_conflict_markers_are_left() -> None:
    found = [
        str(path.relative_to(ROOT))
        for folder in ("src", "tests", "docs", "benchmarks")
        for kind in KINDS
        for path in (ROOT / folder).rglob(kind)
        if MARKER.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    found += [name for name in ("README.md", "Makefile") if MARKER.search((ROOT / name).read_text())]
    assert found == []
