"""Importing and exporting person lists (the files are parsed and written by ``homecoming.io.persons``).

An import is atomic: the file is checked whole first (every bad row named), then all persons are
written in one transaction — name forms, search keys, status claims (as *submitted*, for review) and
one audit record per person — or nothing is. The file's SHA-256 is registered in the same transaction
(:mod:`homecoming.app.audit.imported`): the same file again is refused, so a rerun never doubles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from homecoming.app.audit import imported
from homecoming.app.audit import services as audit
from homecoming.app.bulk import Table
from homecoming.app.registry.choices import ReliabilityChoice, ReviewStateChoice
from homecoming.app.registry.models import (
    ExternalRecord,
    ListRowLink,
    NameForm,
    NameKey,
    Person,
    PossibleDuplicate,
    StatusAssertion,
)
from homecoming.app.registry.numbers import normalise_number
from homecoming.app.registry.previewing import NEW, Preview, decisions_from, evidence_json, preview_rows
from homecoming.app.registry.recognising import Match, person_row, recognise
from homecoming.app.registry.services import allocate, person_reference
from homecoming.errors import PermissionDenied
from homecoming.io.person_columns import PERSON_TEXT_FIELDS
from homecoming.io.persons import PersonRow, read_persons
from homecoming.linkage.names import given_name_keys, name_keys, pair_keys

BATCH = 2000


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote (or, dry, would write): ``persons`` new ones; rows that are registered persons
    are ``unchanged`` (skipped) or ``conflicts`` (differing; nothing written for them)."""

    path: str
    rows: int
    persons: int
    name_forms: int
    assertions: int
    dry_run: bool
    sha256: str = ""
    unchanged: tuple[Match, ...] = ()
    conflicts: tuple[Match, ...] = ()
    linked: tuple[tuple[int, str], ...] = ()  # (row, reference of the person it was linked to)
    possible_duplicates: int = 0
    preview: Preview | None = None


def _person(row: PersonRow, reference: str) -> dict[str, Any]:
    """The person's field values from one row (the rest are the model's defaults)."""
    p: dict[str, Any] = {"reference": reference, "sex": row.sex}
    p.update((f, getattr(row, f) or "") for f in PERSON_TEXT_FIELDS)
    p["citizenship"] = p["citizenship"].upper()
    for f in ("service_number", "identity_document"):
        p[f] = normalise_number(p[f])
    if row.birth_date is not None:
        p["birth_date"] = str(row.birth_date)
        p["birth_from"], p["birth_to"] = row.birth_date.earliest(), row.birth_date.latest()
    elif row.birth_age_range is not None:
        p["age_min"], p["age_max"] = row.birth_age_range.min_years, row.birth_age_range.max_years
        p["age_on"] = date.today()
        lo, hi = row.birth_age_range.birth_year_range(p["age_on"])
        p["birth_from"], p["birth_to"] = date(lo, 1, 1), date(hi, 12, 31)
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
        keys |= pair_keys(form["family_name"], form["given_name"])
    return keys


def _person_ids(count: int) -> list[int]:
    """``count`` new person ids (from the identity sequence; under SQLite's write lock, after the last)."""
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


@dataclass(frozen=True)
class _Written:
    """A person written by the import, as the audit trail needs it (its type and id)."""

    pk: int
    _meta: Any = Person._meta


_NAME_FIELDS = ["person", "position", "family_name", "given_name", "patronymic", "script", "language", "kind"]
_CLAIM_FIELDS = [
    "person",
    "status",
    "source_type",
    "source_name",
    "source_date",
    "reliability",
    "evidence",
    "review_state",
    "submitted",
    "submitted_by",
]


def _claim(row: PersonRow, pid: int, path: Path, now: Any, actor_id: int | None) -> tuple[Any, ...]:
    return (
        pid,
        row.status.value if row.status else "",
        row.status_source_type.value if row.status_source_type else "other_party_list",
        row.status_source_name or path.name,
        row.status_source_date or date.today(),
        ReliabilityChoice.F.value,
        "",
        ReviewStateChoice.submitted.value,
        now,
        actor_id,
    )


#: the system of the external ids of imported lists (``ExternalRecord``)
LIST_SYSTEM = "list"


def _external_ids(rows: list[tuple[PersonRow, int]], ctx: dict[str, Any]) -> None:
    """Each row's external id, recorded against its person: a later list with the id is recognised
    (``recognising``). An id recorded before keeps its first person."""
    ExternalRecord.objects.bulk_create(
        [
            ExternalRecord(
                system=LIST_SYSTEM,
                kind="person",
                record_id=row.external_id[:500],
                person_id=pid,
                imported=ctx["now"],
            )
            for row, pid in rows
            if row.external_id
        ],
        ignore_conflicts=True,
    )


def _write_chunk(
    chunk: list[PersonRow], ids: list[int], refs: list[str], ctx: dict[str, Any]
) -> tuple[int, int]:
    """Write one chunk of persons with their name forms, keys, claims and audit records."""
    defaults, person_fields = ctx["defaults"], ctx["person_fields"]
    persons, names, keys, claims, audited, reprs = [], [], [], [], [], []
    for row, pid, ref in zip(chunk, ids, refs, strict=True):
        values = defaults | _person(row, ref) | {"id": pid}
        persons.append(tuple(values[f] for f in person_fields))
        forms = _names(row)
        names += [(pid, i, *(f[k] for k in _NAME_FIELDS[2:])) for i, f in enumerate(forms)]
        keys += [(pid, k[:64]) for k in sorted(_keys(forms))]
        if row.status is not None:
            claims.append(_claim(row, pid, ctx["path"], ctx["now"], ctx["actor_id"]))
        audited.append((_Written(pid), {"row": row.row, "external_id": row.external_id, "names": forms}))
        reprs.append(f"{ref} {forms[0]['family_name'].upper()} {forms[0]['given_name']}")
    ctx["person"].write(persons)
    _external_ids([(row, pid) for row, pid in zip(chunk, ids, strict=True)], ctx)
    ctx["name"].write(names)
    ctx["key"].write(keys)
    ctx["claim"].write(claims)
    audit.record_many(
        actor=ctx["actor"],
        action="import",
        objects=audited,
        reprs=reprs,
        reason=f"imported from {ctx['path'].name}",
    )
    return len(names), len(claims)


def _write_links(links: list[tuple[Any, int]], preview: Preview, ctx: dict[str, Any]) -> int:
    """Rows linked to registered persons: a ``ListRowLink`` each, the row's status claim submitted on the
    person, one audit record each. Returns the number of claims."""
    candidates = {r.row.row: {c.person.pk: c for c in r.candidates} for r in preview.rows}
    objs, claims, audited, reprs = [], [], [], []
    for row, pid in links:
        cand = candidates.get(row.row, {}).get(pid)
        probability = cand.probability if cand else None
        objs.append(
            ListRowLink(
                file_sha256=ctx["sha256"],
                file_name=ctx["path"].name[:300],
                row=row.row,
                external_id=row.external_id or "",
                person_id=pid,
                probability=probability,
                evidence=evidence_json(cand) if cand else [],
                at=ctx["now"],
                actor_id=ctx["actor_id"],
            )
        )
        if row.status is not None:
            claims.append(_claim(row, pid, ctx["path"], ctx["now"], ctx["actor_id"]))
        after = {"row": row.row, "file": ctx["path"].name, "probability": probability}
        audited.append((_Written(pid), after))
        reprs.append(f"{cand.person.reference if cand else pid} = row {row.row}")
    ListRowLink.objects.bulk_create(objs)
    _external_ids(links, ctx)
    ctx["claim"].write(claims)
    if audited:
        audit.record_many(
            actor=ctx["actor"],
            action="link list row",
            objects=audited,
            reprs=reprs,
            reason=f"row of {ctx['path'].name} recognised as a registered person",
        )
    return len(claims)


def _possible_duplicates(created: dict[int, int], preview: Preview, ctx: dict[str, Any]) -> int:
    """Each created row that the model found may be a registered person: a pair for the review queue."""
    objs = []
    for r in preview.rows:
        pid = created.get(r.row.row)
        if pid is None:
            continue
        for c in r.candidates:
            objs.append(
                PossibleDuplicate(
                    person_id=pid,
                    other_id=c.person.pk,
                    probability=c.probability,
                    evidence=evidence_json(c),
                    source=f"import of {ctx['path'].name}, row {r.row.row}"[:300],
                    at=ctx["now"],
                )
            )
    PossibleDuplicate.objects.bulk_create(objs)
    return len(objs)


def import_persons(
    *,
    actor: Any,
    path: Path,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    again: str = "",
    decisions: Mapping[int, str] | None = None,
) -> ImportReport:
    """Check the whole file, then write every person in one transaction (or, with ``dry_run``, nothing).

    Rows are classed first (:mod:`homecoming.app.registry.previewing`): registered rows are skipped or
    listed as conflicts; rows the linkage model matches to a registered person are linked to them;
    uncertain rows are registered and queued for review with their candidates; ``decisions`` (row
    number -> ``"new"`` or a candidate's person id) overrides the default of any matching or uncertain
    row. A file whose bytes were imported before is refused (:class:`~homecoming.errors.AlreadyImported`)
    unless ``again`` gives the reason for importing it once more.
    """
    if actor is not None and not actor.has_perm("registry.add_person"):
        raise PermissionDenied(
            "only a registrar (or an administrator) may import a person list",
            field="actor",
            value=getattr(actor, "username", None),
            hint="import as a registrar: --as REGISTRAR at the command line",
        )
    path = Path(path)
    digest = imported.Digest.of_file(path)
    imported.check("persons", digest, again=again)
    all_rows = read_persons(path)
    digest = digest.with_rows(r.values for r in all_rows)
    imported.check("persons", digest, again=again)  # the same rows in other bytes (CRLF, BOM, XLSX)
    found = recognise(all_rows, path=path, names=_names)
    preview = preview_rows(all_rows, found)
    decided = decisions_from(preview, decisions or {})
    rows = [r for r in found.new if decided.get(r.row, NEW) == NEW]
    links = [(r, decided[r.row]) for r in found.new if decided.get(r.row, NEW) != NEW]
    by_pk = {c.person.pk: c.person.reference for p in preview.rows for c in p.candidates}
    linked = tuple((r.row, by_pk[int(pid)]) for r, pid in links)
    known = {"unchanged": tuple(found.unchanged), "conflicts": tuple(found.conflicts), "linked": linked}
    uncertain_rows = {p.row.row for p in preview.rows if p.candidates} & {r.row for r in rows}
    if dry_run:
        return ImportReport(
            str(path),
            len(all_rows),
            len(rows),
            sum(len(_names(r)) for r in rows),
            sum(1 for r in rows if r.status),
            True,
            digest.sha256,
            **known,
            possible_duplicates=sum(len(p.candidates) for p in preview.rows if p.row.row in uncertain_rows),
            preview=preview,
        )
    n_names = n_assertions = 0
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    person_fields = [f.attname for f in Person._meta.concrete_fields]
    with transaction.atomic():
        ctx: dict[str, Any] = {
            "actor": actor,
            "actor_id": actor_id,
            "path": path,
            "sha256": digest.sha256,
            "now": timezone.now(),
            "person_fields": person_fields,
            "defaults": {f.attname: f.get_default() for f in Person._meta.concrete_fields}
            | {"created_by_id": actor_id},
            "person": Table(Person, [f.name for f in Person._meta.concrete_fields]),
            "name": Table(NameForm, _NAME_FIELDS),
            "key": Table(NameKey, ["person", "key"]),
            "claim": Table(StatusAssertion, _CLAIM_FIELDS),
        }
        refs = [person_reference(n) for n in allocate("person", len(rows))]
        ids = _person_ids(len(rows))
        for start in range(0, len(rows), BATCH):
            end = start + BATCH
            names, claims = _write_chunk(rows[start:end], ids[start:end], refs[start:end], ctx)
            n_names += names
            n_assertions += claims
            if progress is not None:
                progress(len(rows[start:end]))
        n_assertions += _write_links([(r, int(pid)) for r, pid in links], preview, ctx)
        created = {r.row: pid for r, pid in zip(rows, ids, strict=True) if r.row in uncertain_rows}
        n_possible = _possible_duplicates(created, preview, ctx)
        imported.register(
            actor=actor,
            kind="persons",
            digest=digest,
            rows=len(all_rows),
            counts={
                "rows": len(all_rows),
                "persons": len(rows),
                "assertions": n_assertions,
                "unchanged": len(found.unchanged),
                "conflicts": len(found.conflicts),
                "linked": len(links),
                "possible_duplicates": n_possible,
            },
            description=f"person list {path.name}",
            again=again,
            object_type="registry.person",
            object_id=path.name[:64],
        )
    return ImportReport(
        str(path),
        len(all_rows),
        len(rows),
        n_names,
        n_assertions,
        False,
        digest.sha256,
        **known,
        possible_duplicates=n_possible,
        preview=preview,
    )


def export_rows(queryset: Any = None) -> Iterator[dict[str, object]]:
    """Persons as rows of the published person-list columns: the reference, the registered name and the
    first Latin form, and the accepted claim that gives the current status (``recognising.person_row``);
    the file imports again without creating anyone."""
    qs = queryset if queryset is not None else Person.objects.filter(purged=False)
    for p in qs.order_by("reference").prefetch_related("names", "assertions").iterator(chunk_size=2000):
        yield person_row(p)
