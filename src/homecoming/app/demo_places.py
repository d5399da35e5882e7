"""Synthetic coordinates for the demo: where each missing person was last seen, where each body was found.

The places are the demo's place names (``demo.PLACES``), each at a point in eastern or southern Ukraine,
moved at random by a few kilometres per record. A body whose true person (``DemoDna.truth``) has a last
contact with coordinates is recovered within about 10 km of it, 3 to 25 days after; every other body at
one of the places at random. So the demo's candidates show the place-and-date factor: near and after for
the true person, mostly far for the others. Each record's randomness is seeded by its own id, so the rest
of the demo (names, DNA) draws exactly what it drew before.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

PLACE_COORDINATES: dict[str, tuple[float, float]] = {
    "near Pokrovsk": (48.2820, 37.1760),
    "near Bakhmut": (48.5950, 38.0000),
    "near Vovchansk": (50.2900, 36.9410),
    "Zaporizhzhia direction": (47.5670, 35.7850),
    "Kupiansk direction": (49.7100, 37.6150),
    "Kherson region": (46.6350, 32.6170),
    "Donetsk region": (48.0160, 37.8030),
    "Luhansk region": (48.5740, 39.3080),
}
_JITTER = 0.05  # degrees: a few kilometres


def _point(rng: random.Random, place: str, spread: float = _JITTER) -> tuple[str, str]:
    lat, lon = PLACE_COORDINATES.get(place, PLACE_COORDINATES["Donetsk region"])
    return f"{lat + rng.uniform(-spread, spread):.6f}", f"{lon + rng.uniform(-spread, spread):.6f}"


def last_contact_coordinates(place: str, key: int) -> dict[str, str]:
    """The case fields ``last_contact_latitude`` / ``_longitude`` for ``place`` (seeded by ``key``)."""
    lat, lon = _point(random.Random(f"last-seen-{key}"), place)
    return {"last_contact_latitude": lat, "last_contact_longitude": lon}


def place_bodies(examiner: Any, units: Sequence[Any], true_persons: Sequence[int | None]) -> int:
    """Record where and when each body was recovered (``true_persons``: its person's id, or None); the
    number of bodies placed near their person's last contact."""
    from homecoming.app.identification.place_evidence import last_seen
    from homecoming.app.remains.recovery import record_recovery

    seen = last_seen(true_persons)
    today = date.today()
    near = 0
    for unit, person in zip(units, true_persons, strict=True):
        rng = random.Random(f"recovery-{unit.pk}")
        known = seen.get(person) if person is not None else None
        if known is not None and known.at is not None and len(known.on) == 10:  # a full date
            lat = f"{known.at[0] + rng.uniform(-0.06, 0.06):.6f}"
            lon = f"{known.at[1] + rng.uniform(-0.08, 0.08):.6f}"
            found = min(today, date.fromisoformat(known.on) + timedelta(days=rng.randint(3, 25)))
            near += 1
        else:
            lat, lon = _point(rng, rng.choice(sorted(PLACE_COORDINATES)))
            found = today - timedelta(days=rng.randint(30, 400))
        record_recovery(
            actor=examiner,
            unit_id=unit.pk,
            data={"date_of_recovery": found.isoformat(), "recovery_latitude": lat, "recovery_longitude": lon},
        )
    return near
