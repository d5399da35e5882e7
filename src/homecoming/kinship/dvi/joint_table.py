"""The exact joint table of all assignments of a DVI batch (``dvir::dviJoint``), per component.

Built on the family option sets and pairwise LRs of :mod:`homecoming.kinship.dvi.joint` (which re-exports
:func:`joint_table` and :class:`JointTable`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from homecoming.kinship.dvi.assignments import (
    Enumeration,
    Pair,
    _limit_error,
    components,
    enumerate_component,
    top_products,
)
from homecoming.kinship.dvi.joint import (
    DEFAULT_LIMIT,
    DviProblem,
    Pairwise,
    _Evidence,
    count_component,
    option_sets,
    pairwise,
)

ALL_ROWS_UP_TO = 2_000
TOP_ROWS = 1_000


@dataclass(frozen=True)
class JointTable:
    """The joint table of all assignments (``dvir::dviJoint``), built from exact component tables.

    ``rows`` are ``(pairs, loglik)`` by decreasing loglik: all assignments when there are at most
    ``ALL_ROWS_UP_TO``, otherwise the best ``TOP_ROWS``. ``loglik_logsumexp`` is over all assignments.
    """

    problem: DviProblem
    pairwise: Pairwise
    n_assignments: int
    loglik_logsumexp: float
    rows: tuple[tuple[tuple[Pair, ...], float], ...]
    components: tuple[Enumeration, ...]

    @property
    def loglik_null(self) -> float:
        return self.pairwise.loglik_null

    def posterior(self, loglik: float) -> float:
        return math.exp(loglik - self.loglik_logsumexp) if math.isfinite(self.loglik_logsumexp) else math.nan

    @property
    def null_rank(self) -> int | None:
        for k, (pairs, _ll) in enumerate(self.rows):
            if not pairs:
                return k + 1
        return None

    def pair_probabilities(self) -> dict[Pair, float]:
        out: dict[Pair, float] = {}
        for e in self.components:
            out |= e.pair_probabilities()
        return out

    def generalised_lrs(self) -> dict[Pair, float]:
        """Log GLRs per candidate pair (other components do not change them)."""
        out: dict[Pair, float] = {}
        for e in self.components:
            out |= e.generalised_lrs()
        return out


def joint_table(
    problem: DviProblem, /, *, limit: int = DEFAULT_LIMIT, pw: Pairwise | None = None
) -> JointTable:
    """Exact joint table of all assignments (no exclusions, mutation models on).

    Raises :class:`~homecoming.errors.LimitError` when a component has more than ``limit`` assignments.
    """
    pw = pw or pairwise(problem, exclusions=False)
    comps = components(problem.candidates, problem.missing_family, len(problem.families))
    counts = [count_component(problem, c, stop_above=limit) for c in comps]
    for c, (n, kind) in zip(comps, counts, strict=True):
        if n > limit:
            raise _limit_error(len(c.victims), len(c.families), n, limit, lower=kind != "exact")
    ev = _Evidence(problem, problem.loci)
    enums = []
    for c, (n, _kind) in zip(comps, counts, strict=True):
        req = [v for v in c.victims if not problem.allow_unassigned[v]]
        enums.append(
            enumerate_component(
                c.victims, option_sets(problem, c, pw, ev), required=req, limit=limit, count=n
            )
        )
    total = math.prod(e.size for e in enums)
    tables = []
    for e in enums:
        order = e.order()
        tables.append(
            (
                e.weights[order],
                [e.pairs(int(r)) for r in order[: TOP_ROWS if total > ALL_ROWS_UP_TO else None]],
            )
        )
        tables[-1] = (tables[-1][0][: len(tables[-1][1])], tables[-1][1])
    weights, rows = top_products(tables, None if total <= ALL_ROWS_UP_TO else TOP_ROWS)
    null = pw.loglik_null
    lse = null + sum(e.log_total for e in enums)
    return JointTable(
        problem,
        pw,
        total,
        lse,
        tuple((tuple(r), null + float(w)) for r, w in zip(rows, weights, strict=True)),
        tuple(enums),
    )
