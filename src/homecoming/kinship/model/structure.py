"""The factor structure of a pedigree at one marker — shared by both backends of the engine.

Every person carries a paternal and a maternal gene (a male on X only the maternal one). The factors
are: a founder prior per founder gene; per child a transmission from each parent (a meiosis
``(M[a, c] + M[b, c]) / 2`` from the parent's two genes, or on X the father's single gene copied to a
daughter); and an evidence factor per typed person. This is structure only: which variables each
factor touches. The generic backend fills it with tables, the compiled backend with a program.
"""

from __future__ import annotations

from dataclasses import dataclass

from homecoming.kinship.model.pedigree import FEMALE, MALE, Pedigree

PRIOR, MEIOSIS, COPY, EVID, HEMI = range(5)


@dataclass(frozen=True)
class FactorSpec:
    """One factor of the structure: ``kind`` (PRIOR, MEIOSIS, COPY, EVID, HEMI) over ``variables``."""

    kind: int
    variables: tuple[int, ...]
    sex: int = 0  # MALE or FEMALE: whose mutation matrix a transmission uses


def gene_index(ped: Pedigree, x: bool) -> dict[tuple[int, int], int]:
    """``(person, 0 paternal | 1 maternal) -> variable`` of every gene (a male on X has no paternal one)."""
    genes: dict[tuple[int, int], int] = {}
    for i in range(len(ped)):
        if not (x and ped.sex[i] == MALE):
            genes[(i, 0)] = len(genes)
        genes[(i, 1)] = len(genes)
    return genes


def structure(
    ped: Pedigree, genes: dict[tuple[int, int], int], typed: tuple[int, ...], x: bool
) -> list[FactorSpec]:
    """The factors of ``ped`` with ``typed`` nodes observed (founder priors for θ = 0; see the module)."""
    out = [FactorSpec(PRIOR, (v,)) for (i, _s), v in genes.items() if ped.father[i] < 0]
    for i in range(len(ped)):
        fa, mo = ped.father[i], ped.mother[i]
        if fa < 0:
            continue
        out.append(FactorSpec(MEIOSIS, (genes[(mo, 0)], genes[(mo, 1)], genes[(i, 1)]), sex=FEMALE))
        if not x:
            out.append(FactorSpec(MEIOSIS, (genes[(fa, 0)], genes[(fa, 1)], genes[(i, 0)]), sex=MALE))
        elif ped.sex[i] != MALE:
            out.append(FactorSpec(COPY, (genes[(fa, 1)], genes[(i, 0)]), sex=MALE))
    for i in typed:
        if x and ped.sex[i] == MALE:
            out.append(FactorSpec(HEMI, (genes[(i, 1)],)))
        else:
            out.append(FactorSpec(EVID, (genes[(i, 0)], genes[(i, 1)])))
    return out
