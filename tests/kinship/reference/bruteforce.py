"""Brute-force pedigree likelihood of one marker: the slow, obviously correct oracle.

This module does not import ``homecoming.kinship``. It works on plain data and sums, over every
assignment of an *ordered* genotype (paternal allele, maternal allele) to every member, the product of

* the founder probabilities (Hardy-Weinberg, or Balding-Nichols draws for theta > 0),
* the transmission probabilities of every non-founder given its parents (with mutation), and
* the observation probabilities of every typed member given its true genotype.

Plain data
----------
``members``
    ``[{"id": "FA", "father": None, "mother": None, "sex": "male"}, ...]``; both parents or none.
``genotypes``
    ``{member_id: observation}`` where an observation is ``None`` (untyped), ``(a, b)`` (both
    alleles seen; ``(a, a)`` = only allele ``a`` seen), ``(a, None)`` (partial: ``a`` seen, the
    other allele unknown), ``(None, None)`` (untyped) or ``()`` (typed, but no allele seen: only
    possible through drop-out or silent alleles). :class:`Replicates` holds several independent
    samples of the same person (a direct match). Males on X are written ``(a, a)``.
``marker``
    ``{"alleles": [...], "frequencies": [...], "chromosome": "autosomal" | "X",
    "mutation": None | {"female": M, "male": M}}`` where ``M`` is a list of lists
    (``M[i][j]`` = P(allele i transmitted as allele j)) or a case-file ``MODEL`` object.

The model, written down
-----------------------
*True genotypes.* A member has an ordered genotype ``(paternal, maternal)`` over the marker's alleles,
plus the silent allele ``SILENT`` when ``silent_frequency > 0``. On X a male has one allele (his
mother's); the X of a father goes to his daughters only.

*Founders.* With theta = 0 each founder allele is drawn independently with its frequency (the silent
allele with ``silent_frequency``); frequencies are used exactly as given, never renormalised. With
theta > 0 all founder alleles of one connected component (a male founder on X contributes one) are
drawn in sequence with ``P(a | b earlier copies of a among j - 1 drawn) = (b theta + (1 - theta) p_a)
/ (1 + (j - 2) theta)``. Disconnected components are independent.

*Transmission.* A parent with alleles ``(x, y)`` transmits ``M[x][a]/2 + M[y][a]/2`` to allele ``a``
(a male on X transmits ``M[x][a]``), with the father's matrix ``mutation["male"]`` and the mother's
``mutation["female"]``; no mutation = identity. With a silent allele and ``n x n`` matrices, the
silent allele never mutates and nothing mutates into it; an ``(n+1) x (n+1)`` matrix (silent last)
is used as given.

*Observation* (``dropout`` = d of the member; 0 when not given):

* untyped -> 1.
* partial ``(a, None)`` -> 1 if ``a`` is one of the true alleles, else 0 (drop-out is not applied to
  partial genotypes: they are already a statement "a seen, the other unknown").
* ``(a, b)``, ``(a, a)`` or ``()`` -> the probability that the set of *visible* allele labels
  equals ``{a, b}`` (resp. ``{a}``, the empty set), where each of the true allele copies (two, or
  one for a male on X) is independently dropped with probability d, and a silent copy is never
  visible. Hence for a heterozygote ab: seen ab w.p. (1-d)^2, only a w.p. d(1-d), only b w.p.
  d(1-d), nothing w.p. d^2; for a homozygote aa: seen a w.p. 1 - d^2, nothing w.p. d^2; for a/s:
  seen a w.p. 1 - d (1 when d = 0); for s/s: nothing, always; a male on X with allele a: seen a
  w.p. 1 - d. Without drop-out and silent allele this is exact match. Several samples of one
  person (:class:`Replicates`) are independent given the true genotype (their factors multiply).

Size guard
----------
The sum is taken depth-first over members, abandoning a branch as soon as its partial product is 0
(every completion of it contributes exactly 0). ``max_nodes`` bounds the number of visited partial
assignments; past it :class:`OracleTooLargeError` is raised instead of running for hours.
:func:`search_bound` gives an upper bound on that number before running.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import mutation as mutation_models

SILENT = "<silent>"
DEFAULT_MAX_NODES = 3_000_000


class OracleTooLargeError(Exception):
    """The brute-force enumeration would exceed its node limit."""


# --------------------------------------------------------------------------------------------
# Input checking and normalisation


def _check_members(members: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for m in members:
        if m["id"] in by_id:
            raise ValueError(f"duplicate member id {m['id']!r}")
        by_id[m["id"]] = dict(m)
    for m in by_id.values():
        fa, mo = m.get("father"), m.get("mother")
        if (fa is None) != (mo is None):
            raise ValueError(f"member {m['id']!r} must have both parents or none")
        for parent in (fa, mo):
            if parent is not None and parent not in by_id:
                raise ValueError(f"member {m['id']!r}: parent {parent!r} is not a member")
        if m.get("sex", "unknown") not in ("male", "female", "unknown"):
            raise ValueError(f"member {m['id']!r}: bad sex {m.get('sex')!r}")
    _topological(by_id)  # raises on cycles
    return by_id


def _topological(by_id: Mapping[str, Mapping[str, Any]]) -> list[str]:
    order: list[str] = []
    placed: set[str] = set()
    remaining = list(by_id)
    while remaining:
        ready = [i for i in remaining if all(p is None or p in placed for p in _parents(by_id[i]))]
        if not ready:
            raise ValueError(f"the pedigree has a cycle among {remaining}")
        order.append(ready[0])
        placed.add(ready[0])
        remaining.remove(ready[0])
    return order


def _parents(m: Mapping[str, Any]) -> tuple[str | None, str | None]:
    return m.get("father"), m.get("mother")


def components(members: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Connected components of the parent-child graph, each in member-list order."""
    ids = [m["id"] for m in members]
    root = {i: i for i in ids}

    def find(i: str) -> str:
        while root[i] != i:
            i = root[i]
        return i

    for m in members:
        for parent in _parents(m):
            if parent is not None:
                root[find(m["id"])] = find(parent)
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


class Replicates(tuple):
    """Several independent samples of one person: ``Replicates([(a, b), (a, b)])`` (a direct match)."""

    __slots__ = ()


class Exact(tuple):
    """A true genotype placed on a node, matched exactly as a multiset of alleles (may hold ``SILENT``).

    Used for the missing person's genotype distribution; ``Exact(("a",))`` for a male on X.
    """

    __slots__ = ()


def _observations(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, Replicates):
        return [v for v in value if v is not None]
    return [value]


def _allele_space(marker: Mapping[str, Any], silent_frequency: float) -> tuple[list[str], list[float]]:
    alleles = [str(a) for a in marker["alleles"]]
    freqs = [float(p) for p in marker["frequencies"]]
    if len(alleles) != len(freqs):
        raise ValueError("alleles and frequencies differ in length")
    if len(set(alleles)) != len(alleles):
        raise ValueError("duplicate allele labels")
    if silent_frequency < 0:
        raise ValueError("silent_frequency must be >= 0")
    if silent_frequency > 0:
        if SILENT in alleles:
            raise ValueError(f"allele label {SILENT!r} is reserved")
        alleles.append(SILENT)
        freqs.append(float(silent_frequency))
    return alleles, freqs


def _matrix(spec: Any, marker: Mapping[str, Any], n_all: int) -> list[list[float]] | None:
    if spec is None:
        return None
    n = len(marker["alleles"])
    if isinstance(spec, Mapping):
        m = mutation_models.matrix_for(spec, [str(a) for a in marker["alleles"]], marker["frequencies"])
    else:
        m = [[float(x) for x in row] for row in spec]
    if len(m) == n_all and all(len(row) == n_all for row in m):
        return m
    if len(m) == n and all(len(row) == n for row in m) and n_all == n + 1:
        # silent allele: never mutates, nothing mutates into it
        return [[*row, 0.0] for row in m] + [[0.0] * n + [1.0]]
    raise ValueError(f"mutation matrix must be {n}x{n} (or {n_all}x{n_all} with the silent allele)")


# --------------------------------------------------------------------------------------------
# Observation model


def observation_probability(obs: Any, true_alleles: Sequence[str], d: float) -> float:
    """P(observation | true allele copies) under the documented drop-out / silent / partial model."""
    if obs is None:
        return 1.0
    if isinstance(obs, Exact):
        return 1.0 if sorted(obs) == sorted(true_alleles) else 0.0
    if len(obs) == 0:  # typed, nothing seen
        target: set[str] = set()
    else:
        a, b = obs
        if a is None and b is None:
            return 1.0
        if a is None or b is None:
            seen = a if b is None else b
            return 1.0 if seen in true_alleles else 0.0
        target = {a, b}
    if not target <= set(true_alleles):
        return 0.0  # the visible labels are always some of the true ones (a shortcut, same result)
    total = 0.0
    # every survival pattern of the true copies: True = copy survives (is not dropped)
    for pattern in itertools.product((True, False), repeat=len(true_alleles)):
        prob = 1.0
        visible: set[str] = set()
        for allele, survives in zip(true_alleles, pattern, strict=True):
            if allele == SILENT:
                prob *= 1.0 if not survives else 0.0
            elif survives:
                prob *= 1.0 - d
                visible.add(allele)
            else:
                prob *= d
        if visible == target:
            total += prob
    return total


# --------------------------------------------------------------------------------------------
# The enumeration


def _genotype_states(sex: str, x_linked: bool, n_all: int) -> list[tuple[int, ...]]:
    if x_linked and sex == "male":
        return [(a,) for a in range(n_all)]
    return [(p, m) for p in range(n_all) for m in range(n_all)]


def _transmit(parent: tuple[int, ...], allele: int, matrix: list[list[float]] | None) -> float:
    if len(parent) == 1:
        (x,) = parent
        return (1.0 if x == allele else 0.0) if matrix is None else matrix[x][allele]
    x, y = parent
    if matrix is None:
        return ((1.0 if x == allele else 0.0) + (1.0 if y == allele else 0.0)) / 2
    return (matrix[x][allele] + matrix[y][allele]) / 2


class _Plan:
    """Everything the depth-first sum needs, prepared once per (component, marker)."""

    def __init__(
        self,
        by_id: Mapping[str, Mapping[str, Any]],
        ids: Sequence[str],
        genotypes: Mapping[str, Any],
        marker: Mapping[str, Any],
        theta: float,
        dropout: float | Mapping[str, float],
        silent_frequency: float,
    ) -> None:
        chromosome = marker.get("chromosome", "autosomal")
        if chromosome not in ("autosomal", "X"):
            raise ValueError(f"chromosome must be 'autosomal' or 'X', got {chromosome!r}")
        self.x_linked = chromosome == "X"
        self.alleles, self.freqs = _allele_space(marker, silent_frequency)
        index = {a: i for i, a in enumerate(self.alleles)}
        n_all = len(self.alleles)
        mut = marker.get("mutation")
        self.m_female = _matrix(mut["female"], marker, n_all) if mut else None
        self.m_male = _matrix(mut["male"], marker, n_all) if mut else None
        if not 0 <= theta < 1:
            raise ValueError("theta must be in [0, 1)")
        self.theta = theta
        for member_id, value in genotypes.items():
            for obs in _observations(value):
                for allele in obs:
                    if allele is not None and allele not in index:
                        raise ValueError(f"{member_id}: allele {allele!r} is not in the marker")
        if self.x_linked:
            for i in ids:
                if by_id[i].get("sex") not in ("male", "female"):
                    raise ValueError(f"X marker: member {i!r} needs a known sex")
        # candidates: every ordered genotype with a nonzero observation probability
        self.candidates: dict[str, list[tuple[tuple[int, ...], float]]] = {}
        for i in ids:
            d = dropout.get(i, 0.0) if isinstance(dropout, Mapping) else float(dropout)
            observations = _observations(genotypes.get(i))
            cands = []
            for state in _genotype_states(by_id[i].get("sex", "unknown"), self.x_linked, n_all):
                labels = [self.alleles[k] for k in state]
                w = 1.0
                for obs in observations:
                    w *= observation_probability(obs, labels, d)
                if w != 0.0:
                    cands.append((state, w))
            self.candidates[i] = cands
        self.order = self._search_order(by_id, ids)
        self.by_id = by_id

    def _search_order(self, by_id: Mapping[str, Mapping[str, Any]], ids: Sequence[str]) -> list[str]:
        """Parents before children. Members are taken fewest candidates first (typed members first),
        each preceded by its ancestors not yet placed, so that a typed child comes right after its
        parents and prunes their combinations early. Any such order gives the same sum."""
        order: list[str] = []
        placed: set[str] = set()

        def place(i: str) -> None:
            if i in placed:
                return
            for parent in _parents(by_id[i]):
                if parent is not None:
                    place(parent)
            order.append(i)
            placed.add(i)

        for i in sorted(ids, key=lambda i: (len(self.candidates[i]), list(ids).index(i))):
            place(i)
        return order

    def bound(self) -> int:
        """Upper bound on visited partial assignments (a non-founder has <= 4 states given its parents
        without mutation)."""
        total, prefix = 0, 1
        for i in self.order:
            k = len(self.candidates[i])
            if self.m_female is None and _has_parents(self.by_id[i]):
                k = min(k, 4)
            prefix *= k
            total += prefix
        return total


def _has_parents(member: Mapping[str, Any]) -> bool:
    return member.get("father") is not None


def _component_likelihood(plan: _Plan, max_nodes: int, stats: dict[str, int] | None = None) -> float:
    order = plan.order
    by_id = plan.by_id
    level_of = {i: k for k, i in enumerate(order)}
    n_all = len(plan.alleles)
    theta, freqs = plan.theta, plan.freqs
    assigned: list[tuple[int, ...]] = [()] * len(order)
    counts = [0] * n_all  # founder allele copies drawn so far in this component
    drawn = [0]
    visited = [0]

    def draw(allele: int) -> float:
        j = drawn[0] + 1
        prob = (counts[allele] * theta + (1 - theta) * freqs[allele]) / (1 + (j - 2) * theta)
        counts[allele] += 1
        drawn[0] += 1
        return prob

    def undraw(state: tuple[int, ...]) -> None:
        for allele in state:
            counts[allele] -= 1
            drawn[0] -= 1

    def factor(level: int, state: tuple[int, ...]) -> float:
        member = by_id[order[level]]
        fa, mo = _parents(member)
        if fa is None:
            prob = 1.0
            for allele in state:
                prob *= draw(allele)
            return prob
        father, mother = assigned[level_of[fa]], assigned[level_of[mo]]
        if plan.x_linked and member["sex"] == "male":
            return _transmit(mother, state[0], plan.m_female)
        return _transmit(father, state[0], plan.m_male) * _transmit(mother, state[1], plan.m_female)

    lookup = {i: dict(plan.candidates[i]) for i in order}

    def states_at(level: int, member: Mapping[str, Any]) -> list[tuple[tuple[int, ...], float]]:
        """All candidates; without mutation, a child's states are read off its parents' alleles
        (every other state has transmission probability exactly 0)."""
        fa, mo = _parents(member)
        if fa is None or plan.m_female is not None or plan.m_male is not None:
            return plan.candidates[order[level]]
        father, mother = assigned[level_of[fa]], assigned[level_of[mo]]
        if plan.x_linked and member["sex"] == "male":
            possible = {(m,) for m in mother}
        else:  # on X the father's "alleles" are his single one
            possible = {(f, m) for f in father for m in mother}
        table = lookup[order[level]]
        return [(s, table[s]) for s in sorted(possible) if s in table]

    def total_from(level: int) -> float:
        if level == len(order):
            return 1.0
        member = by_id[order[level]]
        subtotal = 0.0
        for state, obs_weight in states_at(level, member):
            visited[0] += 1
            if visited[0] > max_nodes:
                raise OracleTooLargeError(f"more than {max_nodes} partial assignments")
            w = factor(level, state) * obs_weight
            if w != 0.0:
                assigned[level] = state
                subtotal += w * total_from(level + 1)
            if member.get("father") is None:
                undraw(state)
        return subtotal

    result = total_from(0)
    if stats is not None:
        stats["nodes"] = stats.get("nodes", 0) + visited[0]
    return result


def marker_likelihood(
    members: Sequence[Mapping[str, Any]],
    genotypes: Mapping[str, Any],
    marker: Mapping[str, Any],
    *,
    theta: float = 0.0,
    dropout: float | Mapping[str, float] = 0.0,
    silent_frequency: float = 0.0,
    max_nodes: int = DEFAULT_MAX_NODES,
    method: str = "dfs",
    trim: bool = True,
    stats: dict[str, int] | None = None,
    theta_scope: str = "component",
) -> float:
    """The likelihood of one marker (not its log), by exhaustive enumeration.

    With ``trim`` (default), untyped members without typed descendants are left out first (see
    :func:`trimmed`; only when the frequencies plus ``silent_frequency`` sum to 1 within 1e-9, since
    it relies on that); ``trim=False`` enumerates them too. Components are taken before trimming, so
    theta still ties founders that were connected only through trimmed members. ``stats``, if given,
    receives ``stats["nodes"]``, the number of partial assignments visited. ``theta_scope="pedigree"``
    draws the founder alleles of all components as one sequence (for "unrelated" hypotheses from one
    subpopulation); the default ``"component"`` restarts the draws in every connected component.

    ``method="dfs"`` (default) enumerates each connected component depth-first, abandoning branches
    whose partial product is already 0, and multiplies the components. ``method="naive"`` takes the
    flat Cartesian product of every member's candidate genotypes (all components at once, no
    pruning at all) and sums the full products: hopelessly slow, used on tiny cases to check "dfs".
    Theta draws restart in every connected component either way.
    """
    by_id = _check_members(members)
    unknown = set(genotypes) - set(by_id)
    if unknown:
        raise ValueError(f"genotypes given for non-members {sorted(unknown)}")
    plans = [
        _Plan(by_id, ids, genotypes, marker, theta, dropout, silent_frequency)
        for ids in _kept_components(members, genotypes, trim, theta_scope, marker, silent_frequency)
    ]
    if method == "dfs":
        return math.prod(_component_likelihood(p, max_nodes, stats) for p in plans)
    if method == "naive":
        return _flat_product_sum(plans, max_nodes)
    raise ValueError(f"method must be 'dfs' or 'naive', got {method!r}")


def _flat_product_sum(plans: Sequence[_Plan], max_nodes: int) -> float:
    """Sum over the full Cartesian product of all members' states of the product of all factors."""
    slots = [(k, i) for k, p in enumerate(plans) for i in p.order]
    size = math.prod(len(plans[k].candidates[i]) for k, i in slots)
    if size > max_nodes:
        raise OracleTooLargeError(f"{size} joint states > {max_nodes}")
    total = 0.0
    for states in itertools.product(*(plans[k].candidates[i] for k, i in slots)):
        chosen = dict(zip(slots, states, strict=True))
        w = 1.0
        for k, p in enumerate(plans):
            counts = [0] * len(p.alleles)
            drawn = 0
            for i in p.order:
                state, obs_weight = chosen[(k, i)]
                fa, mo = _parents(p.by_id[i])
                if fa is None:
                    for allele in state:
                        drawn += 1
                        w *= (counts[allele] * p.theta + (1 - p.theta) * p.freqs[allele]) / (
                            1 + (drawn - 2) * p.theta
                        )
                        counts[allele] += 1
                else:
                    father, mother = chosen[(k, fa)][0], chosen[(k, mo)][0]
                    if p.x_linked and p.by_id[i]["sex"] == "male":
                        w *= _transmit(mother, state[0], p.m_female)
                    else:
                        w *= _transmit(father, state[0], p.m_male) * _transmit(mother, state[1], p.m_female)
                w *= obs_weight
        total += w
    return total


def search_bound(
    members: Sequence[Mapping[str, Any]],
    genotypes: Mapping[str, Any],
    marker: Mapping[str, Any],
    *,
    silent_frequency: float = 0.0,
    dropout: float | Mapping[str, float] = 0.0,
    theta_scope: str = "component",
) -> int:
    """An upper bound on the partial assignments :func:`marker_likelihood` will visit (count this
    before running a large case)."""
    by_id = _check_members(members)
    return sum(
        _Plan(by_id, ids, genotypes, marker, 0.0, dropout, silent_frequency).bound()
        for ids in _kept_components(members, genotypes, True, theta_scope, marker, silent_frequency)
    )


def trimmed(members: Sequence[Mapping[str, Any]], genotypes: Mapping[str, Any]) -> set[str]:
    """The members kept after repeatedly removing untyped members that have no (kept) children.

    Removing such a member multiplies the likelihood by exactly 1: for a non-founder, the sum over its
    genotypes of its transmission probability is 1; for a founder, the sum over its alleles of their
    (last, by exchangeability) Balding-Nichols draws is 1. Its own observation factor is 1 (untyped).
    """
    kept = {m["id"] for m in members}
    typed = {
        i for i, v in genotypes.items() if _observations(v) and any(_is_typed(o) for o in _observations(v))
    }
    changed = True
    while changed:
        changed = False
        for m in members:
            i = m["id"]
            if i not in kept or i in typed:
                continue
            if not any(i in _parents(c) for c in members if c["id"] in kept):
                kept.discard(i)
                changed = True
    return kept


def _is_typed(obs: Any) -> bool:
    return isinstance(obs, Exact) or any(a is not None for a in obs) or len(obs) == 0


def _sums_to_one(marker: Mapping[str, Any], silent: float) -> bool:
    """Trimming relies on the founder law being a distribution (frequencies + silent = 1)."""
    return abs(math.fsum(float(p) for p in marker["frequencies"]) + silent - 1.0) <= 1e-9


def _kept_components(
    members: Sequence[Mapping[str, Any]],
    genotypes: Mapping[str, Any],
    trim: bool,
    scope: str,
    marker: Mapping[str, Any],
    silent: float,
) -> list[list[str]]:
    if scope not in ("component", "pedigree"):
        raise ValueError(f"theta_scope must be 'component' or 'pedigree', got {scope!r}")
    kept = (
        trimmed(members, genotypes) if trim and _sums_to_one(marker, silent) else {m["id"] for m in members}
    )
    groups = components(members) if scope == "component" else [[m["id"] for m in members]]
    groups = [[i for i in ids if i in kept] for ids in groups]
    return [g for g in groups if g]


def log_marker_likelihood(*args: Any, **kwargs: Any) -> float:
    """Natural log of :func:`marker_likelihood` (``-inf`` for 0)."""
    value = marker_likelihood(*args, **kwargs)
    return math.log(value) if value > 0 else -math.inf


# --------------------------------------------------------------------------------------------
# The missing person's genotype distribution


def genotype_distribution(
    members: Sequence[Mapping[str, Any]],
    genotypes: Mapping[str, Any],
    marker: Mapping[str, Any],
    node: str,
    **options: Any,
) -> dict[tuple[str, ...], float]:
    """P(node has unordered genotype g | the data), for every g, by placing g on the node.

    The likelihood with g observed exactly (no drop-out on the node) is computed for every g and the
    results are divided by their sum. Keys are sorted allele pairs (single alleles for a male on X),
    in marker allele order; the silent allele is included when ``silent_frequency > 0``.
    """
    if genotypes.get(node) is not None:
        raise ValueError(f"node {node!r} is already typed")
    by_id = _check_members(members)
    alleles, _ = _allele_space(marker, options.get("silent_frequency", 0.0))
    dropout = options.pop("dropout", 0.0)
    if isinstance(dropout, Mapping):
        dropout = {k: v for k, v in dropout.items() if k != node}
    else:
        dropout = {i: float(dropout) for i in by_id if i != node}
    hemizygous = marker.get("chromosome") == "X" and by_id[node]["sex"] == "male"
    keys: list[tuple[str, ...]]
    if hemizygous:
        keys = [(a,) for a in alleles]
    else:
        keys = [(alleles[i], alleles[j]) for i in range(len(alleles)) for j in range(i, len(alleles))]
    values = {}
    for key in keys:
        placed = dict(genotypes)
        placed[node] = Exact(key)
        values[key] = marker_likelihood(members, placed, marker, dropout=dropout, **options)
    total = sum(values.values())
    return {k: v / total for k, v in values.items()}


# --------------------------------------------------------------------------------------------
# DVI: joint likelihood of an assignment of victims to missing persons


def dvi_marker_likelihood(
    families: Sequence[Mapping[str, Any]],
    victims: Mapping[str, Any],
    marker: Mapping[str, Any],
    assignment: Mapping[str, str | None],
    **options: Any,
) -> float:
    """Product over families (assigned victims' genotypes on their missing nodes) x unassigned victims
    as unrelated singletons, for one marker.

    ``families``: ``[{"name", "members", "genotypes": {id: observation}, "missing": [ids]}]``;
    ``victims``: ``{victim_id: {"sex": ..., "genotype": observation}}``; ``assignment``: victim -> a
    missing id or None.
    """
    used = [m for m in assignment.values() if m is not None]
    if len(used) != len(set(used)):
        raise ValueError("a missing person is assigned twice")
    missing_all = {m for f in families for m in f["missing"]}
    if not set(used) <= missing_all:
        raise ValueError(f"unknown missing persons {sorted(set(used) - missing_all)}")
    placed_on = {m: v for v, m in assignment.items() if m is not None}
    result = 1.0
    for family in families:
        genos = dict(family["genotypes"])
        for m in family["missing"]:
            if m in placed_on:
                genos[m] = victims[placed_on[m]]["genotype"]
        result *= marker_likelihood(family["members"], genos, marker, **options)
    for v, info in victims.items():
        if assignment.get(v) is None:
            single = [{"id": v, "father": None, "mother": None, "sex": info.get("sex", "unknown")}]
            result *= marker_likelihood(single, {v: info["genotype"]}, marker, **options)
    return result


def assignments(candidates: Mapping[str, Iterable[str]]) -> list[dict[str, str | None]]:
    """Every valid assignment: each victim to one of its candidates or to nobody, no missing twice."""
    victims = list(candidates)
    options = [[None, *candidates[v]] for v in victims]
    out = []
    for combo in itertools.product(*options):
        used = [c for c in combo if c is not None]
        if len(used) == len(set(used)):
            out.append(dict(zip(victims, combo, strict=True)))
    return out
