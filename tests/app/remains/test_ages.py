"""An apparent age range on a unit and an examined age range are checked by one rule, with one message."""

from __future__ import annotations

from typing import Any

import pytest

from homecoming.app.remains import examinations, services
from homecoming.app.remains.models import Examination, RemainsUnit
from homecoming.errors import ValidationError

pytestmark = pytest.mark.django_db


def _unit(examiner: Any, batch: Any, ages: dict[str, Any]) -> Any:
    return services.register_unit(
        actor=examiner, batch=batch, data={"bag_number": "BAG-A", "kind": "body", **ages}
    )


def _exam(examiner: Any, bag: Any, ages: dict[str, Any]) -> Any:
    return examinations.record_examination(actor=examiner, unit=bag, data={"sex": "male", **ages})


REVERSED = ("age_max", "must not be below age_min (and at most 130)", 30, "give the range as from ≤ to")


def _outside(field: str, value: Any) -> tuple[str, str, Any, str]:
    return (field, "is not an age in years from 0 to 130", value, "give the age in whole years")


@pytest.mark.parametrize(
    ("ages", "expected"),
    [
        ({"age_min": 40, "age_max": 30}, [REVERSED]),
        ({"age_min": 20, "age_max": 131}, [_outside("age_max", 131)]),
        ({"age_min": -3}, [_outside("age_min", -3)]),
        ({"age_max": 200}, [_outside("age_max", 200)]),
        ({"age_min": -1, "age_max": 140}, [_outside("age_min", -1), _outside("age_max", 140)]),
        ({"age_min": "thirty"}, [_outside("age_min", "thirty")]),
    ],
)
def test_a_bad_age_range_is_named_the_same_way_on_a_unit_and_an_examination(
    examiner: Any, batch: Any, bag: Any, ages: dict[str, Any], expected: list[tuple[str, str, Any, str]]
) -> None:
    units_before = RemainsUnit.objects.count()
    with pytest.raises(ValidationError) as on_unit:
        _unit(examiner, batch, ages)
    with pytest.raises(ValidationError) as on_exam:
        _exam(examiner, bag, ages)
    for info in (on_unit, on_exam):
        assert [(p.field, p.message, p.value, p.hint) for p in info.value.problems] == expected
    assert RemainsUnit.objects.count() == units_before
    assert not Examination.objects.exists()


@pytest.mark.parametrize(
    "ages",
    [{"age_min": 25, "age_max": 35}, {"age_min": 30, "age_max": 30}, {"age_min": 0, "age_max": 130}],
)
def test_a_good_age_range_is_kept_on_a_unit_and_an_examination(
    examiner: Any, batch: Any, bag: Any, ages: dict[str, Any]
) -> None:
    unit = _unit(examiner, batch, ages)
    exam = _exam(examiner, bag, ages)
    unit.refresh_from_db()
    exam.refresh_from_db()
    expected = (ages["age_min"], ages["age_max"])
    assert (unit.age_min, unit.age_max) == (exam.age_min, exam.age_max) == expected
