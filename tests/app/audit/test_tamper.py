"""Every tamper case of issue 10 items 6–8 is detected and named (the cases of benchmarks/tamper.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location(
    "tamper_cases", Path(__file__).resolve().parents[3] / "benchmarks" / "tamper.py"
)
assert _spec is not None and _spec.loader is not None
tamper = importlib.util.module_from_spec(_spec)
sys.modules["tamper_cases"] = tamper  # dataclasses look their module up
_spec.loader.exec_module(tamper)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.AUDIT_SIGNING_KEY = str(tamper.signing_key(tmp_path))
    return tamper.build_world()


def test_the_untouched_world_verifies(world: dict[str, Any]) -> None:
    from homecoming.app.audit import services

    report = services.verify()
    assert report.ok, report.breaks
    assert report.heads_checked == 1
    assert report.rows_checked >= 8  # one row of each conclusion table


@pytest.mark.parametrize("case", tamper.cases(), ids=lambda c: c.name)
def test_every_tamper_case_is_detected(world: dict[str, Any], case: Any) -> None:
    detected, said = tamper.play(case, world)
    assert detected, f"{case.name}: verify said {said!r}"
