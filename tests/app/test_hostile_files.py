"""Issue 10 items 9-12: hostile files through the real importers, on the test database — every kind
of ``tests/hostile_files.py`` once per importer. ``benchmarks/hostile_files.py`` runs ≥ 300 per importer.
"""

from __future__ import annotations

import pytest

from hostile_files import IMPORTERS, generate, kinds, run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("importer", IMPORTERS)
def test_hostile_files_are_named_errors_with_no_partial_write_and_no_live_formula(importer: str) -> None:
    files = generate(importer, len(kinds()), seed=7)
    report = run(files)
    assert report.findings == []
    assert (report.tracebacks, report.partial_writes, report.live_formulas) == (0, 0, 0)
    assert report.imported >= 3 and report.refused >= len(files) // 2
