"""A place as coordinates: latitude and longitude in decimal degrees (WGS 84), both or neither.

Where remains were recovered and where a missing person was last seen are recorded as two decimal
numbers beside the place's name; :func:`coordinate_problems` reads them from a form, the API or a file
(text with a point or a decimal comma, or a number), checks the ranges (latitude -90..90, longitude
-180..180) and that both are given or neither, and keeps six decimal places (about 0.1 m). Every problem
names the field, the value and the fix.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from homecoming.errors import Problem

PLACES = Decimal("0.000001")
"""Six decimal places: about 11 cm of latitude."""

_EXAMPLE = {"latitude": "48.015883", "longitude": "37.802850"}
_BOUNDS = {"latitude": (Decimal(-90), Decimal(90)), "longitude": (Decimal(-180), Decimal(180))}


def _degrees(field: str, kind: str, value: object, problems: list[Problem]) -> Decimal | None:
    """One coordinate as a Decimal of six places; None when absent (None or blank) or wrong."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    low, high = _BOUNDS[kind]
    hint = f"give the {kind} in decimal degrees from {low} to {high}, e.g. {_EXAMPLE[kind]}"
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        problems.append(Problem(field, f"is not a {kind}", value, hint))
        return None
    text = value.strip().replace(",", ".") if isinstance(value, str) else str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        problems.append(Problem(field, f"is not a number of degrees ({kind})", value, hint))
        return None
    if not number.is_finite():
        problems.append(Problem(field, f"is not a number of degrees ({kind})", value, hint))
        return None
    if not low <= number <= high:
        problems.append(Problem(field, f"is outside {low}..{high} (a {kind})", value, hint))
        return None
    return number.quantize(PLACES, rounding=ROUND_HALF_EVEN)


def coordinate_problems(
    latitude: object,
    longitude: object,
    *,
    latitude_field: str = "latitude",
    longitude_field: str = "longitude",
) -> tuple[tuple[Decimal, Decimal] | None, list[Problem]]:
    """``((latitude, longitude) or None, problems)``: both given and valid, or neither given.

    One coordinate without the other is a problem named on the missing one.
    """
    problems: list[Problem] = []
    lat = _degrees(latitude_field, "latitude", latitude, problems)
    lon = _degrees(longitude_field, "longitude", longitude, problems)
    given = {
        latitude_field: latitude is not None and not (isinstance(latitude, str) and not latitude.strip()),
        longitude_field: longitude is not None and not (isinstance(longitude, str) and not longitude.strip()),
    }
    if given[latitude_field] != given[longitude_field]:
        kind_of = {latitude_field: "latitude", longitude_field: "longitude"}
        missing, other = (
            (longitude_field, latitude_field) if given[latitude_field] else (latitude_field, longitude_field)
        )
        problems.append(
            Problem(
                missing,
                f"is missing while {other} is given",
                "",
                f"give {missing} too, in decimal degrees (e.g. {_EXAMPLE[kind_of[missing]]}), or neither",
            )
        )
    if problems or lat is None or lon is None:
        return None, problems
    return (lat, lon), problems


def as_floats(latitude: Decimal | None, longitude: Decimal | None) -> tuple[float, float] | None:
    """Stored coordinates as the ``(latitude, longitude)`` floats the evidence models take; None unless
    both are recorded."""
    if latitude is None or longitude is None:
        return None
    return float(latitude), float(longitude)


__all__ = ["PLACES", "as_floats", "coordinate_problems"]
