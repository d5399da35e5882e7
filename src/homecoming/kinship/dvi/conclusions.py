"""Every body gets a conclusion, as ``dvir::dviSolve`` (dvir 3.4.2) concludes a DVI batch.

A best assignment is a guess; a conclusion says what the DNA supports and by which rule. Each victim
and each missing person gets one of:

* ``identified`` - dvir "Undisputed" (pairwise LR >= ``threshold`` and >= ``threshold`` x every other
  LR of that victim and of that missing person, found step by step, each identified body becoming a
  reference of its family for the next step) or "Match (GLR)" (in a family with several missing
  persons, the generalised LR of the pair in the joint table of that family >= ``threshold``);
* ``probable`` - dvir "Probable": exactly one LR above ``threshold2`` (by default ``threshold / 10``);
  not an identification;
* ``inconclusive`` - dvir "Inconclusive" (best LR >= 1, none high enough), "Disputed" (several LRs
  above ``threshold2``) or "Symmetric match" (the body is one of two missing persons whom the DNA cannot
  tell apart); ``best`` names the most likely partner where dvir names one;
* ``no_match`` - dvir "No match": every LR < 1;
* ``excluded`` - dvir "Excluded": every candidate pairing has more than ``max_incomp`` markers
  inconsistent without mutation, or none is left;
* (missing persons only) ``nonidentifiable`` - dvir "Nonidentifiable": not related to any typed
  reference of the family.

Steps (those of ``dviSolve``; the code is ours, written from dvir's documented algorithm):
nonidentifiable missing persons -> loop {exclusions; undisputed steps} until nothing changes -> families
with one missing person from the pairwise LRs -> families with several missing persons by their joint
table (GLR matches, symmetric matches, the rest inconclusive with their best GLR) -> every remaining body
from its pairwise LRs. A family whose joint table has more than ``limit`` assignments is not solved
jointly: its missing persons are ``inconclusive`` with the reason in ``rule`` and its bodies are
concluded from their pairwise LRs (dviSolve skips such a family the same way).

Equalities are judged to relative ``LR_TOLERANCE`` (1e-9): an LR of exactly 1 computed as
0.9999999999999964 still counts as ">= 1". dvir compares raw floating-point numbers.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from homecoming.errors import HypothesisError
from homecoming.kinship.dvi.assignments import Component, enumerate_component
from homecoming.kinship.dvi.joint import (
    DEFAULT_LIMIT,
    DviProblem,
    Family,
    count_component,
    family_table,
    pairwise,
    victim_logliks,
)
from homecoming.kinship.model.markers import Profile

Conclusion = Literal["identified", "probable", "inconclusive", "no_match", "excluded"]
MissingWord = Literal["identified", "probable", "inconclusive", "no_match", "excluded", "nonidentifiable"]

LR_TOLERANCE = 1e-9
DVIR_WORDS: Mapping[str, str] = {
    "Undisputed": "identified",
    "Match (GLR)": "identified",
    "Probable": "probable",
    "Inconclusive": "inconclusive",
    "Disputed": "inconclusive",
    "Symmetric match": "inconclusive",
    "No match": "no_match",
    "Excluded": "excluded",
    "Nonidentifiable": "nonidentifiable",
}
NOT_AN_IDENTIFICATION = "not an identification"


@dataclass(frozen=True)
class VictimConclusion:
    """The conclusion for one body.

    ``missing``/``family`` are set only when the body is ``identified`` or ``probable``; ``best`` is the
    missing person dvir names for a body it does not conclude (its "Best: M2" or the top of "Disputed"),
    ``candidates`` every missing person still possible for a "Disputed" or "Symmetric match" body.
    ``dvir_word`` and ``comment`` are dvir's Conclusion and Comment for the same row.
    """

    victim: str
    conclusion: Conclusion
    missing: str | None
    family: str | None
    lr: float | None
    glr: float | None
    rule: str
    best: str | None
    dvir_word: str = ""
    comment: str | None = None
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class MissingConclusion:
    """The conclusion for one missing person (``victim`` only when ``identified`` or ``probable``)."""

    missing: str
    family: str
    conclusion: MissingWord
    victim: str | None
    lr: float | None
    glr: float | None
    rule: str
    best: str | None = None
    dvir_word: str | None = ""
    comment: str | None = None
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conclusions:
    """The conclusions for every body and every missing person of a batch, in the problem's order."""

    victims: tuple[VictimConclusion, ...]
    missing: tuple[MissingConclusion, ...]
    parameters: dict[str, Any]

    def victim(self, name: str) -> VictimConclusion:
        for c in self.victims:
            if c.victim == name:
                return c
        raise KeyError(name)

    def missing_person(self, name: str) -> MissingConclusion:
        for c in self.missing:
            if c.missing == name:
                return c
        raise KeyError(name)

    @property
    def identified(self) -> tuple[tuple[str, str], ...]:
        """``(victim, missing)`` of the identified bodies."""
        return tuple(
            (c.victim, c.missing) for c in self.victims if c.conclusion == "identified" and c.missing
        )


# --------------------------------------------------------------------------- small helpers
def _ge(x: float, t: float) -> bool:
    return x >= t - LR_TOLERANCE * max(1.0, abs(t))


def _gt(x: float, t: float) -> bool:
    return x > t + LR_TOLERANCE * max(1.0, abs(t))


def _le(x: float, t: float) -> bool:
    return x <= t + LR_TOLERANCE * max(1.0, abs(t))


def _num(x: float) -> str:
    """``6.9e9``, ``20``, ``0.5``: two significant digits, compact exponent."""
    if not math.isfinite(x):
        return str(x)
    s = f"{x:.2g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s


def _argmax(values: Sequence[tuple[str, float]]) -> tuple[str, float]:
    """The first entry whose value equals the maximum (to the tolerance), as ``which.max``."""
    top = max(x for _n, x in values)
    for name, x in values:
        if _ge(x, top) if math.isfinite(top) else x == top:
            return name, x
    raise AssertionError("unreachable")


def _ancestors(fam: Family) -> dict[str, set[int]]:
    ped = fam.pedigree
    memo: dict[int, set[int]] = {}

    def anc(i: int) -> set[int]:
        if i not in memo:
            out = {i}
            for p in (ped.father[i], ped.mother[i]):
                if p >= 0:
                    out |= anc(p)
            memo[i] = out
        return memo[i]

    return {ident: anc(i) for i, ident in enumerate(ped.ids)}


def _typed(p: Profile) -> bool:
    return any(g is not None for g in p.genotypes.values())


def nonidentifiable(family: Family) -> tuple[str, ...]:
    """Missing persons not related (no common ancestor, i.e. kinship 0) to any typed reference, directly
    or through other missing persons - ``dvir::findNonidentifiable``."""
    refs = [r for r, p in family.references.items() if _typed(p)]
    anc = _ancestors(family)
    cand = [m for m in family.missing]
    linked = list(refs)
    while cand and linked:
        linked = [c for c in cand if any(anc[c] & anc[x] for x in linked)]
        cand = [c for c in cand if c not in linked]
    return tuple(cand)


@dataclass
class _Row:
    """One row of a family's joint table: log LR vs the null and each victim's missing person."""

    weight: float
    who: dict[int, str | None]


# --------------------------------------------------------------------------- the solver
class _Solver:
    def __init__(
        self,
        problem: DviProblem,
        threshold: float,
        threshold2: float,
        max_incomp: int,
        limit: int,
        known: Mapping[tuple[int, str], tuple[float, int]] | None = None,
    ):
        self.p = problem
        self.threshold, self.threshold2 = threshold, threshold2
        self.max_incomp, self.limit = max_incomp, limit
        self.names = problem.victim_ids
        self.family_of = {m: k for k, f in enumerate(problem.families) for m in f.missing}
        # current state: families (references grow with identified bodies, missing shrink)
        self.fams: list[Family] = list(problem.families)
        self.active_missing: list[str] = list(problem.missing)
        self.pairs: dict[int, list[str]] = {
            v: [problem.missing[m] for m in cs] for v, cs in enumerate(problem.candidates)
        }
        self.cache: dict[tuple[int, str], tuple[float, int]] = dict(known or {})
        self.lrmat: dict[tuple[int, str], float] = {}
        self.lr_rows: list[int] = []
        self.vres: dict[int, VictimConclusion] = {}
        self.mres: dict[str, MissingConclusion] = {}
        self.iteration = 0

    # ------------------------------------------------------------------ pairwise LRs of the state
    def _fam_name(self, m: str) -> str:
        return self.p.families[self.family_of[m]].name

    def _compute(self, needed: Iterable[tuple[int, str]]) -> None:
        todo = sorted({pm for pm in needed if pm not in self.cache})
        if not todo:
            return
        wanted = {m for _v, m in todo}
        ms = [m for m in self.p.missing if m in wanted]
        fams_idx = sorted({self.family_of[m] for m in ms})
        sub_fams = [
            dataclasses.replace(self.fams[k], missing=tuple(m for m in self.fams[k].missing if m in ms))
            for k in fams_idx
        ]
        order = [m for f in sub_fams for m in f.missing]
        col = {m: j for j, m in enumerate(order)}
        vs = sorted({v for v, _m in todo})
        row = {v: i for i, v in enumerate(vs)}
        cands: list[list[int]] = [[] for _ in vs]
        for v, m in todo:
            cands[row[v]].append(col[m])
        sub = dataclasses.replace(
            self.p,
            victims=tuple(self.p.victims[v] for v in vs),
            victim_sex=tuple(self.p.victim_sex[v] for v in vs),
            families=tuple(sub_fams),
            candidates=tuple(tuple(sorted(c)) for c in cands),
            allow_unassigned=tuple(True for _ in vs),
        )
        with np.errstate(invalid="ignore"):  # an impossible family gives NaN LRs: refused just below
            pw = pairwise(sub)
        for k, fam in enumerate(sub_fams):
            if not pw.family_logliks[k].sum() > -math.inf:
                raise HypothesisError(
                    f"family {fam.name}: its references are impossible together (likelihood 0 even with "
                    "the mutation models), so no body can be compared with it",
                    field=f"family {fam.name}: references",
                    value=sorted(fam.references),
                    hint="check the references' genotypes and relationships (a sample swap?), or give the "
                    "markers a mutation model",
                )
        lr = pw.lr
        for v, m in todo:
            self.cache[(v, m)] = (float(lr[row[v], col[m]]), int(pw.exclusions[row[v], col[m]]))

    def _active_victims(self) -> list[int]:
        return [v for v in range(len(self.names)) if v not in self.vres]

    def _current_pairs(self) -> list[tuple[int, str]]:
        return [(v, m) for v in self._active_victims() for m in self.pairs[v]]

    def _remove_missing(self, gone: set[str]) -> None:
        self.active_missing = [m for m in self.active_missing if m not in gone]
        for v in self._active_victims():
            self.pairs[v] = [m for m in self.pairs[v] if m not in gone]

    def _transfer(self, v: int, m: str) -> None:
        """The identified body becomes a typed reference at ``m``'s node (later LRs use it)."""
        k = self.family_of[m]
        fam = self.fams[k]
        self.fams[k] = dataclasses.replace(
            fam,
            references={**fam.references, m: self.p.victims[v]},
            missing=tuple(x for x in fam.missing if x != m),
        )
        for key in [key for key in self.cache if self.family_of[key[1]] == k]:
            del self.cache[key]

    # ------------------------------------------------------------------ steps
    def nonidentifiable(self) -> None:
        every: set[str] = set()
        for fam in self.p.families:
            gone = nonidentifiable(fam)
            no_refs = not any(_typed(p) for p in fam.references.values())
            for m in gone:
                comment = "No references in family" if no_refs else "Unrelated to all references"
                self.mres[m] = MissingConclusion(
                    m,
                    fam.name,
                    "nonidentifiable",
                    None,
                    None,
                    None,
                    f"nonidentifiable: {comment.lower()} (kinship 0 with every typed reference)",
                    dvir_word="Nonidentifiable",
                    comment=comment,
                )
            every.update(gone)
        if every:
            self._remove_missing(every)

    def exclusions(self) -> bool:
        """``dvir::findExcluded``: drop bodies and missing persons with no compatible pairing, then
        incompatible pairs. Returns whether anything changed."""
        pairs = self._current_pairs()
        self._compute(pairs)
        victims = self._active_victims()
        counts = {pm: self.cache[pm][1] for pm in pairs}

        def fewest(xs: list[int]) -> float:
            return float(min(xs)) if xs else math.inf

        def words(n: float, nobody: str) -> tuple[str, str]:
            if n == math.inf:
                return "No compatible pairings", f"excluded: {nobody}"
            return (
                f"{int(n)}+ inconsistencies",
                f"excluded: every candidate pairing has more than {self.max_incomp} markers inconsistent "
                f"without mutation (fewest: {int(n)})",
            )

        vgone = []
        for v in victims:
            n = fewest([counts[(v, m)] for m in self.pairs[v]])
            if n > self.max_incomp:
                comment, rule = words(
                    n, "no candidate missing person left (other sex, excluded or concluded)"
                )
                self.vres[v] = VictimConclusion(
                    self.names[v], "excluded", None, None, None, None, rule, None, "Excluded", comment
                )
                vgone.append(v)
        by_missing: dict[str, list[int]] = {}
        for (_v, m), c in counts.items():
            by_missing.setdefault(m, []).append(c)
        mgone = set()
        for m in self.active_missing:
            n = fewest(by_missing.get(m, []))
            if n > self.max_incomp:
                comment, rule = words(n, "no body is left as a candidate (other sex, excluded or concluded)")
                self.mres[m] = MissingConclusion(
                    m, self._fam_name(m), "excluded", None, None, None, rule, None, "Excluded", comment
                )
                mgone.add(m)
        self._remove_missing(mgone)
        changed = bool(vgone or mgone)
        for v in self._active_victims():
            keep = [m for m in self.pairs[v] if counts[(v, m)] <= self.max_incomp]
            changed |= len(keep) != len(self.pairs[v])
            self.pairs[v] = keep
        return changed

    def undisputed(self) -> bool:
        """``dvir::findUndisputed`` (not strict): steps until no pair is undisputed. Returns whether
        anything changed (a match, or a pair dropped because its LR is 0)."""
        changed = False
        step = 0
        while True:
            step += 1
            pairs = self._current_pairs()
            self._compute(pairs)
            self.lrmat = {pm: self.cache[pm][0] for pm in pairs}
            self.lr_rows = self._active_victims()
            found = self._undisputed_entries()
            if not found:
                break
            changed = True
            for v, m, lr in found:
                rule = (
                    f"undisputed: LR {_num(lr)} >= {self.threshold:g} and >= {self.threshold:g} x every "
                    f"alternative (step {step}"
                    + (f", round {self.iteration}" if self.iteration > 1 else "")
                    + ")"
                )
                fam = self._fam_name(m)
                self.vres[v] = VictimConclusion(
                    self.names[v], "identified", m, fam, lr, None, rule, None, "Undisputed", f"Step {step}"
                )
                self.mres[m] = MissingConclusion(
                    m, fam, "identified", self.names[v], lr, None, rule, None, "Undisputed", f"Step {step}"
                )
                self._transfer(v, m)
            self._remove_missing({m for _v, m, _lr in found})
            for v in self._active_victims():
                if not self.pairs[v]:
                    self.vres[v] = VictimConclusion(
                        self.names[v],
                        "excluded",
                        None,
                        None,
                        None,
                        None,
                        f"excluded: no candidate pairing left after the undisputed matches of step {step}",
                        None,
                        "Excluded",
                        "No compatible pairings",
                    )
            if not self.active_missing or not self._active_victims():
                break
        for v in self._active_victims():  # pairs with LR 0 are dropped (dvir::pairwiseLR, limit = 0)
            keep = [m for m in self.pairs[v] if self.lrmat.get((v, m), 1.0) > 0]
            changed |= len(keep) != len(self.pairs[v])
            self.pairs[v] = keep
        return changed

    def _undisputed_entries(self) -> list[tuple[int, str, float]]:
        rows: dict[int, list[tuple[str, float]]] = {}
        cols: dict[str, list[tuple[int, float]]] = {}
        for (v, m), lr in self.lrmat.items():
            rows.setdefault(v, []).append((m, lr))
            cols.setdefault(m, []).append((v, lr))
        out = []
        for (v, m), lr in self.lrmat.items():
            if not _ge(lr, self.threshold):
                continue
            others = [x for n, x in rows[v] if n != m] + [x for u, x in cols[m] if u != v]
            if all(_le(x, lr / self.threshold) for x in others):
                out.append((v, m, lr))
        return out

    # ------------------------------------------------------------------ families
    def simple_family(self, fam: Family, m: str) -> None:
        """``.simpleFamDVI``: the missing person of a one-missing family, from its pairwise LRs."""
        lrs = [(self.names[v], self.lrmat[(v, m)]) for v in self.lr_rows if (v, m) in self.lrmat]
        if not lrs:
            self.mres[m] = MissingConclusion(
                m,
                fam.name,
                "excluded",
                None,
                None,
                None,
                "excluded: no body is left as a candidate",
                None,
                "Excluded",
                "No compatible pairings",
            )
            return
        best, top = _argmax(lrs)
        t2 = self.threshold2
        high = [(n, x) for n, x in lrs if _gt(x, t2)]
        others = [(n, x) for n, x in lrs if n != best]
        if len(high) > 1:
            also = [(n, x) for n, x in high if n != best]
            comment = "Also: " + ", ".join(f"{n} (LR={x:.2g})" for n, x in also)
            rule = (
                f"disputed: {len(high)} bodies have LR > {t2:g} for {m} (best {best}, LR {_num(top)}); "
                f"{NOT_AN_IDENTIFICATION}"
            )
            self.mres[m] = MissingConclusion(
                m,
                fam.name,
                "inconclusive",
                None,
                top,
                None,
                rule,
                best,
                "Disputed",
                comment,
                tuple(n for n, _x in high),
            )
        elif high:
            if others:
                n2, x2 = _argmax(others)
                comment = f"Runner-up: {n2} (LR={x2:.2g})"
            else:
                comment = "Runner-up: -"
            rule = (
                f"probable: the only LR > {t2:g} for {m} (LR {_num(top)} < {self.threshold:g} or not "
                f"undisputed); {NOT_AN_IDENTIFICATION}"
            )
            self.mres[m] = MissingConclusion(
                m, fam.name, "probable", best, top, None, rule, None, "Probable", comment
            )
        elif _ge(top, 1.0):
            rule = f"inconclusive: best LR {_num(top)} ({best}) is >= 1 but not > {t2:g}"
            self.mres[m] = MissingConclusion(
                m, fam.name, "inconclusive", None, top, None, rule, best, "Inconclusive", f"Best: {best}"
            )
        else:
            rule = f"no match: every LR for {m} is < 1 (best {_num(top)})"
            self.mres[m] = MissingConclusion(
                m, fam.name, "no_match", None, top, None, rule, best, "No match", None
            )

    def complex_family(self, k: int) -> None:
        """``.complexFamDVI``: a family with several missing persons, by its joint table."""
        fam = self.fams[k]
        fm = [m for m in fam.missing if m in self.active_missing]
        vs = [v for v in self._active_victims() if any(m in fm for m in self.pairs[v])]
        col = {m: j for j, m in enumerate(fm)}
        sub = dataclasses.replace(
            self.p,
            victims=tuple(self.p.victims[v] for v in vs),
            victim_sex=tuple(self.p.victim_sex[v] for v in vs),
            families=(dataclasses.replace(fam, missing=tuple(fm)),),
            candidates=tuple(tuple(col[m] for m in self.pairs[v] if m in col) for v in vs),
            allow_unassigned=tuple(self.p.allow_unassigned[v] for v in vs),
        )
        local = tuple(range(len(vs)))
        n, kind = count_component(sub, Component(local, (0,)), stop_above=self.limit)
        if n > self.limit or not vs:
            more = "at least " if kind != "exact" else ""
            why = (
                f"joint analysis skipped: family {fam.name} has {more}{n:,} assignments, more than the limit "
                f"of {self.limit:,} (raise limit= to solve it jointly, as dviSolve's maxAssign); "
                "its bodies are concluded from their pairwise LRs"
                if vs
                else f"joint analysis skipped: no body is still a candidate for family {fam.name}"
            )
            for m in fm:
                self.mres[m] = MissingConclusion(
                    m,
                    fam.name,
                    "inconclusive",
                    None,
                    self._best_lr(m),
                    None,
                    why,
                    None,
                    None,
                    f"Family {fam.name}: SKIPPED",
                )
            return
        req = [i for i in local if not sub.allow_unassigned[i]]
        vll = victim_logliks(sub).sum(axis=1)
        opts = family_table(sub, 0).option_set(vll)
        e = enumerate_component(local, [opts], required=req, limit=self.limit, count=n)
        rows = self._sorted_rows(
            [
                _Row(float(w), {vs[i]: None for i in local} | {vs[i]: fm[j] for i, j in e.pairs(r)})
                for r, w in enumerate(e.weights)
            ],
            vs,
        )
        joint = f"Joint: {{{','.join(fm)}}}"
        size = f"{len(rows):,} assignments"
        # GLR matrix as dvir::pairwiseGLR
        glr: dict[tuple[int, str], float] = {}
        for v in vs:
            column = [r.who[v] for r in rows]
            if len(set(column)) < 2:
                continue
            for m in fm:
                num = next((i for i, x in enumerate(column) if x == m), None)
                if num is None:
                    continue
                den = next(i for i, x in enumerate(column) if x != column[0]) if num == 0 else 0
                glr[(v, m)] = math.exp(rows[num].weight - rows[den].weight)
        found = [(v, m, g) for (v, m), g in glr.items() if _ge(g, self.threshold)]
        done_v: set[int] = set()
        done_m: set[str] = set()
        for v, m, g in found:
            lr = self.lrmat.get((v, m))
            rule = (
                f"joint: GLR {_num(g)} >= {self.threshold:g} in the joint table of family {fam.name} "
                f"(missing {', '.join(fm)}; {size})"
            )
            self.vres[v] = VictimConclusion(
                self.names[v], "identified", m, fam.name, lr, g, rule, None, "Match (GLR)", joint
            )
            self.mres[m] = MissingConclusion(
                m, fam.name, "identified", self.names[v], lr, g, rule, None, "Match (GLR)", joint
            )
            done_v.add(v)
            done_m.add(m)
        # symmetric matches among the rest (rows keep their order; identified columns dropped)
        left_m = [m for m in fm if m not in done_m]
        left_v = [v for v in vs if v not in done_v and any(m in left_m for m in self.pairs[v])]
        self._symmetric(fam, left_v, left_m, rows, size, done_v, done_m)
        for m in fm:
            if m in done_m:
                continue
            gs = [g for (v, n), g in glr.items() if n == m]
            g_best = max(gs) if gs else None
            lr_best = self._best_lr(m)
            rule = (
                f"inconclusive: no GLR >= {self.threshold:g} in the joint table of family {fam.name} "
                f"(best GLR {_num(g_best) if g_best is not None else 'none'}; {size})"
            )
            self.mres[m] = MissingConclusion(
                m, fam.name, "inconclusive", None, lr_best, g_best, rule, None, "Inconclusive", None
            )
        self.active_missing = [m for m in self.active_missing if m not in fm]
        for v in self._active_victims():
            self.pairs[v] = [m for m in self.pairs[v] if m not in fm]

    def _best_lr(self, m: str) -> float | None:
        xs = [x for (_v, n), x in self.lrmat.items() if n == m]
        return max(xs) if xs else None

    def _sorted_rows(self, rows: list[_Row], vs: Sequence[int]) -> list[_Row]:
        """Decreasing log LR; ties (to the tolerance) by the assignment, victims in order, missing
        persons by name, nobody last (as dviJoint's ``order``)."""

        def key(r: _Row) -> tuple[tuple[int, str], ...]:
            return tuple((0, x) if (x := r.who[v]) is not None else (1, "") for v in vs)

        rows = sorted(rows, key=lambda r: -r.weight)
        out: list[_Row] = []
        i = 0
        while i < len(rows):
            j = i + 1
            while j < len(rows) and rows[i].weight - rows[j].weight <= LR_TOLERANCE * max(
                1.0, abs(rows[i].weight)
            ):
                j += 1
            out += sorted(rows[i:j], key=key)
            i = j
        return out

    def _symmetric(
        self,
        fam: Family,
        vics: list[int],
        miss: list[str],
        rows: list[_Row],
        size: str,
        done_v: set[int],
        done_m: set[str],
    ) -> None:
        """``symmetricGLR``: the top two rows differ only by one body moved between two missing
        persons, or two bodies swapped; their GLR against the first row without them >= threshold."""
        if len(vics) * len(miss) <= 1 or len(rows) < 3:
            return
        r1, r2 = rows[0].who, rows[1].who
        diffs = [v for v in vics if r1[v] != r2[v]]
        if not diffs or len(diffs) > 2 or any(r1[v] is None or r2[v] is None for v in diffs):
            return
        vals1 = {r1[v] for v in diffs}
        if len(diffs) == 2 and vals1 != {r2[v] for v in diffs}:
            return
        pair = [m for m in miss if m in vals1 | {r2[v] for v in diffs}]
        if len(pair) != 2:
            return
        end = next((r for r in rows if not all(r.who[v] in pair for v in diffs)), None)
        if end is None:
            return
        g = math.exp(rows[0].weight - end.weight)
        if not _ge(g, self.threshold):
            return
        names = [self.names[v] for v in diffs]
        what = (
            f"{names[0]} is {pair[0]} or {pair[1]}"
            if len(diffs) == 1
            else f"{{{', '.join(pair)}}} = {{{', '.join(names)}}}"
        )
        rule = (
            f"symmetric match: {what}, the DNA cannot tell which (GLR {_num(g)} >= {self.threshold:g} in the "
            f"joint table of family {fam.name}; {size}); {NOT_AN_IDENTIFICATION}"
        )
        for m in pair:
            lrs = [self.lrmat[(v, m)] for v in diffs if (v, m) in self.lrmat]
            lr = lrs[0] if lrs and max(lrs) - min(lrs) < 1e-3 else None
            other = next(x for x in pair if x != m)
            comment = (
                f"{names[0]} also matches {other}"
                if len(diffs) == 1
                else f"{{{', '.join(pair)}}} = {{{', '.join(names)}}}"
            )
            self.mres[m] = MissingConclusion(
                m, fam.name, "inconclusive", None, lr, g, rule, None, "Symmetric match", comment, tuple(names)
            )
            done_m.add(m)
        for v in diffs:
            lrs = [self.lrmat[(v, m)] for m in pair if (v, m) in self.lrmat]
            lr = lrs[0] if lrs and max(lrs) - min(lrs) < 1e-3 else None
            self.vres[v] = VictimConclusion(
                self.names[v],
                "inconclusive",
                None,
                None,
                lr,
                g,
                rule,
                None,
                "Symmetric match",
                f"{' and '.join(pair)}: {{{', '.join(names)}}}",
                tuple(pair),
            )
            done_v.add(v)

    def remaining_body(self, v: int) -> None:
        """``.pmDrivenDVI``: a body not concluded yet, from its pairwise LRs (every missing person of the
        last LR matrix, also those concluded since)."""
        lrs = [(m, self.lrmat[(v, m)]) for m in self.p.missing if (v, m) in self.lrmat]
        name = self.names[v]
        if not lrs:
            self.vres[v] = VictimConclusion(
                name,
                "excluded",
                None,
                None,
                None,
                None,
                "excluded: no candidate pairing left",
                None,
                "Excluded",
                "No compatible pairings",
            )
            return
        best, top = _argmax(lrs)
        t2 = self.threshold2
        high = [(m, x) for m, x in lrs if _ge(x, t2)]
        if len(high) > 1:
            also = [(m, x) for m, x in high if m != best]
            rule = (
                f"disputed: {len(high)} missing persons have LR >= {t2:g} (best {best}, LR {_num(top)}); "
                f"{NOT_AN_IDENTIFICATION}"
            )
            comment = "Also: " + ", ".join(f"{m} (LR={x:.2g})" for m, x in also)
            self.vres[v] = VictimConclusion(
                name,
                "inconclusive",
                None,
                None,
                top,
                None,
                rule,
                best,
                "Disputed",
                comment,
                tuple(m for m, _x in high),
            )
        elif high:
            others = [(m, x) for m, x in lrs if m != best]
            if others:
                m2, x2 = _argmax(others)
                comment = f"Runner-up: {m2} (LR={x2:.2g})"
            else:
                comment = "Runner-up: -"
            rule = (
                f"probable: the only LR >= {t2:g} (LR {_num(top)}, not undisputed and no joint GLR match); "
                f"{NOT_AN_IDENTIFICATION}" + self._but(best, name)
            )
            self.vres[v] = VictimConclusion(
                name, "probable", best, self._fam_name(best), top, None, rule, None, "Probable", comment
            )
        elif _ge(top, 1.0):
            rule = f"inconclusive: best LR {_num(top)} ({best}) is >= 1 but < {t2:g}"
            self.vres[v] = VictimConclusion(
                name, "inconclusive", None, None, top, None, rule, best, "Inconclusive", f"Best: {best}"
            )
        else:
            rule = f"no match: every LR is < 1 (best {_num(top)})"
            self.vres[v] = VictimConclusion(
                name, "no_match", None, None, top, None, rule, None, "No match", None
            )

    def _but(self, m: str, victim: str) -> str:
        """What the missing person's own conclusion says against a body's "probable" (dvir keeps both)."""
        mc = self.mres.get(m)
        if mc is None:
            return ""
        if mc.victim is not None and mc.victim != victim:
            return f"; but {m} is {mc.conclusion} as {mc.victim}"
        others = [c for c in mc.candidates if c != victim]
        if mc.dvir_word == "Disputed" and others:
            return f"; but {m} is disputed: LR > {self.threshold2:g} also with {', '.join(others)}"
        return ""

    # ------------------------------------------------------------------ the workflow
    def run(self) -> None:
        self.nonidentifiable()
        while True:
            self.iteration += 1
            if not self.exclusions() and self.iteration > 1:
                break
            if not self.undisputed():
                break
        n_missing = {k: [m for m in f.missing if m in self.active_missing] for k, f in enumerate(self.fams)}
        for k, ms in n_missing.items():
            if len(ms) == 1:
                self.simple_family(self.fams[k], ms[0])
        for k, ms in n_missing.items():
            if len(ms) > 1:
                self.complex_family(k)
        for v in self._active_victims():
            self.remaining_body(v)


def conclude(
    problem: DviProblem,
    /,
    *,
    threshold: float = 1e4,
    threshold2: float | None = None,
    max_incomp: int = 2,
    limit: int = DEFAULT_LIMIT,
    known: Mapping[tuple[int, str], tuple[float, int]] | None = None,
) -> Conclusions:
    """A conclusion for every body and every missing person (see the module docstring).

    ``threshold``: LR for "undisputed" and GLR for "Match (GLR)" (dvir ``threshold``);
    ``threshold2``: LR for "probable" (default ``max(1, threshold / 10)``); ``max_incomp``: a pairing with
    more markers inconsistent without mutation is excluded (dvir ``maxIncomp``); ``limit``: the most
    assignments of a family's joint table (dvir ``maxAssign``, 100,000 there).

    ``known``: pairwise (LR, markers inconsistent without mutation) already computed for (victim index,
    missing person) pairs of the problem as first given — e.g. the screen's exact rescoring, the same
    numbers :func:`~homecoming.kinship.dvi.joint.pairwise` gives — so they are not computed again. Pairs of a
    family that gains an identified body as a reference are computed again from the new family.
    """
    if not (isinstance(threshold, int | float) and threshold > 1 and math.isfinite(threshold)):
        raise HypothesisError(
            f"threshold: must be an LR larger than 1, got {threshold!r}",
            field="threshold",
            value=threshold,
            hint="use e.g. 10000 (the usual threshold for an undisputed match)",
        )
    t2 = max(1.0, threshold / 10) if threshold2 is None else threshold2
    if not (isinstance(t2, int | float) and 0 < t2 <= threshold):
        raise HypothesisError(
            f"threshold2: must be a positive LR not above threshold ({threshold:g}), got {threshold2!r}",
            field="threshold2",
            value=threshold2,
            hint="leave it out for threshold / 10, or give e.g. 1000",
        )
    if isinstance(max_incomp, bool) or not isinstance(max_incomp, int) or max_incomp < 0:
        raise HypothesisError(
            f"max_incomp: must be a whole number of markers >= 0, got {max_incomp!r}",
            field="max_incomp",
            value=max_incomp,
            hint="use e.g. 2 (a pairing with 3 or more inconsistent markers is excluded)",
        )
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise HypothesisError(
            f"limit: must be a whole number of assignments >= 1, got {limit!r}",
            field="limit",
            value=limit,
            hint=f"use e.g. {DEFAULT_LIMIT}",
        )
    if known is not None:
        names = set(problem.missing)
        bad = [pm for pm in known if not (0 <= pm[0] < len(problem.victims) and pm[1] in names)]
        if bad:
            raise HypothesisError(
                f"known: pair {bad[0]!r} is not a (victim index, missing person) of the problem",
                field="known",
                value=bad[0],
                hint="give LRs only for the problem's victims (by index) and missing persons",
            )
    s = _Solver(problem, float(threshold), float(t2), max_incomp, limit, known)
    s.run()
    victims = tuple(s.vres[v] for v in range(len(problem.victims)))
    missing = tuple(s.mres[m] for m in problem.missing)
    return Conclusions(
        victims,
        missing,
        {
            "threshold": float(threshold),
            "threshold2": float(t2),
            "max_incomp": max_incomp,
            "limit": limit,
            "lr_tolerance": LR_TOLERANCE,
            "method": "the dvir::dviSolve workflow (dvir 3.4.2), mutation models on",
        },
    )
