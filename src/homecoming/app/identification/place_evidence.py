"""The place-and-date factor from the records: where and when a body was recovered against where and when
the missing person was last seen (:func:`homecoming.domain.evidence.place_date_factor`).

The body's side is its remains unit: the recovery coordinates and the date of recovery (the date of death
when no recovery date is recorded). The person's side is a tracing case of the person: the most recently
opened one that records coordinates (else the most recent with a last-contact date), its last-contact
coordinates and date. A part with no data on either side counts as 1 and the factor says so; with
neither part, the factor is "not assessed". Used alike by the screening job and the comparison reports,
so a candidate's factor and its report's are the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from homecoming.app.registry.models import MissingCase
from homecoming.domain.coordinates import as_floats
from homecoming.domain.evidence import Factor, place_date_factor
from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import HomecomingError

UNIT_FIELDS = ("date_of_recovery", "date_of_death", "recovery_latitude", "recovery_longitude")
"""The remains unit's fields the factor reads (``values()`` of the screening, attributes of a report)."""


@dataclass(frozen=True)
class LastSeen:
    """Where (latitude, longitude) and when (a partial date's text) a person was last seen."""

    at: tuple[float, float] | None
    on: str


def last_seen(person_ids: Iterable[int | None]) -> dict[int, LastSeen]:
    """Each person's last-seen place and date, from their tracing cases (persons without one left out)."""
    wanted = sorted({p for p in person_ids if p is not None})
    out: dict[int, LastSeen] = {}
    for lo in range(0, len(wanted), 500):
        rows = (
            MissingCase.objects.filter(person_id__in=wanted[lo : lo + 500])
            .order_by("-opened", "-id")
            .values("person_id", "last_contact_date", "last_contact_latitude", "last_contact_longitude")
        )
        for r in rows:  # newest first: the first case with coordinates, else the first with a date
            seen = LastSeen(
                as_floats(r["last_contact_latitude"], r["last_contact_longitude"]),
                r["last_contact_date"] or "",
            )
            known = out.get(r["person_id"])
            if known is None:
                better = seen.at is not None or bool(seen.on)
            else:
                better = known.at is None and seen.at is not None
            if better:
                out[r["person_id"]] = seen
    return out


def _date(text: str) -> PartialDate | None:
    try:
        return PartialDate.parse(text) if text else None
    except HomecomingError:  # a malformed stored date: the age factor names it; here the part is missing
        return None


def unit_values(unit: Any) -> dict[str, Any]:
    """The fields of :data:`UNIT_FIELDS` of a remains unit object."""
    return {k: getattr(unit, k) for k in UNIT_FIELDS}


def place_date(unit: Mapping[str, Any], seen: LastSeen | None) -> Factor:
    """The factor for one body (``unit``: the values of :data:`UNIT_FIELDS`) and one person."""
    found_at = as_floats(unit.get("recovery_latitude"), unit.get("recovery_longitude"))
    found_on = _date(unit.get("date_of_recovery") or "") or _date(unit.get("date_of_death") or "")
    if seen is None:
        return place_date_factor(found_at, found_on, None, None)
    return place_date_factor(found_at, found_on, seen.at, _date(seen.on))
