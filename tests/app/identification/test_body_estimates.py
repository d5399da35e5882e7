"""The body's sex and age for the non-DNA evidence: the examination's, else the registration's estimate."""

from __future__ import annotations

from typing import Any

import pytest

from homecoming.app.identification.body_estimates import estimates
from homecoming.app.remains import examinations

from . import report_world as w

pytestmark = pytest.mark.django_db


def test_the_latest_examination_that_said_it_gives_sex_and_age(make_user: Any) -> None:
    examiner = make_user("forensic_examiner")
    unit = w.body(examiner, w.trio()["body"])
    before = estimates([unit.pk])[unit.pk]
    assert before == {"sex": unit.apparent_sex or "unknown", "age_min": unit.age_min, "age_max": unit.age_max}
    examinations.record_examination(
        actor=examiner, unit=unit, data={"sex": "female", "age_min": 30, "age_max": 40}
    )
    examinations.record_examination(actor=examiner, unit=unit, data={"sex": "undetermined"})  # says nothing
    assert estimates([unit.pk])[unit.pk] == {"sex": "female", "age_min": 30, "age_max": 40}
    examinations.record_examination(
        actor=examiner, unit=unit, data={"sex": "male", "age_min": 25, "age_max": 35}
    )
    assert estimates([unit.pk])[unit.pk] == {"sex": "male", "age_min": 25, "age_max": 35}
