"""The engine: the ONE place where a marker's pedigree likelihood is computed.

Every question (likelihoods and LRs, genotype distributions and screening rows, DVI) asks
:func:`marker_results` for ``P(data at a marker | pedigree)`` and, when a person is kept, the joint
distribution of that person's two genes given the data. Nothing else computes a marker.

**The dispatch rule** (here and nowhere else): a (job, marker) runs on the *compiled* backend
(:mod:`.compiled`: plans run by one numba interpreter, batched over markers and families) when

1. ``theta == 0``, and
2. the marker is *plain* for the job (:func:`..model.evidence.plain_codes`: every placed person has
   one full genotype of known alleles, no drop-out, no silent allele; on X no person of unknown sex
   and no heterozygous male), and
3. the compiled program's largest table fits :data:`.compiled.FAST_LIMIT` entries;

otherwise on the *generic* backend (:mod:`.generic`: a factor graph summed by variable elimination,
for θ > 0, partial genotypes, drop-out, silent alleles, several samples on one person). Both backends
build the same factors (:mod:`..model.structure`) over the same allele spaces (:mod:`..model.alleles`)
and meet one contract, :class:`MarkerResult`; each result says which backend made it.

Allele spaces. Without a kept person the alleles nobody typed are lumped (exact, see
:mod:`..model.alleles`). With a kept person the joint is over the full allele list (plus the silent
allele last) unless the job names the alleles it will look at (``named``): then the rest is lumped
too and the joint is over that smaller space — the way DVI asks for the genotype distribution of a
missing person at the alleles of its candidate victims only.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import MarkerError
from homecoming.kinship.engine import compiled, generic
from homecoming.kinship.model.alleles import AlleleSpace, allele_space, lumped_space
from homecoming.kinship.model.evidence import Placements, node_evidence, placed_nodes, plain_codes
from homecoming.kinship.model.markers import Locus
from homecoming.kinship.model.pedigree import Pedigree

FloatArray = NDArray[np.float64]
Backend = Literal["auto", "generic", "compiled"]
ThetaScope = Literal["component", "pedigree"]


@dataclass(frozen=True, eq=False)
class Job:
    """One pedigree with samples placed on its nodes, and what to compute on it.

    ``keep``: the node id whose genes' joint is wanted (None: only the likelihood). ``named``: per
    marker, locus allele indices the caller will look up in the kept joint; the others are lumped
    (None, for all markers or for one: the joint is over every allele of the locus).
    """

    pedigree: Pedigree
    placements: Placements
    keep: str | None = None
    theta: float = 0.0
    theta_scope: ThetaScope = "component"
    named: Sequence[Collection[int] | None] | None = None


class MarkerResult(NamedTuple):
    """One marker of one job: ``loglik`` (natural log, ``-inf`` when impossible); with a kept node,
    ``joint[p, m] = P(paternal p, maternal m | data)`` over ``space`` (diagonal for a hemizygous node;
    NaN or zero when impossible); the backend that computed it."""

    loglik: float
    joint: FloatArray | None
    space: AlleleSpace
    backend: Literal["generic", "compiled"]


def marker_results(
    jobs: Sequence[Job], loci: Sequence[Locus], /, *, backend: Backend = "auto"
) -> list[list[MarkerResult]]:
    """``results[j][k]``: marker ``loci[k]`` of ``jobs[j]``, each on the backend the dispatch rule picks.

    ``backend="generic"`` forces the generic backend; ``"compiled"`` demands the compiled one and
    raises :class:`~homecoming.errors.MarkerError` for a (job, marker) it cannot take (tests run both
    through this one contract).
    """
    for job in jobs:
        generic.check_theta(job.theta)
    keeps = [None if job.keep is None else job.pedigree.index(job.keep) for job in jobs]
    inputs: list[list[compiled.MarkerInput | None]] = []
    for job in jobs:
        row: list[compiled.MarkerInput | None] = [None] * len(loci)
        if backend != "generic" and job.theta == 0:
            nodes = placed_nodes(job.pedigree, job.placements)
            for k, locus in enumerate(loci):
                codes = plain_codes(job.pedigree, locus, nodes)
                if codes is not None:
                    row[k] = _input(locus, codes, job, k)
        inputs.append(row)
    xs = [lc.chromosome == "X" for lc in loci]
    got = compiled.run_inputs(list(zip((j.pedigree for j in jobs), keeps, strict=True)), xs, inputs)
    out: list[list[MarkerResult]] = []
    for job, keep, row, results in zip(jobs, keeps, inputs, got, strict=True):
        line: list[MarkerResult] = []
        for k, locus in enumerate(loci):
            item, result = row[k], results[k]
            if item is not None and result is not None:
                joint = result[1] if keep is not None else None
                line.append(MarkerResult(result[0], joint, item.space, "compiled"))
                continue
            if backend == "compiled":
                raise MarkerError(
                    f"marker {locus.name} of pedigree {', '.join(job.pedigree.ids)} is not for the compiled "
                    "backend (θ > 0, a partial, drop-out or repeated typing, a silent allele, or too large)",
                    field="backend",
                    value=backend,
                    hint="use backend='auto'",
                )
            evidence = node_evidence(job.pedigree, locus, job.placements)
            named = _named(job, k)
            ll, joint, space = generic.run(
                job.pedigree,
                locus,
                evidence,
                keep=keep,
                theta=job.theta,
                theta_scope=job.theta_scope,
                lump=keep is None or named is not None,
                named=named or (),
            )
            line.append(MarkerResult(ll, joint, space, "generic"))
        out.append(line)
    return out


def _input(locus: Locus, codes: dict[int, tuple[int, int]], job: Job, k: int) -> compiled.MarkerInput:
    """The compiled input of a plain marker, in the space the job asks for."""
    extra = _named(job, k)
    if job.keep is not None and extra is None:
        return compiled.MarkerInput(full_space(locus), codes)
    named = {a for pair in codes.values() for a in pair}
    named.update(extra or ())
    space = lumped_space(locus, named)
    coded = {node: (space.codes[a], space.codes[b]) for node, (a, b) in codes.items()}
    return compiled.MarkerInput(space, coded)


def _named(job: Job, k: int) -> Collection[int] | None:
    return None if job.named is None else job.named[k]


def full_space(locus: Locus) -> AlleleSpace:
    """Every allele of ``locus`` (and the silent one last, if any), unlumped; cached on the locus."""
    cache = locus.space_cache
    space = cache.get(None)
    if space is None:
        space = cache[None] = allele_space(locus, set(), lump=False)
    assert isinstance(space, AlleleSpace)
    return space
