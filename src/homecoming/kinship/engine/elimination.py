"""Exact variable elimination over discrete factors (sum-product), with rescaling.

Used by :mod:`homecoming.kinship.likelihood` for pedigree likelihoods: it is exact on any pedigree,
inbreeding loops included (a loop only makes some intermediate factors larger). Each factor is a pair
``(variables, table)``; the variables are small integers and ``table`` has one axis per variable.
After every elimination step the new factor is divided by its maximum and the log of that scale is
accumulated, so nothing underflows.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import LimitError

FloatArray = NDArray[np.float64]
MAX_FACTOR_ENTRIES = 50_000_000
_SLACK = (1, 1, 2, 4, 16)  # randomised orders: how much larger than the smallest a table may be
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Factor:
    """A non-negative table with one axis per variable in ``variables``."""

    variables: tuple[int, ...]
    table: FloatArray


def eliminate(
    factors: Sequence[Factor],
    sizes: Sequence[int],
    keep: Sequence[int] = (),
    *,
    order: Sequence[int] | None = None,
) -> tuple[float, FloatArray]:
    """Sum out every variable except ``keep``.

    Returns ``(log_scale, table)``: the marginal over ``keep`` (axes in ``keep`` order) is
    ``exp(log_scale) * table``; with ``keep=()`` the table is a 0-d array and the total is
    ``exp(log_scale) * table``. ``order`` (from :func:`elimination_order`) may be given to skip the
    greedy search.
    """
    active = list(factors)
    log_scale = 0.0
    if order is None:
        order = elimination_order([f.variables for f in active], sizes, keep)
    for var in order:
        involved = [f for f in active if var in f.variables]
        if not involved:
            continue
        active = [f for f in active if var not in f.variables]
        new = _combine(involved, drop=var)
        peak = float(new.table.max()) if new.table.size else 0.0
        if peak == 0.0:
            return -math.inf, np.zeros([sizes[v] for v in keep])
        if peak != 1.0:
            new = Factor(new.variables, new.table / peak)
            log_scale += math.log(peak)
        active.append(new)
    final = _combine(active, drop=None, order=tuple(keep))
    return log_scale, final.table


def elimination_order(
    scopes: Sequence[tuple[int, ...]],
    sizes: Sequence[int],
    keep: Sequence[int] = (),
    *,
    rng: random.Random | None = None,
) -> list[int]:
    """Greedy minimum-table-size elimination order of every variable not in ``keep``.

    At each step the variable whose elimination makes the smallest table (the product of its own size
    and its neighbours' in the interaction graph) goes next; ties go to the smallest variable. With
    ``rng`` the step picks at random among the variables whose table is at most a few times the
    smallest (a randomised greedy order, for a search over orders).
    """
    neighbours: dict[int, set[int]] = {}
    for scope in scopes:
        for v in scope:
            neighbours.setdefault(v, set()).update(scope)
    pending = sorted(set(neighbours) - set(keep))
    costs = {v: math.prod(sizes[u] for u in neighbours[v]) for v in pending}
    order: list[int] = []
    while pending:
        best, best_cost = -1, math.inf
        for var in pending:
            cost = costs[var]
            if cost < best_cost:
                best, best_cost = var, cost
        if rng is not None:
            slack = best_cost * rng.choice(_SLACK)
            best = rng.choice([v for v in pending if costs[v] <= slack])
        pending.remove(best)
        order.append(best)
        union = neighbours.pop(best)
        union.discard(best)
        for u in union:
            nb = neighbours[u]
            nb.discard(best)
            nb.update(union)
            if u in costs:
                costs[u] = math.prod(sizes[w] for w in nb)
    return order


def _combine(factors: list[Factor], *, drop: int | None, order: tuple[int, ...] | None = None) -> Factor:
    union: list[int] = []
    for f in factors:
        for v in f.variables:
            if v not in union:
                union.append(v)
    out_vars = order if order is not None else tuple(v for v in union if v != drop)
    if not factors:
        return Factor(out_vars, np.ones(()))
    _check_size(factors)
    letters = {v: _LETTERS[k] for k, v in enumerate(union)}
    # multiply pairwise, summing a variable out as soon as no later factor needs it
    acc = factors[0]
    for k, f in enumerate(factors[1:], start=1):
        later = {v for g in factors[k + 1 :] for v in g.variables}
        acc_vars = tuple(dict.fromkeys(acc.variables + f.variables))
        keep_vars = tuple(v for v in acc_vars if v != drop or v in later)
        spec = (
            f"{''.join(letters[v] for v in acc.variables)},{''.join(letters[v] for v in f.variables)}"
            f"->{''.join(letters[v] for v in keep_vars)}"
        )
        acc = Factor(keep_vars, np.einsum(spec, acc.table, f.table))
    spec = f"{''.join(letters[v] for v in acc.variables)}->{''.join(letters[v] for v in out_vars)}"
    return Factor(out_vars, np.asarray(np.einsum(spec, acc.table), dtype=np.float64))


def _check_size(factors: list[Factor]) -> None:
    dims: dict[int, int] = {}
    for f in factors:
        dims.update(zip(f.variables, f.table.shape, strict=True))
    total = math.prod(dims.values())
    if total > MAX_FACTOR_ENTRIES:
        raise LimitError(
            f"this pedigree needs an intermediate table of {total:,} entries (limit {MAX_FACTOR_ENTRIES:,})",
            field="pedigree",
            value=total,
            hint="reduce the number of untyped founders, the allele count, or theta with many founders",
        )
