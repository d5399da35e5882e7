"""Assignments of victims to missing persons: components, counting, exact enumeration, ML matching.

Pure combinatorics over numbers; the genetics is in :mod:`homecoming.kinship.dvi.joint`.

An *assignment* maps every victim to one of its candidate missing persons or to nobody, each missing
person used at most once. Its log-likelihood is ``loglik_null + sum over families of w_f[option]``
where an *option* of a family is one sub-assignment of victims to ITS missing persons and ``w`` is the
family's log LR of that option against the null (the family likelihood with those victims placed, over
the family alone times the victims as unrelated singletons). Enumeration therefore combines per-family
options with disjoint victim sets, never touching a pedigree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from homecoming.errors import LimitError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
Pair = tuple[int, int]  # (victim index, missing index), both global
MAX_COUNT_STATES = 1 << 20
_CHUNK = 4_000_000


@dataclass(frozen=True)
class OptionSet:
    """The sub-assignments of one family (option 0 is the empty one) and their log LRs vs the null."""

    family: int
    pairs: tuple[tuple[Pair, ...], ...]
    weights: FloatArray


@dataclass(frozen=True)
class Component:
    """Victims and families connected through candidate pairs (global indices, sorted)."""

    victims: tuple[int, ...]
    families: tuple[int, ...]


def components(
    candidates: Sequence[Sequence[int]], missing_family: Sequence[int], n_families: int
) -> list[Component]:
    """Connected components of the victim-family candidate graph (families without candidates are left
    out; victims without candidates form their own component)."""
    n_v = len(candidates)
    parent = list(range(n_v + n_families))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    linked: set[int] = set()
    for v, cands in enumerate(candidates):
        for m in cands:
            f = missing_family[m]
            linked.add(f)
            parent[find(v)] = find(n_v + f)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for v in range(n_v):
        groups.setdefault(find(v), ([], []))[0].append(v)
    for f in sorted(linked):
        groups.setdefault(find(n_v + f), ([], []))[1].append(f)
    return [Component(tuple(vs), tuple(fs)) for vs, fs in groups.values()]


def count_assignments(
    candidates: Mapping[int, Sequence[int]],
    required: Sequence[int] = (),
    *,
    max_states: int = MAX_COUNT_STATES,
    stop_above: int | None = None,
) -> tuple[int, str]:
    """Number of assignments (partial matchings) of the victims in ``candidates`` -> ``(count, type)``.

    Exact dynamic programme over victims whose state is the set of used missing persons that later
    victims could still take ("exact"); beyond ``max_states`` states a lower bound (assignments with at
    most one pair) is returned with type "lower bound". With ``stop_above``, counting stops as soon as
    the assignments of the victims seen so far (each extended by leaving the rest unassigned, when none
    of them is required) are more than that: their number is returned as a "lower bound".
    """
    victims = list(candidates)
    req_after = [any(u in set(required) for u in victims[k + 1 :]) for k in range(len(victims))]
    last_use: dict[int, int] = {}
    for k, v in enumerate(victims):
        for m in candidates[v]:
            last_use[m] = k
    req = set(required)
    states: dict[frozenset[int], int] = {frozenset(): 1}
    for k, v in enumerate(victims):
        new: dict[frozenset[int], int] = {}
        for used, n in states.items():
            if v not in req:
                _add(new, _forget(used, last_use, k), n)
            for m in candidates[v]:
                if m not in used:
                    _add(new, _forget(used | {m}, last_use, k), n)
        states = new
        if stop_above is not None and not req_after[k]:
            partial = sum(states.values())
            if partial > stop_above and k < len(victims) - 1:
                return partial, "lower bound"
        if len(states) > max_states:
            bound = (0 if req else 1) + sum(len(c) for c in candidates.values())
            return bound, "lower bound"
    return sum(states.values()), "exact"


def _add(table: dict[frozenset[int], int], key: frozenset[int], n: int) -> None:
    table[key] = table.get(key, 0) + n


def _forget(used: frozenset[int], last_use: Mapping[int, int], k: int) -> frozenset[int]:
    return frozenset(m for m in used if last_use[m] > k)


@dataclass(frozen=True)
class Enumeration:
    """Every assignment of one component: ``choice[r, j]`` = option of family ``option_sets[j]``."""

    victims: tuple[int, ...]
    option_sets: tuple[OptionSet, ...]
    choice: IntArray
    weights: FloatArray  # log LR of each assignment against the null

    @property
    def size(self) -> int:
        return int(self.weights.size)

    @property
    def log_total(self) -> float:
        """``log sum exp(weights)`` (the component's factor of the total likelihood over the null)."""
        return _logsumexp(self.weights)

    def pairs(self, row: int) -> list[Pair]:
        out: list[Pair] = []
        for j, opts in enumerate(self.option_sets):
            out += opts.pairs[int(self.choice[row, j])]
        return sorted(out)

    def order(self) -> IntArray:
        """Rows by decreasing log-likelihood (stable)."""
        return np.argsort(-self.weights, kind="stable")

    def posteriors(self) -> FloatArray:
        lt = self.log_total
        if not math.isfinite(lt):
            return np.full(self.size, math.nan)
        out: FloatArray = np.exp(self.weights - lt)
        return out

    def pair_probabilities(self) -> dict[Pair, float]:
        """Flat-prior posterior probability of every candidate pair of the component."""
        post = self.posteriors()
        out: dict[Pair, float] = {}
        for j, opts in enumerate(self.option_sets):
            mass = np.bincount(self.choice[:, j], weights=post, minlength=len(opts.pairs))
            for o, pairs in enumerate(opts.pairs):
                for pair in pairs:
                    out[pair] = out.get(pair, 0.0) + float(mass[o])
        return out

    def generalised_lrs(self) -> dict[Pair, float]:
        """``GLR(v = m)`` = best likelihood with the pair over best likelihood without it (log scale)."""
        out: dict[Pair, float] = {}
        for j, opts in enumerate(self.option_sets):
            best = np.full(len(opts.pairs), -math.inf)
            np.maximum.at(best, self.choice[:, j], self.weights)
            members: dict[Pair, list[int]] = {}
            for o, pairs in enumerate(opts.pairs):
                for pair in pairs:
                    members.setdefault(pair, []).append(o)
            for pair, opts_with in members.items():
                mask = np.zeros(best.size, dtype=bool)
                mask[opts_with] = True
                with_ = float(best[mask].max())
                without = float(best[~mask].max()) if (~mask).any() else -math.inf
                out[pair] = _log_ratio(with_, without)
        return out


def _log_ratio(a: float, b: float) -> float:
    if a == -math.inf and b == -math.inf:
        return math.nan
    return a - b


def _logsumexp(x: FloatArray) -> float:
    if x.size == 0:
        return -math.inf
    top = float(x.max())
    if not math.isfinite(top):
        return top
    return top + math.log(float(np.exp(x - top).sum()))


def enumerate_component(
    victims: Sequence[int],
    option_sets: Sequence[OptionSet],
    *,
    required: Sequence[int] = (),
    limit: int,
    count: int | None = None,
) -> Enumeration:
    """All assignments of a component as combinations of family options with disjoint victim sets.

    ``count`` (from :func:`count_assignments`) is checked against ``limit`` first; partial combinations
    never outnumber complete ones (every family can take its empty option), so memory stays bounded.
    """
    if count is not None and count > limit:
        raise _limit_error(len(victims), len(option_sets), count, limit)
    local = {v: k for k, v in enumerate(victims)}
    words = max(1, (len(victims) + 63) // 64)
    masks = np.zeros((1, words), dtype=np.uint64)
    weights = np.zeros(1)
    choice = np.zeros((1, 0), dtype=np.intp)
    for opts in option_sets:
        omask = np.zeros((len(opts.pairs), words), dtype=np.uint64)
        for o, pairs in enumerate(opts.pairs):
            for v, _m in pairs:
                omask[o, local[v] // 64] |= np.uint64(1) << np.uint64(local[v] % 64)
        rows_l, cols_l = [], []
        step = max(1, _CHUNK // max(1, len(opts.pairs) * words))
        for start in range(0, masks.shape[0], step):
            block = masks[start : start + step]
            ok = ((block[:, None, :] & omask[None, :, :]) == 0).all(axis=2)
            r, c = np.nonzero(ok)
            rows_l.append(r + start)
            cols_l.append(c)
        rows, cols = np.concatenate(rows_l), np.concatenate(cols_l)
        if rows.size > limit:
            raise _limit_error(len(victims), len(option_sets), int(rows.size), limit, lower=True)
        masks = masks[rows] | omask[cols]
        weights = weights[rows] + opts.weights[cols]
        choice = np.column_stack([choice[rows], cols])
    keep = np.ones(weights.size, dtype=bool)
    for v in required:
        k = local[v]
        keep &= (masks[:, k // 64] >> np.uint64(k % 64)) & np.uint64(1) == np.uint64(1)
    return Enumeration(tuple(victims), tuple(option_sets), choice[keep], weights[keep])


def _limit_error(
    n_victims: int, n_families: int, count: int, limit: int, *, lower: bool = False
) -> LimitError:
    more = "at least " if lower else ""
    return LimitError(
        f"a component of {n_victims} victims and {n_families} families has {more}{count:,} assignments, "
        f"more than the limit of {limit:,}",
        field="limit",
        value=limit,
        hint=f"raise the limit (limit= / --limit {count}) if memory allows, exclude more pairs, or use "
        "the maximum-likelihood assignment by bipartite matching",
    )


def top_products(
    tables: Sequence[tuple[FloatArray, list[list[Pair]]]], k: int | None
) -> tuple[FloatArray, list[list[Pair]]]:
    """Best ``k`` (all if ``None``) combinations of one row per table, by summed weight (descending).

    Each table is ``(weights sorted descending, pairs per row)``.
    """
    weights = np.zeros(1)
    rows: list[list[Pair]] = [[]]
    for w, pairs in tables:
        total = (weights[:, None] + w[None, :]).ravel()
        order = np.argsort(-total, kind="stable")
        if k is not None:
            order = order[:k]
        a, b = np.divmod(order, w.size)
        weights = total[order]
        rows = [rows[int(i)] + pairs[int(j)] for i, j in zip(a, b, strict=True)]
    return weights, [sorted(r) for r in rows]


@dataclass(frozen=True)
class Matching:
    """Maximum-likelihood assignment by bipartite matching on pairwise log LRs (approximate when a
    family has several missing persons: their joint dependence is ignored)."""

    pairs: tuple[Pair, ...]
    log_lr: float
    method: str = "approximate: ML by bipartite matching"


def ml_matching(
    victims: Sequence[int], log_lr: Mapping[Pair, float], *, required: Sequence[int] = ()
) -> Matching:
    """Maximise the sum of pairwise log LRs over assignments (unassigned victims contribute 0).

    Solved with ``scipy.optimize.linear_sum_assignment`` on a victims x (missing + one "nobody" column
    per victim) cost matrix; pairs with log LR -inf are never chosen.
    """
    missing = sorted({m for (_v, m) in log_lr})
    col = {m: j for j, m in enumerate(missing)}
    n_v, n_m = len(victims), len(missing)
    finite = [x for x in log_lr.values() if math.isfinite(x)]
    big = 1e6 + 10 * (max((abs(x) for x in finite), default=0.0) * (n_v + 1))
    cost = np.full((n_v, n_m + n_v), big)
    req = set(required)
    for i, v in enumerate(victims):
        cost[i, n_m + i] = big / 2 if v in req else 0.0
    row = {v: i for i, v in enumerate(victims)}
    for (v, m), x in log_lr.items():
        if v in row and math.isfinite(x):
            cost[row[v], col[m]] = -x
    r, c = linear_sum_assignment(cost)
    pairs = tuple(
        sorted((victims[i], missing[j]) for i, j in zip(r, c, strict=True) if j < n_m and cost[i, j] < big)
    )
    return Matching(pairs, float(sum(log_lr[p] for p in pairs)))
