"""Candidates for a tracing request: registry persons and other requests, ranked; the officer confirms.

The sought person's names are folded into the registry's keys (``linkage.names``: case, accents,
Ukrainian-vs-Russian romanisation, given-name equivalents such as Александр ↔ Олександр), so a request
written in Russian, Ukrainian or Latin letters finds the person however the registry spells them. A
person (or another request) is a candidate when it shares a key of the surname or the service number
(with a common surname, those sharing the given name too are taken first: at most ``POOL`` are scored);
its score adds up what agrees:

=======================  =====
surname key               40
given-name key            25
patronymic key            10
service number (exact)    50
date of birth overlaps    20  (disagrees: −30)
unit (same text)           5
=======================  =====

Nothing is linked here: ``services.link_person`` and ``services.merge`` do that on the officer's word.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import prefetch_related_objects

from homecoming.app.registry.models import NameKey, Person
from homecoming.app.tracing.models import RequestNameKey, TracingRequest
from homecoming.domain.partial_dates import PartialDate
from homecoming.linkage.names import given_name_keys, name_keys

#: at most this many persons (or requests) sharing a surname key are scored
POOL = 2000

WEIGHTS = {
    "family_name": 40,
    "given_name": 25,
    "patronymic": 10,
    "service_number": 50,
    "birth_date": 20,
    "birth_date_differs": -30,
    "unit": 5,
}


@dataclass
class Candidate:
    score: int
    reasons: list[str] = field(default_factory=list)
    person: Person | None = None
    request: TracingRequest | None = None


def _keys(text: str, *, given: bool = False) -> set[str]:
    keyer = given_name_keys if given else name_keys
    found: set[str] = set()
    for word in text.replace("-", " ").split():
        found |= {k[:64] for k in keyer(word)}
    return found


def _birth_range(text: str) -> tuple[date, date] | None:
    if not text:
        return None
    try:
        pd = PartialDate.parse(text, field="birth_date", today=date(9999, 12, 31))
    except Exception:
        return None
    return pd.earliest(), pd.latest()


def _score(
    req: TracingRequest,
    keys: set[str],
    *,
    service_number: str,
    birth: tuple[date, date] | None,
    unit: str,
) -> Candidate:
    parts = {
        "family_name": _keys(req.family_name),
        "given_name": _keys(req.given_name, given=True),
        "patronymic": _keys(req.patronymic),
    }
    c = Candidate(score=0)
    for part, wanted in parts.items():
        if wanted and wanted & keys:
            c.score += WEIGHTS[part]
            c.reasons.append(part)
    if req.service_number and service_number and req.service_number == service_number:
        c.score += WEIGHTS["service_number"]
        c.reasons.append("service_number")
    mine = _birth_range(req.birth_date)
    if mine and birth:
        if mine[0] <= birth[1] and birth[0] <= mine[1]:
            c.score += WEIGHTS["birth_date"]
            c.reasons.append("birth_date")
        else:
            c.score += WEIGHTS["birth_date_differs"]
            c.reasons.append("birth_date_differs")
    if req.unit and unit and req.unit.strip().lower() == unit.strip().lower():
        c.score += WEIGHTS["unit"]
        c.reasons.append("unit")
    return c


def person_candidates(req: TracingRequest, *, limit: int = 20) -> list[Candidate]:
    """Registry persons that may be the sought person, best first (score, then reference)."""
    surname = _keys(req.family_name)
    given = _keys(req.given_name, given=True)
    ids: set[int] = set()
    if surname:
        by_surname = NameKey.objects.filter(key__in=sorted(surname)).values_list("person_id", flat=True)
        if given:
            # a common surname: the persons sharing the given name too come first (the database intersects)
            by_given = NameKey.objects.filter(key__in=sorted(given)).values_list("person_id", flat=True)
            ids |= set(by_surname.intersection(by_given).order_by()[:POOL])
        ids |= set(by_surname.order_by().distinct()[: POOL // 4])
    if req.service_number:
        ids |= set(Person.objects.filter(service_number=req.service_number).values_list("pk", flat=True)[:50])
    if not ids:
        return []
    keys: dict[int, set[str]] = defaultdict(set)
    for pid, key in NameKey.objects.filter(person_id__in=ids).values_list("person_id", "key"):
        keys[pid].add(key)
    found = []
    for person in Person.objects.filter(pk__in=ids, purged=False):
        birth = (person.birth_from, person.birth_to) if person.birth_from and person.birth_to else None
        c = _score(req, keys[person.pk], service_number=person.service_number, birth=birth, unit=person.unit)
        if c.score > 0:
            c.person = person
            found.append(c)
    found.sort(key=lambda c: (-c.score, c.person.reference if c.person else ""))
    found = found[:limit]
    prefetch_related_objects([c.person for c in found], "names")  # the names shown, for these only
    return found


def request_candidates(req: TracingRequest, *, limit: int = 10) -> list[Candidate]:
    """Other requests that may be about the same person (duplicates to merge), best first."""
    surname = _keys(req.family_name)
    others = TracingRequest.objects.exclude(pk=req.pk)
    ids: set[int] = set()
    if surname:
        ids |= set(
            RequestNameKey.objects.filter(key__in=sorted(surname))
            .exclude(request_id=req.pk)
            .values_list("request_id", flat=True)
            .distinct()[:POOL]
        )
    if req.service_number:
        ids |= set(others.filter(service_number=req.service_number).values_list("pk", flat=True)[:50])
    if not ids:
        return []
    keys: dict[int, set[str]] = defaultdict(set)
    for rid, key in RequestNameKey.objects.filter(request_id__in=ids).values_list("request_id", "key"):
        keys[rid].add(key)
    found = []
    for other in others.filter(pk__in=ids).select_related("merged_into"):
        c = _score(
            req,
            keys[other.pk],
            service_number=other.service_number,
            birth=_birth_range(other.birth_date),
            unit=other.unit,
        )
        if c.score > 0:
            c.request = other
            found.append(c)
    found.sort(key=lambda c: (-c.score, c.request.reference if c.request else ""))
    return found[:limit]
