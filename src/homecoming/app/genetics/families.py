"""Reference families: create one for missing persons of the registry, add and remove relatives.

Every change is one ``@transaction.atomic`` service with its audit record. ``ReferenceFamily`` and
``FamilyMember`` accept an UPDATE only right after the audit record that describes it (``version`` + 1
in the record's ``after``, :mod:`homecoming.app.audit.insert_only`), so :func:`_change` writes the record
first, then the row.

A relative is added *of* a member (by default the family's first missing person) *as* a
:class:`~homecoming.app.genetics.choices.Relation`. The pedigree needs both parents of anyone who has
one, so the services create the untyped ``connecting`` members a relation needs: a full sibling needs
the member's father and mother, a half sibling a second parent of its own, a cousin the grandparents,
an uncle or aunt (male, untyped, unless ``through`` names one) and that one's partner. A connecting
member is *promoted* when the relative it stands for is added later (the missing person's connecting
father becomes the father), and removed again when nothing needs it any more (:func:`remove_member`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.genetics.choices import MemberSex, Relation
from homecoming.app.genetics.models import FamilyMember, Profile, ReferenceFamily
from homecoming.app.genetics.pedigree_view import build_pedigree
from homecoming.app.registry.models import Person
from homecoming.app.registry.services import allocate
from homecoming.errors import ConflictError, NotFound, PedigreeError, Problem, StateError, ValidationError

#: the relations that are one person per member: a second one is refused
_UNIQUE = {
    Relation.father: ("father", ""),
    Relation.mother: ("mother", ""),
    Relation.paternal_grandfather: ("father", "father"),
    Relation.paternal_grandmother: ("father", "mother"),
    Relation.maternal_grandfather: ("mother", "father"),
    Relation.maternal_grandmother: ("mother", "mother"),
}
_MALE_ONLY = {Relation.father, Relation.paternal_grandfather, Relation.maternal_grandfather}
_FEMALE_ONLY = {Relation.mother, Relation.paternal_grandmother, Relation.maternal_grandmother}
ADDABLE = [r for r in Relation if r not in (Relation.missing, Relation.connecting)]


def _live(family: ReferenceFamily) -> list[FamilyMember]:
    return list(family.members.filter(removed__isnull=True).order_by("id"))


def _change(actor: Any, obj: Any, action: str, reason: str = "", **changes: Any) -> None:
    """Change an audited-update row: its audit record first (new version in ``after``), then the row."""
    before = audit.snapshot(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.version += 1
    audit.record(actor=actor, action=action, obj=obj, before=before, after=audit.snapshot(obj), reason=reason)
    obj.save(update_fields=[*changes, "version"])


def _locked(family_id: int, expected_version: int | None) -> ReferenceFamily:
    """The family, locked for the change; a stale ``expected_version`` (someone else changed the pedigree
    since the editor was opened) is a ConflictError and changes nothing."""
    family = ReferenceFamily.objects.select_for_update().get(pk=family_id)
    if expected_version is not None and family.version != expected_version:
        raise ConflictError(
            f"{family.reference} was changed by someone else (version {family.version}, "
            f"you had {expected_version})",
            field="version",
            value=expected_version,
            hint="reload the family page and apply your change again",
        )
    return family


def _opposite(sex: str) -> str:
    return {MemberSex.male: MemberSex.female, MemberSex.female: MemberSex.male}.get(sex, MemberSex.unknown)


@dataclass
class _Build:
    """One change of a family's pedigree: the actor, the family, the members created."""

    actor: Any
    family: ReferenceFamily
    created: list[FamilyMember] = field(default_factory=list)

    def new(self, *, relation: str, relative_to: FamilyMember | None, sex: str, **extra: Any) -> FamilyMember:
        n = self.family.members.count() + 1
        prefix = "MP" if relation == Relation.missing else "R"
        member = FamilyMember(
            family=self.family,
            code=f"{prefix}{n}",
            relation=relation,
            relative_to=relative_to,
            sex=sex,
            created_by=audit.user_or_none(self.actor),
            **extra,
        )
        member.save(force_insert=True)
        audit.record(actor=self.actor, action="create", obj=member, after=audit.snapshot(member))
        self.created.append(member)
        return member

    def parents(self, of: FamilyMember) -> tuple[FamilyMember, FamilyMember]:
        """The member's father and mother, created untyped (connecting) when it has none."""
        if of.father_id and of.mother_id:
            return FamilyMember.objects.get(pk=of.father_id), FamilyMember.objects.get(pk=of.mother_id)
        if of.father_id or of.mother_id:  # never made by the services; a .fam import may
            raise PedigreeError(
                f"member {of.code} has one parent but not the other",
                field="relative_to",
                value=of.code,
                hint="add the other parent first",
            )
        fa = self.new(relation=Relation.connecting, relative_to=of, sex=MemberSex.male)
        mo = self.new(relation=Relation.connecting, relative_to=of, sex=MemberSex.female)
        _change(self.actor, of, "set parents", father=fa, mother=mo)
        return fa, mo


def _person_sex(person: Person) -> str:
    return person.sex if person.sex in MemberSex.values else MemberSex.unknown


@transaction.atomic
def create_family(*, actor: Any, persons: Sequence[int], label: str = "", notes: str = "") -> ReferenceFamily:
    """A family for one or more missing persons of the registry (ids), each a ``missing`` member."""
    problems = []
    if not persons:
        problems.append(
            Problem("persons", "name at least one missing person", [], "give registry person ids")
        )
    if len(set(persons)) != len(persons):
        problems.append(Problem("persons", "names a person twice", list(persons), "name each person once"))
    found = {p.pk: p for p in Person.objects.filter(pk__in=persons)}
    for pk in persons:
        if pk not in found:
            problems.append(Problem("persons", "no registry person with this id", pk, "check the id"))
    if len(label) > 200:
        problems.append(Problem("label", "is longer than 200 characters", label[:40] + "…"))
    if problems:
        raise ValidationError.from_problems(problems, "the family")
    year = timezone.now().year
    number = allocate(f"genetics:RF:{year}")[0]
    family = ReferenceFamily(
        reference=f"RF-{year}-{number:06d}",
        label=label.strip(),
        notes=notes,
        created_by=audit.user_or_none(actor),
    )
    family.save(force_insert=True)
    audit.record(actor=actor, action="create", obj=family, after=audit.snapshot(family))
    build = _Build(actor, family)
    for pk in dict.fromkeys(persons):
        person = found[pk]
        build.new(relation=Relation.missing, relative_to=None, sex=_person_sex(person), person=person)
    return family


def _sex_problems(relation: str, sex: str) -> list[Problem]:
    if sex not in MemberSex.values:
        return [Problem("sex", "is not a sex", sex, "use male, female or unknown")]
    if relation in _MALE_ONLY and sex == MemberSex.female:
        return [Problem("sex", f"a {relation.replace('_', ' ')} must be male", sex, "choose male")]
    if relation in _FEMALE_ONLY and sex == MemberSex.male:
        return [Problem("sex", f"a {relation.replace('_', ' ')} must be female", sex, "choose female")]
    return []


def _member(family: ReferenceFamily, pk: int | None, name: str) -> FamilyMember | None:
    if pk is None:
        return None
    member = family.members.filter(pk=pk, removed__isnull=True).first()
    if member is None:
        raise NotFound(f"no member with id {pk} in family {family.reference}", field=name, value=pk)
    return member


def _default_of(family: ReferenceFamily) -> FamilyMember:
    missing = family.members.filter(relation=Relation.missing, removed__isnull=True).order_by("id").first()
    if missing is None:
        raise StateError(
            f"family {family.reference} has no missing person",
            field="of",
            value=None,
            hint="name the member the relative is related to",
        )
    return missing


def _check_add(
    family: ReferenceFamily, of: FamilyMember, relation: str, sex: str, person: Person | None
) -> list[Problem]:
    problems = []
    if relation not in [r.value for r in ADDABLE]:
        problems.append(
            Problem("relation", "is not a relation a relative can be added as", relation, ", ".join(ADDABLE))
        )
    problems += _sex_problems(relation, sex)
    if person is not None and family.members.filter(person=person, removed__isnull=True).exists():
        problems.append(
            Problem("person", "this registry person is already a member of the family", person.reference)
        )
    if relation in _UNIQUE:
        first, second = _UNIQUE[Relation(relation)]
        holder = getattr(of, first) if getattr(of, f"{first}_id") else None
        if second and holder is not None:
            holder = getattr(holder, second) if getattr(holder, f"{second}_id") else None
        if holder is not None and holder.relation != Relation.connecting:
            problems.append(
                Problem(
                    "relation",
                    f"{of.code} already has a {relation.replace('_', ' ')} ({holder.code})",
                    relation,
                    "a person has one; remove the other first if it was a mistake",
                )
            )
    if relation in (Relation.child,) and of.sex == MemberSex.unknown:
        problems.append(
            Problem("of", f"{of.code} has unknown sex: a child needs a father and a mother", of.code)
        )
    return problems


def _promote_or_new(
    build: _Build, child: FamilyMember, role: str, relation: str, relative_to: FamilyMember, **extra: Any
) -> FamilyMember:
    """The ``role`` parent of ``child`` as ``relation``: its connecting parent promoted, or a new one."""
    if getattr(child, f"{role}_id"):
        parent: FamilyMember = getattr(child, role)
        _change(build.actor, parent, "promote", relation=relation, relative_to=relative_to, **extra)
        return parent
    parent = build.parents(child)[0 if role == "father" else 1]
    _change(build.actor, parent, "promote", relation=relation, relative_to=relative_to, **extra)
    return parent


def _partner(build: _Build, of: FamilyMember) -> FamilyMember:
    """The other parent of a new child of ``of``: its one spouse, the co-parent of its children, or new."""
    spouses = list(
        build.family.members.filter(relation=Relation.spouse, relative_to=of, removed__isnull=True)
    )
    spouses = [s for s in spouses if s.sex == _opposite(of.sex)]
    if len(spouses) == 1:
        return spouses[0]
    role = "father" if of.sex == MemberSex.male else "mother"
    other = "mother" if role == "father" else "father"
    child = build.family.members.filter(removed__isnull=True, **{role: of}).first()
    if child is not None and len(spouses) == 0:
        return getattr(child, other)
    return build.new(relation=Relation.connecting, relative_to=of, sex=_opposite(of.sex))


def _child_of(build: _Build, parent: FamilyMember, **fields: Any) -> FamilyMember:
    partner = _partner(build, parent)
    fa, mo = (parent, partner) if parent.sex == MemberSex.male else (partner, parent)
    return build.new(father=fa, mother=mo, **fields)


def _place(
    build: _Build, of: FamilyMember, relation: str, through: FamilyMember | None, **fields: Any
) -> FamilyMember:
    """Create (or promote) the relative and the connecting members it needs."""
    side = "father" if relation.startswith("paternal") else "mother"
    if relation in (Relation.father, Relation.mother):
        return _promote_or_new(build, of, relation, relation, of, **fields)
    if relation in _UNIQUE:
        parent = build.parents(of)[0 if side == "father" else 1]
        role = "father" if relation.endswith("father") else "mother"
        return _promote_or_new(build, parent, role, relation, of, **fields)
    new = {"relation": relation, "relative_to": of, **fields}
    if relation == Relation.full_sibling:
        fa, mo = build.parents(of)
        return build.new(father=fa, mother=mo, **new)
    if relation in (Relation.paternal_half_sibling, Relation.maternal_half_sibling):
        fa, mo = build.parents(of)
        if side == "father":
            other = build.new(relation=Relation.connecting, relative_to=of, sex=MemberSex.female)
            return build.new(father=fa, mother=other, **new)
        other = build.new(relation=Relation.connecting, relative_to=of, sex=MemberSex.male)
        return build.new(father=other, mother=mo, **new)
    if relation == Relation.child:
        return _child_of(build, of, **new)
    if relation == Relation.spouse:
        return build.new(**new)
    parent = build.parents(of)[0 if side == "father" else 1]
    gf, gm = build.parents(parent)
    if relation.endswith("uncle_aunt"):
        return build.new(father=gf, mother=gm, **new)
    uncle = through or build.new(
        relation=Relation.connecting, relative_to=of, sex=MemberSex.male, father=gf, mother=gm
    )
    return _child_of(build, uncle, **new)


@transaction.atomic
def add_relative(
    *,
    actor: Any,
    family: ReferenceFamily,
    relation: str,
    of: int | None = None,
    sex: str | None = None,
    display_name: str = "",
    person: int | None = None,
    through: int | None = None,
    expected_version: int | None = None,
) -> FamilyMember:
    """Add a relative of member ``of`` (default: the first missing person) as ``relation``."""
    family = _locked(family.pk, expected_version)
    anchor = _member(family, of, "of") or _default_of(family)
    via = _member(family, through, "through")
    registry_person = None
    if person is not None:
        registry_person = Person.objects.filter(pk=person).first()
        if registry_person is None:
            raise NotFound(f"no registry person with id {person}", field="person", value=person)
    if sex in (None, ""):
        sex = (
            MemberSex.male
            if relation in _MALE_ONLY
            else MemberSex.female
            if relation in _FEMALE_ONLY
            else _opposite(anchor.sex)
            if relation == Relation.spouse
            else MemberSex.unknown
        )
    problems = _check_add(family, anchor, relation, sex, registry_person)
    if via is not None and not relation.endswith("cousin"):
        problems.append(
            Problem("through", "is only for a cousin (the uncle or aunt it descends from)", through)
        )
    if len(display_name) > 200:
        problems.append(Problem("display_name", "is longer than 200 characters", display_name[:40] + "…"))
    if problems:
        raise ValidationError.from_problems(problems, "the relative")
    if registry_person is not None and sex == MemberSex.unknown:
        sex = _person_sex(registry_person)
    build = _Build(actor, family)
    member = _place(
        build, anchor, relation, via, sex=sex, display_name=display_name.strip(), person=registry_person
    )
    _check_pedigree(family)
    _change(actor, family, "add relative", reason=f"{member.code} as {relation} of {anchor.code}")
    return member


def _check_pedigree(family: ReferenceFamily) -> None:
    problems = build_pedigree(_live(family)).problems()
    if problems:
        raise PedigreeError.from_problems(problems, "the pedigree")


def _has_profiles(member: FamilyMember) -> bool:
    return Profile.objects.filter(reference_sample__member=member).exists()


@transaction.atomic
def remove_member(
    *, actor: Any, member: FamilyMember, reason: str = "", expected_version: int | None = None
) -> list[FamilyMember]:
    """Remove a member added by mistake; returns every member removed (with connecting ones left over).

    Refused for a missing person, a member whose samples have profiles, and a member others hang on
    (their parent, or the member they were added as a relative of). A parent the pedigree still needs
    (it has children) is kept as an untyped connecting member instead.
    """
    family = _locked(member.family_id, expected_version)
    member = FamilyMember.objects.get(pk=member.pk)
    problems = []
    if member.removed is not None:
        raise StateError(f"member {member.code} was removed before", field="member", value=member.code)
    if member.relation == Relation.missing:
        problems.append(Problem("member", "the missing person cannot be removed", member.code))
    if _has_profiles(member):
        problems.append(
            Problem(
                "member", "has samples with DNA profiles", member.code, "profiles are kept; fix the relation"
            )
        )
    live = _live(family)
    children = [m for m in live if member.pk in (m.father_id, m.mother_id)]
    hanging = [m for m in live if m.relative_to_id == member.pk]
    if hanging and not children:
        problems.append(
            Problem(
                "member",
                f"{', '.join(m.code for m in hanging)} hang on {member.code}",
                member.code,
                "remove them first",
            )
        )
    if problems:
        raise StateError.from_problems(problems, "the removal")
    if children:
        _change(actor, member, "demote", reason, relation=Relation.connecting, display_name="", person=None)
        gone = []
    else:
        _change(actor, member, "remove", reason, removed=timezone.now())
        gone = [member]
    gone += _prune(actor, family)
    _check_pedigree(family)
    _change(actor, family, "remove member", reason=f"{member.code}: {reason}".strip(": "))
    return gone


def _needed(member: FamilyMember, live: list[FamilyMember]) -> bool:
    if member.relation != Relation.connecting or member.samples.exists():
        return True
    return any(m.relative_to_id == member.pk for m in live if m.pk != member.pk)


def _prune(actor: Any, family: ReferenceFamily) -> list[FamilyMember]:
    """Remove the connecting members nothing needs any more (repeatedly); returns them."""
    gone: list[FamilyMember] = []
    changed = True
    while changed:
        changed = False
        live = _live(family)
        for m in live:
            kids = [k for k in live if m.pk in (k.father_id, k.mother_id)]
            if not _needed(m, live) and not kids:
                _change(actor, m, "remove", "no longer needed", removed=timezone.now())
                gone.append(m)
                changed = True
                break
            if len(kids) == 1 and kids[0].father_id == m.pk:
                mother = next(x for x in live if x.pk == kids[0].mother_id)
                founders = not (m.father_id or mother.father_id)
                if founders and not _needed(m, live) and not _needed(mother, live):
                    others = [
                        k for k in live if k.pk != kids[0].pk and mother.pk in (k.father_id, k.mother_id)
                    ]
                    if not others:
                        _change(actor, kids[0], "clear parents", "no longer needed", father=None, mother=None)
                        changed = True
                        break
    return gone


@transaction.atomic
def set_parent(
    *,
    actor: Any,
    family: ReferenceFamily,
    child: int,
    role: str,
    parent: int,
    expected_version: int | None = None,
) -> FamilyMember:
    """Make an existing member the father or mother of another (two missing brothers share a father).

    Refused when the child has that parent already (other than an untyped connecting one), when the
    parent has the wrong sex, and when the link would make someone their own ancestor.
    """
    family = _locked(family.pk, expected_version)
    kid = _member(family, child, "child")
    new = _member(family, parent, "parent")
    assert kid is not None and new is not None
    problems = []
    if role not in ("father", "mother"):
        problems.append(Problem("role", "is not father or mother", role, "use father or mother"))
    else:
        want = MemberSex.male if role == "father" else MemberSex.female
        if new.sex != want:
            problems.append(
                Problem(
                    "parent", f"a {role} must be {want}; {new.code} is {new.sex}", new.code, "choose another"
                )
            )
        old = getattr(kid, role) if getattr(kid, f"{role}_id") else None
        if old is not None and old.relation != Relation.connecting:
            problems.append(
                Problem(
                    "role", f"{kid.code} already has a {role} ({old.code})", role, "remove that one first"
                )
            )
    if problems:
        raise ValidationError.from_problems(problems, "the parent link")
    build = _Build(actor, family)
    if not kid.father_id:
        build.parents(kid)
        kid.refresh_from_db()
    _change(actor, kid, "set parent", **{role: new})
    _prune(actor, family)
    _check_pedigree(family)
    _change(actor, family, "set parent", reason=f"{new.code} as {role} of {kid.code}")
    return kid
