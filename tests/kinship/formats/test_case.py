"""Every shared reference case agrees with the pedsuite to relative 1e-9 (per marker and total)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from homecoming.errors import CaseFileError
from homecoming.kinship import jsonable, read_case, run_kinship_case
from homecoming.kinship.formats.case import number
from shared_data import KINSHIP_CASES, MISSING

CASES = sorted(KINSHIP_CASES.glob("kin-*.json"))


def value(x: Any) -> float:
    return number(x)


def close(got: float, want: float) -> bool:
    if math.isnan(want):
        return math.isnan(got)
    if math.isinf(want) or want == 0:
        return got == want
    return abs(got - want) <= 1e-9 * abs(want)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_reference_case(path: Path) -> None:
    case = read_case(path)
    got = run_kinship_case(case)
    want = case.expected
    assert want is not None
    assert close(got["lr_total"], value(want["lr_total"]))
    assert close(got["log_lr_total"], value(want["log_lr_total"]))
    assert got["n_markers"] == want["n_markers"]
    assert got["n_markers_lr_zero"] == want["n_markers_lr_zero"]
    for h, v in want.get("loglik_total", {}).items():
        assert close(got["loglik_total"][h], value(v))
    for g, w in zip(got["per_marker"], want["per_marker"], strict=True):
        assert g["marker"] == w["marker"]
        assert close(g["lr"], value(w["lr"])), g["marker"]
        for h, v in w.get("loglik", {}).items():
            assert close(g["loglik"][h], value(v)), (g["marker"], h)


def test_numbers_read_inf_and_nan() -> None:
    assert number("Inf") == math.inf and number("-Inf") == -math.inf and math.isnan(number("NaN"))
    with pytest.raises(CaseFileError):
        number("lots")
    assert jsonable({"x": [math.inf, -math.inf, math.nan, 1.5]}) == {"x": ["Inf", "-Inf", "NaN", 1.5]}


def test_bad_case_file_names_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CaseFileError, match="line 1"):
        read_case(bad)
    bad.write_text(json.dumps({"kind": "kinship", "markers": []}))
    with pytest.raises(CaseFileError, match="samples"):
        read_case(bad)
    with pytest.raises(CaseFileError, match=r"(?i)no such"):
        read_case(tmp_path / "missing.json")


def test_output_is_json_in_the_expected_shape() -> None:
    assert CASES, MISSING
    out = json.loads(json.dumps(jsonable(run_kinship_case(CASES[0]))))
    assert {
        "lr_total",
        "log_lr_total",
        "loglik_total",
        "n_markers",
        "n_markers_lr_zero",
        "per_marker",
        "model",
        "provenance",
    } <= set(out)
