"""Compiled elimination plans: the variable elimination of one pedigree structure, for many markers.

The factor *structure* (:mod:`..model.structure`: which genes, founder priors, transmissions and
evidence factors), the elimination order and the pairwise products of every step are fixed once per
``(pedigree, x, typed nodes, kept node)`` and cached; :mod:`.program` turns a plan into a program that
one numba call runs on every marker (of one or of many families). A transmission
``(M[a, c] + M[b, c]) / 2`` is contracted as its two halves, never built as an n-cubed table, and an
untyped parent's two genes are summed out in the same step when no other factor needs them, so that
each half meets a table from which the other gene is already summed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from homecoming.kinship.engine.caches import PLANS
from homecoming.kinship.engine.elimination import elimination_order
from homecoming.kinship.model.pedigree import MALE, Pedigree
from homecoming.kinship.model.structure import MEIOSIS, FactorSpec, gene_index, structure

Vars = tuple[int, ...]


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
    memo: dict[str, object] = field(default_factory=dict, repr=False)  # its compiled program


def plan_for(ped: Pedigree, typed: tuple[int, ...], *, x: bool, keep_node: int | None) -> Plan:
    """The cached plan of ``ped`` with ``typed`` nodes observed (keeping ``keep_node``'s genes)."""
    key = (ped, x, typed, keep_node)
    plan: Plan | None = PLANS.get(key)
    if plan is None:
        plan = PLANS.put(key, _compile(ped, typed, x=x, keep_node=keep_node))
    return plan


def alternatives(plan: Plan, ped: Pedigree, *, x: bool, keep_node: int | None, tries: int) -> list[Plan]:
    """``tries`` plans of the same structure by randomised greedy elimination orders (seeded: the same
    pedigree gets the same plans), for a caller that can afford to pick the cheapest."""
    rng = random.Random(len(plan.factors) * 7919 + len(plan.typed))
    return [_compile(ped, plan.typed, x=x, keep_node=keep_node, rng=rng) for _ in range(tries)]


def replace_plan(ped: Pedigree, plan: Plan, *, x: bool, keep_node: int | None) -> None:
    """Cache ``plan`` as the plan of its structure (a cheaper one found by a search)."""
    PLANS.put((ped, x, plan.typed, keep_node), plan)


def _compile(
    ped: Pedigree,
    typed: tuple[int, ...],
    *,
    x: bool,
    keep_node: int | None,
    rng: random.Random | None = None,
) -> Plan:
    genes = gene_index(ped, x)
    factors = structure(ped, genes, typed, x)
    keep: tuple[int, ...] = ()
    if keep_node is not None:
        hemi = x and ped.sex[keep_node] == MALE
        keep = (genes[(keep_node, 1)],) if hemi else (genes[(keep_node, 0)], genes[(keep_node, 1)])
    small = {v for (i, _s), v in genes.items() if i in typed}
    nominal = [2 if v in small else 16 for v in range(len(genes))]
    order = elimination_order([f.variables for f in factors], nominal, keep, rng=rng)
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
