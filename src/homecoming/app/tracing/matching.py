"""Candidates for a tracing request: registry persons and other requests, ranked; the officer confirms.

The sought person's names are folded into the registry's keys (``linkage.names``: case, accents,
Ukrainian-vs-Russian romanisation, given-name equivalents such as Александр ↔ Олександр), so a request
written in Russian, Ukrainian or Latin letters finds the person however the registry spells them. A
person (or another request) is a candidate when it shares a key of the surname or the service number
(with a common surname, the database ranks them by how many given-name and patronymic keys they share
too, and only the first ``POOL`` are scored here);
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
from functools import lru_cache
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Value

from homecoming.app.registry.models import NameKey, Person
from homecoming.app.tracing.models import RequestNameKey, TracingRequest
from homecoming.domain.partial_dates import PartialDate
from homecoming.linkage.names import given_name_keys, name_keys

#: at most this many persons (or requests) sharing a surname key are scored: those sharing most name keys
POOL = 300
#: a surname shared by at most this many owners is read first, the other names counted among them
RARE = 2000

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


@lru_cache(maxsize=4096)
def _birth_range(text: str) -> tuple[date, date] | None:
    if not text:
        return None
    try:
        pd = PartialDate.parse(text, field="birth_date", today=date(9999, 12, 31))
    except Exception:
        return None
    return pd.earliest(), pd.latest()


@dataclass(frozen=True)
class _Sought:
    """The request's keys and birth range, folded once for all the candidates it is scored against."""

    parts: dict[str, set[str]]
    service_number: str
    birth: tuple[date, date] | None
    unit: str

    @classmethod
    def of(cls, req: TracingRequest) -> _Sought:
        return cls(
            parts={
                "family_name": _keys(req.family_name),
                "given_name": _keys(req.given_name, given=True),
                "patronymic": _keys(req.patronymic),
            },
            service_number=req.service_number,
            birth=_birth_range(req.birth_date),
            unit=req.unit.strip().lower(),
        )


def _score(
    sought: _Sought,
    keys: set[str],
    *,
    service_number: str,
    birth: tuple[date, date] | None,
    unit: str,
) -> Candidate:
    c = Candidate(score=0)
    for part, wanted in sought.parts.items():
        if wanted and not wanted.isdisjoint(keys):
            c.score += WEIGHTS[part]
            c.reasons.append(part)
    if sought.service_number and service_number and sought.service_number == service_number:
        c.score += WEIGHTS["service_number"]
        c.reasons.append("service_number")
    mine = sought.birth
    if mine and birth:
        if mine[0] <= birth[1] and birth[0] <= mine[1]:
            c.score += WEIGHTS["birth_date"]
            c.reasons.append("birth_date")
        else:
            c.score += WEIGHTS["birth_date_differs"]
            c.reasons.append("birth_date_differs")
    if sought.unit and unit and sought.unit == unit.strip().lower():
        c.score += WEIGHTS["unit"]
        c.reasons.append("unit")
    return c


def _pool(keys: QuerySet[Any], owner: str, sought: _Sought) -> set[int]:
    """The ids of at most ``POOL`` owners (persons or requests) sharing a surname key, those sharing the
    most given-name and patronymic keys first: the database counts, only the pool is scored here.

    A surname shared by at most ``RARE`` owners (most of them) is read first and the other names are
    counted among those owners only; a commoner surname is counted together with the other names (a
    given name can be shared by tens of thousands, so it is never read on its own)."""
    surname, given, patronymic = (sought.parts[p] for p in ("family_name", "given_name", "patronymic"))
    if not surname:
        return set()
    zero = Value(0, output_field=IntegerField())
    others = sorted(given | patronymic)
    namesakes = list(
        keys.filter(key__in=sorted(surname)).values_list(owner, flat=True).distinct()[: RARE + 1]
    )
    if len(namesakes) <= RARE:
        if len(namesakes) <= POOL or not others:
            return set(namesakes[:POOL])
        ranked = (
            keys.filter(key__in=others, **{f"{owner}__in": namesakes})
            .values(owner)
            .annotate(
                g=Count(owner, filter=Q(key__in=sorted(given))) if given else zero,
                p=Count(owner, filter=Q(key__in=sorted(patronymic))) if patronymic else zero,
            )
            .order_by("-g", "-p", owner)
            .values_list(owner, flat=True)
        )
        found = list(ranked[:POOL])
        return set(found + [n for n in namesakes if n not in set(found)][: POOL - len(found)])
    ranked = (
        keys.filter(key__in=sorted(surname | given | patronymic))
        .values(owner)
        .annotate(
            s=Count(owner, filter=Q(key__in=sorted(surname))),
            g=Count(owner, filter=Q(key__in=sorted(given))) if given else zero,
            p=Count(owner, filter=Q(key__in=sorted(patronymic))) if patronymic else zero,
        )
        .filter(s__gt=0)
        .order_by("-g", "-p", owner)
        .values_list(owner, flat=True)
    )
    return set(ranked[:POOL])


def person_candidates(req: TracingRequest, *, limit: int = 20) -> list[Candidate]:
    """Registry persons that may be the sought person, best first (score, then reference). The pool is
    scored on a few columns; only the persons shown are read whole, with their names."""
    sought = _Sought.of(req)
    ids = _pool(NameKey.objects.all(), "person_id", sought)
    if req.service_number:
        ids |= set(Person.objects.filter(service_number=req.service_number).values_list("pk", flat=True)[:50])
    if not ids:
        return []
    keys: dict[int, set[str]] = defaultdict(set)
    for pid, key in NameKey.objects.filter(person_id__in=ids).values_list("person_id", "key"):
        keys[pid].add(key)
    scored: list[tuple[int, str, int, list[str]]] = []
    rows = Person.objects.filter(pk__in=ids, purged=False).values_list(
        "pk", "reference", "service_number", "birth_from", "birth_to", "unit"
    )
    for pk, reference, service_number, birth_from, birth_to, unit in rows:
        birth = (birth_from, birth_to) if birth_from and birth_to else None
        c = _score(sought, keys[pk], service_number=service_number, birth=birth, unit=unit)
        if c.score > 0:
            scored.append((-c.score, reference, pk, c.reasons))
    scored.sort()
    best = scored[:limit]
    persons = Person.objects.prefetch_related("names").in_bulk([pk for _s, _r, pk, _why in best])
    return [Candidate(score=-s, reasons=why, person=persons[pk]) for s, _r, pk, why in best]


def request_candidates(req: TracingRequest, *, limit: int = 10) -> list[Candidate]:
    """Other requests that may be about the same person (duplicates to merge), best first. As for
    persons: those sharing the given name too come first, the pool is scored on a few columns and only
    the requests shown are read whole."""
    sought = _Sought.of(req)
    ids = _pool(RequestNameKey.objects.exclude(request_id=req.pk), "request_id", sought)
    others = TracingRequest.objects.exclude(pk=req.pk)
    if req.service_number:
        ids |= set(others.filter(service_number=req.service_number).values_list("pk", flat=True)[:50])
    if not ids:
        return []
    keys: dict[int, set[str]] = defaultdict(set)
    for rid, key in RequestNameKey.objects.filter(request_id__in=ids).values_list("request_id", "key"):
        keys[rid].add(key)
    scored: list[tuple[int, str, int, list[str]]] = []
    rows = others.filter(pk__in=ids).values_list("pk", "reference", "service_number", "birth_date", "unit")
    for pk, reference, service_number, birth_date, unit in rows:
        c = _score(sought, keys[pk], service_number=service_number, birth=_birth_range(birth_date), unit=unit)
        if c.score > 0:
            scored.append((-c.score, reference, pk, c.reasons))
    scored.sort()
    best = scored[:limit]
    found = TracingRequest.objects.select_related("merged_into").in_bulk([pk for _s, _r, pk, _why in best])
    return [Candidate(score=-s, reasons=why, request=found[pk]) for s, _r, pk, why in best]
