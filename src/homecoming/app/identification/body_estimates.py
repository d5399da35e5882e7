"""What the forensic examination says of a body's sex and age, for the non-DNA evidence.

The latest post-mortem examination that determined the sex (not ``undetermined``) gives the sex, the
latest that gave an age range gives the age; where no examination did, the unit's registration estimate
(``apparent_sex``, ``age_min``–``age_max``) is used. Read in one query for a batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from homecoming.app.remains.models import Examination, RemainsUnit

UNDETERMINED = ("", "undetermined", "unknown")


def estimates(unit_pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Unit id -> ``{"sex", "age_min", "age_max"}`` (module docstring)."""
    wanted = set(unit_pks)
    out = {
        u["pk"]: {"sex": u["apparent_sex"] or "unknown", "age_min": u["age_min"], "age_max": u["age_max"]}
        for u in RemainsUnit.objects.filter(pk__in=wanted).values("pk", "apparent_sex", "age_min", "age_max")
    }
    exams = (
        Examination.objects.filter(unit_id__in=wanted)
        .order_by("examined_at", "id")
        .values_list("unit_id", "sex", "age_min", "age_max")
    )
    for unit, sex, age_min, age_max in exams:  # later examinations override earlier ones
        if sex not in UNDETERMINED:
            out[unit]["sex"] = sex
        if age_min is not None and age_max is not None:
            out[unit]["age_min"], out[unit]["age_max"] = age_min, age_max
    return out
