"""Simulation and informativeness (seeded)."""

from __future__ import annotations

import numpy as np
import pytest

from homecoming.kinship import Locus, Pedigree, Profile
from homecoming.kinship.simulate import informativeness, next_relative, simulate_profiles


def ped() -> Pedigree:
    return Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("MP", "FA", "MO", "male"),
            ("SIB", "FA", "MO", "female"),
        ]
    )


def test_simulated_children_carry_parental_alleles(abc: Locus) -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        profs = simulate_profiles(ped(), [abc], rng)
        child = set(profs["SIB"].genotypes["M1"].alleles)  # type: ignore[union-attr]
        fa = set(profs["FA"].genotypes["M1"].alleles)  # type: ignore[union-attr]
        mo = set(profs["MO"].genotypes["M1"].alleles)  # type: ignore[union-attr]
        assert child & fa and child & mo


def test_simulation_is_reproducible(abc: Locus) -> None:
    a = simulate_profiles(ped(), [abc], np.random.default_rng(3))
    b = simulate_profiles(ped(), [abc], np.random.default_rng(3))
    assert a == b


def test_exclusion_power_of_parents_exact(abc: Locus) -> None:
    fam = [Profile.from_mapping("FA", {"M1": "a/b"}), Profile.from_mapping("MO", {"M1": "c/d"})]
    info = informativeness(ped(), "MP", loci=[abc], family=fam, rng=np.random.default_rng(1), n_sims=500)
    p = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4}
    not_excluded = sum(2 * p[x] * p[y] for x in "ab" for y in "cd")
    assert info.exclusion_power == pytest.approx(1 - not_excluded, rel=1e-13)
    assert info.log10_lr_true.shape == (500,)
    assert np.all(np.isfinite(info.log10_lr_true))
    assert info.prob_true_above(0.0) > 0.5


def test_next_relative_prefers_a_parent(abc: Locus) -> None:
    fam = [Profile.from_mapping("SIB", {"M1": "a/b"})]
    ranking = next_relative(ped(), "MP", loci=[abc], family=fam, rng=np.random.default_rng(2), n_sims=5)
    assert {r[0] for r in ranking} == {"FA", "MO"}
    assert all(r[1] > 0 for r in ranking)
