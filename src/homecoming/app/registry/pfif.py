"""PFIF 1.4 export and import of the registry's persons and their status claims (as notes).

Export writes what may be disclosed to a Person Finder repository (docs/formats/pfif.md): names, sex,
birth, age, citizenship, and one note per *accepted* status claim with its status mapped to PFIF. It
leaves out the families' contacts, health, detention details, DNA, military details and free notes.

Import is all or nothing: the document is read whole (every problem named), then every new person and
every new note with a status is written in one transaction, each through the registry's services with
their audit records; any problem (a name in mixed scripts, a date in the future) is collected with the
record and field named and nothing is written. Records are matched by their ids: this registry's own
(``HOMECOMING_PFIF_DOMAIN``) by reference or claim id, others' through :class:`ExternalRecord` — so an
exported file imported again, or the same file twice, creates nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from homecoming.app.registry import services
from homecoming.app.registry.models import ExternalRecord, Person, StatusAssertion
from homecoming.errors import HomecomingError, ImportFileError, Problem
from homecoming.io.pfif import FROM_PFIF, TO_PFIF, PfifDocument, PfifNote, PfifPerson, read_pfif, utc
from homecoming.io.tables import mixed_script_word

SYSTEM = "pfif"
SOURCE_TYPE = "other_party_list"


def domain() -> str:
    return str(settings.PFIF_DOMAIN)


def person_record_id(person: Person, imported: dict[int, str] | None = None) -> str:
    """A person's PFIF id: the id it came with from PFIF (a clone keeps it), else ours."""
    if imported and person.pk in imported:
        return imported[person.pk]
    return f"{domain()}/person.{person.reference}"


def note_record_id(claim: StatusAssertion) -> str:
    return f"{domain()}/note.{claim.pk}"


# --- export ------------------------------------------------------------------------------------------


def _full(form: Any) -> str:
    return " ".join(x for x in (form.given_name, form.patronymic, form.family_name) if x)


def _note(claim: StatusAssertion, rid: str, organisation: str) -> PfifNote:
    source = claim.get_source_type_display()
    return PfifNote(
        note_record_id=note_record_id(claim),
        person_record_id=rid,
        author_name=organisation,
        source_date=utc(claim.source_date),
        entry_date=utc(claim.submitted),
        status=TO_PFIF[claim.status],
        text=f"status: {claim.status} (source: {source}, {claim.source_date.isoformat()}; "
        "reviewed and accepted)",
    )


def export_records(queryset: Any = None) -> Iterator[PfifPerson]:
    """The persons as PFIF records, each with its accepted status claims as notes."""
    qs = queryset if queryset is not None else Person.objects.filter(purged=False)
    organisation = str(settings.ORGANISATION)
    imported = dict(
        ExternalRecord.objects.filter(system=SYSTEM, kind="person").values_list("person_id", "record_id")
    )
    for p in qs.order_by("reference").prefetch_related("names", "assertions").iterator(chunk_size=2000):
        forms = sorted(p.names.all(), key=lambda f: f.position)
        first = forms[0] if forms else None
        rid = person_record_id(p, imported)
        claims = sorted(
            (c for c in p.assertions.all() if c.review_state == "accepted" and c.status in TO_PFIF),
            key=lambda c: (c.source_date, c.pk),
        )
        yield PfifPerson(
            person_record_id=rid,
            full_name=_full(first) if first else p.reference,
            given_name=" ".join(x for x in (first.given_name, first.patronymic) if x) if first else "",
            family_name=first.family_name if first else "",
            alternate_names=tuple(_full(f) for f in forms[1:]),
            sex=p.sex if p.sex in ("male", "female") else "",
            date_of_birth=p.birth_date or "",
            age=(f"{p.age_min}-{p.age_max}" if p.age_min is not None and not p.birth_date else ""),
            home_country=p.citizenship or "",
            author_name=organisation,
            source_name=organisation,
            source_date=utc(p.updated),
            entry_date=utc(p.created),
            notes=tuple(_note(c, rid, organisation) for c in claims),
        )


# --- import ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PfifImportReport:
    persons: int  # records in the file
    notes: int
    new_persons: int
    known_persons: int
    new_claims: int
    known_notes: int
    notes_without_status: int
    dry_run: bool


def _names(record: PfifPerson) -> list[dict[str, str]]:
    def split(full: str) -> tuple[str, str]:
        words = full.split()
        return (words[-1], " ".join(words[:-1])) if words else ("", "")

    if record.family_name or record.given_name:
        family, given = (
            record.family_name or record.given_name,
            record.given_name if record.family_name else "",
        )
    else:
        family, given = split(record.full_name)
    forms = [{"family_name": family, "given_name": given, "kind": "registered"}]
    for alt in record.alternate_names:
        fam, giv = split(alt)
        forms.append({"family_name": fam, "given_name": giv, "kind": "alias"})
    return forms


def _data(record: PfifPerson) -> dict[str, Any]:
    data: dict[str, Any] = {"sex": record.sex if record.sex in ("male", "female") else "unknown"}
    if record.date_of_birth:
        data["birth_date"] = record.date_of_birth
    elif record.age:
        low, _, high = record.age.partition("-")
        data["age_min"], data["age_max"] = int(low), int(high or low)
        data["age_on"] = _day(record.source_date) or timezone.localdate()
    if record.home_country:
        data["citizenship"] = record.home_country
    return data


def _day(moment: str) -> date | None:
    return date.fromisoformat(moment[:10]) if moment else None


class _Import:
    def __init__(self, actor: Any, doc: PfifDocument, name: str) -> None:
        self.actor, self.doc, self.name = actor, doc, name
        self.problems: list[Problem] = []
        self.counts = {"new_persons": 0, "known_persons": 0, "new_claims": 0, "known_notes": 0, "bare": 0}
        self.persons: dict[str, Person] = {}

    def problem(self, where: str, exc: HomecomingError) -> None:
        for p in exc.problems or [Problem(exc.field or "", exc.message, exc.value, exc.hint)]:
            self.problems.append(Problem(f"{where}.{p.field}", p.message, p.value, p.hint))

    def known_person(self, rid: str) -> Person | None:
        own = f"{domain()}/person."
        if rid.startswith(own):
            return Person.objects.filter(reference=rid[len(own) :]).first()
        ext = ExternalRecord.objects.filter(system=SYSTEM, kind="person", record_id=rid).first()
        return ext.person if ext is not None else None

    def person(self, record: PfifPerson) -> None:
        where = f"person[{record.person_record_id}]"
        found = self.known_person(record.person_record_id)
        if found is not None:
            self.counts["known_persons"] += 1
            self.persons[record.person_record_id] = found
            return
        if record.person_record_id.startswith(f"{domain()}/"):
            self.problems.append(
                Problem(
                    f"{where}.person_record_id",
                    f"is in this registry's own PFIF domain ({domain()}) but names no person here: "
                    "either the file was written by another installation with the same domain, or the "
                    "person was deleted here",
                    record.person_record_id,
                    "if the file comes from another installation, give each installation its own "
                    "HOMECOMING_PFIF_DOMAIN (its organisation's domain name, docs/settings.md) and export "
                    "the file again there",
                )
            )
            return
        # the person lists' check (io.tables.mixed_script_word): apostrophes (' ’ ʼ) and hyphens are
        # no letters, so "Демʼян" and "Петренко-Smith" pass; "Шевchenko" does not
        mixed = [m for f in _names(record) for v in f.values() if (m := mixed_script_word(v))]
        if mixed:
            word, scripts = mixed[0]
            self.problems.append(
                Problem(
                    f"{where}.full_name",
                    f"mixes {' and '.join(scripts)} letters in one word",
                    word,
                    "retype the name in one script (a Latin 'e' or 'o' among Cyrillic letters is a typo)",
                )
            )
            return
        try:
            with transaction.atomic():
                person = services.create_person(
                    actor=self.actor,
                    data=_data(record),
                    names=_names(record),
                    reason=f"imported from PFIF {self.name} ({record.person_record_id})",
                )
                ExternalRecord.objects.create(
                    system=SYSTEM, kind="person", record_id=record.person_record_id, person=person
                )
        except HomecomingError as exc:
            self.problem(where, exc)
            return
        self.counts["new_persons"] += 1
        self.persons[record.person_record_id] = person

    def known_note(self, rid: str) -> bool:
        own = f"{domain()}/note."
        if rid.startswith(own):
            number = rid[len(own) :]
            return number.isdigit() and StatusAssertion.objects.filter(pk=int(number)).exists()
        return ExternalRecord.objects.filter(system=SYSTEM, kind="note", record_id=rid).exists()

    def note(self, note: PfifNote) -> None:
        where = f"note[{note.note_record_id}]"
        if self.known_note(note.note_record_id):
            self.counts["known_notes"] += 1
            return
        if not note.status:
            self.counts["bare"] += 1  # a note without a status says nothing the registry keeps
            return
        person = self.persons.get(note.person_record_id) or self.known_person(note.person_record_id)
        if person is None:
            self.problems.append(
                Problem(
                    f"{where}.person_record_id",
                    "names a person that is neither in the file nor in the registry",
                    note.person_record_id,
                    "send the person record with the note",
                )
            )
            return
        try:
            with transaction.atomic():
                claim = services.add_assertion(
                    actor=self.actor,
                    person=person,
                    status=FROM_PFIF[note.status],
                    source_type=SOURCE_TYPE,
                    source_name=(note.author_name or "PFIF")[:150] + f" (PFIF {self.name})",
                    source_date=_day(note.source_date) or _day(note.entry_date) or timezone.localdate(),
                    evidence=f"PFIF note {note.note_record_id}, status {note.status}",
                )
                ExternalRecord.objects.create(
                    system=SYSTEM, kind="note", record_id=note.note_record_id, person=person, assertion=claim
                )
        except HomecomingError as exc:
            self.problem(where, exc)
            return
        self.counts["new_claims"] += 1


def import_pfif(
    *,
    actor: Any,
    data: bytes,
    name: str,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PfifImportReport:
    """Import a PFIF 1.4 document: every new person and every new note with a status, or nothing."""
    doc = read_pfif(data, name=name)
    work = _Import(actor, doc, name)
    with transaction.atomic():
        for record in doc.persons:
            work.person(record)
            if progress is not None:
                progress(1)
        for note in doc.notes:
            work.note(note)
        if work.problems:
            raise ImportFileError.from_problems(work.problems, f"{name} (nothing imported)", listed=20)
        report = PfifImportReport(
            persons=len(doc.persons),
            notes=len(doc.notes),
            new_persons=work.counts["new_persons"],
            known_persons=work.counts["known_persons"],
            new_claims=work.counts["new_claims"],
            known_notes=work.counts["known_notes"],
            notes_without_status=work.counts["bare"],
            dry_run=dry_run,
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


__all__ = ["PfifImportReport", "export_records", "import_pfif", "note_record_id", "person_record_id"]
