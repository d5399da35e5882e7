"""Benchmark: the missing person's genotype distribution, 23 markers, 7-person family (seeded).

Run: .venv/bin/python benchmarks/genotype_distribution.py
Prints figures last as name=value lines (milliseconds).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from homecoming.kinship import FrequencyTable, MutationModel, Pedigree, SexMutation, genotype_distribution
from homecoming.kinship.simulate import simulate_profiles

MEMBERS = [("GF", None, None, "male"), ("GM", None, None, "female"), ("FA", "GF", "GM", "male"),
           ("UNCLE", "GF", "GM", "male"), ("MO", None, None, "female"), ("MP", "FA", "MO", "male"),
           ("SIB", "FA", "MO", "female")]
TYPED = ["GM", "UNCLE", "MO", "SIB"]


def run(mutation: SexMutation | None, label: str, rng: np.random.Generator) -> None:
    table = FrequencyTable.builtin("norwegian").normalised()
    loci = table.loci(table.names[:23], mutation=mutation)
    family = Pedigree.from_records(MEMBERS)
    times = []
    for _ in range(15):
        refs = simulate_profiles(family, loci, rng, typed=TYPED)
        t0 = time.perf_counter()
        dist = genotype_distribution(family, "MP", loci=loci, family=refs)
        times.append((time.perf_counter() - t0) * 1e3)
        total = sum(sum(m.genotype_probabilities().values()) for m in dist.markers)
        assert abs(total - len(loci)) < 1e-9
    print(f"genotype_distribution_{label}_median_ms={statistics.median(times[3:]):.3f}")


def main() -> None:
    rng = np.random.default_rng(20260502)
    run(None, "no_mutation", rng)
    run(SexMutation.same(MutationModel.make("equal", rate=0.002)), "equal_mutation", rng)


if __name__ == "__main__":
    main()
