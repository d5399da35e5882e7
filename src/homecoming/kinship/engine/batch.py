"""The kept person's genotype joints of many jobs at once, as arrays: the screening tables' engine call.

:func:`kept_joints` gives, per marker, the kept person's joint ``[job, p, m]`` of every job — the same
numbers as :func:`homecoming.kinship.engine.marker_results` (the same plans, the same interpreter,
the generic backend for what the compiled one does not take) without a Python object per (job,
marker): the typed members' allele codes are gathered once into arrays (:func:`typings`), the items
are grouped by plan with numpy, and each group's joints are written by the interpreter straight into
the output. :func:`kept_positive` gives, per marker, which unordered genotypes of the kept person have
probability > 0, on the lumped allele space when the job asks for it (``named`` empty at every marker).

The dispatch rule is the engine's (:mod:`homecoming.kinship.engine`): an item runs compiled when θ = 0,
the marker is plain for the job and the plan's largest table fits; the groups are formed and run in the
order :func:`..compiled.run_inputs` forms them (first appearance, job by job, marker by marker), so a
plan search (a large group) sees the same sizes and picks the same plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numba
import numpy as np
from numpy.typing import NDArray

from homecoming.kinship.engine import Job, full_space, marker_results
from homecoming.kinship.engine.compiled import (
    FAST_LIMIT,
    SEARCH_ABOVE,
    MarkerInput,
    _buffers,
    _cheapest,
    cost,
)
from homecoming.kinship.engine.plan import plan_for
from homecoming.kinship.engine.program import compile_program, largest_table, run_program
from homecoming.kinship.model.evidence import placed_nodes
from homecoming.kinship.model.markers import Locus, Profile
from homecoming.kinship.model.pedigree import MALE, UNKNOWN, Pedigree

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Bools = NDArray[np.bool_]
UNTYPED, NOT_PLAIN = -1, -2


@dataclass(frozen=True, eq=False)
class Typings:
    """Per job, its placed nodes (sorted) and their allele codes ``[node, marker, 2]`` on some loci:
    ``UNTYPED`` (-1) where a node has no typing, ``NOT_PLAIN`` (-2) where the marker is not for the
    compiled backend (a partial or drop-out typing, an unknown allele, two typings of one node, on X a
    heterozygous male or a typed person of unknown sex, a silent allele)."""

    markers: tuple[tuple[str, tuple[str, ...], str, float], ...]  # what the codes were made on
    nodes: tuple[tuple[int, ...], ...]
    codes: tuple[I64, ...]


def _key(loci: Sequence[Locus]) -> tuple[tuple[str, tuple[str, ...], str, float], ...]:
    return tuple((lc.name, lc.alleles, lc.chromosome, lc.silent_frequency) for lc in loci)


def typings(jobs: Sequence[Job], loci: Sequence[Locus], /) -> Typings:
    """The typed members' allele codes of ``jobs`` at ``loci`` (one pass over the profiles)."""
    names = [lc.name for lc in loci]
    index = [lc.allele_index for lc in loci]
    x = np.array([lc.chromosome == "X" for lc in loci])
    silent = np.array([lc.silent_frequency > 0 for lc in loci])
    nodes_out, codes_out = [], []
    for job in jobs:
        placed = placed_nodes(job.pedigree, job.placements)
        codes = np.full((len(placed), len(loci), 2), UNTYPED, dtype=np.int64)
        for r, (node, profiles) in enumerate(placed):
            rows = [_profile_codes(prof, names, index) for prof in profiles]
            here = rows[0]
            for more in rows[1:]:  # a second typing of one node at a marker: not plain
                both = (here[:, 0] != UNTYPED) & (more[:, 0] != UNTYPED)
                here = np.where((here[:, :1] == UNTYPED), more, here)
                here[both] = NOT_PLAIN
            sex = job.pedigree.sex[node]
            typed = here[:, 0] >= 0
            if sex == UNKNOWN:
                here[typed & x] = NOT_PLAIN
            elif sex == MALE:
                here[typed & x & (here[:, 0] != here[:, 1])] = NOT_PLAIN
            here[typed & silent] = NOT_PLAIN
            codes[r] = here
        nodes_out.append(tuple(node for node, _p in placed))
        codes_out.append(codes)
    return Typings(_key(loci), tuple(nodes_out), tuple(codes_out))


def _profile_codes(prof: Profile, names: list[str], index: list[dict[str, int]]) -> I64:
    """``[marker, 2]`` as :func:`..model.evidence.profile_code` gives it, for all markers at once."""
    gen = prof.genotypes
    if prof.dropout > 0:
        got = [(UNTYPED, UNTYPED) if gen.get(name) is None else (NOT_PLAIN, NOT_PLAIN) for name in names]
        return np.array(got, dtype=np.int64).reshape(len(names), 2)
    calls = [gen.get(name) for name in names]
    got = [
        (UNTYPED, UNTYPED)
        if g is None
        else (NOT_PLAIN, NOT_PLAIN)
        if g.a2 is None
        else (idx.get(g.a1, NOT_PLAIN), idx.get(g.a2, NOT_PLAIN))
        for g, idx in zip(calls, index, strict=True)
    ]
    out = np.array(got, dtype=np.int64).reshape(len(names), 2)
    out[(out == NOT_PLAIN).any(axis=1)] = NOT_PLAIN  # an allele the locus does not know
    return out


@dataclass
class _Group:
    """The items (job, marker) of one plan: same pedigree, kept node, chromosome and typed nodes."""

    first: int  # job * markers + marker of its first item (the order run_inputs meets it)
    ped: Pedigree
    keep: int
    x: bool
    typed: tuple[int, ...]
    jobs: I64  # global job indices
    markers: I64
    codes: I64  # [item, typed node, 2]


def _groups(jobs: Sequence[Job], loci: Sequence[Locus], typed: Typings) -> tuple[list[_Group], Bools]:
    """The plan groups of every plain (job, marker), in run_inputs' order, and the mask of the others."""
    n_m = len(loci)
    x = np.array([lc.chromosome == "X" for lc in loci], dtype=np.uint8)
    other = np.zeros((len(jobs), n_m), dtype=bool)
    by_ped: dict[tuple[Pedigree, int], list[int]] = {}
    for j, job in enumerate(jobs):
        if job.theta != 0 or job.keep is None:
            other[j] = True
            continue
        by_ped.setdefault((job.pedigree, job.pedigree.index(job.keep)), []).append(j)
    groups: list[_Group] = []
    for (ped, keep), members in by_ped.items():
        js = np.array(members, dtype=np.int64)
        size = len(ped.ids)
        codes = np.full((js.size, size, n_m, 2), UNTYPED, dtype=np.int64)
        for row, j in enumerate(members):
            if typed.nodes[j]:
                codes[row, list(typed.nodes[j])] = typed.codes[j]
        first = codes[..., 0]  # [job, node, marker]
        bad = (first == NOT_PLAIN).any(axis=1)  # [job, marker]
        other[js] |= bad
        rows, cols = np.nonzero(~bad)
        if rows.size == 0:
            continue
        pattern = np.concatenate([(first[rows, :, cols] >= 0).astype(np.uint8), x[cols, None]], axis=1)
        if size < 62:  # the typed nodes and the chromosome as the bits of one number: a fast unique
            bits = pattern.astype(np.int64) @ (np.int64(1) << np.arange(size + 1, dtype=np.int64))
            _numbers, first_at, inverse = np.unique(bits, return_index=True, return_inverse=True)
            keys = pattern[first_at]
        else:
            keys, inverse = np.unique(pattern, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        order = np.argsort(inverse, kind="stable")  # items of a key in (job, marker) order
        bounds = np.searchsorted(inverse[order], np.arange(keys.shape[0] + 1))
        for key in range(keys.shape[0]):
            pick = order[bounds[key] : bounds[key + 1]]
            r, m = rows[pick], cols[pick]
            nodes = np.flatnonzero(keys[key, :size]).astype(np.int64)
            groups.append(
                _Group(
                    int(js[r[0]]) * n_m + int(m[0]),
                    ped,
                    keep,
                    bool(keys[key, size]),
                    tuple(int(v) for v in nodes),
                    js[r],
                    m.astype(np.int64),
                    codes[r[:, None], nodes[None, :], m[:, None]],
                )
            )
    groups.sort(key=lambda g: g.first)
    return groups, other


def _run_group(
    group: _Group,
    n: I64,
    freq_off: I64,
    mat_off: I64,
    buffer: F64,
    codes: I64,
    out: F64,
    out_offsets: I64,
) -> Bools:
    """Run one group's items (sizes ``n``) into ``out``; returns which items ran (the rest: too large)."""
    plan = plan_for(group.ped, group.typed, x=group.x, keep_node=group.keep)
    sizes = n.tolist()
    if cost(plan, sizes) > SEARCH_ABOVE and not plan.memo.get("searched"):
        plan = _cheapest(plan, group.ped, sizes, x=group.x, keep_node=group.keep)
    program = compile_program(plan)
    fit = np.array([largest_table(program, s) <= FAST_LIMIT for s in range(int(n.max()) + 1)])[n]
    if fit.any():
        pick = np.flatnonzero(fit)
        run_program(
            program,
            np.ascontiguousarray(n[pick]),
            np.ascontiguousarray(freq_off[pick]),
            buffer,
            np.ascontiguousarray(mat_off[pick]),
            buffer,
            np.ascontiguousarray(codes[pick]).reshape(pick.size, len(group.typed), 2),
            joint=True,
            out=out,
            out_offsets=np.ascontiguousarray(out_offsets[pick]),
        )
    return fit


def _locus_buffers(loci: Sequence[Locus]) -> tuple[I64, I64, F64, I64]:
    """``(n, freq_off, buffer, mat_off)`` of the loci's full spaces (cached by the engine)."""
    n, freq_off, flat, mat_off, _mats = _buffers([MarkerInput(full_space(lc), {}) for lc in loci])
    return n, freq_off, flat, mat_off


def _check(typed: Typings | None, jobs: Sequence[Job], loci: Sequence[Locus]) -> Typings:
    if typed is None:
        return typings(jobs, loci)
    if typed.markers != _key(loci) or len(typed.nodes) != len(jobs):
        raise ValueError("these typings were made on other loci or jobs")
    return typed


def kept_joints(jobs: Sequence[Job], loci: Sequence[Locus], /, *, typed: Typings | None = None) -> list[F64]:
    """Per marker ``m``, the kept person's joints ``[job, p, m]`` over the full allele space of
    ``loci[m]`` (the jobs' ``named`` must be None); NaN where the job's data are impossible.

    Bit-identical to ``marker_results(jobs, loci)[j][m].joint`` (tested). ``typed``: the jobs'
    :func:`typings` on these loci, when the caller has them already.
    """
    if any(job.keep is None or job.named is not None for job in jobs):
        raise ValueError("kept_joints needs a kept node and no named alleles in every job")
    typed = _check(typed, jobs, loci)
    n_j = len(jobs)
    n_l, freq_off_l, buffer, mat_off_l = _locus_buffers(loci)
    side = n_l.astype(np.int64)
    base = np.concatenate([[0], np.cumsum(side * side * n_j)]).astype(np.int64)
    out = np.empty(int(base[-1]))
    groups, other = _groups(jobs, loci, typed)
    for g in groups:
        n = side[g.markers]
        ran = _run_group(
            g,
            n,
            freq_off_l[g.markers],
            mat_off_l[g.markers],
            buffer,
            g.codes,
            out,
            base[g.markers] + g.jobs * n * n,
        )
        other[g.jobs[~ran], g.markers[~ran]] = True
    views = [out[base[m] : base[m + 1]].reshape(n_j, int(side[m]), int(side[m])) for m in range(len(loci))]
    for j in np.flatnonzero(other.any(axis=1)).tolist():
        ms = np.flatnonzero(other[j]).tolist()
        got = marker_results([jobs[j]], [loci[m] for m in ms])[0]
        for m, res in zip(ms, got, strict=True):
            assert res.joint is not None and res.joint.shape == views[m].shape[1:]
            views[m][j] = res.joint
    return views


def kept_positive(
    jobs: Sequence[Job], loci: Sequence[Locus], /, *, typed: Typings | None = None
) -> list[Bools]:
    """Per marker ``m``, ``[job, g]``: whether the kept person's joint is > 0 at genotype ``g = {i <= j}``
    of ``loci[m]`` (``np.tril_indices`` order) — at ``(i, j)`` or ``(j, i)`` of the job's allele space,
    every allele the space does not name read as the lumped one (:meth:`AlleleSpace.expansion`).

    A job's ``named`` is None (the full allele list) or empty at every marker (the alleles no typed
    member carries lumped, as :func:`marker_results` lumps them). Only positivity is returned, so the
    lumped allele of a locus without mutation model runs with frequency 1 or 0 (positive exactly when
    the sum of the lumped frequencies is: only which factors are zero decides which entries are); the
    named alleles keep their frequencies. The same answer as reading ``marker_results`` (tested).
    """
    for job in jobs:
        if job.keep is None or (job.named is not None and any(job.named)):
            raise ValueError("kept_positive needs a kept node and named None or empty at every marker")
    typed = _check(typed, jobs, loci)
    n_j, n_m = len(jobs), len(loci)
    n_l, freq_off_l, locus_buffer, mat_off_l = _locus_buffers(loci)
    side = n_l.astype(np.int64)
    lumps = np.array([job.named is not None for job in jobs], dtype=bool)
    lumpable = np.array([lc.mutation is None and lc.silent_frequency == 0 for lc in loci], dtype=bool)
    positive = np.array([int((lc.freq_array > 0).sum()) for lc in loci], dtype=np.int64)
    base = np.concatenate([[0], np.cumsum(side * side * n_j)]).astype(np.int64)
    out = np.empty(int(base[-1]))
    size = np.repeat(side[None, :], n_j, axis=0)  # each item's space: its size, whether it is lumped
    lumped = np.zeros((n_j, n_m), dtype=np.bool_)  # and then the alleles it names, in order
    width = 2 * max((len(nodes) for nodes in typed.nodes), default=0)
    named_at = np.full((n_j, n_m, max(width, 1)), -1, dtype=np.int64)
    identities, id_off = _identities(int(side.max()) if n_m else 0)
    fixed = np.concatenate([locus_buffer, identities])
    groups, other = _groups(jobs, loci, typed)
    for g in groups:
        n = side[g.markers].copy()
        freq_off = freq_off_l[g.markers].copy()
        mat_off = mat_off_l[g.markers].copy()
        codes = g.codes.copy()
        flat = codes.reshape(codes.shape[0], -1)
        vals = np.sort(flat, axis=1)
        new = np.ones(vals.shape, dtype=bool)
        new[:, 1:] = vals[:, 1:] != vals[:, :-1]
        named = new.sum(axis=1)
        lump = lumps[g.jobs] & lumpable[g.markers] & (n - named >= 2)  # as allele_space lumps
        li = np.flatnonzero(lump)
        extra = np.zeros(0)
        if li.size:
            vals, new, named, m_li = vals[li], new[li], named[li], g.markers[li]
            rank = np.cumsum(new, axis=1) - 1  # place of each sorted code among the item's named alleles
            codes[li] = (((flat[li][:, :, None] > vals[:, None, :]) & new[:, None, :]).sum(axis=2)).reshape(
                codes[li].shape
            )
            k = named + 1  # the named alleles, then the lumped one
            starts = np.concatenate([[0], np.cumsum(k)[:-1]]).astype(np.int64)
            item = np.nonzero(new)[0]
            freqs = locus_buffer[freq_off_l[m_li][item] + vals[new]]
            extra = np.empty(int(k.sum()))
            extra[starts[item] + rank[new]] = freqs
            named_positive = np.bincount(item, weights=(freqs > 0).astype(np.float64), minlength=li.size)
            extra[starts + named] = (positive[m_li] - named_positive > 0).astype(np.float64)
            n[li], freq_off[li], mat_off[li] = k, fixed.size + starts, locus_buffer.size + id_off[k][:, None]
            jl = g.jobs[li]
            size[jl, m_li], lumped[jl, m_li] = k, True
            named_at[jl[item], m_li[item], rank[new]] = vals[new]
        buffer = np.concatenate([fixed, extra]) if extra.size else fixed
        offsets = base[g.markers] + g.jobs * side[g.markers] ** 2
        ran = _run_group(g, n, freq_off, mat_off, buffer, codes, out, offsets)
        other[g.jobs[~ran], g.markers[~ran]] = True
    result = []
    for m in range(n_m):
        s = int(side[m])
        lo, hi = tril(s)
        pos = np.zeros((n_j, lo.size), dtype=np.bool_)
        block = out[base[m] : base[m + 1]].reshape(n_j, s * s)
        named_m, size_m, lumped_m, skip_m = (
            np.ascontiguousarray(a[:, m]) for a in (named_at, size, lumped, other)
        )
        _expand(block, named_m, size_m, lumped_m, skip_m, lo, hi, pos)
        result.append(pos)  # the others are filled below
    for j in np.flatnonzero(other.any(axis=1)).tolist():
        ms = np.flatnonzero(other[j]).tolist()
        job = jobs[j]
        named = None if job.named is None else [()] * len(ms)
        got = marker_results(
            [Job(job.pedigree, job.placements, keep=job.keep, named=named)], [loci[m] for m in ms]
        )
        for m, res in zip(ms, got[0], strict=True):
            assert res.joint is not None
            lower, upper = res.space.expansion(loci[m])
            values = res.joint.ravel()
            result[m][j] = (values[lower] > 0) | (values[upper] > 0)
    return result


@numba.njit(cache=True, nogil=True)
def _expand(block, named, size, lumped, skip, lo, hi, out):  # type: ignore[no-untyped-def]  # pragma: no cover
    """``out[j, g] = block[j] > 0`` at ``(i, j)`` or ``(j, i)`` of genotype ``g = {lo[g], hi[g]}`` in the
    item's space of ``size[j]`` alleles (row-major): every allele, or (``lumped[j]``) the alleles
    ``named[j]`` (ascending, -1 after them) then one for all the others."""
    where = np.empty(lo[lo.shape[0] - 1] + 1, dtype=np.int64)  # the last genotype is {n - 1, n - 1}
    for j in range(block.shape[0]):
        if skip[j]:
            continue
        k = size[j]
        if lumped[j]:
            where[:] = k - 1
            for t in range(named.shape[1]):
                if named[j, t] >= 0:
                    where[named[j, t]] = t
        else:
            for a in range(where.shape[0]):
                where[a] = a
        for g in range(lo.shape[0]):
            a, b = where[lo[g]], where[hi[g]]
            out[j, g] = block[j, a * k + b] > 0.0 or block[j, b * k + a] > 0.0


@cache
def tril(n: int) -> tuple[I64, I64]:
    """``np.tril_indices(n)``, cached."""
    i, j = np.tril_indices(n)
    return i.astype(np.int64), j.astype(np.int64)


def _identities(largest: int) -> tuple[F64, I64]:
    """Identity matrices of sizes 0..largest back to back and where each starts."""
    sizes = np.arange(largest + 1, dtype=np.int64)
    off = np.concatenate([[0], np.cumsum(sizes * sizes)]).astype(np.int64)
    out = np.zeros(int(off[-1]))
    for s in range(1, largest + 1):
        out[off[s] : off[s] + s * s : s + 1] = 1.0
    return out, off[:-1]
