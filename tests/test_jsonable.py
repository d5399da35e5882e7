"""``homecoming.jsonable``: one walk making values JSON-ready, for case files, digests, audit, errors."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import math
import types
import uuid

import numpy as np
import pytest

from homecoming.jsonable import jsonable, nonfinite
from homecoming.provenance import canonical_json, digest


class Colour(enum.StrEnum):
    RED = "red"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (7, 7),
        (1.25, 1.25),
        ("х", "х"),
        (math.nan, "NaN"),
        (math.inf, "Inf"),
        (-math.inf, "-Inf"),
        (np.float64(2.5), 2.5),
        (Colour.RED, "red"),
        (dt.date(2024, 1, 2), "2024-01-02"),
        (dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "2024-01-02T03:04:05+00:00"),
        (dt.time(1, 2, 3), "01:02:03"),
        (decimal.Decimal("1.10"), "1.10"),
        (uuid.UUID(int=5), "00000000-0000-0000-0000-000000000005"),
        ({1: (2, {"a": math.nan})}, {"1": [2, {"a": "NaN"}]}),
        (types.MappingProxyType({"k": [1.5]}), {"k": [1.5]}),
        ({3}, [3]),
        (frozenset({4}), [4]),
    ],
)
def test_values_become_json_values(value: object, expected: object) -> None:
    assert jsonable(value) == expected
    json.dumps(jsonable(value), allow_nan=False)  # strict JSON


def test_what_is_left_goes_to_default_or_stays_for_json_to_refuse() -> None:
    thing = object()
    assert jsonable([thing], default=lambda v: "thing") == ["thing"]
    assert jsonable({"x": thing})["x"] is thing
    with pytest.raises(TypeError):
        json.dumps(jsonable({"x": thing}))


def test_nonfinite_spells_only_non_finite_numbers() -> None:
    assert [nonfinite(x) for x in (math.nan, math.inf, -math.inf, 0.0, -1e308)] == [
        "NaN",
        "Inf",
        "-Inf",
        None,
        None,
    ]


def test_canonical_json_and_digests_are_those_of_before_the_shared_walk() -> None:
    value = {
        "b": [1, 2.5, math.nan],
        "a": "ü",
        "c": None,
        "d": (True, -math.inf, math.inf),
        "e": {"x": {"y": []}},
    }
    assert (
        canonical_json(value)
        == '{"a":"ü","b":[1,2.5,"NaN"],"c":null,"d":[true,"-Inf","Inf"],"e":{"x":{"y":[]}}}'
    )
    # the digest the provenance of stored results carries: computed with the code before this module
    assert digest(value) == "6f4555cb4975e9c8ece6e1efbad588c0c2fdae6eb781d9e42db3b0dfc215a989"
