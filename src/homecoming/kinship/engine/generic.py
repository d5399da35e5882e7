"""The generic backend: a factor graph per marker, summed by exact variable elimination.

It takes every case the model describes: θ > 0 (founder genes of a component drawn jointly by the
Balding–Nichols formula, as pedprobr does), partial genotypes, drop-out, silent alleles, several
samples on one person, inbreeding loops. The factors are those of :mod:`..model.structure`, filled
with tables over each gene's domain (a typed person's genes range only over alleles their evidence
allows). Only :mod:`homecoming.kinship.engine` calls it; everyone else asks the engine.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import MarkerError
from homecoming.kinship.engine.caches import ORDERS
from homecoming.kinship.engine.elimination import Factor, eliminate, elimination_order
from homecoming.kinship.model.alleles import AlleleSpace, allele_space, lumped_space
from homecoming.kinship.model.evidence import Evidence, evidence_matrix, observed_indices
from homecoming.kinship.model.markers import Locus
from homecoming.kinship.model.pedigree import MALE, UNKNOWN, Pedigree
from homecoming.kinship.model.structure import COPY, EVID, HEMI, MEIOSIS, PRIOR, gene_index, structure

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def run(
    ped: Pedigree,
    locus: Locus,
    evidence: Evidence,
    /,
    *,
    keep: int | None,
    theta: float,
    theta_scope: str,
    lump: bool,
    named: Collection[int] = (),
) -> tuple[float, FloatArray | None, AlleleSpace]:
    """``(log P(data), J, space)`` of one marker; ``J`` (None without ``keep``) is the joint of the kept
    node's genes over ``space`` (``J[m, m]`` only for a hemizygous node); ``-inf`` and NaN when impossible.
    """
    space, evid = prepare(ped, locus, evidence, lump=lump, named=named)
    x = locus.chromosome == "X"
    graph = _build(ped, space, evid, x=x, theta=theta, theta_scope=theta_scope)
    n = space.n
    if keep is None:
        if graph is None:
            return -math.inf, None, space
        log_scale, table = eliminate(graph.factors, graph.sizes, order=_order(graph, ()))
        total = float(table)
        return (log_scale + math.log(total) if total > 0 else -math.inf), None, space
    if graph is None:
        return -math.inf, np.full((n, n), math.nan), space
    hemi = x and ped.sex[keep] == MALE
    kept: tuple[int, ...] = (
        (graph.genes[(keep, 1)],) if hemi else (graph.genes[(keep, 0)], graph.genes[(keep, 1)])
    )
    log_scale, table = eliminate(graph.factors, graph.sizes, kept, order=_order(graph, kept))
    total = float(table.sum())
    if not total > 0:
        return -math.inf, np.full((n, n), math.nan), space
    joint = np.zeros((n, n))
    if hemi:
        dom = graph.domains[kept[0]]
        joint[dom, dom] = table / total
    else:
        joint[np.ix_(graph.domains[kept[0]], graph.domains[kept[1]])] = table / total
    return log_scale + math.log(total), joint, space


def prepare(
    ped: Pedigree, locus: Locus, evidence: Evidence, *, lump: bool, named: Collection[int] = ()
) -> tuple[AlleleSpace, dict[int, FloatArray]]:
    x = locus.chromosome == "X"
    coded: dict[int, list[tuple[tuple[int, ...], float, bool]]] = {}
    named_here: set[int] = set(named)
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
            named_here.update(idx)
            coded.setdefault(node, []).append((idx, obs.dropout, obs.genotype.is_partial))
    space = allele_space(locus, named_here, lump=lump) if not lump else lumped_space(locus, named_here)
    evid: dict[int, FloatArray] = {}
    for node, items in coded.items():
        mapped = [(tuple(space.codes[i] for i in idx), d, partial) for idx, d, partial in items]
        evid[node] = evidence_matrix(space, mapped, hemizygous=x and ped.sex[node] == MALE)
    return space, evid


@dataclass(frozen=True, eq=False)
class _Graph:
    factors: list[Factor]
    sizes: list[int]
    domains: list[IntArray]
    genes: dict[tuple[int, int], int]  # (person, 0 paternal / 1 maternal) -> variable
    key: tuple[object, ...]  # structure key for caching the elimination order


def _order(graph: _Graph, keep: tuple[int, ...]) -> list[int]:
    """Elimination order, cached per pedigree structure, evidence pattern and coarse domain sizes."""
    key = (*graph.key, keep)
    order: list[int] | None = ORDERS.get(key)
    if order is None:
        nominal = [s if s <= 2 else 16 for s in graph.sizes]
        order = elimination_order([f.variables for f in graph.factors], nominal, keep)
        ORDERS.put(key, order)
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
    """The factors of :func:`..model.structure.structure` as tables (None when some gene has no allele)."""
    genes = gene_index(ped, x)
    full = np.arange(space.n)
    domains: list[IntArray] = [full] * len(genes)
    for i, e in evid.items():
        if x and ped.sex[i] == MALE:
            domains[genes[(i, 1)]] = np.nonzero(np.diag(e))[0]
        else:
            domains[genes[(i, 0)]] = np.nonzero(e.any(axis=1))[0]
            domains[genes[(i, 1)]] = np.nonzero(e.any(axis=0))[0]
    if any(d.size == 0 for d in domains):
        return None
    owner = {var: node for (node, _side), var in genes.items()}
    factors: list[Factor] = []
    for spec in structure(ped, genes, tuple(evid), x):
        v = spec.variables
        if spec.kind == PRIOR:
            if theta == 0:
                factors.append(Factor(v, space.freqs[domains[v[0]]]))
        elif spec.kind == MEIOSIS:
            factors.append(
                _meiosis(space.male if spec.sex == MALE else space.female, v[0], v[1], v[2], domains)
            )
        elif spec.kind == COPY:
            factors.append(Factor(v, _slice(space.male, domains[v[0]], domains[v[1]])))
        elif spec.kind == HEMI:
            factors.append(Factor(v, np.diag(evid[owner[v[0]]])[domains[v[0]]]))
        elif spec.kind == EVID:
            factors.append(Factor(v, evid[owner[v[0]]][np.ix_(domains[v[0]], domains[v[1]])]))
    if theta > 0:
        groups = ped.components if theta_scope == "component" else (tuple(range(len(ped))),)
        for comp in groups:
            fvars = [genes[(i, s)] for i in comp if ped.father[i] < 0 for s in (0, 1) if (i, s) in genes]
            factors.append(Factor(tuple(fvars), theta_prior(space.freqs, [domains[v] for v in fvars], theta)))
    sizes = [int(d.size) for d in domains]
    key = (ped, x, theta > 0, theta_scope, tuple(sorted(evid)), tuple(min(z, 3) for z in sizes))
    return _Graph(factors, sizes, domains, genes, key)


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


def check_theta(theta: float) -> None:
    """A MarkerError unless ``0 <= theta < 1``."""
    if not (0.0 <= theta < 1.0):
        raise MarkerError(
            "theta must be in [0, 1)", field="theta", value=theta, hint="use a small value such as 0.01"
        )
