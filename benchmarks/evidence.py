"""Benchmark: non-DNA evidence for many (body, person) pairs — three factors and the posterior each.

Run:  .venv/bin/python benchmarks/evidence.py [--pairs 20000] [--seed 7]

Seeded synthetic pairs: sexes (5% unknown), examination age ranges of 5 to 15 years (10% a point
estimate), birth dates a third each full, year-month and year only (5% missing), dates of death and of
last sighting in 2022-2025, places within the front-line oblasts (10% missing). Each pair gets
``sex_factor``, ``age_factor``, ``place_date_factor`` and ``posterior`` (DNA LR drawn from 1e-6..1e12,
N = 10,000). Figures last: ``evidence_pairs``, ``evidence_us_per_pair`` (median of 3 runs),
``evidence_year_only_birth_us``, ``evidence_partial_death_us`` (one year-only birth and death pair).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from homecoming.domain.evidence import age_factor, place_date_factor, posterior, sex_factor
from homecoming.domain.partial_dates import PartialDate

START = date(2022, 2, 24)


def _pairs(n: int, seed: int) -> list[tuple[object, ...]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sexes = ("male", "female", "unknown")
        body_sex = rng.choices(sexes, (80, 15, 5))[0]
        person_sex = rng.choices(sexes, (85, 12, 3))[0]
        low = rng.randint(18, 60)
        high = low if rng.random() < 0.1 else low + rng.randint(5, 15)
        born = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
        kind = rng.random()
        birth: date | PartialDate | None = (
            None
            if kind < 0.05
            else born
            if kind < 0.37
            else PartialDate(born.year, born.month)
            if kind < 0.68
            else PartialDate(born.year)
        )
        seen_on = START + timedelta(days=rng.randint(0, 1000))
        found_on = seen_on + timedelta(days=rng.randint(-60, 500))
        seen_at = (rng.uniform(46.5, 50.0), rng.uniform(33.0, 40.0))
        found_at = (
            None if rng.random() < 0.1 else (seen_at[0] + rng.gauss(0, 0.4), seen_at[1] + rng.gauss(0, 0.6))
        )
        dna = 10 ** rng.uniform(-6, 12)
        out.append((body_sex, person_sex, low, high, birth, found_on, found_at, seen_at, seen_on, dna))
    return out


def _run(pairs: list[tuple[object, ...]]) -> float:
    began = time.perf_counter()
    for body_sex, person_sex, low, high, birth, found_on, found_at, seen_at, seen_on, dna in pairs:
        factors = (
            sex_factor(body_sex, person_sex),  # type: ignore[arg-type]
            age_factor(low, high, birth, found_on),  # type: ignore[arg-type]
            place_date_factor(found_at, found_on, seen_at, seen_on),  # type: ignore[arg-type]
        )
        posterior(dna, factors, 10_000)  # type: ignore[arg-type]
    return time.perf_counter() - began


def _one(call: object, repeat: int = 200) -> float:
    began = time.perf_counter()
    for _ in range(repeat):
        call()  # type: ignore[operator]
    return (time.perf_counter() - began) / repeat * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pairs = _pairs(args.pairs, args.seed)
    seconds = statistics.median(_run(pairs) for _ in range(3))
    year_only = _one(lambda: age_factor(30, 40, PartialDate(1985), date(2023, 6, 1)))
    both_partial = _one(lambda: age_factor(30, 40, PartialDate(1985), PartialDate(2023)))
    print(f"evidence_pairs={len(pairs)}")
    print(f"evidence_us_per_pair={seconds / len(pairs) * 1e6:.1f}")
    print(f"evidence_year_only_birth_us={year_only:.1f}")
    print(f"evidence_partial_death_us={both_partial:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
