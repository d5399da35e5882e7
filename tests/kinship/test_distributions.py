"""The missing person's genotype distribution and table-based LRs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from homecoming.kinship import (
    Locus,
    MutationModel,
    Pedigree,
    Profile,
    SexMutation,
    genotype_distribution,
    missing_person_lr,
)


def family() -> Pedigree:
    return Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("MP", "FA", "MO", "male"),
            ("SIB", "FA", "MO", "female"),
        ]
    )


def test_distribution_given_both_parents_is_mendelian(abc: Locus) -> None:
    fam = [Profile.from_mapping("FA", {"M1": "a/b"}), Profile.from_mapping("MO", {"M1": "c/d"})]
    dist = genotype_distribution(family(), "MP", loci=[abc], family=fam)
    probs = dist.markers[0].genotype_probabilities()
    for g in [("a", "c"), ("a", "d"), ("b", "c"), ("b", "d")]:
        assert probs[g] == pytest.approx(0.25, rel=1e-14)
    assert sum(probs.values()) == pytest.approx(1.0, rel=1e-14)


def test_table_lr_equals_missing_person_lr_with_mutation() -> None:
    mut = SexMutation(
        female=MutationModel.make("stepwise", rate=0.003, rate2=1e-5, range=0.5),
        male=MutationModel.make("equal", rate=0.005),
    )
    locus = Locus("S1", ("8", "9", "9.3", "10", "11"), (0.1, 0.2, 0.3, 0.25, 0.15), mutation=mut)
    fam = [Profile.from_mapping("MO", {"S1": "9/9.3"}), Profile.from_mapping("SIB", {"S1": "9.3/11"})]
    dist = genotype_distribution(family(), "MP", loci=[locus], family=fam)
    for g in ("8/10", "9.3/9.3", "10/11", "9/11"):
        poi = Profile.from_mapping("POI", {"S1": g})
        direct = missing_person_lr(family(), "MP", poi, family=fam, loci=[locus]).lr
        assert dist.lrs(poi)[0] == pytest.approx(direct, rel=1e-12)
        assert dist.batch_log_lr([poi])[0] == pytest.approx(math.log(direct), rel=1e-12)


def test_log_lr_table_is_symmetric_and_minus_inf_where_excluded(abc: Locus) -> None:
    fam = [Profile.from_mapping("FA", {"M1": "a/a"}), Profile.from_mapping("MO", {"M1": "a/a"})]
    table = genotype_distribution(family(), "MP", loci=[abc], family=fam).markers[0].log_lr_table()
    assert np.array_equal(table, table.T)
    assert table[0, 0] == pytest.approx(-2 * math.log(0.1), rel=1e-14)
    assert table[1, 2] == -math.inf


def test_theta_table_lr_equals_missing_person_lr(abc: Locus) -> None:
    fam = [Profile.from_mapping("MO", {"M1": "a/b"})]
    dist = genotype_distribution(family(), "MP", loci=[abc], family=fam, theta=0.02)
    poi = Profile.from_mapping("POI", {"M1": "a/c"})
    direct = missing_person_lr(family(), "MP", poi, family=fam, loci=[abc], theta=0.02).lr
    assert dist.lrs(poi)[0] == pytest.approx(direct, rel=1e-12)
