"""Importing and exporting person lists (the files are parsed and written by ``homecoming.io.persons``).

An import is atomic: the file is checked whole first (every bad row named), then all persons are
written in one transaction — name forms, search keys, status claims (as *submitted*, for review) and
one audit record per person — or nothing is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from homecoming.app.audit import services as audit
from homecoming.app.registry.models import NameForm, NameKey, Person, StatusAssertion
from homecoming.app.registry.numbers import normalise_number
from homecoming.app.registry.services import allocate, person_reference
from homecoming.domain.partial_dates import PartialDate
from homecoming.io.persons import PersonRow, read_persons
from homecoming.linkage.names import given_name_keys, name_keys

BATCH = 2000


@dataclass(frozen=True)
class ImportReport:
    path: str
    rows: int
    persons: int
    name_forms: int
    assertions: int
    dry_run: bool


def _person(row: PersonRow, reference: str, actor: Any) -> Person:
    p = Person(
        reference=reference,
        sex=row.sex,
        place_of_birth=row.place_of_birth or "",
        citizenship=(row.citizenship or "").upper(),
        father_name=row.father_name or "",
        mother_maiden_name=row.mother_maiden_name or "",
        power=row.power or "",
        force=row.force or "",
        unit=row.unit or "",
        rank=row.rank or "",
        service_number=normalise_number(row.service_number or ""),
        identity_document=normalise_number(row.identity_document or ""),
        distinguishing_marks=row.distinguishing_marks or "",
        notes=row.notes or "",
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if row.birth_date is not None:
        p.birth_date = str(row.birth_date)
        p.birth_from, p.birth_to = row.birth_date.earliest(), row.birth_date.latest()
    elif row.birth_age_range is not None:
        p.age_min, p.age_max = row.birth_age_range.min_years, row.birth_age_range.max_years
        p.age_on = date.today()
        lo, hi = row.birth_age_range.birth_year_range(p.age_on)
        p.birth_from, p.birth_to = date(lo, 1, 1), date(hi, 12, 31)
    return p


def _names(row: PersonRow) -> list[dict[str, str]]:
    forms = [
        {
            "family_name": row.family_name,
            "given_name": row.given_name,
            "patronymic": row.patronymic or "",
            "script": row.script,
            "language": row.language or ("en" if row.script == "latin" else "uk"),
            "kind": "registered",
        }
    ]
    if row.family_name_latin or row.given_name_latin:
        forms.append(
            {
                "family_name": row.family_name_latin or "",
                "given_name": row.given_name_latin or "",
                "patronymic": row.patronymic_latin or "",
                "script": "latin",
                "language": row.language or "uk",
                "kind": "transliteration",
            }
        )
    return forms


def _keys(forms: list[dict[str, str]]) -> set[str]:
    keys: set[str] = set()
    for form in forms:
        for part in ("family_name", "given_name", "patronymic"):
            keyer = given_name_keys if part == "given_name" else name_keys
            for word in form[part].replace("-", " ").split():
                keys |= keyer(word)
    return keys


def _chunks(rows: list[PersonRow]) -> Iterator[list[PersonRow]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def import_persons(
    *, actor: Any, path: Path, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Check the whole file, then write every person in one transaction (or, with ``dry_run``, nothing)."""
    rows = read_persons(path)
    if dry_run:
        return ImportReport(
            str(path),
            len(rows),
            len(rows),
            sum(len(_names(r)) for r in rows),
            sum(1 for r in rows if r.status),
            True,
        )
    n_names = n_assertions = 0
    with transaction.atomic():
        numbers = iter(allocate("person", len(rows)))
        for chunk in _chunks(rows):
            persons = [_person(r, person_reference(next(numbers)), actor) for r in chunk]
            Person.objects.bulk_create(persons, batch_size=BATCH)
            names: list[NameForm] = []
            keys: list[NameKey] = []
            claims: list[StatusAssertion] = []
            audited: list[tuple[Person, dict[str, Any]]] = []
            for row, person in zip(chunk, persons, strict=True):
                forms = _names(row)
                names += [NameForm(person=person, position=i, **f) for i, f in enumerate(forms)]
                keys += [NameKey(person=person, key=k[:64]) for k in sorted(_keys(forms))]
                if row.status is not None:
                    claims.append(
                        StatusAssertion(
                            person=person,
                            status=row.status.value,
                            source_type=(
                                row.status_source_type.value if row.status_source_type else "other_party_list"
                            ),
                            source_name=row.status_source_name or path.name,
                            source_date=row.status_source_date or date.today(),
                            submitted_by=persons[0].created_by,
                        )
                    )
                audited.append((person, {"row": row.row, "external_id": row.external_id, "names": forms}))
            NameForm.objects.bulk_create(names, batch_size=BATCH)
            NameKey.objects.bulk_create(keys, batch_size=BATCH)
            StatusAssertion.objects.bulk_create(claims, batch_size=BATCH)
            reprs = [
                f"{p.reference} {a['names'][0]['family_name'].upper()} {a['names'][0]['given_name']}"
                for p, a in audited
            ]
            audit.record_many(
                actor=actor,
                action="import",
                objects=audited,
                reprs=reprs,
                reason=f"imported from {path.name}",
            )
            n_names += len(names)
            n_assertions += len(claims)
            if progress is not None:
                progress(len(chunk))
        audit.record(
            actor=actor,
            action="import_file",
            object_type="registry.person",
            object_id=path.name,
            after={"rows": len(rows), "persons": len(rows), "assertions": n_assertions},
            reason=f"person list {path.name}",
        )
    return ImportReport(str(path), len(rows), len(rows), n_names, n_assertions, False)


def export_rows(queryset: Any = None) -> Iterator[dict[str, object]]:
    """Persons as rows of the published person-list columns (registered name + first Latin form)."""
    qs = queryset if queryset is not None else Person.objects.filter(purged=False)
    for p in qs.order_by("reference").prefetch_related("names").iterator(chunk_size=2000):
        forms = list(p.names.all())
        first = forms[0] if forms else None
        latin = next((f for f in forms if f.script == "latin" and f is not first), None)
        birth: object = PartialDate.parse(p.birth_date) if p.birth_date else None
        yield {
            "external_id": p.reference,
            "family_name": first.family_name if first else "",
            "given_name": first.given_name if first else "",
            "patronymic": first.patronymic if first else "",
            "script": first.script if first else "",
            "language": first.language if first else "",
            "family_name_latin": latin.family_name if latin else "",
            "given_name_latin": latin.given_name if latin else "",
            "patronymic_latin": latin.patronymic if latin else "",
            "sex": p.sex,
            "birth_date": birth,
            "birth_age_range": f"{p.age_min}-{p.age_max}"
            if p.age_min is not None and not p.birth_date
            else "",
            "place_of_birth": p.place_of_birth,
            "citizenship": p.citizenship,
            "father_name": p.father_name,
            "mother_maiden_name": p.mother_maiden_name,
            "power": p.power,
            "force": p.force,
            "unit": p.unit,
            "rank": p.rank,
            "service_number": p.service_number,
            "identity_document": p.identity_document,
            "distinguishing_marks": p.distinguishing_marks,
            "notes": p.notes,
        }
