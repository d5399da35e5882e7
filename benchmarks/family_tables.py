"""Benchmark: building the screening tables of many distinct families (seeded, synthetic).

Run: .venv/bin/python benchmarks/family_tables.py [--families N] [--workers W]
Simulates N distinct reference families (the five kinds in turn, 21 Norwegian markers, equal mutation
model; simulated in W processes, seeded per block) and times ``family_tables`` on them with W worker
processes (default: one per core), as ``homecoming screen`` runs it. Prints figures last as
``name=value`` lines: the build time per family and the 100,000-family time extrapolated from it (the
build is linear in the number of families; process start-up is included once, so a larger N gives a
slightly lower figure), and the CPU seconds of this process and of the worker processes (on a shared
machine the CPU time is the steadier figure). Target (issue 12): 100,000 families in <= 2 minutes on
this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from homecoming.kinship import FrequencyTable, Locus, MutationModel, SexMutation
from homecoming.kinship.populations import FAMILY_KINDS, simulate_family
from homecoming.kinship.screen import ReferenceFamily, family_tables

BLOCK = 1000


def _loci() -> list[Locus]:
    freq = FrequencyTable.builtin("norwegian").normalised()
    return freq.loci(freq.names[:21], mutation=SexMutation.same(MutationModel.make("equal", rate=0.002)))


def _simulate(first: int, count: int) -> list[ReferenceFamily]:
    loci = _loci()
    rng = np.random.default_rng([20261122, first])
    return [
        simulate_family(f"F{k + 1:06d}", FAMILY_KINDS[k % len(FAMILY_KINDS)], loci, rng)[0]
        for k in range(first, first + count)
    ]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    n, workers = args.families, args.workers
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = pool.map(_simulate, range(0, n, BLOCK), [min(BLOCK, n - k) for k in range(0, n, BLOCK)])
        families = [f for part in parts for f in part]
    simulated = time.perf_counter() - t0
    loci = _loci()
    load = os.getloadavg()[0]
    t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
    tables = family_tables(families, loci=loci, workers=workers)
    took, took_cpu = time.perf_counter() - t0, time.process_time() - c0
    children_cpu = _children_cpu() - k0  # the worker processes, reaped when the build ends
    assert tables.log_lr64.shape[0] == n
    per_family = took / n * 1e3
    print(f"families={n}")
    print(f"markers={len(loci)}")
    print(f"workers={workers}")
    print(f"simulation_s={simulated:.1f}")
    print(f"load_average_1m_before_after={load:.2f}/{os.getloadavg()[0]:.2f}")
    print(f"cpus={os.cpu_count()}")
    print(f"build_s={took:.2f}")
    print(f"build_parent_cpu_s={took_cpu:.2f}")
    print(f"build_workers_cpu_s={children_cpu:.2f}")
    print(f"build_cpu_ms_per_family={(took_cpu + children_cpu) / n * 1e3:.3f}")
    print(f"build_ms_per_family={per_family:.3f}")
    print(f"family_tables_100k_minutes={per_family * 100_000 / 60_000:.2f}")


if __name__ == "__main__":
    main()
