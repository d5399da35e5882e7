"""Compiled elimination plans: the variable elimination of one pedigree structure, run on many markers.

The generic engine (:mod:`homecoming.kinship.likelihood`) builds a factor graph and contracts it marker
by marker, which costs Python time per factor. Here the factor *structure* (which genes, which
founder priors, transmissions and evidence factors, the elimination order and the pairwise
contractions of every step) is compiled once per ``(pedigree, x, typed nodes, kept node)`` and
cached. Markers are then run together: the gene domains of all markers in a group are padded to the
same sizes (a padded allele has frequency 0, zero mutation rows and columns and zero evidence, so it
carries no mass) and every pairwise contraction is one batched matrix product (``numpy.matmul``) or
broadcast product over a leading marker axis. A transmission ``(M[a, c] + M[b, c]) / 2`` is contracted
as its two halves, never built as an n-cubed table. After every step each marker's table is scaled
by the exact power of two that brings its maximum into [1/2, 1) (the log accumulated), so nothing
underflows.

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

from homecoming.kinship.elimination import MAX_FACTOR_ENTRIES, elimination_order
from homecoming.kinship.kernels import Contraction, Vars, compile_contraction
from homecoming.kinship.markers import Locus
from homecoming.kinship.pedigree import MALE, UNKNOWN, Pedigree

if TYPE_CHECKING:
    from homecoming.kinship.likelihood import AlleleSpace, Evidence

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

PRIOR, MEIOSIS, COPY, EVID, HEMI = range(5)
_MIN_GROUP = 8  # markers whose allele count is at most this are run as one group
FAST_LIMIT = 4_000_000  # markers needing larger tables go to the generic engine
_GROUP_RATIO = 2.0  # a group pads to at most twice its smallest allele count


@dataclass(frozen=True)
class FactorSpec:
    """One factor of the structure: ``kind`` (PRIOR, MEIOSIS, COPY, EVID, HEMI) over ``variables``."""

    kind: int
    variables: tuple[int, ...]
    node: int = -1  # the typed person of an evidence factor
    sex: int = 0  # MALE or FEMALE: whose mutation matrix a transmission uses


@dataclass(frozen=True)
class Step:
    """Multiply the factors in slots ``inputs`` pairwise with ``specs``; the result is ``variables``."""

    inputs: tuple[int, ...]
    specs: tuple[Contraction, ...]
    variables: tuple[int, ...]
    rescale: bool
    # per product: when the right operand is a transmission T(a, b, c) = (M[a, c] + M[b, c]) / 2 and the
    # left one holds a and b, the two halves contracted separately (T is never built)
    splits: tuple[tuple[Contraction, Contraction] | None, ...] = ()


@dataclass(frozen=True, eq=False)
class Plan:
    """The compiled elimination of one pedigree structure."""

    genes: dict[tuple[int, int], int]
    factors: tuple[FactorSpec, ...]
    steps: tuple[Step, ...]
    typed: tuple[int, ...]
    keep: tuple[int, ...]
    x: bool
    unions: tuple[tuple[int, ...], ...]  # the variables of every step (for the size limit)


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


def _genes(ped: Pedigree, x: bool) -> dict[tuple[int, int], int]:
    genes: dict[tuple[int, int], int] = {}
    for i in range(len(ped)):
        if not (x and ped.sex[i] == MALE):
            genes[(i, 0)] = len(genes)
        genes[(i, 1)] = len(genes)
    return genes


def _structure(ped: Pedigree, genes: dict[tuple[int, int], int], typed: tuple[int, ...],
               x: bool) -> list[FactorSpec]:
    """The same factors as ``likelihood._build`` (θ = 0), as structure only."""
    out = [FactorSpec(PRIOR, (v,)) for (i, _s), v in genes.items() if ped.father[i] < 0]
    for i in range(len(ped)):
        fa, mo = ped.father[i], ped.mother[i]
        if fa < 0:
            continue
        out.append(FactorSpec(MEIOSIS, (genes[(mo, 0)], genes[(mo, 1)], genes[(i, 1)]), sex=2))
        if not x:
            out.append(FactorSpec(MEIOSIS, (genes[(fa, 0)], genes[(fa, 1)], genes[(i, 0)]), sex=MALE))
        elif ped.sex[i] != MALE:
            out.append(FactorSpec(COPY, (genes[(fa, 1)], genes[(i, 0)]), sex=MALE))
    for i in typed:
        if x and ped.sex[i] == MALE:
            out.append(FactorSpec(HEMI, (genes[(i, 1)],), node=i))
        else:
            out.append(FactorSpec(EVID, (genes[(i, 0)], genes[(i, 1)]), node=i))
    return out


def _compile(ped: Pedigree, typed: tuple[int, ...], *, x: bool, keep_node: int | None) -> Plan:
    genes = _genes(ped, x)
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
        involved = sorted((a for a in active if drop & set(a[1])),
                          key=lambda a: math.prod(nominal[v] for v in a[1]))  # big factor last: matmul
        active = [a for a in active if not drop & set(a[1])]
        slots, scopes = [k for k, _s in involved], [s for _k, s in involved]
        steps.append(_step(slots, factors, scopes, drop=drop, final=None, small=small))
        active.append((slot, steps[-1].variables))
        slot += 1
    steps.append(_step([k for k, _s in active], factors, [s for _k, s in active], drop=None, final=keep,
                       small=small))
    scopes = [f.variables for f in factors] + [st.variables for st in steps]
    unions = tuple(tuple(sorted({v for i in st.inputs for v in scopes[i]})) for st in steps)
    return Plan(genes, tuple(factors), tuple(steps), typed, keep, x, unions)


def _partners(var: int, involved: list[tuple[int, Vars]], active: list[tuple[int, Vars]],
              keep: Vars) -> set[int]:
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


def _step(slots: list[int], factors: list[FactorSpec], scopes: list[Vars], *, drop: set[int] | None,
          final: Vars | None, small: set[int]) -> Step:
    """Pairwise products of ``scopes``, summing each of ``drop`` as soon as no later factor needs it.

    A transmission to a typed child's gene (``small``: a domain of two alleles) is built, not split: its
    table is only twice the parents' pair, and one product beats two products and a sum.
    """
    pairs: list[Contraction] = []
    splits: list[tuple[Contraction, Contraction] | None] = []
    acc = scopes[0] if scopes else ()
    for k, scope in enumerate(scopes[1:], start=1):
        later = {v for s in scopes[k + 1:] for v in s}
        merged = tuple(dict.fromkeys(acc + scope))
        out = tuple(v for v in merged if drop is None or v not in drop or v in later)
        pairs.append(compile_contraction(acc, scope, out))
        spec = factors[slots[k]] if slots[k] < len(factors) else None
        if spec is not None and spec.kind == MEIOSIS and set(scope[:2]) <= set(acc) and scope[2] not in small:
            a, b, c = scope
            splits.append((compile_contraction(acc, (a, c), out), compile_contraction(acc, (b, c), out)))
        else:
            splits.append(None)
        acc = out
    target = final if final is not None else tuple(v for v in acc if drop is None or v not in drop)
    if target != acc or not scopes:
        pairs.append(compile_contraction(acc, None, target))
    return Step(tuple(slots), tuple(pairs), target, rescale=final is None, splits=tuple(splits))


# --------------------------------------------------------------------------- running
@dataclass(frozen=True, eq=False)
class MarkerInput:
    """One marker ready for a plan: its (possibly lumped) allele space and typed allele codes."""

    freqs: FloatArray
    male: FloatArray | None
    female: FloatArray | None
    codes: dict[int, tuple[int, int]]  # typed node -> (a, b) allele indices in this space


def group_markers(sizes: Sequence[int]) -> list[tuple[int, list[int]]]:
    """Groups of marker positions with the padded allele count of each group."""
    order = sorted(range(len(sizes)), key=lambda k: sizes[k])
    groups: list[tuple[int, list[int]]] = []
    start = 0
    for k in order:
        n = sizes[k]
        if groups and n <= max(_MIN_GROUP, _GROUP_RATIO * start):
            groups[-1][1].append(k)
            groups[-1] = (n, groups[-1][1])
        else:
            groups.append((n, [k]))
            start = n
    return groups


def run_plan(plan: Plan, markers: Sequence[MarkerInput], width: int) -> tuple[FloatArray, FloatArray,
                                                                                   list[IntArray | None]]:
    """Run ``plan`` on markers padded to ``width`` alleles.

    Returns ``(log_scale, table, domains)``: per marker the log of the scale taken out of the table, the
    table over the kept genes (leading axis = marker) and, per kept gene, its domain as allele indices
    (``(B, 2)``, index ``width`` is padding) or None for all ``width`` alleles.
    """
    b = len(markers)
    freqs, mats = _padded(markers, width)
    codes = {node: np.array([m.codes[node] for m in markers], dtype=np.intp) for node in plan.typed}
    domains = _domains(plan, codes, width)
    limit = min(FAST_LIMIT, MAX_FACTOR_ENTRIES)
    if any(math.prod(width if domains[v] is None else 2 for v in u) > limit for u in plan.unions):
        raise TooLarge
    halves = {k: _halves(f, domains, mats, width) for k, f in enumerate(plan.factors) if f.kind == MEIOSIS}
    tables: list[FloatArray | None] = [None if f.kind == MEIOSIS else _factor(f, domains, freqs, mats, codes,
                                                                                   width)
                                       for f in plan.factors]

    def table(slot: int) -> FloatArray:
        got = tables[slot]
        if got is None:
            ma, mb = halves[slot]
            got = tables[slot] = 0.5 * (ma[:, :, None, :] + mb[:, None, :, :])
        return got

    log_scale = np.zeros(b)
    for step in plan.steps:
        acc = table(step.inputs[0]) if step.inputs else np.ones(b)
        for k, contraction in enumerate(step.specs):
            if k + 1 >= len(step.inputs):
                acc = contraction(acc, None)
                continue
            slot, split = step.inputs[k + 1], step.splits[k]
            if split is not None and tables[slot] is None:
                ma, mb = halves[slot]
                acc = 0.5 * (split[0](acc, ma) + split[1](acc, mb))
            else:
                acc = contraction(acc, table(slot))
        if step.rescale:
            acc = _rescale(acc, log_scale)
        tables.append(acc)
    return log_scale, table(len(tables) - 1), [domains[v] for v in plan.keep]


Padded = tuple[FloatArray, dict[int, FloatArray]]
_PADDED: dict[tuple[int, ...], tuple[tuple[object, ...], Padded]] = {}


def _padded(markers: Sequence[MarkerInput], width: int) -> Padded:
    """Frequencies and mutation matrices of ``markers`` padded to ``width`` (+ 1 padding allele), cached.

    The same loci (and lumped spaces) come back family after family with the same arrays; the cache
    keeps those arrays alive and is keyed by their identities, so a key cannot be reused by others.
    """
    arrays = tuple(a for m in markers for a in (m.freqs, m.male, m.female))
    key = (width, *map(id, arrays))
    got = _PADDED.get(key)
    if got is not None and all(x is y for x, y in zip(got[0], arrays, strict=True)):
        return got[1]
    b = len(markers)
    freqs = np.zeros((b, width + 1))
    mats = {MALE: np.zeros((b, width + 1, width + 1)), 2: np.zeros((b, width + 1, width + 1))}
    for k, m in enumerate(markers):
        n = m.freqs.size
        freqs[k, :n] = m.freqs
        for sex, mat in ((MALE, m.male), (2, m.female)):
            if mat is None:
                np.fill_diagonal(mats[sex][k, :n, :n], 1.0)
            else:
                mats[sex][k, :n, :n] = mat
    for arr in (freqs, *mats.values()):
        arr.flags.writeable = False
    if len(_PADDED) > 256:
        _PADDED.clear()
    _PADDED[key] = (arrays, (freqs, mats))
    return freqs, mats


def _rescale(acc: FloatArray, log_scale: FloatArray) -> FloatArray:
    """Scale each marker's table by the power of two that brings its maximum into [1/2, 1) (exact).

    Every intermediate table is then near 1, so products of many of them (a pedigree with many
    components or people) cannot underflow; the exponents are accumulated in ``log_scale``.
    """
    _mant, exp = np.frexp(acc.reshape(acc.shape[0], -1).max(axis=1))
    log_scale += exp * math.log(2.0)
    scaled: FloatArray = np.ldexp(acc, -exp.reshape((-1,) + (1,) * (acc.ndim - 1)))
    return scaled


def _domains(plan: Plan, codes: dict[int, IntArray], width: int) -> list[IntArray | None]:
    out: list[IntArray | None] = [None] * len(plan.genes)
    for node, pair in codes.items():
        vm = plan.genes[(node, 1)]
        vp = plan.genes.get((node, 0))
        if vp is None:  # hemizygous: one allele, padded to two
            hemi = np.full((pair.shape[0], 2), width, dtype=np.intp)
            hemi[:, 0] = pair[:, 0]
            out[vm] = hemi
            continue
        dom = pair.copy()
        dom[pair[:, 0] == pair[:, 1], 1] = width  # homozygote: {a, padding}
        out[vp] = out[vm] = dom
    return out


def _rows(arr: FloatArray, dom: IntArray | None, width: int, axis: int) -> FloatArray:
    if dom is None:
        return arr[:, :width] if axis == 1 else arr[:, :, :width]
    rows = np.arange(arr.shape[0])[:, None]
    if axis == 1:
        picked: FloatArray = arr[rows, dom]
        return picked
    moved: FloatArray = arr.transpose(0, 2, 1)[rows, dom].transpose(0, 2, 1)
    return moved


def _halves(f: FactorSpec, domains: list[IntArray | None], mats: dict[int, FloatArray],
            width: int) -> tuple[FloatArray, FloatArray]:
    """``M[a, c]`` and ``M[b, c]`` over the domains of a transmission's parent genes and child gene."""
    to_child = _rows(mats[f.sex], domains[f.variables[-1]], width, axis=2)
    first = _rows(to_child, domains[f.variables[0]], width, axis=1)
    if f.kind == COPY:
        return first, first
    return first, _rows(to_child, domains[f.variables[1]], width, axis=1)


def _factor(f: FactorSpec, domains: list[IntArray | None], freqs: FloatArray, mats: dict[int, FloatArray],
            codes: dict[int, IntArray], width: int) -> FloatArray:
    if f.kind == PRIOR:
        dom = domains[f.variables[0]]
        out: FloatArray = freqs[:, :width] if dom is None else freqs[np.arange(freqs.shape[0])[:, None], dom]
        return out
    if f.kind in (MEIOSIS, COPY):
        return _halves(f, domains, mats, width)[0]
    pair = codes[f.node]
    b = pair.shape[0]
    if f.kind == HEMI:
        hemi = np.zeros((b, 2))
        hemi[:, 0] = 1.0
        return hemi
    het = (pair[:, 0] != pair[:, 1]).astype(np.float64)
    evid = np.zeros((b, 2, 2))
    evid[:, 0, 1] = evid[:, 1, 0] = het
    evid[:, 0, 0] = 1.0 - het
    return evid


class TooLarge(Exception):  # an internal signal; never escapes the package
    """A plan would need a table above the limit; the caller falls back to the generic engine."""


# --------------------------------------------------------------------------- markers in, results out
PlainResult = tuple[float, FloatArray]
_CODES: WeakKeyDictionary[Locus, dict[str, int]] = WeakKeyDictionary()
_SPACES: WeakKeyDictionary[Locus, dict[tuple[int, ...], AlleleSpace]] = WeakKeyDictionary()


def _plain_codes(ped: Pedigree, locus: Locus, evidence: Evidence) -> dict[int, tuple[int, int]] | None:
    """Allele indices of every typed node when the marker is plain (else None: use the generic path)."""
    if locus.silent_frequency > 0:
        return None
    index = _CODES.get(locus)
    if index is None:
        index = _CODES[locus] = {a: i for i, a in enumerate(locus.alleles)}
    x = locus.chromosome == "X"
    codes: dict[int, tuple[int, int]] = {}
    for node, observations in evidence.items():
        if len(observations) != 1:
            return None
        obs = observations[0]
        g = obs.genotype
        if g.a2 is None or obs.dropout > 0:
            return None
        a, b = index.get(g.a1), index.get(g.a2)
        if a is None or b is None or (x and (ped.sex[node] == UNKNOWN or (ped.sex[node] == MALE and a != b))):
            return None
        codes[node] = (a, b)
    return codes


def plain_input(ped: Pedigree, locus: Locus, evidence: Evidence, *, lump: bool) -> MarkerInput | None:
    """The marker as input to a compiled plan, or None when it needs the generic engine."""
    codes = _plain_codes(ped, locus, evidence)
    if codes is None:
        return None
    if not lump:
        return MarkerInput(locus.freq_array, locus.male_matrix, locus.female_matrix, codes)
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
    return MarkerInput(space.freqs, space.male, space.female,
                       {node: (space.codes[a], space.codes[b]) for node, (a, b) in codes.items()})


def plain_results(ped: Pedigree, loci: Sequence[Locus], evidence: Sequence[Evidence], *,
                  keep_node: int | None) -> list[PlainResult | None]:
    """Per marker ``(loglik, table)`` by compiled plans (θ = 0), or None where the generic engine is needed.

    With ``keep_node=None`` markers are lumped and ``table`` is empty; otherwise ``table`` is the joint of
    the node's genes over the locus alleles, as :func:`marker_joint` returns it.
    """
    lump = keep_node is None
    inputs = [plain_input(ped, locus, ev, lump=lump) for locus, ev in zip(loci, evidence, strict=True)]
    out: list[PlainResult | None] = [None] * len(loci)
    by_structure: dict[tuple[bool, tuple[int, ...]], list[int]] = {}
    for k, item in enumerate(inputs):
        if item is not None:
            by_structure.setdefault((loci[k].chromosome == "X", tuple(sorted(item.codes))), []).append(k)
    for (x, typed), members in by_structure.items():
        plan = plan_for(ped, typed, x=x, keep_node=keep_node)
        hemi = keep_node is not None and x and ped.sex[keep_node] == MALE
        sizes = [int(inputs[k].freqs.size) for k in members]  # type: ignore[union-attr]
        for width, positions in group_markers(sizes):
            group = [members[j] for j in positions]
            batch = [inputs[k] for k in group]
            try:
                log_scale, table, domains = run_plan(plan, batch, width)  # type: ignore[arg-type]
            except TooLarge:
                continue
            totals = table.reshape(len(group), -1).sum(axis=1)
            for j, k in enumerate(group):
                doms = [None if d is None else d[j] for d in domains]
                out[k] = _plain_result(float(log_scale[j]), float(totals[j]), table[j], doms,
                                       sizes[positions[j]], hemi=hemi, joint=not lump)
    return out


def _plain_result(log_scale: float, total: float, table: FloatArray, domains: list[IntArray | None], n: int,
                  *, hemi: bool, joint: bool) -> PlainResult:
    if not total > 0:
        return -math.inf, np.full((n, n), math.nan) if joint else _EMPTY
    ll = log_scale + math.log(total)
    if not joint:
        return ll, _EMPTY
    if not hemi and domains[0] is None and domains[1] is None:
        plain: FloatArray = table[:n, :n] / total
        return ll, plain
    out = np.zeros((n, n))
    idx = [np.arange(n) if d is None else d[d < n] for d in domains]
    sel = [slice(0, n) if d is None else np.nonzero(d < n)[0] for d in domains]
    if hemi:
        out[idx[0], idx[0]] = table[sel[0]] / total
    else:
        out[np.ix_(idx[0], idx[1])] = table[np.ix_(np.arange(table.shape[0])[sel[0]],
                                                   np.arange(table.shape[1])[sel[1]])] / total
    return ll, out


_EMPTY: FloatArray = np.empty(0)
