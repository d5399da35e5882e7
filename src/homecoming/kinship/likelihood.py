"""Per-marker pedigree likelihoods (exact), on any pedigree.

Model. Every person carries a paternal and a maternal allele ("gene"); founders' genes are drawn from
the marker frequencies (Hardy-Weinberg), a child's paternal gene is one of the father's two genes
(probability 1/2 each) passed through the father's mutation matrix, likewise from the mother. On X
markers males carry only the maternal gene, fathers pass their single gene to daughters, sons receive
their mother's. With ``theta > 0`` all founder genes of one connected component are drawn jointly by
the Balding-Nichols sampling formula (as pedprobr does). Observations enter as evidence factors
``P(observed alleles | paternal, maternal)``; see :func:`evidence_matrix` for partial genotypes,
drop-out and silent alleles. The sum over all unobserved genes is done by exact variable elimination
(:mod:`homecoming.kinship.engine.elimination`), which handles inbreeding loops without special cases.

Alleles never named in any observation of a marker are lumped into one allele when every mutation
matrix is lumpable for that split (always for no mutation, equal, proportional): an exact reduction.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import MarkerError
from homecoming.kinship.engine.elimination import Factor, eliminate, elimination_order
from homecoming.kinship.engine.plan import gene_index, plain_results
from homecoming.kinship.model.markers import Genotype, Locus, Profile
from homecoming.kinship.model.pedigree import MALE, UNKNOWN, Pedigree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class Observation:
    """One typing of one sample at one marker; ``dropout`` is the per-allele-copy drop-out probability."""

    sample: str
    genotype: Genotype
    dropout: float = 0.0


Evidence = Mapping[int, Sequence[Observation]]
ThetaScope = Literal["component", "pedigree"]


@dataclass(frozen=True, eq=False)
class AlleleSpace:
    """The alleles used for one marker computation (possibly lumped, possibly with a silent allele)."""

    freqs: FloatArray
    male: FloatArray | None
    female: FloatArray | None
    silent: int
    codes: Mapping[int, int]  # locus allele index (or -1 for silent) -> index here
    lumped: bool

    @property
    def n(self) -> int:
        return int(self.freqs.size)


# --------------------------------------------------------------------------- allele space
def allele_space(locus: Locus, named: set[int], *, lump: bool) -> AlleleSpace:
    """Alleles of ``locus`` (+ silent), lumping the never-named ones when exact."""
    p = locus.freq_array
    mats = [locus.male_matrix, locus.female_matrix]
    silent = -1
    if locus.silent_frequency > 0:
        s = locus.silent_frequency
        p = np.append(p * (1 - s), s)
        mats = [None if m is None else _extend_identity(m) for m in mats]
        silent = p.size - 1
    n = p.size
    named_idx = sorted({silent if i == -1 else i for i in named} | ({silent} if silent >= 0 else set()))
    rest = [i for i in range(n) if i not in set(named_idx)]
    if (
        lump
        and len(rest) >= 2
        and (_always_lumpable(locus) or all(m is None or _lumpable(m, rest, named_idx) for m in mats))
    ):
        freqs = np.append(p[named_idx], p[rest].sum())
        lumped = [None if m is None else _lump(m, named_idx, rest) for m in mats]
        codes = {(-1 if i == silent else i): j for j, i in enumerate(named_idx)}
        return AlleleSpace(freqs, lumped[0], lumped[1], codes.get(-1, -1), codes, lumped=True)
    codes = {(-1 if i == silent else i): i for i in range(n)}
    return AlleleSpace(p, mats[0], mats[1], silent, codes, lumped=False)


_ALWAYS_LUMPABLE = frozenset({"equal", "proportional", "trivial"})


def _always_lumpable(locus: Locus) -> bool:
    """Models lumpable for every split of the alleles (Kemeny-Snell strong lumpability)."""
    mut = locus.mutation
    return mut is None or (mut.female.model in _ALWAYS_LUMPABLE and mut.male.model in _ALWAYS_LUMPABLE)


def _extend_identity(m: FloatArray) -> FloatArray:
    n = m.shape[0]
    out = np.zeros((n + 1, n + 1))
    out[:n, :n] = m
    out[n, n] = 1.0
    return out


def _lumpable(m: FloatArray, rest: list[int], named: list[int]) -> bool:
    block = m[np.ix_(rest, named)]
    if block.size and not np.allclose(block, block[0], rtol=1e-13, atol=1e-300):
        return False
    within = m[np.ix_(rest, rest)].sum(axis=1)
    return bool(np.allclose(within, within[0], rtol=1e-13, atol=1e-300))


def _lump(m: FloatArray, named: list[int], rest: list[int]) -> FloatArray:
    k = len(named)
    rows = m[named]
    out = np.empty((k + 1, k + 1))
    out[:k, :k] = rows[:, named]
    out[:k, k] = rows[:, rest].sum(axis=1)
    out[k, :k] = m[rest[0], named]
    out[k, k] = m[rest[0], rest].sum()
    return out


# --------------------------------------------------------------------------- evidence
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


# --------------------------------------------------------------------------- factor graph
@dataclass(frozen=True, eq=False)
class _Graph:
    factors: list[Factor]
    sizes: list[int]
    domains: list[IntArray]
    genes: dict[tuple[int, int], int]  # (person, 0 paternal / 1 maternal) -> variable
    key: tuple[object, ...]  # structure key for caching the elimination order


_ORDERS: dict[tuple[object, ...], list[int]] = {}


def _order(graph: _Graph, keep: tuple[int, ...]) -> list[int]:
    """Elimination order, cached per pedigree structure, evidence pattern and coarse domain sizes."""
    key = (*graph.key, keep)
    order = _ORDERS.get(key)
    if order is None:
        nominal = [s if s <= 2 else 16 for s in graph.sizes]
        order = elimination_order([f.variables for f in graph.factors], nominal, keep)
        if len(_ORDERS) > 4096:
            _ORDERS.clear()
        _ORDERS[key] = order
    return order


def _build(
    ped: Pedigree,
    space: AlleleSpace,
    evid: Mapping[int, FloatArray],
    *,
    x: bool,
    theta: float,
    theta_scope: str = "component",
) -> _Graph | None:
    genes = gene_index(ped, x)
    n = space.n
    full = np.arange(n)
    domains: list[IntArray] = [full] * len(genes)
    for i, e in evid.items():
        if x and ped.sex[i] == MALE:
            domains[genes[(i, 1)]] = np.nonzero(np.diag(e))[0]
        else:
            domains[genes[(i, 0)]] = np.nonzero(e.any(axis=1))[0]
            domains[genes[(i, 1)]] = np.nonzero(e.any(axis=0))[0]
    if any(d.size == 0 for d in domains):
        return None
    factors: list[Factor] = []
    for (i, _side), var in genes.items():
        if ped.father[i] < 0 and theta == 0:
            factors.append(Factor((var,), space.freqs[domains[var]]))
    for i in range(len(ped)):
        if ped.father[i] >= 0:
            factors += _transmissions(ped, i, genes, domains, space, x)
    for i, e in evid.items():
        if x and ped.sex[i] == MALE:
            v = genes[(i, 1)]
            factors.append(Factor((v,), np.diag(e)[domains[v]]))
        else:
            vp, vm = genes[(i, 0)], genes[(i, 1)]
            factors.append(Factor((vp, vm), e[np.ix_(domains[vp], domains[vm])]))
    if theta > 0:
        groups = ped.components if theta_scope == "component" else (tuple(range(len(ped))),)
        for comp in groups:
            fvars = [genes[(i, s)] for i in comp if ped.father[i] < 0 for s in (0, 1) if (i, s) in genes]
            factors.append(Factor(tuple(fvars), theta_prior(space.freqs, [domains[v] for v in fvars], theta)))
    sizes = [int(d.size) for d in domains]
    key = (ped, x, theta > 0, theta_scope, tuple(sorted(evid)), tuple(min(z, 3) for z in sizes))
    return _Graph(factors, sizes, domains, genes, key)


def _transmissions(
    ped: Pedigree,
    i: int,
    genes: dict[tuple[int, int], int],
    domains: list[IntArray],
    space: AlleleSpace,
    x: bool,
) -> list[Factor]:
    fa, mo = ped.father[i], ped.mother[i]
    out = []
    cm = genes[(i, 1)]
    out.append(_meiosis(space.female, genes[(mo, 0)], genes[(mo, 1)], cm, domains))
    if not x:
        out.append(_meiosis(space.male, genes[(fa, 0)], genes[(fa, 1)], genes[(i, 0)], domains))
    elif ped.sex[i] != MALE:
        src, cp = genes[(fa, 1)], genes[(i, 0)]
        out.append(Factor((src, cp), _slice(space.male, domains[src], domains[cp])))
    return out


def _slice(m: FloatArray | None, rows: IntArray, cols: IntArray) -> FloatArray:
    if m is None:
        ident: FloatArray = (rows[:, None] == cols[None, :]).astype(np.float64)
        return ident
    out: FloatArray = m[rows][:, cols]
    return out


def _meiosis(m: FloatArray | None, a: int, b: int, c: int, domains: list[IntArray]) -> Factor:
    ta = _slice(m, domains[a], domains[c])
    tb = _slice(m, domains[b], domains[c])
    return Factor((a, b, c), 0.5 * (ta[:, None, :] + tb[None, :, :]))


def theta_prior(freqs: FloatArray, domains: Sequence[IntArray], theta: float) -> FloatArray:
    """Joint probability of ordered founder genes drawn by the Balding-Nichols formula.

    ``P(a | b earlier copies of a among j-1 drawn) = (b theta + (1-theta) p_a) / (1 + (j-2) theta)``;
    the product depends only on the allele counts, so the order of drawing does not matter.
    """
    k = len(domains)
    grids = np.meshgrid(*domains, indexing="ij") if k else []
    table = np.ones(tuple(int(d.size) for d in domains))
    for a in np.unique(np.concatenate(domains)) if k else []:
        count = sum((g == a).astype(np.intp) for g in grids)
        steps = np.arange(k) * theta + (1 - theta) * freqs[a]
        h = np.concatenate(([1.0], np.cumprod(steps)))
        table = table * h[count]
    denom = math.prod(1 + (j - 2) * theta for j in range(1, k + 1))
    out: FloatArray = table / denom
    return out


# --------------------------------------------------------------------------- one marker
def _prepare(
    ped: Pedigree, locus: Locus, evidence: Evidence, *, lump: bool
) -> tuple[AlleleSpace, dict[int, FloatArray]]:
    x = locus.chromosome == "X"
    coded: dict[int, list[tuple[tuple[int, ...], float, bool]]] = {}
    named: set[int] = set()
    for node, observations in evidence.items():
        if x and ped.sex[node] == UNKNOWN:
            raise MarkerError(
                f"person {ped.ids[node]} has unknown sex but marker {locus.name} is on X",
                field=f"{ped.ids[node]}.sex",
                value="unknown",
                hint="give the person's sex",
            )
        for obs in observations:
            idx = observed_indices(locus, obs)
            if x and ped.sex[node] == MALE and len(set(idx)) > 1:
                raise MarkerError(
                    f"sample {obs.sample} on male {ped.ids[node]} is heterozygous ({obs.genotype}) at "
                    f"X marker {locus.name}",
                    field=f"{obs.sample}.{locus.name}",
                    value=str(obs.genotype),
                    hint="males carry one X allele; write it as a homozygous pair",
                )
            named.update(idx)
            coded.setdefault(node, []).append((idx, obs.dropout, obs.genotype.is_partial))
    space = allele_space(locus, named, lump=lump)
    evid: dict[int, FloatArray] = {}
    for node, items in coded.items():
        mapped = [(tuple(space.codes[i] for i in idx), d, partial) for idx, d, partial in items]
        evid[node] = evidence_matrix(space, mapped, hemizygous=x and ped.sex[node] == MALE)
    return space, evid


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
    _check_theta(theta)
    space, evid = _prepare(pedigree, locus, evidence, lump=True)
    graph = _build(pedigree, space, evid, x=locus.chromosome == "X", theta=theta, theta_scope=theta_scope)
    if graph is None:
        return -math.inf
    log_scale, table = eliminate(graph.factors, graph.sizes, order=_order(graph, ()))
    total = float(table)
    return log_scale + math.log(total) if total > 0 else -math.inf


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
    _check_theta(theta)
    space, evid = _prepare(pedigree, locus, evidence, lump=False)
    x = locus.chromosome == "X"
    graph = _build(pedigree, space, evid, x=x, theta=theta, theta_scope=theta_scope)
    n = space.n
    if graph is None:
        return -math.inf, np.full((n, n), math.nan)
    hemi = x and pedigree.sex[node] == MALE
    keep: tuple[int, ...] = (
        (graph.genes[(node, 1)],) if hemi else (graph.genes[(node, 0)], graph.genes[(node, 1)])
    )
    log_scale, table = eliminate(graph.factors, graph.sizes, keep, order=_order(graph, keep))
    total = float(table.sum())
    if not total > 0:
        return -math.inf, np.full((n, n), math.nan)
    joint = np.zeros((n, n))
    if hemi:
        dom = graph.domains[keep[0]]
        joint[dom, dom] = table / total
    else:
        joint[np.ix_(graph.domains[keep[0]], graph.domains[keep[1]])] = table / total
    return log_scale + math.log(total), joint


def _check_theta(theta: float) -> None:
    if not (0.0 <= theta < 1.0):
        raise MarkerError(
            "theta must be in [0, 1)", field="theta", value=theta, hint="use a small value such as 0.01"
        )


# --------------------------------------------------------------------------- many markers
Placements = Mapping[str, Profile | Sequence[Profile]]


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
    fast = plain_results(pedigree, loci, placements, keep_node=None) if theta == 0 else [None] * len(loci)
    return np.array(
        [
            marker_loglik(
                pedigree,
                locus,
                node_evidence(pedigree, locus, placements),
                theta=theta,
                theta_scope=theta_scope,
            )
            if got is None
            else got[0]
            for locus, got in zip(loci, fast, strict=True)
        ],
        dtype=np.float64,
    )


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
