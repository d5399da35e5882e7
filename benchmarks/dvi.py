"""DVI benchmarks (issue 9, "Numbers"): seeded, synthetic problems built with the project's simulator.

Run one case, or all of them (each in its own process, killed after ``--timeout`` seconds)::

    .venv/bin/python benchmarks/dvi.py --case family12
    .venv/bin/python benchmarks/dvi.py --all --timeout 400

Progress goes to stderr (Rich); the figures go to stdout, last, as ``name=value`` lines
(``dvi_<case>_seconds`` is wall time, ``*_cpu_seconds`` process CPU time, which a loaded machine
inflates less). A case the code refuses prints ``dvi_<case>_seconds=nan`` and ``dvi_<case>_error=...``.

Cases (equal mutation model, rate 0.005 in family12 and untyped8, 0.002 elsewhere; frequencies:
``FrequencyTable.builtin("norwegian")``):

* ``family12``: one family of 19 (grandparents, four children with spouses, eight grandchildren), 12
  missing (6 male, 6 female), 6 typed references; 5 victims (3 male, 2 female: 3 of them missing
  persons, 2 unrelated); the 13 CODIS loci; 9,847 assignments. Times ``pairwise``, ``identify`` and
  ``joint_table`` (what ``homecoming dvi`` runs). Target <= 10 s (dvir ``dviJoint`` about 1 min).
* ``untyped8``: one family of 16 whose five founders are untyped, 8 missing (5 male, 3 female), 3 typed
  grandchildren/children; 8 victims (5 of them missing persons, 3 unrelated); 23 STRs including SE33;
  52,564 assignments; the exact joint. Target <= 30 s (dvir ``dviJoint`` about 9 min).
* ``large``: 22 families (20 of one missing person, five kinds; 2 of three missing siblings), 23
  victims degraded (each marker dropped with probability 0.3, one allele only with 0.05); 23 STRs;
  about 10^22 assignments before exclusions; ``dvi_large_seconds`` is ``pairwise`` + ``identify``
  (exclusions, undisputed, components: what ``dviSolve`` does), ``dvi_large_with_joint_table_seconds``
  adds the attempt at the joint table that ``homecoming dvi`` also makes. Target: faster than dvir
  ``dviSolve`` (2-13 s).
* ``pairwise100``: 100 victims x 100 seven-member families (4 typed, 3 untyped, one missing), 23
  STRs, victims of unknown sex, so 10,000 pairs; ``pairwise``. Target <= 1 s.
* ``overlimit``: a family with 8 missing children (parents typed) whose 8 victims are its children
  (sex unknown: 1,441,729 assignments after exclusions, over the default limit of 1,000,000), 6 families
  of one missing child with their victims, 2 unrelated victims. Prints what comes back
  (``dvi_overlimit_answers``): pairwise LRs, exclusions, undisputed matches, per-component results,
  the joint table.

``build_case(name)`` returns the :class:`~homecoming.kinship.DviProblem` of a case and
``build_case_with_truth(name)`` also the true pairs (victim id -> missing id); both are importable
(``sys.path.insert(0, "benchmarks"); import dvi``).
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from rich.console import Console

from homecoming.errors import HomecomingError
from homecoming.kinship import (
    DviProblem,
    Family,
    FrequencyTable,
    Locus,
    MutationModel,
    Pedigree,
    Profile,
    SexMutation,
    identify,
    joint_table,
    pairwise,
    simulate_population,
)
from homecoming.kinship.cases import run_dvi_case
from homecoming.kinship.formats.dvi import DviCase
from homecoming.kinship.populations import make_partial
from homecoming.kinship.simulate import simulate_profiles

CASES = ("family12", "untyped8", "large", "pairwise100", "overlimit")
SEEDS = {"family12": 2026_0912, "untyped8": 2026_0908, "large": 2026_0922, "pairwise100": 2026_0100}
SEEDS["overlimit"] = 2026_0999
CODIS = (
    "CSF1PO",
    "D3S1358",
    "D5S818",
    "D7S820",
    "D8S1179",
    "D13S317",
    "D16S539",
    "D18S51",
    "D21S11",
    "FGA",
    "TH01",
    "TPOX",
    "VWA",
)
Truth = dict[str, str]
Record = tuple[str, str | None, str | None, str]
console = Console(stderr=True)


# --------------------------------------------------------------------------- building blocks
def _loci(names: Sequence[str] | None, rate: float) -> list[Locus]:
    table = FrequencyTable.builtin("norwegian").normalised()
    mutation = SexMutation.same(MutationModel.make("equal", rate=rate))
    return table.loci(list(names) if names is not None else table.names[:23], mutation=mutation)


def _unrelated(name: str, sex: str, loci: Sequence[Locus], rng: np.random.Generator) -> Profile:
    return Profile(name, simulate_profiles(Pedigree.singleton("U", sex=sex), loci, rng)["U"].genotypes)


def _family(
    name: str,
    records: Sequence[Record],
    typed: Sequence[str],
    missing: Sequence[str],
    loci: Sequence[Locus],
    rng: np.random.Generator,
) -> tuple[Family, dict[str, Profile]]:
    """A family with simulated references; also returns everyone's simulated profile."""
    ped = Pedigree.from_records(records)
    everyone = simulate_profiles(ped, loci, rng)
    return Family(name, ped, {t: everyone[t] for t in typed}, tuple(missing)), everyone


def _prefixed(pedigree: Pedigree, prefix: str) -> Pedigree:
    def p(x: str | None) -> str | None:
        return None if x is None else f"{prefix}{x}"

    recs = pedigree.records()
    return Pedigree.from_records(
        [{**r, "id": p(r["id"]), "father": p(r["father"]), "mother": p(r["mother"])} for r in recs]
    )


def _problem(
    victims: Sequence[tuple[Profile, str]],
    families: Sequence[Family],
    loci: Sequence[Locus],
    *,
    sexed: bool = True,
) -> DviProblem:
    sexes = {v.sample: s for v, s in victims} if sexed else None
    return DviProblem.make([v for v, _s in victims], families, loci=loci, victim_sex=sexes)


# --------------------------------------------------------------------------- the cases
def _family12(rng: np.random.Generator) -> tuple[DviProblem, Truth]:
    loci = _loci(CODIS, 0.005)
    recs: list[Record] = [("GF", None, None, "male"), ("GM", None, None, "female")]
    recs += [
        (c, "GF", "GM", s) for c, s in (("C1", "male"), ("C2", "male"), ("C3", "female"), ("C4", "female"))
    ]
    recs += [("R1", "GF", "GM", "female")]
    recs += [
        ("S1", None, None, "female"),
        ("S2", None, None, "female"),
        ("S3", None, None, "male"),
        ("S4", None, None, "male"),
    ]
    for k, (fa, mo) in enumerate((("C1", "S1"), ("C2", "S2"), ("S3", "C3"), ("S4", "C4")), start=1):
        recs += [(f"G{k}1", fa, mo, "male"), (f"G{k}2", fa, mo, "female")]
    missing = ["C1", "C2", "C3", "C4"] + [f"G{k}{j}" for k in range(1, 5) for j in (1, 2)]
    fam, everyone = _family("F1", recs, ["GM", "R1", "S1", "S2", "S3", "S4"], missing, loci, rng)
    planted = (("V1", "G11", "male"), ("V2", "C3", "female"), ("V3", "C1", "male"))
    victims = [(Profile(v, everyone[m].genotypes), s) for v, m, s in planted]
    victims += [
        (_unrelated("V4", "male", loci, rng), "male"),
        (_unrelated("V5", "female", loci, rng), "female"),
    ]
    return _problem(victims, [fam], loci), {v: m for v, m, _s in planted}


def _untyped8(rng: np.random.Generator) -> tuple[DviProblem, Truth]:
    loci = _loci(None, 0.005)  # the first 23 Norwegian STRs, SE33 (55 alleles) among them
    recs: list[Record] = [
        ("GF", None, None, "male"),
        ("GM", None, None, "female"),
        ("C1", "GF", "GM", "male"),
        ("C2", "GF", "GM", "male"),
        ("C3", "GF", "GM", "female"),
        ("C4", "GF", "GM", "female"),
        ("W1", None, None, "female"),
        ("W2", None, None, "female"),
        ("H3", None, None, "male"),
        ("G1", "C1", "W1", "male"),
        ("G2", "C1", "W1", "female"),
        ("G3", "C2", "W2", "male"),
        ("G4", "C2", "W2", "female"),
        ("G5", "H3", "C3", "male"),
        ("G6", "H3", "C3", "female"),
        ("G7", "H3", "C3", "male"),
    ]
    missing = ["C1", "C2", "C3", "G1", "G3", "G4", "G5", "G6"]
    fam, everyone = _family("F1", recs, ["C4", "G2", "G7"], missing, loci, rng)
    planted = (("V1", "C1", "male"), ("V2", "G1", "male"), ("V3", "G3", "male"), ("V4", "C3", "female"))
    planted += (("V5", "G6", "female"),)
    victims = [(Profile(v, everyone[m].genotypes), s) for v, m, s in planted]
    victims += [(_unrelated(f"V{k}", "male", loci, rng), "male") for k in (6, 7)]
    victims += [(_unrelated("V8", "female", loci, rng), "female")]
    return _problem(victims, [fam], loci), {v: m for v, m, _s in planted}


def _large(rng: np.random.Generator) -> tuple[DviProblem, Truth]:
    loci = _loci(None, 0.002)
    degrade = {"untyped": 0.3, "one_allele": 0.05}
    pop = simulate_population(loci, rng, n_families=20, n_bodies=18, n_planted=16, **degrade)
    families: list[Family] = []
    mp_sex: dict[str, str] = {}
    for rf in pop.families:
        ped = _prefixed(rf.pedigree, f"{rf.id}:")
        families.append(
            Family(rf.id, ped, {f"{rf.id}:{p.sample}": p for p in rf.profiles}, (f"{rf.id}:{rf.missing}",))
        )
        mp_sex[rf.id] = ped.records()[ped.index(f"{rf.id}:{rf.missing}")]["sex"] or "unknown"
    victims = [
        (
            b,
            mp_sex[pop.truth[b.sample]]
            if b.sample in pop.truth
            else ("male" if rng.random() < 0.5 else "female"),
        )
        for b in pop.bodies
    ]
    truth = {b: f"{f}:MP" for b, f in pop.truth.items()}
    # two families of three missing siblings (mother and a sister typed); victims from some of them
    for k, sexes in enumerate((("male", "male", "female"), ("female", "male", "female"))):
        name = f"S{k + 1}"
        kids = [f"{name}:M{j + 1}" for j in range(3)]
        recs: list[Record] = [(f"{name}:FA", None, None, "male"), (f"{name}:MO", None, None, "female")]
        recs += [(m, f"{name}:FA", f"{name}:MO", s) for m, s in zip(kids, sexes, strict=True)]
        recs.append((f"{name}:R", f"{name}:FA", f"{name}:MO", "female"))
        fam, everyone = _family(name, recs, [f"{name}:MO", f"{name}:R"], kids, loci, rng)
        families.append(fam)
        for j in range(3 - k):  # three victims from S1, two from S2
            vid = f"{name}V{j + 1}"
            victims.append(
                (make_partial(Profile(vid, everyone[kids[j]].genotypes), rng, **degrade), sexes[j])
            )
            truth[vid] = kids[j]
    return _problem(victims, families, loci), truth


PAIRWISE_FAMILY: list[Record] = [
    ("GF", None, None, "male"),
    ("GM", None, None, "female"),
    ("FA", "GF", "GM", "male"),
    ("UNCLE", "GF", "GM", "male"),
    ("MO", None, None, "female"),
    ("MP", "FA", "MO", "male"),
    ("SIB", "FA", "MO", "female"),
]


def _pairwise100(rng: np.random.Generator) -> tuple[DviProblem, Truth]:
    loci = _loci(None, 0.002)
    families, mps = [], []
    for k in range(100):
        f = f"F{k + 1:03d}"
        recs = [(f"{f}:{i}", fa and f"{f}:{fa}", mo and f"{f}:{mo}", s) for i, fa, mo, s in PAIRWISE_FAMILY]
        typed = [f"{f}:{t}" for t in ("GM", "UNCLE", "MO", "SIB")]
        fam, everyone = _family(f, recs, typed, [f"{f}:MP"], loci, rng)
        families.append(fam)
        mps.append(everyone[f"{f}:MP"])
    planted = sorted(int(x) for x in rng.choice(100, size=50, replace=False))
    victims = [(Profile(f"P{k:03d}", mps[k].genotypes), "unknown") for k in planted]
    victims += [(_unrelated(f"U{k:03d}", "male", loci, rng), "unknown") for k in range(50)]
    truth = {f"P{k:03d}": f"F{k + 1:03d}:MP" for k in planted}
    return _problem(victims, families, loci, sexed=False), truth


def _overlimit(rng: np.random.Generator) -> tuple[DviProblem, Truth]:
    loci = _loci(None, 0.002)
    sexes = ("male", "female") * 4
    kids = [f"B:K{j + 1}" for j in range(8)]
    recs: list[Record] = [("B:FA", None, None, "male"), ("B:MO", None, None, "female")]
    recs += [(m, "B:FA", "B:MO", s) for m, s in zip(kids, sexes, strict=True)]
    big, everyone = _family("BIG", recs, ["B:FA", "B:MO"], kids, loci, rng)
    families = [big]
    victims = [(Profile(f"VB{j + 1}", everyone[m].genotypes), "unknown") for j, m in enumerate(kids)]
    truth = {f"VB{j + 1}": m for j, m in enumerate(kids)}
    for k in range(6):
        f = f"T{k + 1}"
        recs = [
            (f"{f}:FA", None, None, "male"),
            (f"{f}:MO", None, None, "female"),
            (f"{f}:MP", f"{f}:FA", f"{f}:MO", "male"),
        ]
        fam, everyone = _family(f, recs, [f"{f}:FA", f"{f}:MO"], [f"{f}:MP"], loci, rng)
        families.append(fam)
        victims.append((Profile(f"VT{k + 1}", everyone[f"{f}:MP"].genotypes), "unknown"))
        truth[f"VT{k + 1}"] = f"{f}:MP"
    victims += [(_unrelated(f"VU{k + 1}", "male", loci, rng), "unknown") for k in range(2)]
    return _problem(victims, families, loci, sexed=False), truth


BUILDERS: dict[str, Callable[[np.random.Generator], tuple[DviProblem, Truth]]] = {
    "family12": _family12,
    "untyped8": _untyped8,
    "large": _large,
    "pairwise100": _pairwise100,
    "overlimit": _overlimit,
}


def build_case_with_truth(name: str) -> tuple[DviProblem, Truth]:
    """The seeded problem of case ``name`` and its true pairs (victim id -> missing person id)."""
    return BUILDERS[name](np.random.default_rng(SEEDS[name]))


def build_case(name: str) -> DviProblem:
    """The seeded problem of case ``name`` (one of ``CASES``)."""
    return build_case_with_truth(name)[0]


# --------------------------------------------------------------------------- sizes
def _matchings(n_victims: int, n_missing: int) -> int:
    """Assignments of ``n_victims`` to ``n_missing`` when every pair is a candidate (nobody allowed)."""
    return sum(
        math.comb(n_victims, k) * math.comb(n_missing, k) * math.factorial(k)
        for k in range(min(n_victims, n_missing) + 1)
    )


def count_assignments(problem: DviProblem) -> int | None:
    """All assignments before exclusions when the candidate sets are disjoint classes (e.g. all
    sex-compatible pairs); ``None`` for other candidate graphs."""
    classes: dict[tuple[int, ...], int] = {}
    for cs in problem.candidates:
        classes[tuple(cs)] = classes.get(tuple(cs), 0) + 1
    seen: set[int] = set()
    total = 1
    for cs, n in classes.items():
        if seen & set(cs):
            return None
        seen |= set(cs)
        total *= _matchings(n, len(cs))
    return total


def describe(problem: DviProblem) -> dict[str, object]:
    n = count_assignments(problem)
    return {
        "victims": len(problem.victims),
        "families": len(problem.families),
        "missing": len(problem.missing),
        "markers": len(problem.loci),
        "candidate_pairs": sum(len(c) for c in problem.candidates),
        "assignments_before_exclusions": "unknown" if n is None else f"{n:.4g}" if n > 10**9 else n,
    }


# --------------------------------------------------------------------------- running
class Figures(dict[str, object]):
    """Figures of one case; printed as they come when ``stream`` is set (a child process may be killed)."""

    stream = False

    def __setitem__(self, key: str, value: object) -> None:
        super().__setitem__(key, value)
        if self.stream:
            print(_line(key, value), flush=True)


class Timer:
    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> Timer:
        self.status = console.status(self.label)
        self.status.__enter__()
        self.t0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.c0
        self.status.__exit__(None, None, None)
        failed = "" if kind is None else " [red]failed[/red]"
        console.log(f"{self.label}:{failed} {self.seconds:.2f} s (cpu {self.cpu:.2f} s)")


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


def _warm_up(problem: DviProblem) -> float:
    """One pairwise LR of a tiny sub-problem (imports, compilation); not part of the figures."""
    fam = problem.families[0]
    small = DviProblem.make(problem.victims[:1], [fam], loci=problem.loci)
    t0 = time.perf_counter()
    try:
        pairwise(small)
    except HomecomingError as exc:
        console.log(f"warm-up refused: {_error(exc)}")
    return time.perf_counter() - t0


def _pipeline(name: str, problem: DviProblem, truth: Truth, out: dict[str, object], *, joint: bool) -> None:
    """``pairwise`` -> ``identify`` (-> ``joint_table``), as ``homecoming dvi`` runs them."""
    total = cpu = 0.0
    try:
        with Timer(f"{name}: pairwise LRs and exclusions") as t:
            pw = pairwise(problem)
        total, cpu = total + t.seconds, cpu + t.cpu
        out[f"dvi_{name}_pairwise_seconds"] = t.seconds
        with Timer(f"{name}: identify (exclusions, undisputed, components)") as t:
            ident = identify(problem, pw=pw)
        total, cpu = total + t.seconds, cpu + t.cpu
        out[f"dvi_{name}_identify_seconds"] = t.seconds
        out[f"dvi_{name}_undisputed"] = len(ident.undisputed)
        out[f"dvi_{name}_components"] = ";".join(
            f"{len(c.victims)}v{len(c.families)}f:{c.n_assignments}:{c.method.split(':')[0].split()[0]}"
            for c in ident.components
            if c.families
        )
        best = dict(ident.named(list(ident.best_pairs)))
        out[f"dvi_{name}_best_correct"] = f"{sum(best.get(v) == m for v, m in truth.items())}/{len(truth)}"
        out[f"dvi_{name}_best_false"] = sum(1 for v, m in best.items() if truth.get(v) != m)
        if joint:
            with Timer(f"{name}: joint table (all assignments, no exclusions)") as t:
                jt = joint_table(problem, pw=pw)
            total, cpu = total + t.seconds, cpu + t.cpu
            out[f"dvi_{name}_joint_table_seconds"] = t.seconds
            out[f"dvi_{name}_joint_assignments"] = jt.n_assignments
            top = {problem.victim_ids[v]: problem.missing[m] for v, m in jt.rows[0][0]} if jt.rows else {}
            out[f"dvi_{name}_joint_top_is_truth"] = top == truth
        out[f"dvi_{name}_seconds"] = total
        out[f"dvi_{name}_cpu_seconds"] = cpu
        if not joint:  # as `homecoming dvi`, which also tries the joint table (and skips it over the limit)
            with Timer(f"{name}: joint table attempt (as homecoming dvi)") as t:
                try:
                    joint_table(problem, pw=pw)
                    out[f"dvi_{name}_joint_table"] = "built"
                except HomecomingError as exc:
                    out[f"dvi_{name}_joint_table"] = _error(exc)
            out[f"dvi_{name}_with_joint_table_seconds"] = total + t.seconds
        with Timer(f"{name}: the whole of `homecoming dvi` (run_dvi_case)") as t:
            run_dvi_case(DviCase(name, name, problem, None, None, {"id": name}))
        out[f"dvi_{name}_homecoming_dvi_seconds"] = t.seconds
    except (HomecomingError, MemoryError) as exc:
        console.log(f"[red]{name}: {_error(exc)}")
        out[f"dvi_{name}_seconds"] = math.nan
        out[f"dvi_{name}_error"] = _error(exc)


def _run_pairwise100(problem: DviProblem, out: dict[str, object]) -> None:
    pairs = sum(len(c) for c in problem.candidates)
    with Timer("pairwise100: pairwise LRs and exclusions (as the DVI pipeline)") as t:
        pw = pairwise(problem)
    out["dvi_pairwise100_seconds"] = t.seconds
    out["dvi_pairwise100_cpu_seconds"] = t.cpu
    out["dvi_pairwise100_ms_per_pair"] = t.seconds / pairs * 1e3
    with Timer("pairwise100: pairwise LRs only (exclusions=False)") as t:
        pairwise(problem, exclusions=False)
    out["dvi_pairwise100_lr_only_seconds"] = t.seconds
    out["dvi_pairwise100_lr_only_ms_per_pair"] = t.seconds / pairs * 1e3
    out["dvi_pairwise100_pairs"] = pairs
    out["dvi_pairwise100_lr_above_1e4"] = int(np.sum(pw.log_lr >= math.log(1e4)))


def _run_overlimit(problem: DviProblem, truth: Truth, out: dict[str, object]) -> None:
    answers: list[str] = []
    t0 = time.perf_counter()
    try:
        pw = pairwise(problem)
        answers.append(f"pairwise_lr={int(np.sum(~np.isnan(pw.log_lr)))} pairs")
        answers.append(f"exclusion_counts={int(np.sum(pw.exclusions >= 0))} pairs")
    except HomecomingError as exc:
        answers.append(f"pairwise=({_error(exc)})")
        out["dvi_overlimit_answers"] = "; ".join(answers)
        return
    try:
        ident = identify(problem, pw=pw)
        best = dict(ident.named(list(ident.best_pairs)))
        out["dvi_overlimit_best_correct"] = f"{sum(best.get(v) == m for v, m in truth.items())}/{len(truth)}"
        answers.append(f"excluded={len(ident.excluded)}")
        answers.append(f"undisputed={len(ident.undisputed)}")
        comps = [c for c in ident.components if c.families]
        for c in comps:
            fams = ",".join(problem.families[f].name for f in c.families)
            note = f" note={c.note!r}" if c.note else ""
            answers.append(
                f"component[{fams}]={c.method} n={c.n_assignments:,} best={len(c.best)} pairs{note}"
            )
    except HomecomingError as exc:
        answers.append(f"identify=({_error(exc)})")
    try:
        jt = joint_table(problem, pw=pw)
        answers.append(f"joint_table={jt.n_assignments:,} assignments")
    except HomecomingError as exc:
        answers.append(f"joint_table=({_error(exc)})")
    out["dvi_overlimit_seconds"] = time.perf_counter() - t0
    out["dvi_overlimit_answers"] = "; ".join(answers)


def run_case(name: str) -> dict[str, object]:
    """Build and time one case; returns its figures."""
    with Timer(f"{name}: building the problem (seed {SEEDS[name]})"):
        problem, truth = build_case_with_truth(name)
    out = Figures()
    for k, v in describe(problem).items():
        out[f"dvi_{name}_{k}"] = v
    console.log(f"{name}: {describe(problem)}")
    out[f"dvi_{name}_warmup_seconds"] = _warm_up(problem)
    out[f"dvi_{name}_load_average_1m_before"] = os.getloadavg()[0]
    if name == "pairwise100":
        _run_pairwise100(problem, out)
    elif name == "overlimit":
        _run_overlimit(problem, truth, out)
    else:
        _pipeline(name, problem, truth, out, joint=name != "large")
    out[f"dvi_{name}_load_average_1m_after"] = os.getloadavg()[0]
    return out


def _line(key: str, value: object) -> str:
    return f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}"


def _in_subprocess(name: str, timeout: float) -> list[str]:
    """Run one case in a child process; on timeout, the child is killed and its figures so far kept."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--case", name, "--stream"]
    try:
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=timeout, check=False)
        lines = done.stdout.splitlines()
        if done.returncode != 0:
            lines += [f"dvi_{name}_seconds=nan", f"dvi_{name}_error=exit code {done.returncode}"]
        return lines
    except subprocess.TimeoutExpired as exc:
        raw = exc.stdout or ""
        text = raw.decode() if isinstance(raw, bytes) else raw
        console.log(f"[red]{name}: killed after {timeout:g} s")
        return [
            *text.splitlines(),
            f"dvi_{name}_seconds=nan",
            f"dvi_{name}_error=timeout after {timeout:g} s",
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--case", action="append", choices=CASES, help="a case (repeatable)")
    parser.add_argument("--all", action="store_true", help="every case")
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds per case (each in its own process)"
    )
    parser.add_argument("--stream", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = list(CASES) if args.all else (args.case or [])
    if not names:
        parser.error("choose --case NAME or --all")
    lines: list[str] = []
    for name in names:
        if args.timeout is not None:
            lines += _in_subprocess(name, args.timeout)
            continue
        Figures.stream = args.stream
        lines += [_line(k, v) for k, v in run_case(name).items()]
    lines += [f"cpus={os.cpu_count()}", f"load_average_1m_end={os.getloadavg()[0]:.2f}"]
    if not args.stream:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
