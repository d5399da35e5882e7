"""Case files with values of the wrong JSON type get one CaseFileError, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from homecoming.errors import CaseFileError, HypothesisError
from homecoming.kinship.cases import run_dvi_case
from homecoming.kinship.formats.case import read_case
from homecoming.kinship.formats.dvi import read_dvi_case
from shared_data import KINSHIP_CASES


def _dvi() -> dict[str, Any]:
    return json.loads((KINSHIP_CASES / "dvi-builtin-example1.json").read_text())


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (lambda d: d.__setitem__("markers", ["x"]), "wrong shape"),
        (lambda d: d.__setitem__("truth", {"pairs": [["V1"]]}), "wrong shape"),
        (
            lambda d: d["markers"][0].__setitem__("chromosome", "Y"),
            "markers[0].chromosome: unknown chromosome 'Y'",
        ),
    ],
)
def test_a_bad_dvi_case_is_named(change: Callable[[dict[str, Any]], None], text: str) -> None:
    doc = _dvi()
    change(doc)
    with pytest.raises(CaseFileError, match=text.replace("[", r"\[").replace("]", r"\]")):
        read_dvi_case(doc)


def test_samples_as_a_list_is_named() -> None:
    doc = json.loads((KINSHIP_CASES / "kin-004-parent-child-true.json").read_text())
    doc["samples"] = []
    with pytest.raises(CaseFileError, match="the kinship case has a value of the wrong shape"):
        read_case(doc)


def test_a_threshold_that_is_not_positive_is_refused() -> None:
    with pytest.raises(HypothesisError, match="threshold: must be a positive LR, got 0"):
        run_dvi_case(_dvi(), threshold=0)
