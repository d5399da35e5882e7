"""The compiled backend: plans (:mod:`.plan`) run by the numba interpreter (:mod:`.program`).

It takes the plain case only — θ = 0, every typed person with exactly one full genotype of known
alleles, no drop-out, no silent allele (:func:`..model.evidence.plain_codes`) — and only markers whose
largest table fits :data:`FAST_LIMIT`. Every (job, marker) that shares a plan (pedigrees of the same
structure with the same members typed) runs in one compiled call, in parallel over the items when
there are many. Only :mod:`homecoming.kinship.engine` calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from homecoming.kinship.engine.caches import BUFFERS
from homecoming.kinship.engine.plan import Plan, alternatives, plan_for, replace_plan
from homecoming.kinship.engine.program import compile_program, largest_table, run_program
from homecoming.kinship.model.alleles import AlleleSpace
from homecoming.kinship.model.evidence import Codes
from homecoming.kinship.model.pedigree import Pedigree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
FAST_LIMIT = 4_000_000  # markers needing larger tables go to the generic backend
Result = tuple[float, FloatArray]  # (loglik, joint over the space; empty without a kept node)
_EMPTY: FloatArray = np.empty(0)


@dataclass(frozen=True, eq=False)
class MarkerInput:
    """One marker ready for a plan: its allele space and the typed nodes' allele codes in that space."""

    space: AlleleSpace
    codes: Codes


@cache
def _identity(n: int) -> FloatArray:
    return np.eye(n)


Buffers = tuple[IntArray, IntArray, FloatArray, IntArray, FloatArray]


def _buffers(markers: Sequence[MarkerInput]) -> Buffers:
    """``(n, freq_off, freqs, mat_off, mats)`` of ``markers`` as :func:`run_program` takes them, cached.

    The same loci (and lumped spaces) come back family after family; the cache is keyed by the spaces
    themselves (held by the cache, so no key can be reused). Each distinct array is stored once.
    """
    key = tuple(m.space for m in markers)
    got: Buffers | None = BUFFERS.get(key)
    if got is not None:
        return got
    n = np.array([m.space.n for m in markers], dtype=np.int64)
    pieces: list[FloatArray] = []
    where: dict[int, int] = {}  # id of an array alive in ``markers`` -> its offset
    used = 0

    def place(arr: FloatArray) -> int:
        nonlocal used
        at = where.get(id(arr))
        if at is None:
            at = where[id(arr)] = used
            pieces.append(arr.ravel())
            used += arr.size
        return at

    freq_off = np.array([place(m.space.freqs) for m in markers], dtype=np.int64)
    mat_off = np.array(
        [
            [place(_identity(m.space.n) if mat is None else mat) for mat in (m.space.male, m.space.female)]
            for m in markers
        ],
        dtype=np.int64,
    ).reshape(-1, 2)
    flat = np.concatenate(pieces) if pieces else np.zeros(0)
    buffers: Buffers = (n, freq_off, flat, mat_off, flat)
    return BUFFERS.put(key, buffers)  # type: ignore[no-any-return]


def run_markers(plan: Plan, markers: Sequence[MarkerInput], *, joint: bool) -> list[Result | None]:
    """``(loglik, joint)`` of every marker by ``plan`` in one compiled call (None: too large for it)."""
    program = compile_program(plan)
    fit = [k for k, m in enumerate(markers) if largest_table(program, m.space.n) <= FAST_LIMIT]
    out: list[Result | None] = [None] * len(markers)
    if not fit:
        return out
    batch = [markers[k] for k in fit]
    n, freq_off, freqs, mat_off, mats = _buffers(batch)
    codes = np.array([[m.codes[node] for node in plan.typed] for m in batch], dtype=np.int64)
    loglik, joints, offsets = run_program(
        program, n, freq_off, freqs, mat_off, mats, codes.reshape(len(batch), len(plan.typed), 2), joint=joint
    )
    for j, k in enumerate(fit):
        size = int(n[j])
        table = joints[offsets[j] : offsets[j + 1]].reshape(size, size) if joint else _EMPTY
        out[k] = (float(loglik[j]), table)
    return out


SEARCH_ABOVE = 20_000_000  # estimated products above which a cheaper elimination order is sought
SEARCH_TRIES = 24


def cost(plan: Plan, sizes: Sequence[int]) -> int:
    """Estimated products of running ``plan`` on markers of ``sizes`` alleles (typed genes count 2)."""
    unions = compile_program(plan).unions
    counts = np.bincount(np.asarray(sizes, dtype=np.int64))
    return sum(int(k) * sum(n**u * 2**t for u, t in unions) for n, k in enumerate(counts.tolist()) if k)


def _cheapest(plan: Plan, ped: Pedigree, sizes: Sequence[int], *, x: bool, keep_node: int | None) -> Plan:
    """The cheapest of ``plan`` and randomised alternatives for these markers, cached for its structure.

    Worth it only for a plan that much work will run through: the search compiles ``SEARCH_TRIES``
    plans. Every order gives the same likelihood (to rounding); only the time differs.
    """
    best, best_cost = plan, cost(plan, sizes)
    for other in alternatives(plan, ped, x=x, keep_node=keep_node, tries=SEARCH_TRIES):
        c = cost(other, sizes)
        if c < best_cost:
            best, best_cost = other, c
    best.memo["searched"] = True
    plan.memo["searched"] = True
    replace_plan(ped, best, x=x, keep_node=keep_node)
    return best


def run_inputs(
    jobs: Sequence[tuple[Pedigree, int | None]],
    xs: Sequence[bool],
    inputs: Sequence[Sequence[MarkerInput | None]],
) -> list[list[Result | None]]:
    """Run the marker ``inputs[j][k]`` (None: not for this backend) of every ``(pedigree, kept node)``
    job; ``xs[k]`` says whether marker ``k`` is on X. None where a marker is too large."""
    out: list[list[Result | None]] = [[None] * len(xs) for _ in jobs]
    same: dict[Pedigree, int] = {}  # equal pedigrees of different jobs share one plan
    peds: list[Pedigree] = []
    by_plan: dict[tuple[int, bool, tuple[int, ...], int | None], list[tuple[int, int, MarkerInput]]] = {}
    for j, ((ped, keep_node), row) in enumerate(zip(jobs, inputs, strict=True)):
        which = same.get(ped)
        if which is None:
            which = same[ped] = len(peds)
            peds.append(ped)
        for k, item in enumerate(row):
            if item is not None:
                key = (which, xs[k], tuple(item.codes), keep_node)  # codes are in node order
                by_plan.setdefault(key, []).append((j, k, item))
    for (which, x, typed, keep_node), members in by_plan.items():
        plan = plan_for(peds[which], typed, x=x, keep_node=keep_node)
        sizes = [item.space.n for _j, _k, item in members]
        if cost(plan, sizes) > SEARCH_ABOVE and not plan.memo.get("searched"):
            plan = _cheapest(plan, peds[which], sizes, x=x, keep_node=keep_node)
        got = run_markers(plan, [item for _j, _k, item in members], joint=keep_node is not None)
        for (j, k, _item), result in zip(members, got, strict=True):
            out[j][k] = result
    return out
