"""``HomecomingError.from_problems``: one error, of any class of the tree, for a list of problems."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

from homecoming.errors import HypothesisError, PedigreeError, Problem, ValidationError

A = Problem("age", "is negative", -1, "give a whole number of years")
B = Problem("sex", "is unknown", "x", "write male, female or unknown")
C = Problem("name", "is required", "", "give the name")


def test_one_problem_is_its_own_message_with_its_field_value_and_hint() -> None:
    error = ValidationError.from_problems([A], "the person")
    assert error.message == "age: is negative (got -1); give a whole number of years"
    assert (error.field, error.value, error.hint, error.problems) == ("age", -1, A.hint, [A])


def test_several_problems_are_counted_and_the_first_leads() -> None:
    error = ValidationError.from_problems([A, B, C], "the person")
    assert type(error) is ValidationError
    assert error.message == "3 problems in the person"
    assert (error.field, error.value, error.hint) == ("age", -1, A.hint)
    assert error.problems == [A, B, C]


def test_listed_problems_follow_the_count() -> None:
    error = PedigreeError.from_problems([A, B, C], "the pedigree", listed=None)
    assert type(error) is PedigreeError
    assert error.message == f"3 problems in the pedigree: {A}; {B}; {C}"
    assert HypothesisError.from_problems([A, B, C], "the DVI problem", listed=2).message == (
        f"3 problems in the DVI problem: {A}; {B}; and 1 more"
    )


def test_the_error_shape_shows_values_as_json() -> None:
    """Lists and dicts as JSON (not their Python text), non-finite numbers as text (strict JSON has none),
    anything else as its string."""
    error = ValidationError.from_problems(
        [Problem("lr", "is not a number", math.nan), Problem("alleles", "are too many", ("11", "12", "13"))],
        "the profile",
    )
    shape = error.as_dict()
    assert shape["value"] == "NaN"
    assert [p["value"] for p in shape["problems"]] == ["NaN", ["11", "12", "13"]]
    assert ValidationError("bad", value={"born": dt.date(1990, 5, 17)}).as_dict()["value"] == {
        "born": "1990-05-17"
    }
    assert ValidationError("bad", value=Path("a.csv")).as_dict()["value"] == "a.csv"
    json.dumps(shape, allow_nan=False)
