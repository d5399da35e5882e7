"""Benchmark: 23-marker missing-person LR, family of 4 typed + 3 untyped members (seeded).

Run: .venv/bin/python benchmarks/kinship_lr.py
Prints figures last as name=value lines (milliseconds). The first call (which compiles and caches
the elimination plans of the two hypotheses) is reported apart; the medians are steady state over many
calls. ``*_cpu_*`` figures are process CPU time, which a busy shared machine inflates far less than
wall time; ``load_average_1min`` says how busy the machine was.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from homecoming.kinship import (
    FrequencyTable,
    MutationModel,
    Pedigree,
    SexMutation,
    genotype_distribution,
    missing_person_lr,
)
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
SINGLE_CALLS = 300
BATCHES = 15


def main() -> None:
    table = FrequencyTable.builtin("norwegian").normalised()
    mutation = SexMutation.same(MutationModel.make("equal", rate=0.002))
    loci = table.loci(table.names[:23], mutation=mutation)
    family = Pedigree.from_records(MEMBERS)
    rng = np.random.default_rng(20260501)
    everyone = simulate_profiles(family, loci, rng)
    refs = {k: v for k, v in everyone.items() if k in TYPED}
    pois = [simulate_profiles(Pedigree.singleton("POI", sex="male"), loci, rng)["POI"] for _ in range(999)]
    pois.append(everyone["MP"])

    t0 = time.perf_counter()
    missing_person_lr(family, "MP", pois[0], family=refs, loci=loci)
    first = (time.perf_counter() - t0) * 1e3
    single, single_cpu = [], []
    for k in range(SINGLE_CALLS):
        t0, c0 = time.perf_counter(), time.process_time()
        missing_person_lr(family, "MP", pois[k % len(pois)], family=refs, loci=loci)
        single.append((time.perf_counter() - t0) * 1e3)
        single_cpu.append((time.process_time() - c0) * 1e3)

    batch_per_poi = []
    for _ in range(BATCHES):
        t0 = time.perf_counter()
        dist = genotype_distribution(family, "MP", loci=loci, family=refs)
        values = dist.batch_log_lr(pois)
        batch_per_poi.append((time.perf_counter() - t0) * 1e3 / len(pois))
    check = missing_person_lr(family, "MP", pois[-1], family=refs, loci=loci)
    assert abs(values[-1] - check.log_lr) <= 1e-9 * abs(check.log_lr)
    print(
        f"true person log10 LR = {check.log10_lr:.3f}; {len(pois)} POIs per batch; "
        f"{SINGLE_CALLS} single calls, {BATCHES} batches"
    )
    print(f"load_average_1min={os.getloadavg()[0]:.2f}")
    print(f"cpu_count={os.cpu_count()}")
    print(f"lr_single_call_first_ms={first:.3f}")
    print(f"lr_single_call_median_ms={statistics.median(single):.3f}")
    print(f"lr_single_call_cpu_median_ms={statistics.median(single_cpu):.3f}")
    print(f"lr_batch_per_poi_median_ms={statistics.median(batch_per_poi):.4f}")


if __name__ == "__main__":
    main()
