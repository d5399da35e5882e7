"""Where and when a remains unit was recovered: the date, the place's name and its coordinates.

The identification's place-and-date factor (:func:`homecoming.domain.evidence.place_date_factor`)
compares them with where and when the missing person was last seen. Recorded at registration (the
unit's fields) or afterwards on the unit's page and ``PATCH /remains/units/{id}/recovery``: one audited
update (before and after), the unit's version + 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from homecoming.app.audit import services as audit
from homecoming.app.audit.findings import field_value
from homecoming.app.remains.models import RemainsUnit
from homecoming.app.remains.services import _lock, recovery_coordinates
from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import Problem, ValidationError

FIELDS = ("date_of_recovery", "place", "recovery_latitude", "recovery_longitude")


@transaction.atomic
def record_recovery(
    *, actor: Any, unit_id: int, data: Mapping[str, Any], expected_version: int | None = None
) -> RemainsUnit:
    """Set the recovery fields given in ``data`` (a blank clears one); every problem at once."""
    problems = [
        Problem(k, "is not a recovery field", v, "use one of: " + ", ".join(FIELDS))
        for k, v in data.items()
        if k not in FIELDS
    ]
    clean: dict[str, Any] = {
        k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in FIELDS
    }
    if clean.get("date_of_recovery"):
        try:
            clean["date_of_recovery"] = str(
                PartialDate.parse(str(clean["date_of_recovery"]), field="date_of_recovery")
            )
        except ValidationError as exc:
            problems.extend(exc.problems)
    unit = _lock(unit_id, expected_version)
    coords = {
        "recovery_latitude": clean.get("recovery_latitude", unit.recovery_latitude),
        "recovery_longitude": clean.get("recovery_longitude", unit.recovery_longitude),
    }
    problems += recovery_coordinates(coords)
    if problems:
        raise ValidationError.from_problems(problems, "the recovery of " + unit.reference)
    clean.update(coords)
    clean["date_of_recovery"] = clean.get("date_of_recovery", unit.date_of_recovery) or ""
    clean["place"] = clean.get("place", unit.place) or ""
    before = {k: field_value(getattr(unit, k)) for k in FIELDS}
    for k in FIELDS:
        setattr(unit, k, clean[k])
    after = {k: field_value(getattr(unit, k)) for k in FIELDS}
    if after == before:
        return unit
    unit.version += 1
    unit.save(update_fields=[*FIELDS, "version"])
    audit.record(actor=actor, action="update", obj=unit, before=before, after=after, reason="recovery")
    return unit
