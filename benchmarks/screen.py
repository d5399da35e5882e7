"""Benchmark: screen every body against every family (seeded, synthetic).

Run: .venv/bin/python benchmarks/screen.py --size S|M|L [--real N]
Prints figures last as name=value lines (seconds unless named otherwise), with the machine's 1-minute
load average before and after the screen: on a shared machine wall time is inflated, the screen's CPU
seconds (all threads) are not, and half of them estimates an idle 2-core machine.

* S: 300 real families x 200 bodies (CI-speed sanity; everything built for real).
* M: one batch of 1,000 bodies x 100,000 families, tables already built; the time covers the kernel
  and the float64 rescoring of the top 10 per body (per-family lists off: ``top_bodies=0``).
* L: 10,000 bodies x 100,000 families x 21 markers; kernel + rescoring of the top 10 per body and
  the top 10 bodies per family; peak RSS.
For M and L the 100,000 family tables are SYNTHESISED: ``--real`` real families are built with
``family_tables`` in one process per core (per-family build time reported and extrapolated to 100,000),
then tiled to 100,000
rows, each tiled row perturbed by a uniform offset in [-0.05, 0.05] per genotype column
(float32 and float64 tables perturbed identically; impossible entries stay impossible).
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

from homecoming.kinship import FrequencyTable, MutationModel, SexMutation
from homecoming.kinship.populations import simulate_population
from homecoming.kinship.screen import ScreenTables, family_tables, screen

SIZES = {"S": (300, 200, 300), "M": (100_000, 1_000, 1_000), "L": (100_000, 10_000, 1_000)}


def tile(tables: ScreenTables, n: int, rng: np.random.Generator) -> ScreenTables:
    """``n`` rows from the real tables, tiled and perturbed in chunks (bounded temporaries)."""
    real = len(tables.family_ids)
    cols = tables.n_columns
    log32 = np.empty((n, cols), dtype=np.float32)
    log64 = np.empty((n, cols), dtype=np.float64)
    ok = None if tables.consistent is None else np.empty((n, cols), dtype=np.uint8)
    for lo in range(0, n, 5_000):
        hi = min(n, lo + 5_000)
        src = np.arange(lo, hi) % real
        noise = rng.uniform(-0.05, 0.05, size=(hi - lo, cols))
        noise[:, -1] = 0.0  # the skip column stays 0
        noise[np.arange(lo, hi) < real] = 0.0  # the first copy of each row is the real table
        log64[lo:hi] = tables.log_lr64[src] + noise
        log32[lo:hi] = log64[lo:hi]
        if ok is not None and tables.consistent is not None:
            ok[lo:hi] = tables.consistent[src]
    ids = tuple(f"F{k + 1:06d}" for k in range(n))
    return ScreenTables(ids, tables.loci, tables.offsets, log32, log64, ok, tables.theta, tables.provenance)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=list(SIZES), default="S")
    parser.add_argument("--real", type=int, default=None, help="real families to build (M, L)")
    args = parser.parse_args()
    n_fam, n_bodies, n_real = SIZES[args.size]
    n_real = args.real or n_real
    rng = np.random.default_rng(20260503)
    freq = FrequencyTable.builtin("norwegian").normalised()
    loci = freq.loci(freq.names[:21], mutation=SexMutation.same(MutationModel.make("equal", rate=0.002)))
    pop = simulate_population(
        loci,
        rng,
        n_families=min(n_real, n_fam),
        n_bodies=n_bodies,
        n_planted=min(n_real, n_bodies) // 2,
        untyped=0.02,
        one_allele=0.02,
    )
    t0, c0 = time.perf_counter(), time.process_time()
    real = family_tables(pop.families, loci=loci, bodies=pop.bodies, workers=os.cpu_count() or 1)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    per_family_ms = build / len(pop.families) * 1e3
    per_family_cpu_ms = build_cpu / len(pop.families) * 1e3
    tables = real if n_fam == len(real.family_ids) else tile(real, n_fam, rng)
    screen(tables.select(range(min(100, n_fam))), pop.bodies[:10], top=10, threshold=1e4)  # compile
    load_before = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    res = screen(tables, pop.bodies, top=10, top_bodies=0 if args.size == "M" else 10, threshold=1e4)
    took, took_cpu = time.perf_counter() - t0, time.process_time() - c0
    n_real = len(real.family_ids)  # a tiled copy k is real family k % n_real
    hits = sum(
        1
        for b, f in pop.truth.items()
        if (c := res.for_body(b)) and (int(c[0].family[1:]) - 1) % n_real == int(f[1:]) - 1
    )
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"size={args.size}")
    print(f"families={n_fam}")
    print(f"real_families={len(pop.families)}")
    print(f"synthesised_families={n_fam - len(real.family_ids) if n_fam > len(real.family_ids) else 0}")
    print(f"bodies={n_bodies}")
    print(f"markers={len(loci)}")
    print(f"table_columns={tables.n_columns}")
    print(f"family_table_build_ms_per_family={per_family_ms:.2f}")
    print(f"family_table_build_cpu_ms_per_family={per_family_cpu_ms:.2f}")
    print(f"family_tables_100k_extrapolated_s={per_family_ms * 100:.0f}")
    print(f"family_tables_100k_extrapolated_cpu_s={per_family_cpu_ms * 100:.0f}")
    print(f"screen_s={took:.3f}")
    print(f"screen_cpu_s={took_cpu:.3f}")
    print(f"screen_s_on_idle_2_cores_estimate={took_cpu / 2:.3f}")
    print(f"load_average_1m_before_after={load_before:.2f}/{os.getloadavg()[0]:.2f}")
    print(f"cpus={os.cpu_count()}")
    print(f"pairs_per_s={n_fam * n_bodies / took:.3e}")
    print(f"planted_top1_true_family_or_its_copy={hits}/{len(pop.truth)}")
    print(f"above_threshold={res.n_above_threshold}")
    print(f"peak_rss_gb={peak_gb:.2f}")


if __name__ == "__main__":
    main()
