"""Identification of a batch: exclusions -> undisputed matches -> components -> exact or ML.

1. **Exclusions**: a candidate pair is dropped when more than ``max_incompatible`` markers are
   inconsistent without mutation models (``dvir::exclusionMatrix``), or its LR is 0.
2. **Undisputed matches**: pairwise LR >= ``threshold`` and every competing LR (other missing persons
   for that victim, other victims for that missing person) <= 1. The pair is fixed: the victim keeps
   only that candidate and the missing person is taken from every other victim.
3. **Components** of the remaining candidate graph (victims linked to families).
4. **Exact enumeration** within each component with at most ``limit`` assignments: flat-prior
   posteriors, posterior pairing probabilities and generalised LRs; the best assignment.
5. Beyond the limit: the **maximum-likelihood assignment by bipartite matching** on pairwise log LRs,
   labelled "approximate: ML by bipartite matching" (exact maximum when every family of the component
   has one missing person; otherwise the joint dependence within a family is ignored). No posteriors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from homecoming.errors import HypothesisError
from homecoming.kinship.dvi.assignments import (
    Component,
    OptionSet,
    Pair,
    components,
    enumerate_component,
    ml_matching,
)
from homecoming.kinship.dvi.joint import (
    DEFAULT_LIMIT,
    DviProblem,
    FloatArray,
    Pairwise,
    _Evidence,
    count_component,
    option_sets,
    pairwise,
)

EXACT = "exact enumeration"
APPROXIMATE = "approximate: ML by bipartite matching"


@dataclass(frozen=True)
class ComponentResult:
    """One component: its method, size, best assignment and (exact only) posteriors and GLRs."""

    victims: tuple[int, ...]
    families: tuple[int, ...]
    method: str
    n_assignments: int
    count_type: str
    best: tuple[Pair, ...]
    best_log_lr: float  # log LR of the best assignment against the null
    posterior_best: float | None
    pair_probabilities: dict[Pair, float]
    log_glr: dict[Pair, float]
    note: str = ""


@dataclass(frozen=True)
class Identification:
    """Result of :func:`identify` (indices into ``problem.victims`` / ``problem.missing``)."""

    problem: DviProblem
    pairwise: Pairwise
    excluded: tuple[Pair, ...]
    undisputed: tuple[Pair, ...]
    components: tuple[ComponentResult, ...]
    threshold: float
    max_incompatible: int
    limit: int

    @property
    def best_pairs(self) -> tuple[Pair, ...]:
        return tuple(sorted(p for c in self.components for p in c.best))

    def named(self, pairs: tuple[Pair, ...] | list[Pair]) -> list[list[str]]:
        ids, ms = self.problem.victim_ids, self.problem.missing
        return [[ids[v], ms[m]] for v, m in pairs]


def exclusion_filter(
    problem: DviProblem, pw: Pairwise, max_incompatible: int
) -> tuple[list[list[int]], list[Pair]]:
    """Candidates left after exclusions, and the excluded pairs."""
    cands: list[list[int]] = []
    excluded: list[Pair] = []
    for v, cs in enumerate(problem.candidates):
        keep = []
        for m in cs:
            if pw.exclusions[v, m] > max_incompatible or pw.log_lr[v, m] == -math.inf:
                excluded.append((v, m))
            else:
                keep.append(m)
        cands.append(keep)
    return cands, excluded


def undisputed_pairs(cands: list[list[int]], log_lr: FloatArray, threshold: float) -> list[Pair]:
    """Pairs with LR >= threshold whose competitors (same row or column, still candidates) are <= 1."""
    if not threshold > 0:
        raise HypothesisError(
            f"threshold: must be a positive LR, got {threshold!r}",
            field="threshold",
            value=threshold,
            hint="use e.g. 10000 (the usual undisputed threshold)",
        )
    log_t = math.log(threshold)
    cols: dict[int, list[int]] = {}
    for v, cs in enumerate(cands):
        for m in cs:
            cols.setdefault(m, []).append(v)
    out = []
    for v, cs in enumerate(cands):
        for m in cs:
            if not log_lr[v, m] >= log_t:
                continue
            row_ok = all(log_lr[v, o] <= 0 for o in cs if o != m)
            col_ok = all(log_lr[u, m] <= 0 for u in cols[m] if u != v)
            if row_ok and col_ok:
                out.append((v, m))
    return out


def identify(
    problem: DviProblem,
    /,
    *,
    threshold: float = 1e4,
    max_incompatible: int = 2,
    limit: int = DEFAULT_LIMIT,
    pw: Pairwise | None = None,
    known: Mapping[int, OptionSet] | None = None,
) -> Identification:
    """Joint identification of a batch (see the module docstring for the steps).

    ``known``: the families' option sets over all candidate pairs (e.g. a joint table's), reused
    instead of computing the option sets of each component again.
    """
    pw = pw or pairwise(problem)
    cands, excluded = exclusion_filter(problem, pw, max_incompatible)
    allow = list(problem.allow_unassigned)
    fixed = undisputed_pairs(cands, pw.log_lr, threshold)
    taken = {m for _v, m in fixed}
    for v, m in fixed:
        cands[v] = [m]
        allow[v] = False
    fixed_victims = {v for v, _m in fixed}
    for v, cs in enumerate(cands):
        if v not in fixed_victims:
            cands[v] = [m for m in cs if m not in taken]
    reduced = problem.restricted(cands, allow)
    ev = _Evidence(reduced, reduced.loci)
    results = [
        _solve(reduced, comp, pw, ev, limit, known)
        for comp in components(reduced.candidates, reduced.missing_family, len(reduced.families))
    ]
    return Identification(
        problem, pw, tuple(excluded), tuple(fixed), tuple(results), threshold, max_incompatible, limit
    )


def _solve(
    problem: DviProblem,
    comp: Component,
    pw: Pairwise,
    ev: _Evidence,
    limit: int,
    known: Mapping[int, OptionSet] | None,
) -> ComponentResult:
    n, kind = count_component(problem, comp, stop_above=limit)
    req = [v for v in comp.victims if not problem.allow_unassigned[v]]
    if not comp.families:
        return ComponentResult(comp.victims, (), EXACT, n, kind, (), 0.0, 1.0 if n else None, {}, {})
    if n <= limit and kind == "exact":
        e = enumerate_component(
            comp.victims, option_sets(problem, comp, pw, ev, known=known), required=req, limit=limit, count=n
        )
        if e.size == 0:
            return ComponentResult(
                comp.victims,
                comp.families,
                EXACT,
                0,
                kind,
                (),
                -math.inf,
                None,
                {},
                {},
                "no valid assignment (a victim must be assigned but cannot be)",
            )
        top = int(e.order()[0])
        post = e.posteriors()
        return ComponentResult(
            comp.victims,
            comp.families,
            EXACT,
            n,
            kind,
            tuple(e.pairs(top)),
            float(e.weights[top]),
            float(post[top]),
            e.pair_probabilities(),
            e.generalised_lrs(),
        )
    log_lr = {(v, m): float(pw.log_lr[v, m]) for v in comp.victims for m in problem.candidates[v]}
    match = ml_matching(list(comp.victims), log_lr, required=req)
    several = any(len(problem.families[f].missing) > 1 for f in comp.families)
    note = f"{n:,} assignments ({kind}) exceed the limit of {limit:,}; " + (
        "families with several missing persons: joint dependence ignored"
        if several
        else "every family has one missing person: this is the exact maximum"
    )
    return ComponentResult(
        comp.victims, comp.families, APPROXIMATE, n, kind, match.pairs, match.log_lr, None, {}, {}, note
    )
