"""Benchmark: the missing person's genotype distribution, 23 markers, 7-person family (seeded).

Run: .venv/bin/python benchmarks/genotype_distribution.py
Prints figures last as name=value lines (milliseconds; minutes for the table-building figures). Each
repetition is a new family (new simulated genotypes, same pedigree structure, as in screening). The
first call (which compiles and caches the elimination plan) is reported apart; after WARMUP more
calls the medians of REPS calls are steady state. ``*_cpu_*`` figures are process CPU time (all
threads: the compiled kernel runs the markers on both cores); ``load_average_1min`` says how busy the
machine was. ``genotype_distribution_median_ms`` is the slower of the two mutation settings.

Building screening tables does not call this one family at a time: ``marker_distributions`` runs the
markers of many families in one compiled call. ``batch_ms_per_family`` is its wall time per family
for BATCH families of the same shape (one pass, equal mutation model), and
``tables_100k_families_minutes`` = that x 100,000 (both cores are already in use).
"""

from __future__ import annotations

import math
import os
import statistics
import time

import numpy as np

from homecoming.kinship import FrequencyTable, MutationModel, Pedigree, SexMutation, genotype_distribution
from homecoming.kinship.distributions import marker_distributions
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
TYPED = ["GM", "UNCLE", "MO", "SIB"]
REPS = 300
WARMUP = 50
BATCH = 1000


def run(mutation: SexMutation | None, rng: np.random.Generator) -> tuple[float, float, float, float]:
    """(first call, wall median, CPU median, tables median) in milliseconds."""
    table = FrequencyTable.builtin("norwegian").normalised()
    loci = table.loci(table.names[:23], mutation=mutation)
    family = Pedigree.from_records(MEMBERS)
    families = [simulate_profiles(family, loci, rng, typed=TYPED) for _ in range(REPS + 1)]
    t0 = time.perf_counter()
    genotype_distribution(family, "MP", loci=loci, family=families[0])
    first = (time.perf_counter() - t0) * 1e3
    for refs in families[1 : WARMUP + 1]:
        genotype_distribution(family, "MP", loci=loci, family=refs)
    wall, cpu, tables = [], [], []
    for refs in families[1:]:
        t0, c0 = time.perf_counter(), time.process_time()
        dist = genotype_distribution(family, "MP", loci=loci, family=refs)
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
        t0 = time.perf_counter()
        dist.log_lr_tables()
        tables.append((time.perf_counter() - t0) * 1e3)
        total = sum(sum(m.genotype_probabilities().values()) for m in dist.markers)
        assert abs(total - len(loci)) < 1e-9
    return first, statistics.median(wall), statistics.median(cpu), statistics.median(tables)


def batch(rng: np.random.Generator) -> float:
    """Wall milliseconds per family of ``marker_distributions`` over BATCH families (equal mutation)."""
    table = FrequencyTable.builtin("norwegian").normalised()
    loci = table.loci(table.names[:23], mutation=SexMutation.same(MutationModel.make("equal", rate=0.002)))
    family = Pedigree.from_records(MEMBERS)
    jobs = [(family, "MP", simulate_profiles(family, loci, rng, typed=TYPED)) for _ in range(BATCH)]
    marker_distributions(jobs[:50], loci=loci)
    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        dists = marker_distributions(jobs, loci=loci)
        best = min(best, time.perf_counter() - t0)
    assert len(dists) == BATCH
    return best / BATCH * 1e3


def main() -> None:
    rng = np.random.default_rng(20260502)
    results = {
        "no_mutation": run(None, rng),
        "equal_mutation": run(SexMutation.same(MutationModel.make("equal", rate=0.002)), rng),
    }
    per_family = batch(rng)
    print(f"{REPS} families per setting")
    print(f"load_average_1min={os.getloadavg()[0]:.2f}")
    print(f"cpu_count={os.cpu_count()}")
    for label, (first, wall, cpu, tables) in results.items():
        print(f"genotype_distribution_{label}_first_call_ms={first:.3f}")
        print(f"genotype_distribution_{label}_median_ms={wall:.3f}")
        print(f"genotype_distribution_{label}_cpu_median_ms={cpu:.3f}")
        print(f"log_lr_tables_{label}_median_ms={tables:.3f}")
    median = max(wall for _f, wall, _c, _t in results.values())
    cpu = max(c for _f, _w, c, _t in results.values())
    print(f"batch_ms_per_family={per_family:.3f}")
    print(f"genotype_distribution_median_ms={median:.3f}")
    print(f"genotype_distribution_cpu_median_ms={cpu:.3f}")
    print(f"tables_100k_families_minutes={per_family * 100_000 / 60_000:.2f}")


if __name__ == "__main__":
    main()
