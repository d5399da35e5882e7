"""Which rows of a person list are persons already registered, and do they say anything new?

A row is a registered person when (in this order) its ``reference`` is a registry reference, its
``external_id`` is a registry reference (older exports wrote it there) or was recorded by an earlier
import of that person (``ExternalRecord`` of the system ``list``), or it is an exact duplicate of a
registered person (the same normalised name,
birth date and service number: ``duplicates``). Such a row is never created again: if every value it
gives is the person's (and its status claim is already recorded) it is *unchanged* and skipped;
otherwise it is a *conflict*, listed with the columns that differ, and nothing is written for it — a
person decides. Cells left empty say nothing and never differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import prefetch_related_objects

from homecoming.app.registry import duplicates
from homecoming.app.registry.choices import ReviewStateChoice
from homecoming.app.registry.models import ExternalRecord, Person, StatusAssertion
from homecoming.app.registry.numbers import normalise_number
from homecoming.io.person_columns import COLUMN_NAMES, PERSON_TEXT_FIELDS
from homecoming.io.persons import PersonRow

CHUNK = 1000
_NAME_COLUMNS = {
    "family_name": ("family_name", False),
    "given_name": ("given_name", False),
    "patronymic": ("patronymic", False),
    "family_name_latin": ("family_name", True),
    "given_name_latin": ("given_name", True),
    "patronymic_latin": ("patronymic", True),
}
_STATUS_COLUMNS = ("status", "status_source_type", "status_source_name", "status_source_date")
_NOT_COMPARED = {"external_id", "reference", "script", *_NAME_COLUMNS, *_STATUS_COLUMNS}


@dataclass(frozen=True)
class Match:
    """A row that is a registered person: how it was recognised and the columns that differ."""

    row: int
    reference: str
    by: str  # reference | external_id | exact duplicate
    differs: tuple[str, ...] = ()

    def __str__(self) -> str:
        what = f"differs in {', '.join(self.differs)}" if self.differs else "unchanged"
        return f"row {self.row}: {self.reference} (recognised by {self.by}) {what}"


@dataclass(frozen=True)
class Recognised:
    new: list[PersonRow]
    unchanged: list[Match]
    conflicts: list[Match]


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def accepted_claim(person: Person) -> StatusAssertion | None:
    """The latest accepted claim giving the person's current status (what an export writes)."""
    claims = [
        a
        for a in person.assertions.all()
        if a.review_state == ReviewStateChoice.accepted and a.status == person.current_status
    ]
    return max(claims, key=lambda a: (a.source_date, a.pk)) if claims else None


def person_row(p: Person) -> dict[str, object]:
    """A person in the published person-list columns (names prefetched: registered + first Latin form)."""
    forms = list(p.names.all())
    first = forms[0] if forms else None
    latin = next((f for f in forms if f.script == "latin" and f is not first), None)
    claim = accepted_claim(p)
    return {
        "reference": p.reference,
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
        "birth_date": p.birth_date,
        "birth_age_range": f"{p.age_min}-{p.age_max}" if p.age_min is not None and not p.birth_date else "",
        **{f: getattr(p, f) for f in PERSON_TEXT_FIELDS},
        "status": claim.status if claim else "",
        "status_source_type": claim.source_type if claim else "",
        "status_source_name": claim.source_name if claim else "",
        "status_source_date": claim.source_date if claim else "",
    }


def _same(column: str, ours: str, theirs: object) -> bool:
    other = "" if theirs is None else str(theirs)
    if column in ("service_number", "identity_document"):
        return normalise_number(ours) == normalise_number(other)
    return ours.strip().casefold() == other.strip().casefold()


def _differs(row: PersonRow, person: Person) -> tuple[str, ...]:
    known = person_row(person)
    out = []
    forms = list(person.names.all())
    for column, (part, latin) in _NAME_COLUMNS.items():
        value = row.values.get(column)
        keys = duplicates.part_keys(value or "", part)
        # the same name in any script or transliteration: a key in common with one of the person's forms
        if value and not any(
            keys & duplicates.part_keys(getattr(f, part), part)
            for f in forms
            if not latin or f.script == "latin"
        ):
            out.append(column)
    for column in COLUMN_NAMES:
        value = row.values.get(column)
        if column in _NOT_COMPARED or not value:
            continue
        if column == "birth_age_range" and person.birth_date:
            continue
        if not _same(column, value, known.get(column)):
            out.append(column)
    if row.status is not None:
        # the claim is recorded if a claim of the person says the same (an empty source name or date says
        # nothing: the import would have filled in the file's name and the day)
        source = row.status_source_type.value if row.status_source_type else ""
        recorded = any(
            a.status == row.status.value
            and a.source_type == source
            and (not row.status_source_name or a.source_name == row.status_source_name)
            and (row.status_source_date is None or a.source_date == row.status_source_date)
            for a in person.assertions.all()
        )
        if not recorded:
            out.append("status")
    return tuple(out)


def _by_reference(rows: list[PersonRow]) -> dict[str, Person]:
    wanted = sorted({v for r in rows for v in (r.reference, r.external_id) if v})
    found: dict[str, Person] = {}
    for chunk in _chunks(wanted):
        found |= {p.reference: p for p in Person.objects.filter(reference__in=chunk, purged=False)}
    return found


def _by_external_id(ids: Iterable[str]) -> dict[str, int]:
    """External ids recorded by earlier imports (``ExternalRecord`` of the system ``list``, indexed) ->
    the person each was imported as or linked to."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(ids))):
        records = ExternalRecord.objects.filter(system="list", kind="person", record_id__in=chunk)
        found.update(records.values_list("record_id", "person_id"))
    return found


def _by_exact(rows: list[PersonRow], names: Any) -> dict[int, Person]:
    numbered = [r for r in rows if r.service_number and r.birth_date is not None]
    numbers = sorted({normalise_number(r.service_number or "") for r in numbered})
    persons: dict[str, list[Person]] = {}
    for chunk in _chunks(numbers):
        qs = Person.objects.filter(service_number__in=chunk, purged=False, merged_into__isnull=True)
        for p in qs.prefetch_related("names"):
            persons.setdefault(p.service_number, []).append(p)
    found: dict[int, Person] = {}
    for r in numbered:
        ours = duplicates.name_sets(names(r))
        for p in persons.get(normalise_number(r.service_number or ""), []):
            if p.birth_date == str(r.birth_date) and duplicates.same_name(
                ours, duplicates.name_sets(p.names.all())
            ):
                found[r.row] = p
                break
    return found


def recognise(rows: list[PersonRow], *, path: Path, names: Any) -> Recognised:
    """Split ``rows`` into new persons, registered persons unchanged, and conflicts (see the module)."""
    refs = _by_reference(rows)
    matched: dict[int, tuple[Person | int, str]] = {}
    for r in rows:
        if r.reference and r.reference in refs:
            matched[r.row] = (refs[r.reference], "reference")
        elif r.external_id and r.external_id in refs:
            matched[r.row] = (refs[r.external_id], "external_id")
    recorded = _by_external_id(r.external_id for r in rows if r.external_id and r.row not in matched)
    for r in rows:
        if r.row not in matched and r.external_id in recorded:
            matched[r.row] = (recorded[str(r.external_id)], "external_id")
    for row, person in _by_exact([r for r in rows if r.row not in matched], names).items():
        matched[row] = (person, "exact duplicate")
    ids = {m if isinstance(m, int) else m.pk for m, _ in matched.values()}
    persons = {p.pk: p for p in Person.objects.filter(pk__in=ids)} if ids else {}
    prefetch_related_objects(list(persons.values()), "names", "assertions")
    new, unchanged, conflicts = [], [], []
    for r in rows:
        if r.row not in matched:
            new.append(r)
            continue
        who, by = matched[r.row]
        person = persons.get(who if isinstance(who, int) else who.pk)
        if person is None or person.purged:  # an external id of a person since purged: a new person
            new.append(r)
            continue
        m = Match(r.row, person.reference, by, _differs(r, person))
        (conflicts if m.differs else unchanged).append(m)
    return Recognised(new, unchanged, conflicts)
