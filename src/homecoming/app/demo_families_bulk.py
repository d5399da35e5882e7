"""The bulk path of the demo's reference families: the rows the families services write, written in bulk.

Two thousand families through ``genetics.families`` take minutes (about 0.2 s a family: each relative is
its own transaction with its pedigree check and audit records), so the demo makes its first families
through the services and the rest here. The rows are the ones the services make for the same designs —
the family, the missing person ``MP1``, the relatives and the untyped connecting members ``R2``, ``R3``…
with the same father/mother links, samples and consent events — and every row gets its ``create`` audit
record (``audit.record_many``); the missing person's parents are set by the audited update the services
use (``set parents``: the record first, then the row). What differs: the family's ``version`` stays 1
(the services raise it with each relative added) and the records share one timestamp per kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.genetics.models import ConsentEvent, FamilyMember, ReferenceFamily, ReferenceSample
from homecoming.app.registry.models import Person
from homecoming.app.registry.services import allocate

#: (code, relation, sex, father, mother, typed); "MP" is the missing person's sex, "~MP" the other one
Spec = tuple[tuple[str, str, str, str, str, bool], ...]
SPECS: tuple[Spec, ...] = (
    (
        ("R2", "father", "male", "", "", True),
        ("R3", "mother", "female", "", "", True),
        ("MP1", "missing", "MP", "R2", "R3", False),
    ),
    (
        ("R2", "connecting", "male", "", "", False),
        ("R3", "mother", "female", "", "", True),
        ("MP1", "missing", "MP", "R2", "R3", False),
        ("R4", "full_sibling", "male", "R2", "R3", True),
        ("R5", "full_sibling", "female", "R2", "R3", True),
    ),
    (
        ("R2", "connecting", "male", "", "", False),
        ("R3", "connecting", "female", "", "", False),
        ("MP1", "missing", "MP", "R2", "R3", False),
        ("R4", "full_sibling", "male", "R2", "R3", True),
        ("R5", "full_sibling", "female", "R2", "R3", True),
        ("R6", "full_sibling", "male", "R2", "R3", True),
    ),
    (
        ("MP1", "missing", "MP", "", "", False),
        ("R2", "spouse", "~MP", "", "", True),
        ("R3", "child", "female", "*", "*", True),
        ("R4", "child", "male", "*", "*", True),
    ),
    (
        ("R8", "connecting", "male", "", "", False),
        ("R9", "connecting", "female", "", "", False),
        ("R6", "connecting", "male", "", "", False),
        ("R7", "maternal_grandmother", "female", "", "", True),
        ("R2", "connecting", "male", "R8", "R9", False),
        ("R3", "connecting", "female", "R6", "R7", False),
        ("R4", "connecting", "female", "", "", False),
        ("MP1", "missing", "MP", "R2", "R3", False),
        ("R5", "paternal_half_sibling", "male", "R2", "R4", True),
        ("R10", "paternal_uncle_aunt", "male", "R8", "R9", True),
    ),
    (
        ("R2", "father", "male", "", "", True),
        ("R3", "connecting", "female", "", "", False),
        ("MP1", "missing", "MP", "R2", "R3", False),
        ("R4", "full_sibling", "female", "R2", "R3", True),
    ),
)


def records(spec: Spec, mp_sex: str) -> list[tuple[str, str, str, str, str, bool]]:
    """The spec for a missing person of ``mp_sex``: sexes resolved, a child's parents the MP and spouse."""
    other = {"male": "female", "female": "male"}.get(mp_sex, "unknown")
    out = []
    for code, relation, sex, fa, mo, typed in spec:
        sex = mp_sex if sex == "MP" else other if sex == "~MP" else sex
        if fa == "*":
            fa, mo = ("MP1", "R2") if mp_sex != "female" else ("R2", "MP1")
        out.append((code, relation, sex, fa, mo, typed))
    return out


@dataclass
class BulkFamily:
    person: Person
    label: str
    spec: list[tuple[str, str, str, str, str, bool]]
    names: dict[str, str]
    family: ReferenceFamily | None = None
    members: dict[str, FamilyMember] | None = None


def _families(actor: Any, todo: Sequence[BulkFamily]) -> None:
    year = timezone.now().year
    numbers = allocate(f"genetics:RF:{year}", len(todo))
    user = audit.user_or_none(actor)
    rows = [
        ReferenceFamily(reference=f"RF-{year}-{n:06d}", label=f.label, created_by=user)
        for n, f in zip(numbers, todo, strict=True)
    ]
    ReferenceFamily.objects.bulk_create(rows, batch_size=1000)
    for f, row in zip(todo, rows, strict=True):
        f.family, f.members = row, {}
    audit.record_many(actor=actor, action="create", objects=[(r, audit.snapshot(r)) for r in rows])


def _members(actor: Any, todo: Sequence[BulkFamily]) -> None:
    """Members in generation passes (parents before children), the MP's parents set afterwards."""
    user = audit.user_or_none(actor)
    first = [(f, rec) for f in todo for rec in f.spec if rec[0] == "MP1"]  # every relative names the MP
    _insert(actor, first, user)
    pending = [(f, rec) for f in todo for rec in f.spec if rec[0] != "MP1"]
    while pending:
        ready, later = [], []
        for f, rec in pending:
            _code, _rel, _sex, fa, mo, _typed = rec
            assert f.members is not None
            (ready if all(p in f.members for p in (fa, mo) if p) else later).append((f, rec))
        if not ready:
            raise RuntimeError("a demo family spec has a cycle")
        _insert(actor, ready, user)
        pending = later
    for f in todo:
        _link_missing(actor, f)


def _insert(
    actor: Any, ready: list[tuple[BulkFamily, tuple[str, str, str, str, str, bool]]], user: Any
) -> None:
    rows = [_member(f, rec, user) for f, rec in ready]
    FamilyMember.objects.bulk_create(rows, batch_size=1000)
    for (f, rec), row in zip(ready, rows, strict=True):
        assert f.members is not None
        f.members[rec[0]] = row
    audit.record_many(actor=actor, action="create", objects=[(r, audit.snapshot(r)) for r in rows])


def _member(f: BulkFamily, rec: tuple[str, str, str, str, str, bool], user: Any) -> FamilyMember:
    code, relation, sex, fa, mo, _typed = rec
    assert f.members is not None
    missing = code == "MP1"
    return FamilyMember(
        family=f.family,
        code=code,
        relation=relation,
        relative_to=None if missing else f.members.get("MP1"),
        sex=sex,
        father=None if missing and fa.startswith("R") else f.members.get(fa),
        mother=None if missing and mo.startswith("R") else f.members.get(mo),
        person=f.person if missing else None,
        display_name=f.names.get(code, ""),
        created_by=user,
    )


def _link_missing(actor: Any, f: BulkFamily) -> None:
    assert f.members is not None
    mp = f.members["MP1"]
    _code, _rel, _sex, fa, mo, _typed = next(r for r in f.spec if r[0] == "MP1")
    if not fa:
        return
    before = audit.snapshot(mp)
    mp.father, mp.mother = f.members[fa], f.members[mo]
    mp.version += 1
    audit.record(actor=actor, action="set parents", obj=mp, before=before, after=audit.snapshot(mp))
    mp.save(update_fields=["father", "mother", "version"])


@transaction.atomic
def write_families(actor: Any, todo: Sequence[BulkFamily]) -> None:
    """Families and members of ``todo`` (each ``BulkFamily.members`` filled: code -> row)."""
    _families(actor, todo)
    _members(actor, todo)


@transaction.atomic
def write_samples(
    actor: Any, samples: Sequence[tuple[FamilyMember, str, date]], consents: Sequence[tuple[Any, ...]]
) -> None:
    """Reference samples ``(member, lab_reference, taken_on)`` and consent events
    ``(family, scope, action, on, given_by, note)``, each with its ``create`` audit record."""
    year = timezone.now().year
    numbers = allocate(f"genetics:RS:{year}", len(samples))
    user = audit.user_or_none(actor)
    rows = [
        ReferenceSample(
            reference=f"RS-{year}-{n:06d}",
            member=member,
            lab_reference=lab_reference,
            taken_on=taken_on,
            taken_by="Demo family liaison (synthetic)",
            recorded_by=user,
        )
        for n, (member, lab_reference, taken_on) in zip(numbers, samples, strict=True)
    ]
    ReferenceSample.objects.bulk_create(rows, batch_size=1000)
    audit.record_many(actor=actor, action="create", objects=[(r, audit.snapshot(r)) for r in rows])
    events = [
        ConsentEvent(family=fam, scope=scope, action=action, on=on, given_by=by, note=note, recorded_by=user)
        for fam, scope, action, on, by, note in consents
    ]
    ConsentEvent.objects.bulk_create(events, batch_size=1000)
    for action in ("given", "withdrawn"):
        audit.record_many(
            actor=actor,
            action=f"consent {action}",
            objects=[(e, audit.snapshot(e)) for e in events if e.action == action],
        )
