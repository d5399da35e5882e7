"""The missing person's genotype distribution given the family, and the screening rows built on it.

One question, asked two ways: for one family (:func:`genotype_distribution`, with the LR of any person
of interest) and, tabulated over every genotype, for many families at once (:func:`plain_family_rows`,
the screening rows). Both take the distribution from the engine.

For each marker, ``J[p, m] = P(missing person's paternal = p, maternal = m | family data)`` comes from
one variable-elimination pass that keeps the missing person's two genes. The LR of a person of
interest with observations ``E`` (see :func:`homecoming.kinship.model.evidence.evidence_matrix`) is

    LR = sum(J * E) / sum(B * E)

where ``B`` is the same distribution for an unrelated person: Hardy-Weinberg ``p p^T`` when θ = 0,
otherwise the unrelated person's genes drawn jointly with the family founders (θ scope "pedigree").
This equals :func:`homecoming.kinship.lr.missing_person_lr` exactly. ``log_lr_table()`` gives
``log(P(g | family) / P(g))`` over all unordered genotypes ``g`` for screening.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import MarkerError
from homecoming.kinship.engine import Job, ThetaScope, full_space, marker_results
from homecoming.kinship.engine.batch import kept_joints, kept_positive, typings
from homecoming.kinship.lr import loci_digest
from homecoming.kinship.model.alleles import allele_space
from homecoming.kinship.model.evidence import evidence_matrix
from homecoming.kinship.model.hardy_weinberg import ordered_joint, unordered_log
from homecoming.kinship.model.markers import Genotype, Locus, Profile
from homecoming.kinship.model.pedigree import MALE, Pedigree
from homecoming.provenance import Provenance

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class MarkerDistribution:
    """Ordered joint ``joint[p, m]`` of the missing person's genes and the background ``background``."""

    locus: Locus
    joint: FloatArray
    background: FloatArray
    loglik: float
    hemizygous: bool

    @property
    def alleles(self) -> tuple[str, ...]:
        extra = ("<silent>",) if self.locus.silent_frequency > 0 else ()
        return self.locus.alleles + extra

    def unordered(self, which: str = "family") -> FloatArray:
        """Symmetric matrix ``U[i, j] = P(genotype {i, j})`` (``which``: "family" or "population")."""
        mat = self.joint if which == "family" else self.background
        if self.hemizygous:
            return np.diag(np.diag(mat))
        out: FloatArray = mat + mat.T
        np.fill_diagonal(out, np.diag(mat))
        return out

    def genotype_probabilities(self) -> dict[tuple[str, str], float]:
        """``{(a, b): P(genotype | family)}`` over unordered genotypes with ``a <= b`` in table order."""
        u = self.unordered()
        als = self.alleles
        n = len(als)
        return {
            (als[i], als[j]): float(u[i, j])
            for i in range(n)
            for j in range(i, n)
            if not self.hemizygous or i == j
        }

    def _evidence(self, genotype: Genotype, dropout: float) -> FloatArray:
        idx = tuple(self.locus.index(a) for a in genotype.alleles)
        space = allele_space(self.locus, set(idx), lump=False)
        return evidence_matrix(space, [(idx, dropout, genotype.is_partial)], hemizygous=self.hemizygous)

    def lr(self, genotype: Genotype | None, /, *, dropout: float = 0.0) -> float:
        """LR of "this genotype is the missing person's" vs "an unrelated person's"."""
        if genotype is None:
            return 1.0
        e = self._evidence(genotype, dropout)
        num, den = float((self.joint * e).sum()), float((self.background * e).sum())
        if den == 0:
            return math.nan if num == 0 else math.inf
        return num / den

    def log_lr_table(self) -> FloatArray:
        """``log(P(g | family) / P(g))`` for unordered genotypes (symmetric; -inf where impossible)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            out: FloatArray = np.log(self.unordered()) - np.log(self.unordered("population"))
        return out


@dataclass(frozen=True)
class GenotypeDistribution:
    """Per-marker distributions of one missing person given one family."""

    missing: str
    markers: tuple[MarkerDistribution, ...]
    provenance: Provenance

    def marker(self, name: str) -> MarkerDistribution:
        for m in self.markers:
            if m.locus.name == name:
                return m
        raise KeyError(name)

    def lrs(self, poi: Profile) -> FloatArray:
        """Per-marker LRs of a person of interest (untyped markers give 1)."""
        return np.array([m.lr(poi.get(m.locus.name), dropout=poi.dropout) for m in self.markers])

    def log_lr(self, poi: Profile) -> float:
        with np.errstate(divide="ignore"):
            return float(np.log(self.lrs(poi)).sum())

    def log_lr_tables(self) -> list[FloatArray]:
        """Per marker, ``log(P(g | family) / P(g))`` over unordered genotypes (the screening tables)."""
        return [m.log_lr_table() for m in self.markers]

    def batch_log_lr(self, pois: Sequence[Profile], /) -> FloatArray:
        """Total natural-log LR of many persons of interest against this family (table lookups).

        Full genotypes without drop-out are looked up in the precomputed tables; partial genotypes and
        drop-out fall back to the exact per-marker sum. Untyped markers contribute 0.
        """
        tables = [t.tolist() for t in self.log_lr_tables()]
        index = [{a: i for i, a in enumerate(md.locus.alleles)} for md in self.markers]
        out = np.zeros(len(pois))
        for k, poi in enumerate(pois):
            total = 0.0
            for md, table, idx in zip(self.markers, tables, index, strict=True):
                g = poi.get(md.locus.name)
                if g is None:
                    continue
                if g.a2 is None or poi.dropout > 0:
                    lr = md.lr(g, dropout=poi.dropout)
                    total += math.log(lr) if lr > 0 else (-math.inf if lr == 0 else math.nan)
                else:  # labels are canonical; an unknown one gets the locus' error naming the sample
                    i, j = idx.get(g.a1), idx.get(g.a2)
                    if i is None or j is None:
                        i = md.locus.index(g.a1, who=f"sample {poi.sample}")
                        j = md.locus.index(g.a2, who=f"sample {poi.sample}")
                    total += table[i][j]
            out[k] = total
        return out


def _background(
    pedigree: Pedigree,
    missing: int,
    locus: Locus,
    family: Mapping[str, Profile | Sequence[Profile]],
    theta: float,
) -> FloatArray:
    """The ordered genotype distribution of an unrelated person (drawn with the founders when θ > 0)."""
    hemi = locus.chromosome == "X" and pedigree.sex[missing] == MALE
    if theta == 0:
        if locus.silent_frequency == 0 and not hemi:
            return locus.population_joint
        return ordered_joint(full_space(locus).freqs, hemizygous=hemi)
    name = "__unrelated__"
    sex = {1: "male", 2: "female"}.get(pedigree.sex[missing], "unknown")
    extended = pedigree.with_members([{"id": name, "sex": sex}])
    job = Job(extended, family, keep=name, theta=theta, theta_scope="pedigree")
    joint = marker_results([job], [locus])[0][0].joint
    assert joint is not None
    return joint


def marker_distribution(
    pedigree: Pedigree,
    missing: str,
    locus: Locus,
    /,
    *,
    family: Mapping[str, Profile | Sequence[Profile]],
    theta: float = 0.0,
) -> MarkerDistribution:
    """One marker's distribution (one elimination pass; a second one only when θ > 0)."""
    return marker_distributions([(pedigree, missing, family)], loci=[locus], theta=theta)[0][0]


Family = Mapping[str, Profile | Sequence[Profile]] | Sequence[Profile]


def genotype_distribution(
    pedigree: Pedigree, missing: str, /, *, loci: Sequence[Locus], family: Family, theta: float = 0.0
) -> GenotypeDistribution:
    """Distribution of the missing person's genotype at every marker given the family's profiles.

    ``family`` maps node id -> profile(s), or is a list of profiles named by node id.
    """
    fam = _placements(family)
    dists = marker_distributions([(pedigree, missing, fam)], loci=loci, theta=theta)[0]
    prov = Provenance.make(
        "homecoming.kinship.genotype_distribution",
        parameters={"missing": missing, "theta": theta},
        inputs={
            "pedigree": pedigree.records(),
            "family": {k: [p.digest for p in ([v] if isinstance(v, Profile) else v)] for k, v in fam.items()},
        },
    )
    prov = replace(prov, inputs={**prov.inputs, "loci": loci_digest(loci, describe=False)})
    return GenotypeDistribution(missing, dists, prov)


def marker_distributions(
    jobs: Sequence[tuple[Pedigree, str, Family]], /, *, loci: Sequence[Locus], theta: float = 0.0
) -> list[tuple[MarkerDistribution, ...]]:
    """The per-marker distributions of many ``(pedigree, missing, family)`` jobs on the same loci.

    The same numbers as :func:`genotype_distribution` job by job (without a provenance each); with
    θ = 0 every (job, marker) that shares a compiled plan runs in one call, in parallel — the way to
    build the tables of many families.
    """
    engine_jobs = []
    nodes = []
    scope: ThetaScope = "pedigree" if theta > 0 else "component"
    for pedigree, missing, family in jobs:
        pedigree.validate()
        nodes.append(pedigree.index(missing))
        engine_jobs.append(Job(pedigree, _placements(family), keep=missing, theta=theta, theta_scope=scope))
    results = marker_results(engine_jobs, loci)
    out = []
    for job, node, row in zip(engine_jobs, nodes, results, strict=True):
        male = job.pedigree.sex[node] == MALE
        dists = []
        for locus, got in zip(loci, row, strict=True):
            assert got.joint is not None
            background = _background(job.pedigree, node, locus, job.placements, theta)
            dists.append(
                MarkerDistribution(locus, got.joint, background, got.loglik, male and locus.chromosome == "X")
            )
        out.append(tuple(dists))
    return out


def _placements(family: Family) -> Mapping[str, Profile | Sequence[Profile]]:
    return family if isinstance(family, Mapping) else {p.sample: p for p in family}


# --------------------------------------------------------------------------- screening rows
# The screening-table rows of many families at once (θ = 0, no silent allele).
#
# A family's row holds, for every marker and every unordered genotype ``g = {i, j}`` of the marker's
# allele list, ``log P(g | family) - log P(g)`` — the log-LR of a body with genotype ``g`` being the
# family's missing person — and, when mutation is modelled, whether ``g`` is possible without mutation
# (for the exclusion counts). :func:`homecoming.kinship.screen.family_tables` builds its tables here
# in the common case and keeps the general path (θ > 0, silent alleles) for the rest.
#
# Everything is batched: the missing persons' genotype distributions of all families come from one
# compiled call per plan (:mod:`homecoming.kinship.engine.batch`: the typed codes of all families as
# arrays, no Python object per family and marker; markers the compiled path does not take — a partial
# or drop-out reference, several samples on one person — from the generic engine), and each marker's
# rows are formed for all families with a few array operations.
#
# **Consistency without mutation** needs only whether each genotype has probability > 0 with mutation
# switched off. Without mutation the alleles no typed relative carries are exchangeable, so they are
# lumped into one allele and the kernel runs on at most ``2 × typed + 1`` alleles: a genotype with
# unseen alleles ``c, d`` is possible exactly when the lumped genotype is (and ``p_c, p_d > 0``). This
# needs the missing person's two genes to come from different founder genes when both are unseen —
# true unless the parents are related — so an inbred missing person is run on the full allele list.

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
    rows = np.empty((len(jobs), width))
    rows[:, -1] = 0.0
    ok = np.ones((len(jobs), width), dtype=np.uint8) if consistency else None
    kept = [ped.index(missing) for ped, missing, _p in jobs]
    hemi = np.array([ped.sex[k] == MALE for (ped, _m, _p), k in zip(jobs, kept, strict=True)], dtype=bool)
    engine_jobs = [Job(ped, placements, keep=missing) for ped, missing, placements in jobs]
    typed = typings(engine_jobs, loci)
    for m, (locus, joints) in enumerate(zip(loci, kept_joints(engine_jobs, loci, typed=typed), strict=True)):
        x = locus.chromosome == "X"
        fam = _lower(joints, hemi & x)
        pop = _population(locus, hemi & x)
        with np.errstate(divide="ignore", invalid="ignore"):
            vals = np.log(fam) - pop
        rows[:, offsets[m] : offsets[m + 1]] = np.where(np.isnan(vals), -np.inf, vals)
    if ok is not None:
        lumped = [()] * len(loci)
        plain_jobs = [
            Job(ped, placements, keep=missing, named=None if _inbred(ped, k) else lumped)
            for (ped, missing, placements), k in zip(jobs, kept, strict=True)
        ]
        plain = [lc.without_mutation for lc in loci]
        possible = kept_positive(plain_jobs, plain, typed=typed)
        for m, locus in enumerate(loci):
            i, j = tril(locus.n_alleles)
            pattern = possible[m] & ((locus.freq_array[i] > 0) & (locus.freq_array[j] > 0))[None, :]
            pattern[np.ix_(hemi & (locus.chromosome == "X"), i != j)] = (
                False  # a hemizygous male: the diagonal
            )
            ok[:, offsets[m] : offsets[m + 1]] = pattern
    return rows, ok


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
