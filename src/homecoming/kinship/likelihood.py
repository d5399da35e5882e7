"""Pedigree likelihoods over many markers — the question "how likely are these typings on this pedigree".

Model. Every person carries a paternal and a maternal allele ("gene"); founders' genes are drawn from
the marker frequencies (Hardy-Weinberg), a child's paternal gene is one of the father's two genes
(probability 1/2 each) passed through the father's mutation matrix, likewise from the mother. On X
markers males carry only the maternal gene, fathers pass their single gene to daughters, sons receive
their mother's. With ``theta > 0`` all founder genes of one connected component are drawn jointly by
the Balding-Nichols sampling formula (as pedprobr does). Observations enter as evidence factors
``P(observed alleles | paternal, maternal)``; see :func:`..model.evidence.evidence_matrix` for partial
genotypes, drop-out and silent alleles. Every marker is computed by the engine
(:func:`homecoming.kinship.engine.marker_results`), which handles inbreeding loops without special cases.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from homecoming.kinship.engine import Job, ThetaScope, marker_results
from homecoming.kinship.model.evidence import Evidence, Placements, placements_of
from homecoming.kinship.model.markers import Locus
from homecoming.kinship.model.pedigree import Pedigree

FloatArray = NDArray[np.float64]


def marker_loglik(
    pedigree: Pedigree,
    locus: Locus,
    evidence: Evidence,
    /,
    *,
    theta: float = 0.0,
    theta_scope: ThetaScope = "component",
) -> float:
    """Natural log of ``P(observations at this marker | pedigree)``; ``-inf`` when impossible."""
    job = Job(pedigree, placements_of(pedigree, locus, evidence), theta=theta, theta_scope=theta_scope)
    return marker_results([job], [locus])[0][0].loglik


def marker_joint(
    pedigree: Pedigree,
    locus: Locus,
    evidence: Evidence,
    node: int,
    /,
    *,
    theta: float = 0.0,
    theta_scope: ThetaScope = "component",
) -> tuple[float, FloatArray]:
    """``(log P(data), J)`` with ``J[p, m] = P(node's paternal = p, maternal = m | data)``.

    ``J`` is over the locus alleles (plus the silent allele last, if any). For a hemizygous node
    (X marker, male) ``J`` is diagonal: ``J[m, m] = P(his allele = m | data)``.
    """
    placements = placements_of(pedigree, locus, evidence)
    job = Job(pedigree, placements, keep=pedigree.ids[node], theta=theta, theta_scope=theta_scope)
    got = marker_results([job], [locus])[0][0]
    assert got.joint is not None
    return got.loglik, got.joint


def marker_logliks(
    pedigree: Pedigree,
    loci: Sequence[Locus],
    placements: Placements,
    /,
    *,
    theta: float = 0.0,
    theta_scope: ThetaScope = "component",
) -> FloatArray:
    """Per-marker natural-log likelihoods of the pedigree with ``placements`` (node id -> profile(s)).

    ``theta_scope="component"`` draws founder alleles jointly within each connected component (as
    pedprobr); ``"pedigree"`` draws all founders of all components jointly (for "unrelated" hypotheses
    from the same subpopulation).
    """
    pedigree.validate()
    job = Job(pedigree, placements, theta=theta, theta_scope=theta_scope)
    return np.array([r.loglik for r in marker_results([job], loci)[0]], dtype=np.float64)


def loglik(
    pedigree: Pedigree,
    loci: Sequence[Locus],
    placements: Placements,
    /,
    *,
    theta: float = 0.0,
    theta_scope: ThetaScope = "component",
) -> float:
    """Total natural-log likelihood over independent markers."""
    return float(marker_logliks(pedigree, loci, placements, theta=theta, theta_scope=theta_scope).sum())


def pedigree_likelihood(
    pedigree: Pedigree, loci: Sequence[Locus], placements: Placements, /, *, theta: float = 0.0
) -> float:
    """Total likelihood (product over markers); may underflow to 0 for many markers, see ``loglik``."""
    return math.exp(loglik(pedigree, loci, placements, theta=theta))
