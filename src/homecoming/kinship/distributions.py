"""The missing person's genotype distribution given the family, and the screening rows built on it.

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

import numpy as np
from numpy.typing import NDArray

from homecoming.kinship.engine import Job, ThetaScope, full_space, marker_results
from homecoming.kinship.lr import loci_digest
from homecoming.kinship.model.alleles import allele_space
from homecoming.kinship.model.evidence import evidence_matrix
from homecoming.kinship.model.hardy_weinberg import ordered_joint
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
