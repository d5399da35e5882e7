"""PFIF 1.4 (People Finder Interchange Format, http://zesty.ca/pfif/1.4): read and write person and note
records, and the mapping of the registry's statuses to PFIF note statuses and back.

Reading is strict about what it keeps and lenient about what others write: XML is parsed with defusedxml
(no entities, no external references); every problem of the document is collected and named with its
record, field, value and fix (:class:`~homecoming.errors.ImportFileError`), and a document with any problem
gives nothing. Person Finder's own files write ``first_name``/``last_name`` (the PFIF 1.1–1.3 names of
``given_name``/``family_name``); they are read as those. Fields of other namespaces are ignored; unknown
fields of the PFIF namespace are refused by name. No Django here (``homecoming.io``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from homecoming.domain.contacts import COUNTRY_CODES
from homecoming.errors import ImportFileError, Problem

NS = "http://zesty.ca/pfif/1.4"
_Q = "{" + NS + "}"

PERSON_FIELDS = (
    "person_record_id",
    "entry_date",
    "expiry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_name",
    "source_date",
    "source_url",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "description",
    "sex",
    "date_of_birth",
    "age",
    "home_street",
    "home_neighborhood",
    "home_city",
    "home_state",
    "home_postal_code",
    "home_country",
    "photo_url",
    "profile_urls",
)
NOTE_FIELDS = (
    "note_record_id",
    "person_record_id",
    "linked_person_record_id",
    "entry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_date",
    "author_made_contact",
    "status",
    "email_of_found_person",
    "phone_of_found_person",
    "last_known_location",
    "text",
    "photo_url",
)
ALIASES = {"first_name": "given_name", "last_name": "family_name"}  # Person Finder's own 1.4 files
NOTE_STATUSES = (
    "information_sought",
    "is_note_author",
    "believed_alive",
    "believed_missing",
    "believed_dead",
)

# registry status -> PFIF note status (docs/formats/pfif.md has the table and the reasons)
TO_PFIF = {
    "missing": "believed_missing",
    "alive": "believed_alive",
    "captive": "believed_alive",
    "wounded_or_sick": "believed_alive",
    "believed_dead": "believed_dead",
    "confirmed_dead": "believed_dead",
    "unknown": "information_sought",
}
# PFIF note status -> registry status claimed (submitted for review, never accepted by the import)
FROM_PFIF = {
    "information_sought": "unknown",
    "is_note_author": "alive",
    "believed_alive": "alive",
    "believed_missing": "missing",
    "believed_dead": "believed_dead",
}

_RECORD_ID = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]+)?/\S+$")
_DOB = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_AGE = re.compile(r"^(\d{1,3})(-(\d{1,3}))?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


@dataclass(frozen=True)
class PfifNote:
    note_record_id: str
    person_record_id: str
    text: str
    author_name: str = ""
    source_date: str = ""  # xsd:dateTime in UTC, e.g. 2026-03-01T00:00:00Z
    entry_date: str = ""
    status: str = ""  # one of NOTE_STATUSES, or ""
    linked_person_record_id: str = ""


@dataclass(frozen=True)
class PfifPerson:
    person_record_id: str
    full_name: str
    given_name: str = ""
    family_name: str = ""
    alternate_names: tuple[str, ...] = ()
    sex: str = ""  # female, male, other or ""
    date_of_birth: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    age: str = ""  # N or N-M
    home_country: str = ""  # ISO 3166-1 alpha-2
    author_name: str = ""
    source_name: str = ""
    source_date: str = ""
    entry_date: str = ""
    notes: tuple[PfifNote, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PfifDocument:
    persons: tuple[PfifPerson, ...]
    notes: tuple[PfifNote, ...]  # every note, nested or not, with its person_record_id

    def notes_of(self, person_record_id: str) -> list[PfifNote]:
        return [n for n in self.notes if n.person_record_id == person_record_id]


def utc(moment: datetime | date) -> str:
    """An xsd:dateTime in UTC as PFIF writes it (``2026-03-01T12:00:00Z``)."""
    if not isinstance(moment, datetime):
        return f"{moment.isoformat()}T00:00:00Z"
    if moment.tzinfo is not None:
        from datetime import UTC

        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


# --- writing -----------------------------------------------------------------------------------------


def _add(parent: ET.Element, name: str, value: str) -> None:
    if value:
        ET.SubElement(parent, _Q + name).text = value


def _note_element(parent: ET.Element, note: PfifNote) -> None:
    el = ET.SubElement(parent, _Q + "note")
    _add(el, "note_record_id", note.note_record_id)
    _add(el, "person_record_id", note.person_record_id)
    _add(el, "linked_person_record_id", note.linked_person_record_id)
    _add(el, "entry_date", note.entry_date)
    _add(el, "author_name", note.author_name)
    _add(el, "source_date", note.source_date)
    _add(el, "status", note.status)
    _add(el, "text", note.text)


def write_pfif(persons: Iterable[PfifPerson]) -> bytes:
    """A PFIF 1.4 document of ``persons``, each with its notes nested (UTF-8, with declaration)."""
    ET.register_namespace("pfif", NS)
    root = ET.Element(_Q + "pfif")
    for p in persons:
        el = ET.SubElement(root, _Q + "person")
        for name in ("person_record_id", "entry_date", "author_name", "source_name", "source_date"):
            _add(el, name, getattr(p, name))
        _add(el, "full_name", p.full_name)
        _add(el, "given_name", p.given_name)
        _add(el, "family_name", p.family_name)
        _add(el, "alternate_names", "\n".join(p.alternate_names))
        for name in ("sex", "date_of_birth", "age", "home_country"):
            _add(el, name, getattr(p, name))
        for note in p.notes:
            _note_element(el, note)
    ET.indent(root, space="  ")
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


# --- reading -----------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []

    def problem(self, where: str, fieldname: str, message: str, value: object, hint: str) -> None:
        self.problems.append(Problem(f"{where}.{fieldname}", message, value, hint))

    def fields(self, el: ET.Element, known: tuple[str, ...], where: str) -> dict[str, str]:
        values: dict[str, str] = {}
        for child in el:
            if not isinstance(child.tag, str) or not child.tag.startswith(_Q):
                continue  # comments, other namespaces (extensions)
            tag = child.tag[len(_Q) :]
            if tag == "note":
                continue
            tag = ALIASES.get(tag, tag) if known is PERSON_FIELDS else tag
            if tag not in known:
                self.problem(
                    where, tag, "is not a PFIF 1.4 field here", tag, "remove it or check its spelling"
                )
                continue
            if len(child):
                self.problem(where, tag, "holds elements, not text", tag, "write the value as text")
                continue
            values[tag] = (child.text or "").strip()
        return values

    def record_id(self, where: str, fieldname: str, value: str) -> None:
        if not value:
            self.problem(
                where, fieldname, "is required", None, "give domain/unique-id, e.g. example.org/person.1"
            )
        elif not _RECORD_ID.match(value) or len(value) > 500:
            self.problem(where, fieldname, "is not a PFIF record id", value, "write domain/unique-id")

    def date_time(self, where: str, fieldname: str, value: str) -> None:
        if value and not _DATETIME.match(value):
            self.problem(where, fieldname, "is not a UTC date and time", value, "write YYYY-MM-DDTHH:MM:SSZ")
            return
        if value:
            try:
                datetime.fromisoformat(value[:19])
            except ValueError:
                self.problem(where, fieldname, "is not a real date", value, "check the day and month")

    def person(self, el: ET.Element, index: int) -> PfifPerson:
        rid = (el.findtext(_Q + "person_record_id") or "").strip()
        where = f"person[{rid or index}]"
        v = self.fields(el, PERSON_FIELDS, where)
        self.record_id(where, "person_record_id", rid)
        full = v.get("full_name", "") or " ".join(x for x in (v.get("given_name"), v.get("family_name")) if x)
        if not full:
            self.problem(where, "full_name", "is required", None, "give the person's full name")
        sex = v.get("sex", "")
        if sex and sex not in ("female", "male", "other"):
            self.problem(
                where, "sex", "is not female, male or other", sex, "write one of them, or leave it out"
            )
        dob = v.get("date_of_birth", "")
        if dob:
            self._date_of_birth(where, dob)
        age = v.get("age", "")
        m = _AGE.match(age) if age else None
        if age and (m is None or (m.group(3) and int(m.group(3)) < int(m.group(1)))):
            self.problem(where, "age", "is not an age or a range of ages", age, "write e.g. 35 or 35-45")
        country = v.get("home_country", "")
        if country and (not re.fullmatch(r"[A-Z]{2}", country) or country not in COUNTRY_CODES):
            self.problem(
                where,
                "home_country",
                "is not an ISO 3166-1 alpha-2 country code",
                country,
                "write the two capitals of a country, e.g. UA",
            )
        for name in ("source_date", "entry_date", "expiry_date"):
            self.date_time(where, name, v.get(name, ""))
        notes = tuple(self.note(n, j, rid) for j, n in enumerate(el.findall(_Q + "note"), 1))
        return PfifPerson(
            person_record_id=rid,
            full_name=full,
            given_name=v.get("given_name", ""),
            family_name=v.get("family_name", ""),
            alternate_names=tuple(a.strip() for a in v.get("alternate_names", "").splitlines() if a.strip()),
            sex=sex,
            date_of_birth=dob,
            age=age,
            home_country=country,
            author_name=v.get("author_name", ""),
            source_name=v.get("source_name", ""),
            source_date=v.get("source_date", ""),
            entry_date=v.get("entry_date", ""),
            notes=notes,
        )

    def _date_of_birth(self, where: str, dob: str) -> None:
        if not _DOB.match(dob):
            self.problem(
                where, "date_of_birth", "is not YYYY, YYYY-MM or YYYY-MM-DD", dob, "write e.g. 1990-05"
            )
            return
        parts = [int(x) for x in dob.split("-")]
        try:
            date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError as exc:
            self.problem(
                where, "date_of_birth", f"is not a real date ({exc})", dob, "check the day and month"
            )

    def note(self, el: ET.Element, index: int, parent: str) -> PfifNote:
        rid = (el.findtext(_Q + "note_record_id") or "").strip()
        where = f"note[{rid or index}]"
        v = self.fields(el, NOTE_FIELDS, where)
        self.record_id(where, "note_record_id", rid)
        person = v.get("person_record_id", "") or parent
        if parent and person != parent:
            self.problem(
                where,
                "person_record_id",
                f"differs from the person it is inside ({parent})",
                person,
                "move the note to its person, or correct the id",
            )
        elif not parent:
            self.record_id(where, "person_record_id", person)
        status = v.get("status", "")
        if status and status not in NOTE_STATUSES:
            self.problem(
                where, "status", "is not a PFIF 1.4 note status", status, "one of " + ", ".join(NOTE_STATUSES)
            )
        if not v.get("text"):
            self.problem(where, "text", "is required", None, "write what the note says")
        for name in ("source_date", "entry_date"):
            self.date_time(where, name, v.get(name, ""))
        return PfifNote(
            note_record_id=rid,
            person_record_id=person,
            text=v.get("text", ""),
            author_name=v.get("author_name", ""),
            source_date=v.get("source_date", ""),
            entry_date=v.get("entry_date", ""),
            status=status,
            linked_person_record_id=v.get("linked_person_record_id", ""),
        )


def read_pfif(data: bytes, *, name: str = "PFIF document") -> PfifDocument:
    """The persons and notes of a PFIF 1.4 document; every problem named, or nothing."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        root = SafeET.fromstring(data)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise ImportFileError(
            f"{name}: is not readable XML ({exc})",
            field="file",
            value=name,
            hint="give a PFIF 1.4 XML document (entities and DTDs are refused)",
        ) from None
    if root.tag != _Q + "pfif":
        raise ImportFileError(
            f"{name}: the root element is {root.tag!r}, not pfif of PFIF 1.4 ({NS})",
            field="file",
            value=root.tag,
            hint=f'give a PFIF 1.4 document: <pfif:pfif xmlns:pfif="{NS}">',
        )
    reader = _Reader(name)
    persons = [reader.person(el, i) for i, el in enumerate(root.findall(_Q + "person"), 1)]
    loose = [reader.note(el, i, "") for i, el in enumerate(root.findall(_Q + "note"), 1)]
    for child in root:
        if (
            isinstance(child.tag, str)
            and child.tag.startswith(_Q)
            and child.tag not in (_Q + "person", _Q + "note")
        ):
            reader.problem("pfif", child.tag[len(_Q) :], "is not a PFIF 1.4 record", None, "remove it")
    _duplicates(reader, [p.person_record_id for p in persons], "person")
    notes = [n for p in persons for n in p.notes] + loose
    _duplicates(reader, [n.note_record_id for n in notes], "note")
    if not persons and not notes:
        reader.problems.append(Problem("file", "holds no person and no note", name, "check the file"))
    if reader.problems:
        raise ImportFileError.from_problems(reader.problems, f"{name} (nothing imported)", listed=None)
    return PfifDocument(tuple(replace(p) for p in persons), tuple(notes))


def _duplicates(reader: _Reader, ids: list[str], kind: str) -> None:
    seen: set[str] = set()
    for rid in ids:
        if rid and rid in seen:
            reader.problem(
                f"{kind}[{rid}]", f"{kind}_record_id", "appears twice in the file", rid, "keep one record"
            )
        seen.add(rid)


__all__ = [
    "FROM_PFIF",
    "NOTE_STATUSES",
    "NS",
    "TO_PFIF",
    "PfifDocument",
    "PfifNote",
    "PfifPerson",
    "read_pfif",
    "utc",
    "write_pfif",
]
