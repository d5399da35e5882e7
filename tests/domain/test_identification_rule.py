"""The Ukrainian identification rule: two close relatives typed, or one close relative with two methods."""

from __future__ import annotations

import pytest

from homecoming.domain.identification_rule import CLOSE_RELATIONS, RuleParameters, TypedRelative, check

STR = "autosomal_str"
Y = "y_str"


def rel(code: str, relation: str, *methods: str) -> TypedRelative:
    return TypedRelative.make(code, relation, methods)


def test_close_relatives_are_parents_children_and_full_siblings() -> None:
    assert {"father", "mother", "child", "full_sibling"} == CLOSE_RELATIONS


def test_two_close_relatives_meet_the_rule() -> None:
    result = check([rel("R2", "father", STR), rel("R3", "mother", STR)])
    assert (result.met, result.route, result.close_typed) == (True, "two_relatives", ("R2", "R3"))
    assert result.explanation == "2 close relatives typed (R2, R3); 2 needed"


def test_one_close_relative_with_two_methods_meets_the_rule() -> None:
    result = check([rel("R2", "father", STR, Y)])
    assert (result.met, result.route, result.multi_method) == (True, "two_methods", ("R2",))


@pytest.mark.parametrize(
    "relatives",
    [
        [],
        [rel("R2", "father", STR)],
        [rel("R2", "father", STR), rel("R3", "paternal_half_sibling", STR)],
        [rel("R2", "paternal_cousin", STR, Y)],  # two methods, but not a close relative
        [rel("R2", "father"), rel("R3", "mother")],  # untyped
    ],
)
def test_not_met(relatives: list[TypedRelative]) -> None:
    result = check(relatives)
    assert not result.met and result.route == ""
    assert "needed" in result.explanation


def test_the_parameters_are_explicit() -> None:
    far = [rel("R2", "paternal_cousin", STR, Y)]
    assert check(far, params=RuleParameters(one_must_be_close=False)).met
    three = RuleParameters(relatives_needed=3, methods_needed=3)
    assert not check([rel("A", "father", STR, Y), rel("B", "mother", STR)], params=three).met
    wide = RuleParameters(close=CLOSE_RELATIONS | {"paternal_half_sibling"})
    assert check([rel("A", "father", STR), rel("B", "paternal_half_sibling", STR)], params=wide).met
