"""Joint identification of a batch of victims against reference families (DVI).

Model (as ``dvir::dviJoint``): an assignment maps each victim to one candidate missing person or to
nobody, each missing person at most once. Its likelihood is the product over families of the family
likelihood with ALL its assigned victims placed on their missing-person nodes at once, times the
likelihoods of the unassigned victims as unrelated singletons. Flat prior over all valid assignments.

Speed. The likelihood factorises over families and markers, so for each family the log-likelihood of
every feasible sub-assignment (option) of victims to its own missing persons is computed once
(:func:`family_table`): with missing persons ``M1..Mk`` ordered so that ``Mk`` has most candidates,
one elimination pass per marker and per sub-assignment of ``M1..M(k-1)`` gives the joint distribution of
``Mk``'s genes, from which every victim placed on ``Mk`` costs a table lookup. Enumeration
(:mod:`homecoming.kinship.dvi.assignments`) then only adds numbers.

Pipeline of :func:`homecoming.kinship.identify.identify`: exclusions -> undisputed matches ->
components -> exact enumeration under a limit -> maximum-likelihood bipartite matching beyond it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import HypothesisError, Problem
from homecoming.kinship.dvi.assignments import (
    Component,
    OptionSet,
    Pair,
    count_assignments,
)
from homecoming.kinship.engine import Job, MarkerResult, marker_results
from homecoming.kinship.likelihood import marker_logliks
from homecoming.kinship.model.alleles import AlleleSpace
from homecoming.kinship.model.evidence import evidence_matrix
from homecoming.kinship.model.hardy_weinberg import genotype_probability
from homecoming.kinship.model.markers import Genotype, Locus, Profile, reconcile_loci
from homecoming.kinship.model.pedigree import FEMALE, MALE, Pedigree

FloatArray = NDArray[np.float64]
_SEX = {"male": MALE, "female": FEMALE}


@dataclass(frozen=True)
class Family:
    """A reference pedigree: typed ``references`` (node id -> profile) and untyped ``missing`` nodes."""

    name: str
    pedigree: Pedigree
    references: Mapping[str, Profile]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class DviProblem:
    """Victims, families and candidate pairs (indices into ``victims`` and ``missing``)."""

    loci: tuple[Locus, ...]
    victims: tuple[Profile, ...]
    victim_sex: tuple[str, ...]
    families: tuple[Family, ...]
    candidates: tuple[tuple[int, ...], ...]
    allow_unassigned: tuple[bool, ...]
    theta: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def make(
        cls,
        victims: Sequence[Profile],
        families: Sequence[Family],
        /,
        *,
        loci: Sequence[Locus],
        victim_sex: Mapping[str, str] | None = None,
        candidates: Mapping[str, Sequence[str]] | None = None,
        allow_unassigned: Mapping[str, bool] | bool = True,
        theta: float = 0.0,
    ) -> DviProblem:
        """Check names and build the problem; ``candidates`` default to all sex-compatible pairs."""
        sexes = tuple(str((victim_sex or {}).get(v.sample, "unknown")) for v in victims)
        problems = _name_problems(victims, families)
        missing = [m for f in families for m in f.missing]
        index = {m: j for j, m in enumerate(missing)}
        msex = [f.pedigree.sex[f.pedigree.index(m)] for f in families for m in f.missing]
        cands: list[tuple[int, ...]] = []
        for v, sx in zip(victims, sexes, strict=True):
            if candidates is None:
                code = _SEX.get(sx, 0)
                cands.append(tuple(j for j in range(len(missing)) if code == 0 or msex[j] in (0, code)))
                continue
            names = list(candidates.get(v.sample, ()))
            problems += [
                Problem(
                    f"candidate_pairings.{v.sample}",
                    f"{m} is not a missing person",
                    m,
                    f"missing persons are {', '.join(missing)}",
                )
                for m in names
                if m not in index
            ]
            cands.append(tuple(index[m] for m in names if m in index))
        if problems:
            raise HypothesisError.from_problems(problems, "the DVI problem", listed=5)
        allow = tuple(
            allow_unassigned
            if isinstance(allow_unassigned, bool)
            else bool(allow_unassigned.get(v.sample, True))
            for v in victims
        )
        profiles = list(victims) + [p for f in families for p in f.references.values()]
        used, notes = reconcile_loci(loci, profiles)
        return cls(
            tuple(used), tuple(victims), sexes, tuple(families), tuple(cands), allow, theta, tuple(notes)
        )

    @cached_property
    def missing(self) -> tuple[str, ...]:
        return tuple(m for f in self.families for m in f.missing)

    @cached_property
    def missing_family(self) -> tuple[int, ...]:
        return tuple(k for k, f in enumerate(self.families) for _m in f.missing)

    @property
    def victim_ids(self) -> tuple[str, ...]:
        return tuple(v.sample for v in self.victims)

    def restricted(self, candidates: Sequence[Sequence[int]], allow_unassigned: Sequence[bool]) -> DviProblem:
        """The same problem with other candidate pairs."""
        return replace(
            self, candidates=tuple(tuple(c) for c in candidates), allow_unassigned=tuple(allow_unassigned)
        )

    def without_mutation(self) -> DviProblem:
        return replace(self, loci=tuple(lc.without_mutation for lc in self.loci))


def _name_problems(victims: Sequence[Profile], families: Sequence[Family]) -> list[Problem]:
    out: list[Problem] = []
    seen: set[str] = set()
    for v in victims:
        if v.sample in seen:
            out.append(Problem("victims", f"victim {v.sample} is listed twice", v.sample))
        seen.add(v.sample)
    names: set[str] = set()
    for f in families:
        if f.name in names:
            out.append(Problem("families", f"family {f.name} is listed twice", f.name))
        names.add(f.name)
        for m in f.missing:
            if m not in f.pedigree:
                out.append(Problem(f"family {f.name}: missing", f"{m} is not a member", m))
            elif m in seen:
                out.append(
                    Problem(
                        f"family {f.name}: missing",
                        f"missing person {m} appears in two families or is also a victim id",
                        m,
                        "give every missing person one id",
                    )
                )
            seen.add(m)
        out += [
            Problem(f"family {f.name}: references", f"{r} is not a member", r)
            for r in f.references
            if r not in f.pedigree
        ]
    return out


# --------------------------------------------------------------------------- likelihood pieces
def victim_logliks(problem: DviProblem) -> FloatArray:
    """``(victims, markers)`` natural-log likelihoods of each victim as an unrelated singleton."""
    out = np.zeros((len(problem.victims), len(problem.loci)))
    for i, (v, sx) in enumerate(zip(problem.victims, problem.victim_sex, strict=True)):
        general = []
        for j, locus in enumerate(problem.loci):
            got = _singleton(v, sx, locus, problem.theta)
            if got is None:
                general.append(j)
            else:
                out[i, j] = got
        if general:
            job = Job(Pedigree.singleton(v.sample, sex=sx), {v.sample: v}, theta=problem.theta)
            row = marker_results([job], [problem.loci[j] for j in general])[0]
            out[i, general] = [r.loglik for r in row]
    return out


def _singleton(v: Profile, sex: str, locus: Locus, theta: float) -> float | None:
    """Hardy-Weinberg log-likelihood of a plain typing (None: the engine's general case)."""
    g = v.get(locus.name)
    if g is None:
        return 0.0
    x = locus.chromosome == "X"
    if theta > 0 or v.dropout > 0 or locus.silent_frequency > 0 or g.a2 is None or (x and sex not in _SEX):
        return None
    who = f"victim {v.sample}"
    a, b = locus.index(g.a1, who=who), locus.index(g.a2, who=who)
    prob = genotype_probability(locus.freq_array, a, b, hemizygous=x and sex == "male")
    return math.log(prob) if prob > 0 else -math.inf


def family_null_logliks(problem: DviProblem) -> FloatArray:
    """``(families, markers)`` log-likelihoods of each family with only its references."""
    return np.array(
        [
            marker_logliks(f.pedigree, problem.loci, dict(f.references), theta=problem.theta)
            for f in problem.families
        ]
    ).reshape(len(problem.families), len(problem.loci))


class _Evidence:
    """Victim genotypes coded per marker, and ``E[p, m]`` matrices (per allele space) for the general case."""

    def __init__(self, problem: DviProblem, loci: Sequence[Locus]) -> None:
        self.loci = loci
        self.problem = problem
        self.cache: dict[tuple[int, Genotype, float, bool, AlleleSpace], FloatArray] = {}
        n_v = len(problem.victims)
        self.codes = np.full((len(loci), n_v, 2), -1, dtype=np.intp)  # -1: untyped
        self.simple = np.zeros((len(loci), n_v), dtype=bool)  # full genotype, no drop-out, no silent
        for j, locus in enumerate(loci):
            for i, v in enumerate(problem.victims):
                g = v.get(locus.name)
                if g is None:
                    continue
                who = f"victim {v.sample}"
                self.codes[j, i, 0] = locus.index(g.a1, who=who)
                self.codes[j, i, 1] = locus.index(g.a2, who=who) if g.a2 is not None else -2
                self.simple[j, i] = g.a2 is not None and v.dropout == 0 and locus.silent_frequency == 0

    def alleles(self, j: int, victims: Sequence[int]) -> set[int]:
        """The locus alleles the ``victims`` show at marker ``j`` (to keep distinct in a joint)."""
        codes = self.codes[j, np.asarray(victims, dtype=np.intp)].ravel()
        return {int(c) for c in codes if c >= 0}

    def matrix(self, j: int, g: Genotype, dropout: float, hemi: bool, space: AlleleSpace) -> FloatArray:
        key = (j, g, dropout, hemi, space)
        e = self.cache.get(key)
        if e is None:
            locus = self.loci[j]
            idx = tuple(space.codes[locus.index(a)] for a in g.alleles)
            e = evidence_matrix(space, [(idx, dropout, g.is_partial)], hemizygous=hemi)
            self.cache[key] = e
        return e

    def sums(
        self, j: int, joints: FloatArray, space: AlleleSpace, victims: NDArray[np.intp], hemi: bool
    ) -> FloatArray:
        """``sum(J * E_v)`` for every stacked joint ``J`` (``[item, p, m]`` over ``space``) and victim
        (``[item, victim]``; NaN where the victim is untyped)."""
        codes = self.codes[j, victims]
        out = np.full((joints.shape[0], victims.size), math.nan)
        simple = self.simple[j, victims]
        lookup = space.lookup(self.loci[j].n_alleles)
        a, b = lookup[codes[simple, 0]], lookup[codes[simple, 1]]
        if hemi:
            out[:, simple] = np.where(a == b, joints[:, a, a], 0.0)
        else:
            out[:, simple] = np.where(a == b, joints[:, a, a], joints[:, a, b] + joints[:, b, a])
        for r in np.nonzero(~simple & (codes[:, 0] >= 0))[0]:
            prof = self.problem.victims[int(victims[r])]
            g = prof.get(self.loci[j].name)
            assert g is not None
            out[:, r] = (joints * self.matrix(j, g, prof.dropout, hemi, space)[None]).sum(axis=(1, 2))
        return out


@dataclass(frozen=True)
class _Extension:
    """One family with ``placed`` victims, to be extended by each of ``victims`` on ``node``."""

    family: Family
    placed: Mapping[str, Profile]
    node: str
    victims: tuple[int, ...]


def _extensions(
    problem: DviProblem,
    items: Sequence[_Extension],
    loci: Sequence[Locus],
    ev: _Evidence,
    *,
    shown: Sequence[int] | None = None,
) -> list[tuple[FloatArray, FloatArray]]:
    """Per item, per marker: the log-lik of the family with ``placed``, and (victims x markers) the
    log-lik with each victim also placed on ``node``.

    One engine call for all items. Each kept joint is over the alleles that the victims ``shown`` show
    (default: each item's own victims), the rest lumped. Items that share an allele space (all the
    items of one family table, with ``shown`` its candidate victims) are stacked, and each victim's
    term is one gather over the stacked joints.
    """
    fixed = None if shown is None else [ev.alleles(j, shown) for j in range(len(loci))]
    jobs = [
        Job(
            it.family.pedigree,
            it.placed,
            keep=it.node,
            theta=problem.theta,
            named=fixed or [ev.alleles(j, it.victims) for j in range(len(loci))],
        )
        for it in items
    ]
    results = marker_results(jobs, loci)
    base = np.array([[r.loglik for r in row] for row in results]).reshape(len(items), len(loci))
    every = sorted({v for it in items for v in it.victims})
    column = {v: k for k, v in enumerate(every)}
    ext = np.full((len(items), len(every), len(loci)), math.nan)
    for j, locus in enumerate(loci):
        groups: dict[tuple[AlleleSpace, bool], list[int]] = {}
        for i, (it, row) in enumerate(zip(items, results, strict=True)):
            ped = it.family.pedigree
            hemi = locus.chromosome == "X" and ped.sex[ped.index(it.node)] == MALE
            groups.setdefault((row[j].space, hemi), []).append(i)
        for (space, hemi), idx in groups.items():
            # the victims of these items only: an allele space names the alleles of its own items' victims
            mine = sorted({v for i in idx for v in items[i].victims})
            joints = np.stack([_joint(results[i][j]) for i in idx])
            s = ev.sums(j, joints, space, np.asarray(mine, dtype=np.intp), hemi)
            ll = base[idx, j][:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                got = np.where(np.isnan(s), ll, ll + np.log(np.where(np.isnan(s), 1.0, s)))
            ext[np.ix_(idx, [column[v] for v in mine], [j])] = np.where(ll == -math.inf, -math.inf, got)[
                :, :, None
            ]
    return [(base[i], ext[i, [column[v] for v in it.victims], :]) for i, it in enumerate(items)]


def _joint(got: MarkerResult) -> FloatArray:
    assert got.joint is not None
    return got.joint


# --------------------------------------------------------------------------- family tables
@dataclass(frozen=True)
class FamilyTable:
    """Log-likelihood of one family for every option (sub-assignment of victims to its missing)."""

    family: int
    options: tuple[tuple[Pair, ...], ...]  # option 0 = nobody placed
    logliks: FloatArray  # (options,) summed over markers

    def option_set(self, victim_logliks: FloatArray) -> OptionSet:
        """Weights = log LR of each option against the null (family alone x victims unrelated)."""
        w = np.array(
            [
                ll - self.logliks[0] - sum(victim_logliks[v] for v, _m in opt)
                for opt, ll in zip(self.options, self.logliks, strict=True)
            ]
        )
        return OptionSet(self.family, self.options, w)


def family_table(
    problem: DviProblem, f: int, /, *, victims: Sequence[int] | None = None, evidence: _Evidence | None = None
) -> FamilyTable:
    """Every feasible option of family ``f`` (candidates restricted to ``victims`` if given)."""
    fam = problem.families[f]
    allowed = None if victims is None else set(victims)
    first = problem.missing.index(fam.missing[0]) if fam.missing else 0
    cands = {
        m: [
            v
            for v, cs in enumerate(problem.candidates)
            if first + k in cs and (allowed is None or v in allowed)
        ]
        for k, m in enumerate(fam.missing)
    }
    order = sorted(fam.missing, key=lambda m: len(cands[m]))
    last, prefix = order[-1], order[:-1]
    gidx = {m: first + k for k, m in enumerate(fam.missing)}
    ev = evidence or _Evidence(problem, problem.loci)
    options: list[tuple[Pair, ...]] = []
    logliks: list[float] = []
    prefixes = _injections(prefix, cands)
    items = []
    for pre in prefixes:
        placed = dict(fam.references) | {m: problem.victims[v] for m, v in pre}
        used = {v for _m, v in pre}
        items.append(_Extension(fam, placed, last, tuple(v for v in cands[last] if v not in used)))
    for pre, item, (base, ext) in zip(
        prefixes, items, _extensions(problem, items, problem.loci, ev), strict=True
    ):
        ext_v = item.victims
        pre_pairs = tuple(sorted((v, gidx[m]) for m, v in pre))
        options.append(pre_pairs)
        logliks.append(float(base.sum()))
        for r, v in enumerate(ext_v):
            options.append(tuple(sorted((*pre_pairs, (v, gidx[last])))))
            logliks.append(float(ext[r].sum()))
    return FamilyTable(f, tuple(options), np.array(logliks))


def _injections(
    missing: Sequence[str], cands: Mapping[str, Sequence[int]]
) -> list[tuple[tuple[str, int], ...]]:
    """All partial injective maps of ``missing`` to candidate victims (empty map first; the order of
    ``itertools.product`` over ``[None, *candidates]`` per missing person, used victims skipped)."""
    out: list[tuple[tuple[str, int], ...]] = []

    def extend(k: int, used: frozenset[int], acc: tuple[tuple[str, int], ...]) -> None:
        if k == len(missing):
            out.append(acc)
            return
        m = missing[k]
        extend(k + 1, used, acc)
        for v in cands[m]:
            if v not in used:
                extend(k + 1, used | {v}, (*acc, (m, v)))

    extend(0, frozenset(), ())
    return out


# --------------------------------------------------------------------------- pairwise
@dataclass(frozen=True)
class Pairwise:
    """Pairwise log LRs (victim is missing person vs null; NaN where not a candidate), per-marker
    exclusion counts without mutation (-1 where not a candidate), and the null's components."""

    log_lr: FloatArray
    exclusions: NDArray[np.intp]
    victim_logliks: FloatArray  # (victims, markers)
    family_logliks: FloatArray  # (families, markers)

    @property
    def lr(self) -> FloatArray:
        with np.errstate(over="ignore"):
            out: FloatArray = np.exp(self.log_lr)
        return out

    @property
    def loglik_null(self) -> float:
        return float(self.victim_logliks.sum() + self.family_logliks.sum())


def pairwise(problem: DviProblem, /, *, exclusions: bool = True) -> Pairwise:
    """Pairwise LRs (mutation models on) and exclusion counts (mutation models removed), as
    ``dvir::pairwiseLR`` and ``dvir::exclusionMatrix``."""
    n_v, n_m = len(problem.victims), len(problem.missing)
    vll = victim_logliks(problem)
    fll = np.zeros((len(problem.families), len(problem.loci)))
    log_lr = np.full((n_v, n_m), math.nan)
    excl = np.full((n_v, n_m), -1, dtype=np.intp)
    bare = problem.without_mutation()
    ev, ev0 = _Evidence(problem, problem.loci), _Evidence(bare, bare.loci)
    items, where = [], []
    for f, fam in enumerate(problem.families):
        for m in fam.missing:
            j = problem.missing.index(m)
            vs = tuple(v for v, cs in enumerate(problem.candidates) if j in cs)
            items.append(_Extension(fam, dict(fam.references), m, vs))
            where.append((f, j))
        if not fam.missing:
            fll[f] = marker_logliks(fam.pedigree, problem.loci, dict(fam.references), theta=problem.theta)
    for (f, j), item, (base, ext) in zip(
        where, items, _extensions(problem, items, problem.loci, ev), strict=True
    ):
        fll[f] = base
        for r, v in enumerate(item.victims):
            log_lr[v, j] = float(ext[r].sum() - base.sum() - vll[v].sum())
    if exclusions:
        todo = [(fj, it) for fj, it in zip(where, items, strict=True) if it.victims]
        for ((_f, j), item), (_base0, ext0) in zip(
            todo, _extensions(bare, [it for _fj, it in todo], bare.loci, ev0), strict=True
        ):
            for r, v in enumerate(item.victims):
                excl[v, j] = int((ext0[r] == -math.inf).sum())
    return Pairwise(log_lr, excl, vll, fll)


# --------------------------------------------------------------------------- joint table
DEFAULT_LIMIT = 1_000_000


def option_sets(
    problem: DviProblem,
    comp: Component,
    pw: Pairwise,
    evidence: _Evidence | None = None,
    *,
    known: Mapping[int, OptionSet] | None = None,
) -> list[OptionSet]:
    """Option sets of the families of ``comp``; single-missing families come from the pairwise LRs.

    ``known``: option sets already computed for a problem with more candidate pairs (the joint table's,
    before exclusions); a family's options here are those whose pairs are all still candidates — the
    same numbers, since an option's likelihood does not depend on the other candidates.
    """
    vtot = pw.victim_logliks.sum(axis=1)
    out: list[OptionSet] = []
    victims = set(comp.victims)
    for f in comp.families:
        fam = problem.families[f]
        if known is not None and f in known and len(fam.missing) > 1:
            out.append(_restrict(known[f], problem, victims))
        elif len(fam.missing) == 1:
            j = problem.missing.index(fam.missing[0])
            vs = [v for v in comp.victims if j in problem.candidates[v]]
            opts: list[tuple[Pair, ...]] = [(), *[((v, j),) for v in vs]]
            out.append(OptionSet(f, tuple(opts), np.array([0.0, *[pw.log_lr[v, j] for v in vs]])))
        else:
            table = family_table(problem, f, victims=sorted(victims), evidence=evidence)
            out.append(table.option_set(vtot))
    return out


def _restrict(options: OptionSet, problem: DviProblem, victims: set[int]) -> OptionSet:
    keep = [
        k
        for k, pairs in enumerate(options.pairs)
        if all(v in victims and m in problem.candidates[v] for v, m in pairs)
    ]
    return OptionSet(options.family, tuple(options.pairs[k] for k in keep), options.weights[keep])


def count_component(
    problem: DviProblem, comp: Component, *, stop_above: int | None = None
) -> tuple[int, str]:
    """``(count, "exact" | "lower bound")`` of the assignments of ``comp`` (see ``count_assignments``)."""
    cands = {v: problem.candidates[v] for v in comp.victims}
    req = [v for v in comp.victims if not problem.allow_unassigned[v]]
    return count_assignments(cands, req, stop_above=stop_above)
