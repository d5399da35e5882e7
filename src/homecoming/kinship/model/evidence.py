"""Evidence: what was observed of whom at one marker, as factors ``P(observed | genes)``.

``Placements`` map a pedigree node id to the profile(s) of the samples placed there. A marker is
*plain* when every placed node has exactly one full genotype of known alleles without drop-out and
the locus has no silent allele (on X: a male homozygous, no person of unknown sex): the compiled
backend takes exactly those markers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from homecoming.kinship.model.alleles import AlleleSpace
from homecoming.kinship.model.markers import Genotype, Locus, Profile
from homecoming.kinship.model.pedigree import MALE, UNKNOWN, Pedigree

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Observation:
    """One typing of one sample at one marker; ``dropout`` is the per-allele-copy drop-out probability."""

    sample: str
    genotype: Genotype
    dropout: float = 0.0


Evidence = Mapping[int, Sequence[Observation]]
Placements = Mapping[str, Profile | Sequence[Profile]]
Codes = dict[int, tuple[int, int]]  # typed node -> (a, b) allele indices


def observed_indices(locus: Locus, obs: Observation) -> tuple[int, ...]:
    """Locus allele indices of an observation (MarkerError naming sample, marker and allele)."""
    return tuple(locus.index(a, who=f"sample {obs.sample}") for a in obs.genotype.alleles)


def evidence_matrix(
    space: AlleleSpace, observations: Sequence[tuple[tuple[int, ...], float, bool]], *, hemizygous: bool
) -> FloatArray:
    """``E[p, m] = P(observations | paternal allele p, maternal allele m)``.

    Each observation is ``(allele indices, dropout d, partial)``. A full typing shows the set ``S`` of
    allele copies that survived: each copy survives independently with probability ``1 - d`` (a silent
    allele never shows). So a heterozygote ``ab`` shows ``ab`` with ``(1-d)^2``, only ``a`` with
    ``d(1-d)``; a homozygote ``aa`` shows ``a`` with ``1 - d^2``. A partial typing ``a/-`` means one
    allele is ``a`` and the other unobserved: ``E = 1`` if ``p == a`` or ``m == a``. For a hemizygous
    (X, male) person only the diagonal ``E[m, m]`` is used: ``P(S = {a} | m) = (1-d) [m == a]``.
    """
    n = space.n
    e = np.ones((n, n))
    for alleles, d, partial in observations:
        e *= _one_evidence(space, alleles, d, partial, hemizygous)
    return e


def _one_evidence(
    space: AlleleSpace, alleles: tuple[int, ...], d: float, partial: bool, hemizygous: bool
) -> FloatArray:
    n = space.n
    idx = np.arange(n)
    if partial:
        a = alleles[0]
        if hemizygous:
            return np.diag((idx == a).astype(np.float64))
        hit = (idx == a).astype(np.float64)
        either: FloatArray = np.maximum(hit[:, None], hit[None, :])
        return either
    surv = np.full(n, 1.0 - d)
    if space.silent >= 0:
        surv[space.silent] = 0.0
    shown = np.zeros(n)
    shown[list(alleles)] = 1.0
    if hemizygous:
        return np.diag(surv * shown * (len(set(alleles)) == 1))
    uniq = sorted(set(alleles))
    both = surv[:, None] * surv[None, :]
    if len(uniq) == 2:
        a, b = uniq
        pair = np.zeros((n, n))
        pair[a, b] = pair[b, a] = 1.0
        het: FloatArray = both * pair
        return het
    a = uniq[0]
    only_a = (idx == a).astype(np.float64)
    same = np.zeros((n, n))
    same[a, a] = 1.0
    lost = 1.0 - surv
    out: FloatArray = (
        both * same + (surv * only_a)[:, None] * lost[None, :] + lost[:, None] * (surv * only_a)[None, :]
    )
    return out


def node_evidence(pedigree: Pedigree, locus: Locus, placements: Placements) -> dict[int, list[Observation]]:
    """Evidence of one marker: node index -> observations of the samples placed there."""
    out: dict[int, list[Observation]] = {}
    for node_id, profiles in placements.items():
        node = pedigree.index(node_id)
        for prof in [profiles] if isinstance(profiles, Profile) else profiles:
            g = prof.get(locus.name)
            if g is not None:
                out.setdefault(node, []).append(Observation(prof.sample, g, prof.dropout))
    return out


def plain_codes(
    ped: Pedigree, locus: Locus, nodes: list[tuple[int, list[Profile]]]
) -> dict[int, tuple[int, int]] | None:
    """Allele indices of every typed node when the marker is plain (else None: use the generic path).

    Plain: no silent allele, and every node with a typing at this marker has exactly one, a full
    genotype without drop-out of alleles the locus knows (on X, a male's homozygous and no unknown sex).
    """
    if locus.silent_frequency > 0:
        return None
    x = locus.chromosome == "X"
    codes: dict[int, tuple[int, int]] = {}
    for node, profiles in nodes:
        seen = False
        for prof in profiles:
            a, b = profile_code(prof, locus)
            if a == UNTYPED:
                continue
            if seen or a == NOT_PLAIN:
                return None
            seen = True
            if x and (ped.sex[node] == UNKNOWN or (ped.sex[node] == MALE and a != b)):
                return None
            codes[node] = (a, b)
    return codes


UNTYPED, NOT_PLAIN = -1, -2


def profile_code(prof: Profile, locus: Locus) -> tuple[int, int]:
    """``(a, b)`` allele indices of a full typing without drop-out, else ``(UNTYPED, UNTYPED)`` or
    ``(NOT_PLAIN, NOT_PLAIN)`` (cached on the profile, per locus)."""
    cache = prof.code_cache
    got: tuple[int, int] | None = cache.get(locus)  # type: ignore[assignment]
    if got is None:
        g = prof.genotypes.get(locus.name)
        if g is None:
            got = (UNTYPED, UNTYPED)
        elif g.a2 is None or prof.dropout > 0:
            got = (NOT_PLAIN, NOT_PLAIN)
        else:
            index = locus.allele_index
            a, b = index.get(g.a1), index.get(g.a2)
            got = (NOT_PLAIN, NOT_PLAIN) if a is None or b is None else (a, b)
        cache[locus] = got
    return got


def placed_nodes(ped: Pedigree, placements: Placements) -> list[tuple[int, list[Profile]]]:
    """``[(node index, [profiles])]`` of node id -> profile(s) placements, by node index."""
    return sorted(
        (ped.index(node_id), [profiles] if isinstance(profiles, Profile) else list(profiles))
        for node_id, profiles in placements.items()
    )


def placements_of(pedigree: Pedigree, locus: Locus, evidence: Evidence) -> Placements:
    """Node-index evidence of one marker as placements of one-marker profiles (the inverse of
    :func:`node_evidence`)."""
    return {
        pedigree.ids[node]: [Profile(o.sample, {locus.name: o.genotype}, dropout=o.dropout) for o in obs]
        for node, obs in evidence.items()
    }
