"""Direct matches (dvir::directMatch semantics) and re-association of samples."""

from __future__ import annotations

import json

import numpy as np
import pytest

from homecoming.kinship import Locus, Pedigree, Profile
from homecoming.kinship.dvi.direct import direct_match, reassociate
from homecoming.kinship.formats.case import read_case
from homecoming.kinship.simulate import simulate_profiles
from shared_data import KINSHIP_CASES

KIN001 = KINSHIP_CASES / "kin-001-direct-match-true.json"


@pytest.fixture
def loci() -> list[Locus]:
    return [Locus("A", ("1", "2", "3"), (0.2, 0.3, 0.5)), Locus("B", ("x", "y"), (0.4, 0.6))]


def test_by_hand(loci: list[Locus]) -> None:
    a = Profile.from_mapping("a", {"A": "1/2", "B": "x/x"})
    b = Profile.from_mapping("b", {"A": "2/1", "B": None})
    m = direct_match(a, b, loci=loci)
    assert m.lrs == pytest.approx((1 / (2 * 0.2 * 0.3), 1.0))
    assert m.shared == 1
    c = Profile.from_mapping("c", {"A": "1/3", "B": "x/x"})
    assert direct_match(a, c, loci=loci).lrs == pytest.approx((0.0, 1 / 0.16))
    assert direct_match(a, c, loci=loci).lr == 0.0


def test_shared_reference_case_kin001() -> None:
    case = read_case(KIN001)
    want = json.loads(KIN001.read_text())["expected"]
    samples = sorted(case.profiles)
    m = direct_match(case.profiles[samples[0]], case.profiles[samples[1]], loci=case.loci)
    for got, row in zip(m.lrs, want["per_marker"], strict=True):
        assert got == pytest.approx(row["lr"], rel=1e-9)
    assert m.lr == pytest.approx(want["lr_total"], rel=1e-9)


def test_reassociation_groups_transitively(loci: list[Locus]) -> None:
    rng = np.random.default_rng(3)
    many = [Locus(f"L{k}", ("1", "2", "3", "4"), (0.1, 0.2, 0.3, 0.4)) for k in range(12)]
    people = [simulate_profiles(Pedigree.singleton(f"P{k}"), many, rng)[f"P{k}"] for k in range(4)]
    x1 = Profile("bag1", people[0].genotypes)
    x2 = Profile("bag7", {**people[0].genotypes, "L0": None})  # one marker failed
    x3 = Profile("batch2/3", people[0].genotypes)
    others = [Profile(f"o{k}", p.genotypes) for k, p in enumerate(people[1:])]
    groups = reassociate([x1, *others, x2, x3], loci=many, min_shared=11)
    assert [set(g.samples) for g in groups] == [{"bag1", "bag7", "batch2/3"}]
    assert groups[0].review
    assert reassociate([x1, x2], loci=many, min_shared=12) == []  # only 11 markers shared
