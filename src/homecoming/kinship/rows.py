"""The screening-table rows of many families at once (θ = 0, no silent allele).

A family's row holds, for every marker and every unordered genotype ``g = {i, j}`` of the marker's
allele list, ``log P(g | family) - log P(g)`` — the log-LR of a body with genotype ``g`` being the
family's missing person — and, when mutation is modelled, whether ``g`` is possible without mutation
(for the exclusion counts). :func:`homecoming.kinship.screen.family_tables` builds its tables here
in the common case and keeps the general path (θ > 0, silent alleles) for the rest.

Everything is batched: the missing persons' genotype distributions of all families come from one
compiled call per pedigree structure (:func:`homecoming.kinship.engine.plan.run_inputs`; markers the compiled
path does not take — a partial or drop-out reference, several samples on one person — from the generic
engine), and each marker's rows are formed for all families with a few array operations.

**Consistency without mutation** needs only whether each genotype has probability > 0 with mutation
switched off. Without mutation the alleles no typed relative carries are exchangeable, so they are
lumped into one allele and the kernel runs on at most ``2 × typed + 1`` alleles: a genotype with
unseen alleles ``c, d`` is possible exactly when the lumped genotype is (and ``p_c, p_d > 0``). This
needs the missing person's two genes to come from different founder genes when both are unseen —
true unless the parents are related — so an inbred missing person is run on the full allele list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import MarkerError
from homecoming.kinship.engine import Job, MarkerResult, marker_results
from homecoming.kinship.model.hardy_weinberg import unordered_log
from homecoming.kinship.model.markers import Locus, Profile
from homecoming.kinship.model.pedigree import MALE, Pedigree

F64 = NDArray[np.float64]
U8 = NDArray[np.uint8]
Placements = Mapping[str, Profile | Sequence[Profile]]
RowJob = tuple[Pedigree, str, Placements]  # pedigree, missing person's id, node id -> profile(s)


def plain_family_rows(
    jobs: Sequence[RowJob], /, *, loci: Sequence[Locus], offsets: NDArray[np.int64], consistency: bool
) -> tuple[F64, U8 | None]:
    """Rows ``[job, column]`` of log-LRs and (with ``consistency``) of possible-without-mutation flags.

    ``offsets[m]`` is the first column of marker ``m``: its ``n (n + 1) / 2`` genotypes ``{i <= j}`` at
    ``j (j + 1) / 2 + i`` (``np.tril_indices`` order, row ``j``, column ``i``); the last column (0,
    consistent) is for skipped markers.
    """
    silent = [lc.name for lc in loci if lc.silent_frequency > 0]
    if silent:
        raise MarkerError(
            f"marker {silent[0]} has a silent allele, which these rows do not model",
            field=silent[0],
            value=silent[0],
            hint="build the tables with family_tables, which takes the general path for them",
        )
    width = int(offsets[-1]) + 1
    rows = np.zeros((len(jobs), width))
    ok = np.ones((len(jobs), width), dtype=np.uint8) if consistency else None
    kept = [ped.index(missing) for ped, missing, _p in jobs]
    hemi = np.array([ped.sex[k] == MALE for (ped, _m, _p), k in zip(jobs, kept, strict=True)])
    full = marker_results([Job(ped, placements, keep=missing) for ped, missing, placements in jobs], loci)
    for m, locus in enumerate(loci):
        x = locus.chromosome == "X"
        fam = _lower(np.stack([_joint(got[m]) for got in full]), hemi & x)
        pop = _population(locus, hemi & x)
        with np.errstate(divide="ignore", invalid="ignore"):
            vals = np.log(fam) - pop
        rows[:, offsets[m] : offsets[m + 1]] = np.where(np.isnan(vals), -np.inf, vals)
    if ok is not None:
        plain = [lc.without_mutation for lc in loci]
        possible = _possible(jobs, plain, kept, hemi)
        for m in range(len(loci)):
            ok[:, offsets[m] : offsets[m + 1]] = possible[m]
    return rows, ok


def _joint(got: MarkerResult) -> F64:
    assert got.joint is not None
    return got.joint


def _lower(joints: F64, hemi: NDArray[np.bool_]) -> F64:
    """Unordered genotype probabilities ``[job, i <= j]`` of ordered joints ``[job, i, j]``."""
    i, j = tril(joints.shape[1])
    out = joints[:, i, j] + joints[:, j, i]
    diag = i == j
    out[:, diag] = joints[:, i[diag], i[diag]]
    if hemi.any():  # a hemizygous male: his one allele, on the diagonal only
        out[np.ix_(hemi, ~diag)] = 0.0
    return out


def _population(locus: Locus, hemi: NDArray[np.bool_]) -> F64:
    """``log P(g)`` of an unrelated person per job (Hardy-Weinberg; a hemizygous male: ``p_i`` or 0)."""
    i, j = tril(locus.n_alleles)
    hw = unordered_log(locus.freq_array, i, j, hemizygous=False)
    male = unordered_log(locus.freq_array, i, j, hemizygous=True)
    return np.where(hemi[:, None], male[None, :], hw[None, :])


Codes = dict[int, tuple[int, int]]


def _possible(
    jobs: Sequence[RowJob], loci: Sequence[Locus], kept: list[int], hemi: NDArray[np.bool_]
) -> list[U8]:
    """Per marker ``[job, i <= j]``: 1 where the genotype has probability > 0 without mutation.

    A missing person who is not inbred is run on the lumped alleles (``named`` empty: the alleles no
    typed relative carries are exchangeable without mutation, whatever the evidence — partial
    genotypes and drop-out treat every unseen allele alike); an inbred one on the full allele list.
    """
    lumped = [()] * len(loci)
    engine_jobs = [
        Job(ped, placements, keep=missing, named=None if _inbred(ped, k) else lumped)
        for (ped, missing, placements), k in zip(jobs, kept, strict=True)
    ]
    got = marker_results(engine_jobs, loci)
    out = []
    for m, locus in enumerate(loci):
        x = locus.chromosome == "X"
        i, j = tril(locus.n_alleles)
        present = (locus.freq_array[i] > 0) & (locus.freq_array[j] > 0)
        pattern = np.zeros((len(jobs), i.size), dtype=bool)
        for k in range(len(jobs)):
            res = got[k][m]
            assert res.joint is not None
            lower, upper = res.space.expansion(locus)
            flat = res.joint.ravel()
            pattern[k] = (flat[lower] > 0) | (flat[upper] > 0)
        pattern &= present[None, :]
        pattern[np.ix_(hemi & x, i != j)] = False  # a hemizygous male: one allele, the diagonal only
        out.append(pattern.astype(np.uint8))
    return out


@cache
def tril(n: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """``np.tril_indices(n)``, cached: (row, column) of genotype ``{column <= row}`` in column order."""
    return np.tril_indices(n)


def _inbred(ped: Pedigree, node: int) -> bool:
    """Whether ``node``'s parents share an ancestor (or one is the other's ancestor)."""
    fa, mo = ped.father[node], ped.mother[node]
    if fa < 0 or mo < 0:
        return False
    return bool(_ancestors(ped, fa) & _ancestors(ped, mo))


def _ancestors(ped: Pedigree, node: int) -> set[int]:
    """``node`` and all its ancestors."""
    out, todo = set(), [node]
    while todo:
        k = todo.pop()
        if k in out or k < 0:
            continue
        out.add(k)
        todo += [ped.father[k], ped.mother[k]]
    return out
