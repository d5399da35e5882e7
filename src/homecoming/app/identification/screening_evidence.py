"""The non-DNA evidence and the posterior of each candidate (:mod:`homecoming.domain.evidence`).

For a body (its remains unit: the examination's apparent sex and age range, the date of death or of
recovery) and a missing person (the registry person of the family's missing member: sex and birth
date; without one, the member's sex), three factors — sex, age, place and date — and the posterior
``DNA LR × factors × prior odds`` with the prior ``1/N``, N the missing persons in the run's scope.
The place and date factor compares the unit's recovery (coordinates, date) with the person's last
contact in their tracing case (:mod:`homecoming.app.identification.place_evidence`); without
coordinates or dates on a side it says "not assessed". A stored value that cannot be read (a malformed
partial date) leaves that factor out and names the problem in the candidate's evidence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from homecoming.app.genetics.models import FamilyMember
from homecoming.app.identification import body_estimates, place_evidence
from homecoming.app.remains.models import RemainsUnit
from homecoming.domain.evidence import Factor, age_factor, posterior, sex_factor
from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import HomecomingError


class Evidence:
    """Reads the units and missing persons once; :meth:`of` gives a candidate's evidence."""

    def __init__(self, unit_pks: Iterable[int], missing_pks: Iterable[int], n_in_scope: int) -> None:
        self.n = max(1, n_in_scope)
        self.units = {
            u["pk"]: u
            for u in RemainsUnit.objects.filter(pk__in=set(unit_pks)).values(
                "pk", "apparent_sex", "age_min", "age_max", *place_evidence.UNIT_FIELDS
            )
        }
        for pk, est in body_estimates.estimates(self.units).items():  # the examination's, where it said
            self.units[pk].update(apparent_sex=est["sex"], age_min=est["age_min"], age_max=est["age_max"])
        self.persons: dict[int, dict[str, Any]] = {}
        wanted = list(set(missing_pks))
        for lo in range(0, len(wanted), 500):
            rows = FamilyMember.objects.filter(pk__in=wanted[lo : lo + 500]).values(
                "pk", "sex", "person_id", "person__sex", "person__birth_date"
            )
            self.persons.update({r["pk"]: r for r in rows})
        self.seen = place_evidence.last_seen(p["person_id"] for p in self.persons.values())

    def of(
        self, unit_pk: int, missing_pk: int, dna_lr: float
    ) -> tuple[dict[str, Any], float | None, float | None]:
        """``(evidence JSON, prior, posterior)`` of one candidate (the posterior of a finite DNA LR)."""
        unit, person = self.units[unit_pk], self.persons[missing_pk]
        factors: list[Factor] = []
        problems: list[str] = []
        person_sex = person["person__sex"] if person["person__sex"] in ("male", "female") else person["sex"]
        death = _date(unit["date_of_death"] or unit["date_of_recovery"], "date of death", problems)
        birth = _date(person["person__birth_date"] or "", "birth date", problems)
        for make in (
            lambda: sex_factor(
                unit["apparent_sex"], person_sex if person_sex in ("male", "female") else "unknown"
            ),
            lambda: age_factor(unit["age_min"], unit["age_max"], birth, death),
            lambda: place_evidence.place_date(unit, self.seen.get(person["person_id"])),
        ):
            try:
                factors.append(make())
            except HomecomingError as exc:
                problems.append(str(exc).splitlines()[0])
        out: dict[str, Any] = {"factors": [f.as_dict() for f in factors], "n_in_scope": self.n}
        if problems:
            out["problems"] = problems
        if not math.isfinite(dna_lr):
            return out, 1 / self.n, None
        post = posterior(dna_lr, factors, self.n)
        out["posterior"] = post.as_dict()
        return out, post.prior, post.posterior


def _date(text: str, name: str, problems: list[str]) -> PartialDate | None:
    if not text:
        return None
    try:
        return PartialDate.parse(text, field=name)
    except HomecomingError as exc:
        problems.append(str(exc).splitlines()[0])
        return None
