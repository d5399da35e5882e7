"""Joint identification benchmarks (seeded, synthetic). Prints ``name=value`` lines last.

1. The exact joint table of a dvir-grave-sized problem: 8 victims (4 male, 4 female) and three families
   with 3 missing each (two brothers and a sister; sisters and a brother; ...), the 23 markers of dvir's
   ``grave`` table with an equal mutation model; > 100,000 assignments. dvir enumerates 52,564
   assignments of ``grave`` one at a time in 9-12 minutes.
2. A 1,000-body batch (800 of them missing persons) against 1,000 families (two parents or two
   siblings typed) screened with :mod:`homecoming.kinship.screen` (``batch_screen_seconds``: tables and
   screen), then the joint identification of the shortlist (``batch_joint_seconds``: problem, exclusions
   -> undisputed -> components -> exact enumeration / ML matching).

    .venv/bin/python benchmarks/joint.py
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from homecoming.kinship.dvi.identification import identify
from homecoming.kinship.dvi.joint import DviProblem, Family, Pairwise, victim_logliks
from homecoming.kinship.dvi.joint_table import joint_table
from homecoming.kinship.formats.frequencies import FrequencyTable
from homecoming.kinship.model.mutation import MutationModel, SexMutation
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.kinship.populations import simulate_population
from homecoming.kinship.screen import family_tables, screen
from homecoming.kinship.simulate import simulate_profiles

GRAVE = str(Path(__file__).resolve().parents[2] / "shared" / "data" / "allele-frequencies" / "dvir_grave.csv")


def grave_sized(rng: np.random.Generator) -> DviProblem:
    table = FrequencyTable.from_csv(GRAVE).normalised()
    loci = table.loci(mutation=SexMutation.same(MutationModel.make("equal", rate=0.005)))
    families, victims, sexes = [], [], {}
    layouts = [("male", "male", "female"), ("female", "female", "male"), ("male", "female", "male")]
    for f, sexes_f in enumerate(layouts):
        recs = [(f"FA{f}", None, None, "male"), (f"MO{f}", None, None, "female")]
        missing = [f"M{f}_{k}" for k in range(3)]
        recs += [(m, f"FA{f}", f"MO{f}", s) for m, s in zip(missing, sexes_f, strict=True)]
        recs.append((f"R{f}", f"FA{f}", f"MO{f}", "female"))
        ped = Pedigree.from_records(recs)
        prof = simulate_profiles(ped, loci, rng)
        families.append(
            Family(f"F{f}", ped, {f"MO{f}": prof[f"MO{f}"], f"R{f}": prof[f"R{f}"]}, tuple(missing))
        )
        for m, s in zip(missing, sexes_f, strict=True):
            if len(victims) < 8 and sum(1 for x in sexes.values() if x == s) < 4:
                victims.append(prof[m].__class__(f"V{len(victims) + 1}", prof[m].genotypes))
                sexes[victims[-1].sample] = s
    return DviProblem.make(victims, families, loci=loci, victim_sex=sexes)


def bench_joint_table() -> dict[str, float]:
    problem = grave_sized(np.random.default_rng(2024))
    t0 = time.perf_counter()
    jt = joint_table(problem, limit=2_000_000)
    seconds = time.perf_counter() - t0
    return {"joint_table_seconds": seconds, "n_assignments": jt.n_assignments}


def bench_batch(n: int = 1000) -> dict[str, float]:
    rng = np.random.default_rng(7)
    table = FrequencyTable.from_csv(GRAVE).normalised()
    loci = table.loci(mutation=SexMutation.same(MutationModel.make("equal", rate=0.002)))
    pop = simulate_population(
        loci, rng, n_families=n, n_bodies=n, n_planted=int(0.8 * n), kinds=("parents", "siblings")
    )
    t0 = time.perf_counter()
    tables = family_tables(pop.families, loci=loci, bodies=pop.bodies)
    result = screen(tables, pop.bodies, top=5, top_bodies=5)
    t_screen = time.perf_counter() - t0
    fams = tuple(
        Family(rf.id, rf.pedigree, {p.sample: p for p in rf.profiles}, (rf.missing,)) for rf in pop.families
    )
    # candidates: the screen's shortlist (top 5 per body) with LR >= 1
    n_v, n_m = len(pop.bodies), len(fams)
    log_lr = np.full((n_v, n_m), np.nan)
    excl = np.full((n_v, n_m), -1, dtype=np.intp)
    for v in range(n_v):
        for r in range(result.body_families.shape[1]):
            f = int(result.body_families[v, r])
            if f >= 0 and result.body_log_lr[v, r] >= 0:
                log_lr[v, f] = result.body_log_lr[v, r]
                excl[v, f] = result.body_exclusions[v, r]
    t1 = time.perf_counter()
    problem = _batch_problem(pop.bodies, fams, loci, log_lr)
    pw = Pairwise(log_lr, excl, victim_logliks(problem), np.zeros((n_m, len(loci))))
    ident = identify(problem, pw=pw)
    seconds = time.perf_counter() - t1
    names = {f: fam.name for f, fam in enumerate(problem.families)}
    found = {(problem.victim_ids[v], names[m]) for v, m in ident.best_pairs}
    truth = set(pop.truth.items())
    undisputed = {(problem.victim_ids[v], names[m]) for v, m in ident.undisputed}
    return {
        "batch_screen_seconds": t_screen,
        "batch_joint_seconds": seconds,
        "recall": len(found & truth) / len(truth),
        "false_undisputed": len(undisputed - truth),
        "false_in_best": len(found - truth),
        "n_undisputed": len(undisputed),
        "n_components_enumerated": sum(1 for c in ident.components if c.families),
    }


def _batch_problem(bodies: object, fams: tuple[Family, ...], loci: object, log_lr: np.ndarray) -> DviProblem:
    """Missing ids must be unique: every simulated family names its missing person MP."""
    renamed = []
    for fam in fams:
        mp = fam.missing[0]
        recs = [
            {
                **r,
                "id": _r(r["id"], mp, fam.name),
                "father": _r(r["father"], mp, fam.name),
                "mother": _r(r["mother"], mp, fam.name),
            }
            for r in fam.pedigree.records()
        ]
        renamed.append(
            Family(fam.name, Pedigree.from_records(recs), dict(fam.references), (f"{fam.name}:{mp}",))
        )
    missing = [f.missing[0] for f in renamed]
    cands = {
        b.sample: [missing[m] for m in np.nonzero(~np.isnan(log_lr[v]))[0]] for v, b in enumerate(bodies)
    }  # type: ignore[arg-type]
    return DviProblem.make(list(bodies), renamed, loci=list(loci), candidates=cands)  # type: ignore[call-overload]


def _r(value: str | None, mp: str, fam: str) -> str | None:
    return f"{fam}:{mp}" if value == mp else value


def main() -> None:
    out: dict[str, float] = {}
    out |= bench_joint_table()
    out |= bench_batch()
    for k, v in out.items():
        print(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}")


if __name__ == "__main__":
    main()
