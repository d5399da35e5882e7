"""Familias ``.fam`` exchange of reference families, for checking a case in Familias or dvir.

**Export** (:func:`export_fam`): the families of one consent scope (:func:`~homecoming.app.genetics.
family_records.families_in_scope`: a withdrawn family is never exported) with their typed members' usable
autosomal STR profiles, and every usable post-mortem profile as an unidentified person, in a Familias 3
DVI file (:func:`homecoming.kinship.formats.familias.write_fam`). Pedigree ids are ``<family>:<member
code>``; the missing person is Familias' ``Missing person``; a post-mortem profile is named by its
profile reference. Allele frequencies come from the table in force (or the built-in Norwegian table):
an allele a profile has and the table lacks is a ``FrequencyError`` naming every one, and nothing is
written. A family with more than one missing person cannot be a Familias DVI family (named error).

**Import** (:func:`import_fam`): one reference family of a ``.fam`` file (its DVI section's family, or
the file's only pedigree) becomes a new family for a registry person (the file's missing person):
every person of the pedigree a member with its sex and parents, the relation to the missing person read
from the pedigree (father, full sibling, cousin ...; ``connecting`` when untyped and not a named
relative). A person typed in the file gets a reference sample whose laboratory reference is the
person's name in the file; the genotypes are **not** stored as profiles here — the laboratory's file
(or this ``.fam`` through the lab-file import) brings them, and they land on these samples by their
laboratory reference. A parent of unknown sex the reader had to guess, a name already used as a
laboratory reference, a family that cannot be placed: named errors, nothing written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction

from homecoming.app.audit import services as audit
from homecoming.app.genetics import family_records
from homecoming.app.genetics.choices import MemberSex, Relation
from homecoming.app.genetics.family_power import frequency_table
from homecoming.app.genetics.frequencies import table_genotypes
from homecoming.app.genetics.models import FamilyMember, Profile, ReferenceFamily, ReferenceSample
from homecoming.app.genetics.pedigree_view import build_pedigree
from homecoming.errors import CaseFileError, FrequencyError, Problem, ValidationError
from homecoming.kinship.dvi.joint import DviProblem, Family
from homecoming.kinship.formats.familias import read_fam, write_fam
from homecoming.kinship.formats.frequencies import FrequencyTable
from homecoming.kinship.model.markers import Profile as KinProfile
from homecoming.kinship.model.pedigree import Pedigree

_STR = "autosomal_str"


def _kin_profile(
    name: str, loci: list[dict[str, Any]], table: FrequencyTable, problems: list[Problem]
) -> KinProfile:
    got = table_genotypes(loci, table)
    for marker, allele in got.gaps:
        if allele is None:
            problems.append(
                Problem(
                    f"{name}: {marker}",
                    f"marker is not in the frequency table {table.id}",
                    marker,
                    "activate a frequency table that has the marker, or add it to the table",
                )
            )
        else:
            problems.append(
                Problem(
                    f"{name}: {marker}",
                    f"allele {allele} has no frequency in table {table.id}",
                    allele,
                    "add the allele to the frequency table (minimum frequency) before exporting",
                )
            )
    return KinProfile.from_mapping(name, dict(got.genotypes))


def _family(fam: ReferenceFamily, table: FrequencyTable, problems: list[Problem]) -> Family:
    live = list(fam.members.filter(removed__isnull=True).order_by("id"))
    ped = build_pedigree(live)
    ids = {m.code: f"{fam.reference}:{m.code}" for m in live}
    pedigree = Pedigree(tuple(ids[i] for i in ped.ids), ped.father, ped.mother, ped.sex)
    refs = {}
    for pk, profiles in family_records.typed_members(fam).items():
        code = next(m.code for m in live if m.pk == pk)
        strs = [p for p in profiles if p.method == _STR]
        if strs:
            best = max(strs, key=lambda p: p.locus_count)
            refs[ids[code]] = _kin_profile(ids[code], best.loci, table, problems)
    missing = tuple(ids[m.code] for m in live if m.relation == Relation.missing)
    if len(missing) != 1:
        problems.append(
            Problem(
                f"family {fam.reference}",
                f"has {len(missing)} missing persons; a Familias DVI family holds exactly one",
                fam.reference,
                "export it with the JSON DVI case format",
            )
        )
    return Family(fam.reference, pedigree, refs, missing)


def build_problem(scope: str) -> DviProblem:
    """The DVI problem of the families in ``scope`` and the post-mortem profiles (every problem at once)."""
    table = frequency_table()
    problems: list[Problem] = []
    fams = [_family(f, table, problems) for f in family_records.families_in_scope(scope)]
    victims, sexes = [], {}
    bodies = Profile.objects.filter(kind="post_mortem", excluded_reason="", method=_STR)
    for p in _one_per_sample(bodies.select_related("sample__unit").order_by("reference")):
        victims.append(_kin_profile(p.reference, p.loci, table, problems))
        sexes[p.reference] = _body_sex(p)
        if sexes[p.reference] == "unknown":
            problems.append(
                Problem(
                    f"{p.reference}: sex",
                    "the body's sex is unknown (no amelogenin, no apparent sex); Familias needs it",
                    p.reference,
                    "record the apparent sex at examination",
                )
            )
    if problems:
        raise FrequencyError.from_problems(problems, "the export", listed=10)
    markers = sorted(
        {m for f in fams for r in f.references.values() for m in r.genotypes}
        | {m for v in victims for m in v.genotypes}
    )
    return DviProblem.make(victims, fams, loci=table.loci(markers), victim_sex=sexes)


def _one_per_sample(profiles: Any) -> list[Profile]:
    """One victim per remains sample: its consensus profile if it has one, else its fullest replicate
    (replicates and their consensus are one body; exported apart they were several unidentified persons)."""
    best: dict[Any, Profile] = {}
    for p in profiles:
        key = p.sample_id or ("profile", p.pk)
        held = best.get(key)
        if held is None or (p.replicate == 0, p.locus_count) > (held.replicate == 0, held.locus_count):
            best[key] = p
    return sorted(best.values(), key=lambda p: p.reference)


def _body_sex(p: Profile) -> str:
    """Male or female from amelogenin (X,Y / X,X), else the unit's apparent sex, else unknown."""
    for entry in p.loci:
        if str(entry.get("locus", "")).upper().startswith("AMEL"):
            alleles = {str(a).upper() for a in entry.get("used") or []}
            if "Y" in alleles:
                return "male"
            if alleles == {"X"}:
                return "female"
    apparent = p.sample.unit.apparent_sex if p.sample else ""
    return apparent if apparent in ("male", "female") else "unknown"


def export_fam(*, actor: Any, scope: str) -> bytes:
    """The ``.fam`` bytes of the families in ``scope`` with every post-mortem profile (audited)."""
    problem = build_problem(scope)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_fam(problem, Path(tmp) / "export.fam")
        data = path.read_bytes()
    audit.record(
        actor=actor,
        action="export",
        object_type="genetics.referencefamily",
        object_id=f"scope:{scope}",
        object_repr=f".fam export of {len(problem.families)} families in scope {scope}",
        after={"families": [f.name for f in problem.families], "victims": len(problem.victims)},
    )
    return data


def _relation(ped: Pedigree, mp: int, i: int) -> str:
    fa, mo = ped.father, ped.mother

    def parents(k: int) -> tuple[int, int]:
        return fa[k], mo[k]

    if i == fa[mp]:
        return Relation.father
    if i == mo[mp]:
        return Relation.mother
    if mp in parents(i):
        return Relation.child
    if fa[mp] >= 0 and parents(i) == parents(mp):
        return Relation.full_sibling
    if fa[mp] >= 0 and fa[i] == fa[mp]:
        return Relation.paternal_half_sibling
    if mo[mp] >= 0 and mo[i] == mo[mp]:
        return Relation.maternal_half_sibling
    for side, parent in (("paternal", fa[mp]), ("maternal", mo[mp])):
        if parent < 0:
            continue
        if i == fa[parent]:
            return f"{side}_grandfather"
        if i == mo[parent]:
            return f"{side}_grandmother"
        if fa[parent] >= 0 and parents(i) == parents(parent):
            return f"{side}_uncle_aunt"
        if any(
            p >= 0 and fa[parent] >= 0 and parents(p) == parents(parent) and p != parent for p in parents(i)
        ):
            return f"{side}_cousin"
    return Relation.connecting


def _read(path: Path) -> tuple[Pedigree, str, set[str]]:
    fam = read_fam(path)
    guessed = [n for n in fam.notes if "question:" in n]
    if guessed:
        raise CaseFileError(
            f"{path.name}: a parent has unknown sex (a founder the file gives no Gender)",
            field="sex",
            value=guessed[0],
            hint="give the person a Gender (Male/Female) in Familias and export again",
            problems=[
                Problem("sex", "a parent has unknown sex", n, "give a Gender in Familias") for n in guessed
            ],
        )
    if len(fam.families) == 1 and len(fam.families[0].missing) == 1:
        f = fam.families[0]
        return f.pedigree, f.missing[0], set(f.references)
    if not fam.families and len(fam.pedigrees) == 1:
        ped = next(iter(fam.pedigrees.values()))
        missing = [i for i in ped.ids if i.startswith("Missing") or i not in fam.persons]
        if len(missing) == 1:
            typed = {
                n for n, (_s, p) in fam.persons.items() if any(g is not None for g in p.genotypes.values())
            }
            return ped, missing[0], typed
    raise CaseFileError(
        f"{path.name}: expected one reference family with one missing person",
        field="file",
        value=path.name,
        hint="export one family (with its Missing person) from Familias",
    )


@transaction.atomic
def import_fam(*, actor: Any, path: Path, person: int, label: str = "") -> ReferenceFamily:
    """A new family for registry person ``person`` from the one family of a ``.fam`` file (see module)."""
    from homecoming.app.genetics import families

    ped, missing, typed = _read(Path(path))
    taken = set(
        ReferenceSample.objects.filter(lab_reference__in=typed).values_list("lab_reference", flat=True)
    )
    if taken:
        raise ValidationError.from_problems(
            [
                Problem(
                    "lab_reference",
                    "is taken by another reference sample",
                    n,
                    "rename the person in Familias",
                )
                for n in sorted(taken)
            ],
            "the import",
        )
    fam = families.create_family(actor=actor, persons=[person], label=label or Path(path).stem)
    mp_member = fam.members.get()
    mp = ped.index(missing)
    members: dict[int, FamilyMember] = {mp: mp_member}
    build = families._Build(actor, fam)
    for i in range(len(ped)):
        if i == mp:
            continue
        rel = _relation(ped, mp, i)
        members[i] = build.new(
            relation=rel,
            relative_to=mp_member if rel != Relation.connecting else None,
            sex={1: MemberSex.male, 2: MemberSex.female}.get(ped.sex[i], MemberSex.unknown),
            display_name=ped.ids[i][:200],
        )
    for i, m in members.items():
        if ped.father[i] >= 0:
            families._change(
                actor, m, "set parents", father=members[ped.father[i]], mother=members[ped.mother[i]]
            )
    for i, m in members.items():
        if ped.ids[i] in typed and i != mp:
            family_records.record_sample(actor=actor, member=m, lab_reference=ped.ids[i])
    families._check_pedigree(fam)
    families._change(actor, fam, "import .fam", reason=Path(path).name)
    return fam
