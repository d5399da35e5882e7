"""Familias ``.fam`` writer: a DVI problem as a Familias 3 DVI file (database + ``[DVI]`` section).

The layout is described in :mod:`homecoming.kinship.formats.familias`, which reads it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from homecoming.errors import CaseFileError
from homecoming.kinship.dvi.joint import DviProblem, Family
from homecoming.kinship.model.markers import Locus, Profile
from homecoming.kinship.model.mutation import MutationModel

MISSING = "Missing person"

_CODES = {"equal": 0, "proportional": 1}


def _model_lines(m: MutationModel | None, where: str) -> tuple[float, int, float, float]:
    if m is None:
        return 0.0, 0, 0.0, 0.0
    if m.model in _CODES:
        return m.rate, _CODES[m.model], 0.0, 0.0
    if m.model == "stepwise":
        rate2 = float(m.rate2 or 0.0)
        return m.rate, 4 if rate2 > 0 else 2, float(m.range or 0.0), rate2
    raise CaseFileError(
        f"{where}: mutation model {m.model!r} cannot be written to .fam",
        field=where,
        value=m.model,
        hint="Familias knows equal, proportional and stepwise models",
    )


def _locus_lines(locus: Locus) -> list[str]:
    if locus.chromosome == "X":
        raise CaseFileError(
            f"marker {locus.name} is X-chromosomal; .fam files have no chromosome",
            field=f"marker {locus.name}",
            value="X",
            hint="write autosomal markers only",
        )
    if locus.silent_frequency > 0:
        raise CaseFileError(
            f"marker {locus.name} has a silent allele; not written to .fam",
            field=f"marker {locus.name}",
            value=locus.silent_frequency,
        )
    mut = locus.mutation
    fem = _model_lines(None if mut is None else mut.female, f"marker {locus.name} (female)")
    mal = _model_lines(None if mut is None else mut.male, f"marker {locus.name} (male)")
    n = locus.n_alleles
    out = [
        f'"{locus.name}"',
        repr(fem[0]),
        repr(mal[0]),
        str(fem[1]),
        str(mal[1]),
        str(n),
        repr(fem[2]),
        repr(mal[2]),
        repr(fem[3]),
        repr(mal[3]),
        "#FALSE#",
        "0",
        f"{n}\t(DatabaseSize = 1000 , Dropout probability = 0 , Minor allele frequency = 0 )",
    ]
    for a, f in zip(locus.alleles, locus.frequencies, strict=True):
        out += [f'"{a}"', repr(f)]
    return out


def _person_lines(
    name: str, sex: str, prof: Profile, depth: int, num: int, loci: Sequence[Locus]
) -> list[str]:
    if sex not in ("male", "female"):
        raise CaseFileError(
            f"person {name} has unknown sex; Familias needs Male or Female",
            field=name,
            value=sex,
            hint="give the person's sex",
        )
    genos = []
    for lc in loci:
        g = prof.get(lc.name)
        if g is None:
            continue
        if g.a2 is None:
            raise CaseFileError(
                f"person {name}, marker {lc.name}: partial genotypes cannot be written to .fam",
                field=f"{name}.{lc.name}",
                value=str(g),
            )
        genos += [f"SystemName= {lc.name}", f"Allele1= {g.a1}", f"Allele2= {g.a2}"]
    title = f"Person {num}" + (" " if depth == 3 else "")
    return [
        f"{'[' * depth}{title}{']' * depth}",
        f"Name= {name}",
        f"Gender= {sex.capitalize()}",
        f"{'[' * (depth + 1)}DNA data{']' * (depth + 1)}",
        f"nSystems= {len(genos) // 3}",
        *genos,
    ]


def _family_lines(k: int, fam: Family, loci: Sequence[Locus]) -> list[str]:
    if len(fam.missing) != 1:
        raise CaseFileError(
            f"family {fam.name} has {len(fam.missing)} missing persons; a Familias DVI family "
            "holds exactly one",
            field=f"family {fam.name}",
            value=list(fam.missing),
            hint="split the family or use the JSON DVI case format",
        )
    ped = fam.pedigree
    mp = fam.missing[0]
    label = {i: (MISSING if i == mp else i) for i in ped.ids}
    sex = {i: {1: "male", 2: "female"}.get(ped.sex[ped.index(i)], "unknown") for i in ped.ids}
    # an untyped person of unknown sex (often the missing person) is named only in the relations
    members = [i for i in ped.ids if sex[i] != "unknown" or i in fam.references]
    out = [f"[[[Family {k + 1} ]]]", f"Name= {fam.name}", "[[[[Persons]]]]", f"nPersons= {len(members)}"]
    for j, ident in enumerate(members):
        prof = fam.references.get(ident, Profile(label[ident]))
        out += _person_lines(label[ident], sex[ident], prof, 5, j + 1, loci)
    rel = []
    for c in range(len(ped)):
        if ped.father[c] >= 0:
            child = label[ped.ids[c]]
            rel += [
                f"Parent= {label[ped.ids[ped.father[c]]]}",
                f"Child= {child}",
                f"Parent= {label[ped.ids[ped.mother[c]]]}",
                f"Child= {child}",
            ]
    n_rel = f"nRelations= {len(rel) // 2}"
    return out + [
        "[[[[Pedigrees]]]]",
        "nPedigrees= 2",
        "[[[[[Pedigree 1]]]]]",
        "Name= Reference pedigree",
        n_rel,
        *rel,
        "[[[[[Pedigree 2]]]]]",
        f"Name= {fam.name}",
        n_rel,
        *rel,
    ]


def write_fam(problem: DviProblem, path: Path | str, /, *, database: str = "homecoming") -> Path:
    """Write a DVI problem as a Familias 3 DVI .fam file (database + [DVI] section); returns the path."""
    loci = problem.loci
    lines = [
        '"Output from Familias, version 3.4.1"',
        '"(Actually produced by Homecoming)"',
        "3.4.1 (DVI)",
        '""',
        "0",
        '"Known relations"',
        "0",
        "0",
        "0",
        "0",
        f"#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: {problem.theta!r} )",
        str(len(loci)),
        "#TRUE#",
        f'"{database}"',
    ]
    for lc in loci:
        lines += _locus_lines(lc)
    lines += ["", "[DVI]", "[[Unidentified persons]]", f"nPersons= {len(problem.victims)}"]
    for k, (v, sx) in enumerate(zip(problem.victims, problem.victim_sex, strict=True)):
        lines += _person_lines(v.sample, sx, v, 3, k + 1, loci)
    fams = problem.families
    lines += [
        "[[Notes]]",
        f"nFamilies= {len(fams)}",
        *[""] * len(fams),
        "[[Reference Families]]",
        f"nFamilies= {len(fams)}",
    ]
    for k, fam in enumerate(fams):
        lines += _family_lines(k, fam, loci)
    lines += [
        "[Prior]",
        "UseList= Yes",
        f"Size= {len(problem.victims)}",
        "[Advanced]",
        "[[DVI]]",
        "QuickSearch= Enabled",
        "AllowedMismatches= 5",
    ]
    out = Path(path)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
