"""Compiled elimination plans run by one numba interpreter: many markers (and families) in one call.

A :class:`~homecoming.kinship.engine.plan.Plan` fixes the factor structure and the elimination of one pedigree
structure. :func:`compile_program` turns it into a short program of table operations over symbolic
gene domains; :func:`run_program` runs that program for a batch of *items* (one marker of one family
each) in one compiled call, in parallel over the items when the batch is large.

Each item has its own allele count ``n``: an untyped gene ranges over the ``n`` alleles, a typed
person's genes over the person's own alleles only (one for a homozygote or a hemizygous male, two for
a heterozygote, in both orders), so nothing is padded. The operations are:

- fill a founder prior ``p[a]``, a transmission half ``M[a, c]`` (scaled by 1/2 for a meiosis: a
  transmission is ``T(a, b, c) = (M[a, c] + M[b, c]) / 2``, never built when it can be contracted as
  its two halves), a genotype's evidence table, or a full transmission table when it cannot be split;
- contract two tables (multiply, summing the variables the result does not keep); a variable held by
  one operand only and not kept is summed out of that operand first, so no step costs more than the
  product of the variables that meet in it;
- rescale a table by the exact power of two that brings its largest entry into [1/2, 1), the exponent
  accumulated, so nothing underflows.

The result of an item is its log-likelihood and, when the plan keeps a person's genes, the joint of
those genes over all ``n`` alleles divided by the total (the person's genotype distribution).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import numba
import numpy as np
from numpy.typing import NDArray

from homecoming.kinship.engine.plan import Plan
from homecoming.kinship.model.pedigree import MALE
from homecoming.kinship.model.structure import COPY, EVID, HEMI, MEIOSIS, PRIOR

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

OP_ONES, OP_PRIOR, OP_HALF, OP_EVID, OP_HEMI, OP_T, OP_CONTRACT, OP_RESCALE = range(8)
PARALLEL_ITEMS = 8  # batches at least this large run in parallel over the items
_LN2 = math.log(2.0)
_SAFE_LOW = 2.0**-200  # a prior whose largest frequency is below this is scaled up when filled
PARALLEL_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class Program:
    """The operations of one plan, with the variables of every table slot."""

    code: IntArray  # (n_ops, 6): op, then its operands
    slot_ptr: IntArray  # slot s holds the variables slot_vars[slot_ptr[s]:slot_ptr[s + 1]]
    slot_vars: IntArray
    union_ptr: IntArray  # a contraction's union: union_data[union_ptr[k]:union_ptr[k + 1]]
    union_data: IntArray  # rows (var, position in left, in right, in out); -1 where absent
    typed_genes: IntArray  # (n_typed, 2): the variables of each typed node's genes (-1: none)
    keep: IntArray  # the kept variables (the final slot holds them in this order)
    final_slot: int
    n_vars: int
    # per union: (number of untyped variables, number of typed ones), for the size limit
    unions: tuple[tuple[int, int], ...]
    slots: tuple[tuple[int, int], ...]  # per slot, the same counts (for the workspace size); -1: unused
    used: NDArray[np.uint8]  # per slot: 1 if the program writes it
    all_slots: tuple[tuple[int, int], ...]  # the counts of every slot (the workspace lays them all out)
    largest: dict[int, int] = field(default_factory=dict, compare=False, repr=False)  # by allele count
    workspace: dict[int, int] = field(default_factory=dict, compare=False, repr=False)


class _Builder:
    def __init__(self, slot_vars: list[tuple[int, ...]]) -> None:
        self.slots = list(slot_vars)
        self.code: list[tuple[int, ...]] = []
        self.unions: list[list[tuple[int, int, int, int]]] = []

    def new_slot(self, variables: tuple[int, ...]) -> int:
        self.slots.append(variables)
        return len(self.slots) - 1

    def op(self, *args: int) -> None:
        self.code.append(tuple(args) + (0,) * (6 - len(args)))

    def contract(self, left: int, right: int, out_vars: tuple[int, ...], *, into: int = -1) -> int:
        """Emit ``into (+)= sum left * right`` (``right`` -1: left alone); returns the result slot."""
        lv = self.slots[left]
        rv = self.slots[right] if right >= 0 else ()
        if right >= 0:  # sum out what only one operand holds and the result does not keep
            lonly = tuple(v for v in lv if v in rv or v in out_vars)
            if lonly != lv:
                left = self.contract(left, -1, lonly)
                lv = lonly
            ronly = tuple(v for v in rv if v in lv or v in out_vars)
            if ronly != rv:
                right = self.contract(right, -1, ronly)
                rv = ronly
        accumulate = into >= 0
        if not accumulate:
            into = self.new_slot(out_vars)
        assert self.slots[into] == out_vars
        summed = [v for v in dict.fromkeys(lv + rv) if v not in out_vars]
        union = [*out_vars, *summed]
        rows = [
            (
                v,
                lv.index(v) if v in lv else -1,
                rv.index(v) if v in rv else -1,
                out_vars.index(v) if v in out_vars else -1,
            )
            for v in union
        ]
        self.unions.append(rows)
        self.op(OP_CONTRACT, into, left, right, int(accumulate), len(self.unions) - 1)
        return into


def compile_program(plan: Plan) -> Program:
    """The operations that run ``plan`` (cached on the plan)."""
    got = plan.memo.get("program")
    if got is None:
        got = plan.memo["program"] = _compile(plan)
    assert isinstance(got, Program)
    return got


def _compile(plan: Plan) -> Program:
    b = _Builder([f.variables for f in plan.factors])
    halves: dict[int, tuple[int, int]] = {}
    built: dict[int, int] = {}  # factor -> slot of its table
    for k, f in enumerate(plan.factors):
        sex = 0 if f.sex == MALE else 1
        if f.kind == PRIOR:
            b.op(OP_PRIOR, k, f.variables[0])  # scaled up when its frequencies are tiny
            built[k] = k
        elif f.kind == COPY:
            b.op(OP_HALF, k, sex, f.variables[0], f.variables[1], 0)
            built[k] = k
        elif f.kind == MEIOSIS:
            va, vb, vc = f.variables
            ha, hb = b.new_slot((va, vc)), b.new_slot((vb, vc))
            b.op(OP_HALF, ha, sex, va, vc, 1)
            b.op(OP_HALF, hb, sex, vb, vc, 1)
            halves[k] = (ha, hb)
        elif f.kind == EVID:
            b.op(OP_EVID, k, f.variables[0], f.variables[1])
            built[k] = k
        elif f.kind == HEMI:
            b.op(OP_HEMI, k)
            built[k] = k

    def table(k: int) -> int:
        if k in built:
            return built[k]
        if k < len(plan.factors):  # a transmission used whole
            ha, hb = halves[k]
            b.op(OP_T, k, ha, hb)
            built[k] = k
            return k
        return built[k]

    slot_of_step: dict[int, int] = {}
    first_step = len(plan.factors)
    for j, step in enumerate(plan.steps):

        def resolve(i: int) -> int:
            return table(i) if i < first_step else slot_of_step[i]

        if step.inputs:
            acc = resolve(step.inputs[0])
        else:
            acc = b.new_slot(())
            b.op(OP_ONES, acc)
        for product in step.products:
            if product.right < 0:
                acc = b.contract(acc, -1, product.out)
                continue
            i = product.right
            if product.split and i < first_step and i not in built:
                ha, hb = halves[i]
                into = b.contract(acc, ha, product.out)
                b.contract(acc, hb, product.out, into=into)
                acc = into
            else:
                acc = b.contract(acc, resolve(i), product.out)
        if step.rescale:
            b.op(OP_RESCALE, acc)
        slot_of_step[first_step + j] = acc
    final = slot_of_step[first_step + len(plan.steps) - 1]

    typed_genes = np.full((len(plan.typed), 2), -1, dtype=np.int64)
    for t, node in enumerate(plan.typed):
        typed_genes[t, 0] = plan.genes.get((node, 0), -1)
        typed_genes[t, 1] = plan.genes[(node, 1)]
    small = {int(v) for v in typed_genes.ravel() if v >= 0}
    written = {row[1] for row in b.code}  # a transmission contracted as its halves is never built
    ptr = np.cumsum([0] + [len(s) for s in b.slots]).astype(np.int64)
    uptr = np.cumsum([0] + [len(u) for u in b.unions]).astype(np.int64)
    udata = np.array([row for u in b.unions for row in u], dtype=np.int64).reshape(-1, 4)
    return Program(
        code=np.array(b.code, dtype=np.int64).reshape(-1, 6),
        slot_ptr=ptr,
        slot_vars=np.array([v for s in b.slots for v in s], dtype=np.int64),
        union_ptr=uptr,
        union_data=udata,
        typed_genes=typed_genes,
        keep=np.array(plan.keep, dtype=np.int64),
        final_slot=final,
        n_vars=len(plan.genes),
        unions=tuple(_counts([row[0] for row in u], small) for u in b.unions),
        slots=tuple(
            _counts(list(slot), small) if k in written else (-1, 0) for k, slot in enumerate(b.slots)
        ),
        used=np.array([k in written for k in range(len(b.slots))], dtype=np.uint8),
        all_slots=tuple(_counts(list(slot), small) for slot in b.slots),
    )


def _counts(variables: list[int], small: set[int]) -> tuple[int, int]:
    typed = len(small.intersection(variables))
    return len(variables) - typed, typed


def workspace_size(program: Program, n: int) -> int:
    """Entries of the workspace that holds every table ``program`` writes, with up to ``n`` alleles."""
    got = program.workspace.get(n)
    if got is None:
        got = program.workspace[n] = sum(
            n**u * 2**t if k else min(n**u * 2**t, _GAP)
            for (u, t), k in zip(program.all_slots, program.used, strict=True)
        )
    return got


def largest_table(program: Program, n: int) -> int:
    """The most entries any contraction of ``program`` meets with ``n`` alleles (typed genes count 2)."""
    got = program.largest.get(n)
    if got is None:
        got = program.largest[n] = max((n**u * 2**t for u, t in program.unions), default=1)
    return got


# --------------------------------------------------------------------------- the interpreter
def run_program(
    program: Program,
    n: IntArray,
    freq_off: IntArray,
    freqs: FloatArray,
    mat_off: IntArray,
    mats: FloatArray,
    codes: IntArray,
    *,
    joint: bool,
    out: FloatArray | None = None,
    out_offsets: IntArray | None = None,
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Run ``program`` on every item; returns ``(loglik, joints, joint_offsets)``.

    Item ``i`` has ``n[i]`` alleles, frequencies ``freqs[freq_off[i]:][:n]``, mutation matrices (row-major
    ``n x n``) at ``mats[mat_off[i, 0]:]`` (male) and ``mat_off[i, 1]`` (female), and ``codes[i, t]``, the
    allele indices of typed node ``t`` (``plan.typed`` order). With ``joint``, ``joints`` holds for each
    item the ``n x n`` joint of the kept genes (divided by the total) at ``joint_offsets[i]``: a new
    array with the items back to back, or ``out`` with item ``i`` at ``out_offsets[i]`` when given (the
    caller lays the items out; nothing else of ``out`` is written).
    """
    items = n.shape[0]
    if out is not None and out_offsets is not None:
        joints, offsets = out, out_offsets
    else:
        offsets = np.zeros(items + 1, dtype=np.int64)
        if joint:
            np.cumsum(n * n, out=offsets[1:])
        joints = np.empty(int(offsets[-1]))
    loglik = np.empty(items)
    n_max = int(n.max()) if items else 0
    need = workspace_size(program, n_max)
    if items >= PARALLEL_ITEMS:
        kernel, chunks = _run_parallel, min(items, 4 * numba.get_num_threads())
    else:
        kernel, chunks = _run_serial, 1
    args = (
        program.code,
        program.slot_ptr,
        program.slot_vars,
        program.used,
        program.union_ptr,
        program.union_data,
        program.typed_genes,
        program.keep,
        program.final_slot,
        program.n_vars,
        n,
        freq_off,
        freqs,
        mat_off,
        mats,
        codes,
        joint,
        loglik,
        joints,
        offsets,
        _workspace(chunks * need).reshape(chunks, need),
        chunks,
    )
    if kernel is _run_parallel:
        with PARALLEL_LOCK:  # one parallel region at a time: numba's workqueue layer allows no more
            kernel(*args)
    else:
        kernel(*args)
    return loglik, joints, offsets


_LOCAL = threading.local()


def _workspace(size: int) -> FloatArray:
    """A scratch buffer of at least ``size`` entries, kept per thread: a fresh one each call would be
    mapped anew by the allocator (megabytes for markers with many alleles) and fault in page by page."""
    buf: FloatArray | None = getattr(_LOCAL, "buffer", None)
    if buf is None or buf.size < size:
        buf = np.empty(max(size, 1 << 16))
        if size <= _KEEP_ENTRIES:  # a rare huge buffer is not kept for the life of the thread
            _LOCAL.buffer = buf
    return buf[:size]


_KEEP_ENTRIES = 1 << 25  # 256 MB
# A slot the program never writes (a transmission contracted as its halves) keeps a gap of up to this
# many entries in the workspace instead of its n³ entries: laying the written tables out back to back
# made the kernel about 40% slower (measured), so they stay apart.
_GAP = 4096


def _run(  # type: ignore[no-untyped-def]
    code,
    slot_ptr,
    slot_vars,
    used,
    union_ptr,
    union_data,
    typed_genes,
    keep,
    final_slot,
    n_vars,
    n,
    freq_off,
    freqs,
    mat_off,
    mats,
    codes,
    joint,
    loglik,
    joints,
    offsets,
    workspaces,
    chunks,
):  # pragma: no cover - compiled
    """Every item, in ``chunks`` interleaved runs; run ``c`` uses the workspace ``workspaces[c]``."""
    items = n.shape[0]
    n_slots = slot_ptr.shape[0] - 1
    max_vars = 1
    for s in range(n_slots):
        max_vars = max(max_vars, slot_ptr[s + 1] - slot_ptr[s])
    widest = 1
    for u in range(union_ptr.shape[0] - 1):
        widest = max(widest, union_ptr[u + 1] - union_ptr[u])
    for c in numba.prange(chunks):
        ws = workspaces[c]
        dims = np.empty(n_vars, dtype=np.int64)
        dom = np.empty((n_vars, 2), dtype=np.int64)
        strides = np.zeros((n_slots, max_vars), dtype=np.int64)
        start = np.zeros(n_slots + 1, dtype=np.int64)
        scratch = np.empty((5, widest), dtype=np.int64)
        for item in range(c, items, chunks):
            _item(
                item,
                code,
                slot_ptr,
                slot_vars,
                used,
                union_ptr,
                union_data,
                typed_genes,
                keep,
                final_slot,
                n_slots,
                n,
                freq_off,
                freqs,
                mat_off,
                mats,
                codes,
                joint,
                loglik,
                joints,
                offsets,
                ws,
                dims,
                dom,
                strides,
                start,
                scratch,
            )


@numba.njit(cache=True, nogil=True)
def _item(  # type: ignore[no-untyped-def]
    item,
    code,
    slot_ptr,
    slot_vars,
    used,
    union_ptr,
    union_data,
    typed_genes,
    keep,
    final_slot,
    n_slots,
    n,
    freq_off,
    freqs,
    mat_off,
    mats,
    codes,
    joint,
    loglik,
    joints,
    offsets,
    ws,
    dims,
    dom,
    strides,
    start,
    scratch,
):  # pragma: no cover - compiled
    na = n[item]
    dims[:] = na
    dom[:, :] = -1  # -1: the gene ranges over all alleles
    for t in range(typed_genes.shape[0]):
        a, b = codes[item, t, 0], codes[item, t, 1]
        g0, g1 = typed_genes[t, 0], typed_genes[t, 1]
        if g0 < 0 or a == b:
            for g in (g0, g1):
                if g >= 0:
                    dims[g] = 1
                    dom[g, 0] = a
        else:
            for g in (g0, g1):
                dims[g] = 2
                dom[g, 0] = a
                dom[g, 1] = b
    # slot sizes, strides (row-major) and offsets in the workspace
    for s in range(n_slots):
        size = 1
        for p in range(slot_ptr[s + 1] - 1, slot_ptr[s] - 1, -1):
            strides[s, p - slot_ptr[s]] = size
            size *= dims[slot_vars[p]]
        start[s + 1] = start[s] + (size if used[s] else min(size, _GAP))
    fo = freq_off[item]
    exponent = 0
    for k in range(code.shape[0]):
        op = code[k, 0]
        dst = code[k, 1]
        o = start[dst]
        if op == OP_ONES:
            ws[o] = 1.0
        elif op == OP_PRIOR:
            v = code[k, 2]
            top = 0.0
            for i in range(dims[v]):
                ws[o + i] = freqs[fo + (i if dom[v, 0] < 0 else dom[v, i])]
                top = max(top, ws[o + i])
            if 0.0 < top < _SAFE_LOW:  # tiny frequencies: scaled up now, or their product underflows
                exponent += _normalise(ws, o, o + dims[v], top)
        elif op == OP_HALF:
            mo = mat_off[item, code[k, 2]]
            va, vc = code[k, 3], code[k, 4]
            scale = 0.5 if code[k, 5] == 1 else 1.0
            dc = dims[vc]
            for i in range(dims[va]):
                row = mo + (i if dom[va, 0] < 0 else dom[va, i]) * na
                for c in range(dc):
                    ws[o + i * dc + c] = mats[row + (c if dom[vc, 0] < 0 else dom[vc, c])] * scale
        elif op == OP_EVID:
            v0 = code[k, 2]
            if dims[v0] == 1:
                ws[o] = 1.0
            else:
                ws[o] = 0.0
                ws[o + 1] = 1.0
                ws[o + 2] = 1.0
                ws[o + 3] = 0.0
        elif op == OP_HEMI:
            ws[o] = 1.0
        elif op == OP_T:
            ha, hb = start[code[k, 2]], start[code[k, 3]]
            p = slot_ptr[dst]
            da, db, dc = dims[slot_vars[p]], dims[slot_vars[p + 1]], dims[slot_vars[p + 2]]
            for i in range(da):
                for j in range(db):
                    base = o + (i * db + j) * dc
                    for c in range(dc):
                        ws[base + c] = ws[ha + i * dc + c] + ws[hb + j * dc + c]
        elif op == OP_CONTRACT:
            _contract(
                ws,
                dst,
                code[k, 2],
                code[k, 3],
                code[k, 4] == 1,
                union_ptr[code[k, 5]],
                union_ptr[code[k, 5] + 1],
                union_data,
                dims,
                strides,
                start,
                scratch,
            )
        else:  # OP_RESCALE: by the power of two that brings the largest entry into [1/2, 1) (exact)
            top = 0.0
            for i in range(start[dst], start[dst + 1]):
                top = max(top, ws[i])
            if top > 0.0:
                exponent += _normalise(ws, start[dst], start[dst + 1], top)
    o, end = start[final_slot], start[final_slot + 1]
    total = 0.0
    for i in range(o, end):
        total += ws[i]
    loglik[item] = exponent * _LN2 + math.log(total) if total > 0.0 else -math.inf
    if not joint:
        return
    jo = offsets[item]
    for i in range(na * na):
        joints[jo + i] = 0.0 if total > 0.0 else math.nan
    if total <= 0.0:
        return
    if keep.shape[0] == 1:  # a hemizygous male: his one gene on the diagonal
        v = keep[0]
        for i in range(dims[v]):
            a = i if dom[v, 0] < 0 else dom[v, i]
            joints[jo + a * na + a] = ws[o + i] / total
        return
    v0, v1 = keep[0], keep[1]
    d1 = dims[v1]
    for i in range(dims[v0]):
        a = i if dom[v0, 0] < 0 else dom[v0, i]
        for j in range(d1):
            b = j if dom[v1, 0] < 0 else dom[v1, j]
            joints[jo + a * na + b] = ws[o + i * d1 + j] / total


@numba.njit(cache=True, nogil=True)
def _normalise(ws, lo, hi, top):  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    """Scale ``ws[lo:hi]`` by the power of two ``2^-e`` that brings ``top`` into [1/2, 1); returns ``e``.

    Exact: the factor is applied in steps that are normal numbers (a subnormal ``top`` needs two)."""
    _mant, e = math.frexp(top)
    rest = e
    while rest != 0:
        step = max(-1000, min(1000, rest))
        factor = math.ldexp(1.0, -step)
        for i in range(lo, hi):
            ws[i] *= factor
        rest -= step
    return e


@numba.njit(cache=True, nogil=True)
def _score(size, sl, sr, so):  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    """Preference for the innermost loop: the longest, then the most operands read or written in order."""
    return 4 * size + (sl == 1) + (sr == 1) + (so == 1)


@numba.njit(cache=True, nogil=True)
def _contract(  # type: ignore[no-untyped-def]
    ws,
    out,
    left,
    right,
    accumulate,
    u0,
    u1,
    union_data,
    dims,
    strides,
    start,
    scratch,
):  # pragma: no cover - compiled
    """``ws[out] (+)= sum over the union of ws[left] * ws[right]`` (``right`` -1: left alone).

    The loop runs over every combination of the union's variables; the innermost is the largest one.
    """
    k_n = u1 - u0
    if not accumulate:
        for i in range(start[out], start[out + 1]):
            ws[i] = 0.0
    lo, oo = start[left], start[out]
    ro = start[right] if right >= 0 else 0
    if k_n == 0:
        ws[oo] += ws[lo] * (ws[ro] if right >= 0 else 1.0)
        return
    size, sl, sr, so, idx = scratch[0], scratch[1], scratch[2], scratch[3], scratch[4]
    last = k_n - 1
    best = 0
    for k in range(k_n):
        row = u0 + k
        size[k] = dims[union_data[row, 0]]
        sl[k] = strides[left, union_data[row, 1]] if union_data[row, 1] >= 0 else 0
        sr[k] = strides[right, union_data[row, 2]] if right >= 0 and union_data[row, 2] >= 0 else 0
        so[k] = strides[out, union_data[row, 3]] if union_data[row, 3] >= 0 else 0
        idx[k] = 0
        if _score(size[k], sl[k], sr[k], so[k]) > _score(size[best], sl[best], sr[best], so[best]):
            best = k
    if best != last:
        size[best], size[last] = size[last], size[best]
        sl[best], sl[last] = sl[last], sl[best]
        sr[best], sr[last] = sr[last], sr[best]
        so[best], so[last] = so[last], so[best]
    inner, sli, sri, soi = size[last], sl[last], sr[last], so[last]
    while True:
        if right >= 0:
            if soi == 0:  # a sum over the innermost variable
                acc = 0.0
                for i in range(inner):
                    acc += ws[lo + i * sli] * ws[ro + i * sri]
                ws[oo] += acc
            elif soi == 1 and sli == 1 and sri == 0:  # unit strides: vectorised
                r = ws[ro]
                for i in range(inner):
                    ws[oo + i] += ws[lo + i] * r
            elif soi == 1 and sli == 0 and sri == 1:
                le = ws[lo]
                for i in range(inner):
                    ws[oo + i] += le * ws[ro + i]
            elif soi == 1 and sli == 1 and sri == 1:
                for i in range(inner):
                    ws[oo + i] += ws[lo + i] * ws[ro + i]
            else:
                for i in range(inner):
                    ws[oo + i * soi] += ws[lo + i * sli] * ws[ro + i * sri]
        elif soi == 0:
            acc = 0.0
            for i in range(inner):
                acc += ws[lo + i * sli]
            ws[oo] += acc
        else:
            for i in range(inner):
                ws[oo + i * soi] += ws[lo + i * sli]
        k = last - 1
        while k >= 0:
            idx[k] += 1
            lo += sl[k]
            ro += sr[k]
            oo += so[k]
            if idx[k] < size[k]:
                break
            lo -= sl[k] * size[k]
            ro -= sr[k] * size[k]
            oo -= so[k] * size[k]
            idx[k] = 0
            k -= 1
        if k < 0:
            return


_run_serial = numba.njit(cache=True, nogil=True)(_run)
_run_parallel = numba.njit(cache=True, nogil=True, parallel=True)(_run)
