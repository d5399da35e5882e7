"""Profile simulation and informativeness of a family for identifying its missing person.

* :func:`simulate_profiles` drops genes down a pedigree (founders from the frequencies, mutation
  matrices on every transmission, X rules) with a ``numpy.random.Generator``.
* :func:`informativeness` reports, for a family with typed references, the exact exclusion power
  (probability that a random unrelated person is excluded at >= 1 marker), the exact expected log LR of
  the true missing person, and simulated distributions of the total log10 LR for the true missing person
  and for an unrelated person.
* :func:`next_relative` ranks untyped relatives by the expected informativeness if they were typed
  (their genotypes simulated given the current family data). Slow (one genotype distribution per
  simulation) and limited to members already in the pedigree:
  :func:`homecoming.kinship.power.donor_power` answers the same question exactly and fast.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import HypothesisError
from homecoming.kinship.distributions import GenotypeDistribution, MarkerDistribution, genotype_distribution
from homecoming.kinship.model.markers import Genotype, Locus, Profile
from homecoming.kinship.model.pedigree import MALE, Pedigree

FloatArray = NDArray[np.float64]


def _topological(ped: Pedigree) -> list[int]:
    done: set[int] = set()
    order: list[int] = []
    while len(order) < len(ped):
        for i in range(len(ped)):
            if i not in done and (ped.father[i] < 0 or (ped.father[i] in done and ped.mother[i] in done)):
                done.add(i)
                order.append(i)
    return order


def _transmit(
    rng: np.random.Generator, genes: tuple[int, int], mat: FloatArray | None, *, hemizygous: bool
) -> int:
    allele = genes[1] if hemizygous else genes[int(rng.integers(2))]
    if mat is None:
        return allele
    return int(rng.choice(mat.shape[1], p=mat[allele]))


def simulate_profiles(
    pedigree: Pedigree,
    loci: Sequence[Locus],
    rng: np.random.Generator,
    /,
    *,
    typed: Sequence[str] | None = None,
) -> dict[str, Profile]:
    """Unconditional gene dropping; returns profiles of ``typed`` members (default: everyone)."""
    order = _topological(pedigree.validate())
    wanted = list(typed) if typed is not None else list(pedigree.ids)
    calls: dict[str, dict[str, Genotype | None]] = {w: {} for w in wanted}
    for locus in loci:
        x = locus.chromosome == "X"
        p = locus.freq_array / locus.freq_array.sum()
        genes: dict[int, tuple[int, int]] = {}
        for i in order:
            male = pedigree.sex[i] == MALE
            if pedigree.father[i] < 0:
                a, b = (int(v) for v in rng.choice(p.size, size=2, p=p))
            else:
                fa, mo = genes[pedigree.father[i]], genes[pedigree.mother[i]]
                b = _transmit(rng, mo, locus.female_matrix, hemizygous=False)
                a = _transmit(rng, fa, locus.male_matrix, hemizygous=x) if not (x and male) else b
            genes[i] = (b, b) if x and male else (a, b)
        for w in wanted:
            g = genes[pedigree.index(w)]
            calls[w][locus.name] = Genotype(locus.alleles[g[0]], locus.alleles[g[1]])
    return {w: Profile(w, calls[w]) for w in wanted}


def _upper(dist: MarkerDistribution, which: str) -> tuple[FloatArray, FloatArray]:
    u = dist.unordered(which)
    iu = np.triu_indices(u.shape[0])
    probs = np.clip(u[iu], 0.0, None)
    total = probs.sum()
    return (probs / total if total > 0 else probs), iu[0] * u.shape[0] + iu[1]


@dataclass(frozen=True)
class Informativeness:
    """How well a family can identify its missing person (log LRs natural unless named log10)."""

    exclusion_power: float
    expected_log_lr_true: float
    log10_lr_true: FloatArray
    log10_lr_unrelated: FloatArray

    def quantiles(self, which: str = "true", qs: Sequence[float] = (0.05, 0.5, 0.95)) -> dict[float, float]:
        data = self.log10_lr_true if which == "true" else self.log10_lr_unrelated
        return {q: float(np.quantile(data, q, method="inverted_cdf")) for q in qs}

    def prob_true_above(self, log10_threshold: float) -> float:
        return float(np.mean(self.log10_lr_true > log10_threshold))

    def prob_unrelated_above(self, log10_threshold: float) -> float:
        return float(np.mean(self.log10_lr_unrelated > log10_threshold))


def _from_distribution(dist: GenotypeDistribution, rng: np.random.Generator, n_sims: int) -> Informativeness:
    excl_keep = 1.0
    expected = 0.0
    true_total = np.zeros(n_sims)
    unrel_total = np.zeros(n_sims)
    for md in dist.markers:
        table = md.log_lr_table().ravel()
        fam, idx = _upper(md, "family")
        pop, _ = _upper(md, "population")
        excl_keep *= float(pop[fam > 0].sum())
        with np.errstate(invalid="ignore"):
            expected += float(np.sum(np.where(fam > 0, fam * table[idx], 0.0)))
        true_total += table[idx[rng.choice(idx.size, size=n_sims, p=fam)]]
        unrel_total += table[idx[rng.choice(idx.size, size=n_sims, p=pop)]]
    return Informativeness(1.0 - excl_keep, expected, true_total / math.log(10), unrel_total / math.log(10))


def informativeness(
    pedigree: Pedigree,
    missing: str,
    /,
    *,
    loci: Sequence[Locus],
    family: Mapping[str, Profile] | Sequence[Profile],
    rng: np.random.Generator,
    n_sims: int = 10_000,
) -> Informativeness:
    """Exclusion power, expected log LR and simulated LR distributions for the family's missing person."""
    dist = genotype_distribution(pedigree, missing, loci=loci, family=family)
    return _from_distribution(dist, rng, n_sims)


def _sample_profile(dist: GenotypeDistribution, sample: str, rng: np.random.Generator) -> Profile:
    calls: dict[str, Genotype | None] = {}
    for md in dist.markers:
        fam, idx = _upper(md, "family")
        k = int(idx[rng.choice(idx.size, p=fam)])
        n = len(md.alleles)
        calls[md.locus.name] = Genotype(md.alleles[k // n], md.alleles[k % n])
    return Profile(sample, calls)


def next_relative(
    pedigree: Pedigree,
    missing: str,
    /,
    *,
    loci: Sequence[Locus],
    family: Mapping[str, Profile] | Sequence[Profile],
    rng: np.random.Generator,
    candidates: Sequence[str] | None = None,
    n_sims: int = 20,
) -> list[tuple[str, float, float]]:
    """Rank untyped relatives by expected gain if typed: ``[(id, expected log LR, exclusion power)]``.

    For each candidate, its profile is simulated ``n_sims`` times given the current family data and the
    missing person's exact expected log LR and exclusion power are averaged; best first.
    """
    fam = dict(family) if isinstance(family, Mapping) else {p.sample: p for p in family}
    pool = (
        list(candidates)
        if candidates is not None
        else [i for i in pedigree.ids if i != missing and i not in fam]
    )
    if not pool:
        raise HypothesisError(
            "no untyped relative to compare",
            field="candidates",
            value=[],
            hint="add untyped members to the pedigree",
        )
    out = []
    for cand in pool:
        if cand == missing or cand in fam:
            raise HypothesisError(
                f"candidate {cand} is the missing person or already typed", field="candidates", value=cand
            )
        cdist = genotype_distribution(pedigree, cand, loci=loci, family=fam)
        gain, excl = 0.0, 0.0
        for _ in range(n_sims):
            extra = {**fam, cand: _sample_profile(cdist, cand, rng)}
            new = genotype_distribution(pedigree, missing, loci=loci, family=extra)
            info = _from_distribution(new, rng, 1)
            gain += info.expected_log_lr_true / n_sims
            excl += info.exclusion_power / n_sims
        out.append((cand, gain, excl))
    return sorted(out, key=lambda t: -t[1])
