"""Benchmark: which relative to sample next — donor_power for one family, 6 donors x 1,000 simulations.

Run: .venv/bin/python benchmarks/next_relative.py [--sims 1000] [--reps 3]

Workload (seeded): the 7-person family of ``genotype_distribution.py`` (grandparents, father and his
brother, mother, missing son, his sister) with the uncle and the sister typed, simulated on the first
24 markers of ``FrequencyTable.builtin("norwegian")`` (SE33, 55 alleles, included); six candidate
donors: the father, the mother, a full sibling, a child, the paternal grandmother and a maternal
cousin, plus "today". Timed twice: without mutation (the engine runs on lumped alleles, see
docs/methods/next-relative.md) and with an equal mutation model (rate 0.002; also lumped, with two
unseen alleles named). The first call (numba compilation, plan caches) is warmed up on 2 markers
and not timed; each figure is the best of ``--reps`` calls. Progress on stderr (Rich); figures last on
stdout as ``name=value`` lines. ``next_relative_seconds`` is the no-mutation figure (target <= 5 s);
``*_cpu_seconds`` is the process CPU time of the same call (both cores: the compiled engine runs the
passes of a marker in parallel), ``load_average_1min`` how busy the machine was.
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np
from rich.console import Console

from homecoming.kinship import FrequencyTable, MutationModel, Pedigree, SexMutation, donor_power
from homecoming.kinship.simulate import simulate_profiles

MEMBERS = [
    ("GF", None, None, "male"),
    ("GM", None, None, "female"),
    ("FA", "GF", "GM", "male"),
    ("UNCLE", "GF", "GM", "male"),
    ("MO", None, None, "female"),
    ("MP", "FA", "MO", "male"),
    ("SIB", "FA", "MO", "female"),
]
TYPED = ["UNCLE", "SIB"]
OPTIONS = ["father", "mother", "full_sibling", "child", "paternal_grandmother", "maternal_cousin"]
THRESHOLD = 1e4
console = Console(stderr=True)


def run(mutation: SexMutation | None, sims: int, reps: int) -> tuple[float, float, list[str]]:
    """(best wall seconds, CPU seconds of that call, the ranking's descriptions)."""
    table = FrequencyTable.builtin("norwegian").normalised()
    loci = table.loci(table.names[:24], mutation=mutation)
    ped = Pedigree.from_records(MEMBERS)
    family = simulate_profiles(ped, loci, np.random.default_rng(20261203), typed=TYPED)
    kw = {"loci": loci, "family": family, "threshold": THRESHOLD, "options": OPTIONS}
    donor_power(ped, "MP", rng=np.random.default_rng(0), n_sims=10, **{**kw, "loci": loci[:2]})  # type: ignore[arg-type]
    best, cpu, ranking = math.inf, math.inf, []
    for rep in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        got = donor_power(ped, "MP", rng=np.random.default_rng(rep), n_sims=sims, **kw)  # type: ignore[arg-type]
        if time.perf_counter() - t0 < best:
            best, cpu = time.perf_counter() - t0, time.process_time() - c0
        ranking = [o.description for o in got]
        console.log(f"{'equal mutation' if mutation else 'no mutation'} rep {rep + 1}: {best:.2f} s (best)")
    return best, cpu, ranking


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    plain, plain_cpu, ranking = run(None, args.sims, args.reps)
    equal = SexMutation.same(MutationModel.make("equal", rate=0.002))
    mutated, mutated_cpu, ranking_mut = run(equal, args.sims, args.reps)
    print("ranking without mutation (best first):")
    for line in ranking:
        print(f"  {line}")
    print("ranking with equal mutation 0.002 (best first):")
    for line in ranking_mut:
        print(f"  {line}")
    print(f"load_average_1min={os.getloadavg()[0]:.2f}")
    print(f"cpu_count={os.cpu_count()}")
    print(f"next_relative_cpu_seconds={plain_cpu:.2f}")
    print(f"next_relative_mutation_cpu_seconds={mutated_cpu:.2f}")
    print(f"next_relative_mutation_seconds={mutated:.2f}")
    print(f"next_relative_seconds={plain:.2f}")


if __name__ == "__main__":
    main()
