"""Compiled elimination plans: the variable elimination of one pedigree structure, run on many markers.

The generic engine (:mod:`homecoming.kinship.likelihood`) builds a factor graph and contracts it marker
by marker, which costs Python time per factor. Here the factor *structure* (which genes, which
founder priors, transmissions and evidence factors, the elimination order and the pairwise products
of every step) is compiled once per ``(pedigree, x, typed nodes, kept node)`` and cached; the numba
interpreter of :mod:`homecoming.kinship.engine.program` then runs it on every marker (of one or of many
families) in one call. A transmission ``(M[a, c] + M[b, c]) / 2`` is contracted as its two halves, never
built as an n-cubed table, and an untyped parent's two genes are summed out in the same step when no
other factor needs them, so that each half meets a table from which the other gene is already summed.

Only the plain case is compiled: θ = 0, every typed person with exactly one full genotype, no drop-out
and no silent allele. Anything else (and anything that fails a check, so that errors keep their
messages) is left to the generic engine: :func:`plain_results` returns None for such markers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import numpy as np
from numpy.typing import NDArray

from homecoming.kinship.engine.elimination import elimination_order
from homecoming.kinship.engine.program import compile_program, largest_table, run_program
from homecoming.kinship.model.markers import Locus, Profile
from homecoming.kinship.model.pedigree import FEMALE, MALE, UNKNOWN, Pedigree

if TYPE_CHECKING:
    from homecoming.kinship.likelihood import AlleleSpace, Placements

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Vars = tuple[int, ...]

PRIOR, MEIOSIS, COPY, EVID, HEMI = range(5)
FAST_LIMIT = 4_000_000  # markers needing larger tables go to the generic engine


@dataclass(frozen=True)
class FactorSpec:
    """One factor of the structure: ``kind`` (PRIOR, MEIOSIS, COPY, EVID, HEMI) over ``variables``."""

    kind: int
    variables: tuple[int, ...]
    sex: int = 0  # MALE or FEMALE: whose mutation matrix a transmission uses


@dataclass(frozen=True)
class Product:
    """Multiply the accumulated table by the table in slot ``right`` (-1: none), keeping ``out``.

    ``split``: the right operand is a transmission ``T(a, b, c) = (M[a, c] + M[b, c]) / 2`` whose parent
    genes the accumulated table holds; it is contracted as its two halves and never built.
    """

    right: int
    out: tuple[int, ...]
    split: bool = False


@dataclass(frozen=True)
class Step:
    """Multiply the factors in slots ``inputs`` in turn (``products``); the result is ``variables``."""

    inputs: tuple[int, ...]
    products: tuple[Product, ...]
    variables: tuple[int, ...]
    rescale: bool


@dataclass(frozen=True, eq=False)
class Plan:
    """The compiled elimination of one pedigree structure."""

    genes: dict[tuple[int, int], int]
    factors: tuple[FactorSpec, ...]
    steps: tuple[Step, ...]
    typed: tuple[int, ...]
    keep: tuple[int, ...]


_PLANS: dict[tuple[object, ...], Plan] = {}


def plan_for(ped: Pedigree, typed: tuple[int, ...], *, x: bool, keep_node: int | None) -> Plan:
    """The cached plan of ``ped`` with ``typed`` nodes observed (keeping ``keep_node``'s genes)."""
    key = (ped, x, typed, keep_node)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _compile(ped, typed, x=x, keep_node=keep_node)
        if len(_PLANS) > 2048:
            _PLANS.clear()
        _PLANS[key] = plan
    return plan


def gene_index(ped: Pedigree, x: bool) -> dict[tuple[int, int], int]:
    """``(person, 0 paternal | 1 maternal) -> variable`` of every gene (a male on X has no paternal one)."""
    genes: dict[tuple[int, int], int] = {}
    for i in range(len(ped)):
        if not (x and ped.sex[i] == MALE):
            genes[(i, 0)] = len(genes)
        genes[(i, 1)] = len(genes)
    return genes


def _structure(
    ped: Pedigree, genes: dict[tuple[int, int], int], typed: tuple[int, ...], x: bool
) -> list[FactorSpec]:
    """The same factors as ``likelihood._build`` (θ = 0), as structure only."""
    out = [FactorSpec(PRIOR, (v,)) for (i, _s), v in genes.items() if ped.father[i] < 0]
    for i in range(len(ped)):
        fa, mo = ped.father[i], ped.mother[i]
        if fa < 0:
            continue
        out.append(FactorSpec(MEIOSIS, (genes[(mo, 0)], genes[(mo, 1)], genes[(i, 1)]), sex=FEMALE))
        if not x:
            out.append(FactorSpec(MEIOSIS, (genes[(fa, 0)], genes[(fa, 1)], genes[(i, 0)]), sex=MALE))
        elif ped.sex[i] != MALE:
            out.append(FactorSpec(COPY, (genes[(fa, 1)], genes[(i, 0)]), sex=MALE))
    for i in typed:
        if x and ped.sex[i] == MALE:
            out.append(FactorSpec(HEMI, (genes[(i, 1)],)))
        else:
            out.append(FactorSpec(EVID, (genes[(i, 0)], genes[(i, 1)])))
    return out


def _compile(ped: Pedigree, typed: tuple[int, ...], *, x: bool, keep_node: int | None) -> Plan:
    genes = gene_index(ped, x)
    factors = _structure(ped, genes, typed, x)
    keep: tuple[int, ...] = ()
    if keep_node is not None:
        hemi = x and ped.sex[keep_node] == MALE
        keep = (genes[(keep_node, 1)],) if hemi else (genes[(keep_node, 0)], genes[(keep_node, 1)])
    small = {v for (i, _s), v in genes.items() if i in typed}
    nominal = [2 if v in small else 16 for v in range(len(genes))]
    order = elimination_order([f.variables for f in factors], nominal, keep)
    active: list[tuple[int, tuple[int, ...]]] = [(k, f.variables) for k, f in enumerate(factors)]
    steps: list[Step] = []
    slot = len(factors)
    for var in order:
        involved = [a for a in active if var in a[1]]
        if not involved:
            continue
        drop = _partners(var, involved, active, keep)
        involved = sorted(
            (a for a in active if drop & set(a[1])), key=lambda a: math.prod(nominal[v] for v in a[1])
        )  # big factor last: matmul
        active = [a for a in active if not drop & set(a[1])]
        slots, scopes = [k for k, _s in involved], [s for _k, s in involved]
        steps.append(_step(slots, factors, scopes, drop=drop, final=None, small=small))
        active.append((slot, steps[-1].variables))
        slot += 1
    steps.append(
        _step([k for k, _s in active], factors, [s for _k, s in active], drop=None, final=keep, small=small)
    )
    return Plan(genes, tuple(factors), tuple(steps), typed, keep)


def _partners(
    var: int, involved: list[tuple[int, Vars]], active: list[tuple[int, Vars]], keep: Vars
) -> set[int]:
    """``var`` and every variable that can be summed out in the same step without a larger table.

    A variable qualifies when it is not kept and every factor holding it only holds variables the
    step already holds. The typical case is the other gene of an untyped parent whose last factor is
    a transmission to a child: summing both parent genes at once lets the transmission be contracted
    as its two halves, each after the other parent gene is summed, so the step costs n² instead of n³.
    """
    union = {v for _k, s in involved for v in s}
    drop = {var}
    for other in sorted(union - {var} - set(keep)):
        if all(set(s) <= union for _k, s in active if other in s):
            drop.add(other)
    return drop


def _step(
    slots: list[int],
    factors: list[FactorSpec],
    scopes: list[Vars],
    *,
    drop: set[int] | None,
    final: Vars | None,
    small: set[int],
) -> Step:
    """Pairwise products of ``scopes``, summing each of ``drop`` as soon as no later factor needs it.

    A transmission to a typed child's gene (``small``: a domain of two alleles) is built, not split: its
    table is only twice the parents' pair, and one product beats two products and a sum.
    """
    products: list[Product] = []
    acc = scopes[0] if scopes else ()
    for k, scope in enumerate(scopes[1:], start=1):
        later = {v for s in scopes[k + 1 :] for v in s}
        merged = tuple(dict.fromkeys(acc + scope))
        out = tuple(v for v in merged if drop is None or v not in drop or v in later)
        spec = factors[slots[k]] if slots[k] < len(factors) else None
        split = (
            spec is not None and spec.kind == MEIOSIS and set(scope[:2]) <= set(acc) and scope[2] not in small
        )
        products.append(Product(slots[k], out, split))
        acc = out
    target = final if final is not None else tuple(v for v in acc if drop is None or v not in drop)
    if target != acc or not scopes:
        products.append(Product(-1, target))
    return Step(tuple(slots), tuple(products), target, rescale=final is None)


# --------------------------------------------------------------------------- running
@dataclass(frozen=True, eq=False)
class MarkerInput:
    """One marker ready for a plan: its (possibly lumped) allele space and typed allele codes."""

    freqs: FloatArray
    male: FloatArray | None
    female: FloatArray | None
    codes: dict[int, tuple[int, int]]  # typed node -> (a, b) allele indices in this space


def _identity(n: int) -> FloatArray:
    got = _IDENTITY.get(n)
    if got is None:
        got = _IDENTITY[n] = np.eye(n)
    return got


_IDENTITY: dict[int, FloatArray] = {}
Buffers = tuple[IntArray, IntArray, FloatArray, IntArray, FloatArray]
_BUFFERS: dict[tuple[int, ...], tuple[tuple[object, ...], Buffers]] = {}


def _buffers(markers: Sequence[MarkerInput]) -> Buffers:
    """``(n, freq_off, freqs, mat_off, mats)`` of ``markers`` as :func:`run_program` takes them, cached.

    The same loci (and lumped spaces) come back family after family with the same arrays; the cache
    keeps those arrays alive and is keyed by their identities, so a key cannot be reused by others.
    Each distinct array is stored once.
    """
    arrays = tuple(a for m in markers for a in (m.freqs, m.male, m.female))
    key = tuple(map(id, arrays))
    got = _BUFFERS.get(key)
    if got is not None and all(x is y for x, y in zip(got[0], arrays, strict=True)):
        return got[1]
    n = np.array([m.freqs.size for m in markers], dtype=np.int64)
    pieces: list[FloatArray] = []
    where: dict[int, int] = {}
    used = 0

    def place(arr: FloatArray) -> int:
        nonlocal used
        at = where.get(id(arr))
        if at is None:
            at = where[id(arr)] = used
            pieces.append(arr.ravel())
            used += arr.size
        return at

    freq_off = np.array([place(m.freqs) for m in markers], dtype=np.int64)
    mat_off = np.array(
        [
            [place(_identity(m.freqs.size) if mat is None else mat) for mat in (m.male, m.female)]
            for m in markers
        ],
        dtype=np.int64,
    ).reshape(-1, 2)
    flat = np.concatenate(pieces) if pieces else np.zeros(0)
    buffers = (n, freq_off, flat, mat_off, flat)
    if len(_BUFFERS) > 256:
        _BUFFERS.clear()
    _BUFFERS[key] = (arrays, buffers)
    return buffers


def run_markers(plan: Plan, markers: Sequence[MarkerInput], *, joint: bool) -> list[PlainResult | None]:
    """``(loglik, joint)`` of every marker by ``plan`` in one compiled call (None: too large for it)."""
    program = compile_program(plan)
    fits = [k for k, m in enumerate(markers) if largest_table(program, m.freqs.size) <= FAST_LIMIT]
    out: list[PlainResult | None] = [None] * len(markers)
    if not fits:
        return out
    batch = [markers[k] for k in fits]
    n, freq_off, freqs, mat_off, mats = _buffers(batch)
    codes = np.array([[m.codes[node] for node in plan.typed] for m in batch], dtype=np.int64)
    loglik, joints, offsets = run_program(
        program, n, freq_off, freqs, mat_off, mats, codes.reshape(len(batch), len(plan.typed), 2), joint=joint
    )
    for j, k in enumerate(fits):
        size = int(n[j])
        table = joints[offsets[j] : offsets[j + 1]].reshape(size, size) if joint else _EMPTY
        out[k] = (float(loglik[j]), table)
    return out


# --------------------------------------------------------------------------- markers in, results out
PlainResult = tuple[float, FloatArray]
_SPACES: WeakKeyDictionary[Locus, dict[tuple[int, ...], AlleleSpace]] = WeakKeyDictionary()


def plain_codes(
    ped: Pedigree, locus: Locus, nodes: list[tuple[int, list[Profile]]]
) -> dict[int, tuple[int, int]] | None:
    """Allele indices of every typed node when the marker is plain (else None: use the generic path).

    Plain: no silent allele, and every node with a typing at this marker has exactly one, a full
    genotype without drop-out of alleles the locus knows (on X, a male's homozygous and no unknown sex).
    """
    if locus.silent_frequency > 0:
        return None
    index = locus.allele_index
    x = locus.chromosome == "X"
    name = locus.name
    codes: dict[int, tuple[int, int]] = {}
    for node, profiles in nodes:
        seen = False
        for prof in profiles:
            g = prof.genotypes.get(name)
            if g is None:
                continue
            if seen or g.a2 is None or prof.dropout > 0:
                return None
            seen = True
            a, b = index.get(g.a1), index.get(g.a2)
            if a is None or b is None:
                return None
            if x and (ped.sex[node] == UNKNOWN or (ped.sex[node] == MALE and a != b)):
                return None
            codes[node] = (a, b)
    return codes


def placed_nodes(ped: Pedigree, placements: Placements) -> list[tuple[int, list[Profile]]]:
    """``[(node index, [profiles])]`` of node id -> profile(s) placements, by node index."""
    return sorted(
        (ped.index(node_id), [profiles] if isinstance(profiles, Profile) else list(profiles))
        for node_id, profiles in placements.items()
    )


def plain_input(
    ped: Pedigree, locus: Locus, nodes: list[tuple[int, list[Profile]]], *, lump: bool
) -> MarkerInput | None:
    """The marker as input to a compiled plan, or None when it needs the generic engine."""
    codes = plain_codes(ped, locus, nodes)
    if codes is None:
        return None
    return coded_input(locus, codes, lump=lump)


def coded_input(locus: Locus, codes: dict[int, tuple[int, int]], *, lump: bool) -> MarkerInput:
    """The input of a marker with typed nodes' allele ``codes``, in the lumped space when ``lump``."""
    if not lump:
        return MarkerInput(locus.freq_array, locus.male_matrix, locus.female_matrix, codes)
    space = lumped_space(locus, codes)
    return MarkerInput(
        space.freqs,
        space.male,
        space.female,
        {node: (space.codes[a], space.codes[b]) for node, (a, b) in codes.items()},
    )


def lumped_space(locus: Locus, codes: dict[int, tuple[int, int]]) -> AlleleSpace:
    """The alleles the typed nodes carry, the others lumped into one where exact (cached per locus)."""
    named = tuple(sorted({a for pair in codes.values() for a in pair}))
    cache = _SPACES.get(locus)
    if cache is None:
        cache = _SPACES[locus] = {}
    space = cache.get(named)
    if space is None:
        from homecoming.kinship.likelihood import allele_space  # here: likelihood imports this module

        if len(cache) > 512:
            cache.clear()
        space = cache[named] = allele_space(locus, set(named), lump=True)
    return space


def plain_results(
    ped: Pedigree, loci: Sequence[Locus], placements: Placements, *, keep_node: int | None
) -> list[PlainResult | None]:
    """Per marker ``(loglik, table)`` by compiled plans (θ = 0), or None where the generic engine is needed.

    With ``keep_node=None`` markers are lumped and ``table`` is empty; otherwise ``table`` is the joint of
    the node's genes over the locus alleles, as :func:`marker_joint` returns it.
    """
    return plain_results_many([(ped, placements, keep_node)], loci)[0]


Job = tuple[Pedigree, "Placements", int | None]  # pedigree, node id -> profile(s), kept node


def plain_results_many(jobs: Sequence[Job], loci: Sequence[Locus]) -> list[list[PlainResult | None]]:
    """:func:`plain_results` of many ``(pedigree, placements, keep_node)`` jobs on the same loci."""
    inputs = []
    for ped, placements, keep_node in jobs:
        nodes = placed_nodes(ped, placements)
        inputs.append([plain_input(ped, locus, nodes, lump=keep_node is None) for locus in loci])
    return run_inputs([(ped, keep_node) for ped, _p, keep_node in jobs], loci, inputs)


def run_inputs(
    jobs: Sequence[tuple[Pedigree, int | None]],
    loci: Sequence[Locus],
    inputs: Sequence[Sequence[MarkerInput | None]],
) -> list[list[PlainResult | None]]:
    """Run the marker ``inputs[j][k]`` (None: left to the caller) of every ``(pedigree, kept node)`` job.

    Every (job, marker) with the same plan — pedigrees of the same structure with the same members
    typed — is run in one compiled call, in parallel over the items when there are many.
    """
    out: list[list[PlainResult | None]] = [[None] * len(loci) for _ in jobs]
    same: dict[Pedigree, Pedigree] = {}  # equal pedigrees of different jobs share one plan
    by_plan: dict[tuple[int, bool, tuple[int, ...], int | None], list[tuple[int, int, MarkerInput]]] = {}
    xs = [lc.chromosome == "X" for lc in loci]
    for j, ((ped, keep_node), row) in enumerate(zip(jobs, inputs, strict=True)):
        ped = same.setdefault(ped, ped)
        for k, item in enumerate(row):
            if item is not None:
                key = (id(ped), xs[k], tuple(item.codes), keep_node)  # codes are in node order
                by_plan.setdefault(key, []).append((j, k, item))
    for (_ped, x, typed, keep_node), members in by_plan.items():
        ped = jobs[members[0][0]][0]
        plan = plan_for(ped, typed, x=x, keep_node=keep_node)
        got = run_markers(plan, [item for _j, _k, item in members], joint=keep_node is not None)
        for (j, k, _item), result in zip(members, got, strict=True):
            out[j][k] = result
    return out


_EMPTY: FloatArray = np.empty(0)
