"""Pedigree likelihoods against closed forms worked by hand."""

from __future__ import annotations

import math

import pytest

from homecoming.kinship import Locus, MutationModel, Pedigree, Profile, SexMutation, loglik, marker_logliks

P = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4}


def lik(ped: Pedigree, locus: Locus, placements: dict[str, object], **kw: object) -> float:
    profiles = {node: Profile.from_mapping(node, {locus.name: g}) for node, g in placements.items()}
    return math.exp(loglik(ped, [locus], profiles, **kw))  # type: ignore[arg-type]


def test_hardy_weinberg_homozygote_and_heterozygote(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    assert lik(one, abc, {"X": "a/a"}) == pytest.approx(P["a"] ** 2, rel=1e-14)
    assert lik(one, abc, {"X": "a/b"}) == pytest.approx(2 * P["a"] * P["b"], rel=1e-14)


def test_untyped_pedigree_has_likelihood_one(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    assert lik(trio, abc, {}) == 1.0


def test_parent_child_duo(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    # father ac, child ab: 2 p_a p_c * (1/2) * p_b
    got = lik(trio, abc, {"FA": "a/c", "CH": "a/b"})
    assert got == pytest.approx(2 * P["a"] * P["c"] * 0.5 * P["b"], rel=1e-14)


def test_partial_genotype_is_any_second_allele(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    assert lik(one, abc, {"X": ["a", None]}) == pytest.approx(1 - (1 - P["a"]) ** 2, rel=1e-14)


def test_first_cousin_child_homozygote_uses_inbreeding_coefficient(abc: Locus) -> None:
    ped = Pedigree.from_records(
        [
            ("GF", None, None, "male"),
            ("GM", None, None, "female"),
            ("S1", "GF", "GM", "male"),
            ("S2", "GF", "GM", "female"),
            ("W1", None, None, "female"),
            ("H2", None, None, "male"),
            ("C1", "S1", "W1", "male"),
            ("C2", "H2", "S2", "female"),
            ("X", "C1", "C2", "male"),
        ]
    )
    f = 1 / 16
    p = P["a"]
    assert lik(ped, abc, {"X": "a/a"}) == pytest.approx(f * p + (1 - f) * p * p, rel=1e-13)
    assert lik(ped, abc, {"X": "a/b"}) == pytest.approx((1 - f) * 2 * p * P["b"], rel=1e-13)


def test_equal_mutation_explains_an_exclusion(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    rate = 0.01
    mut = SexMutation.same(MutationModel.make("equal", rate=rate))
    locus = Locus("M1", abc.alleles, abc.frequencies, mutation=mut)
    got = lik(trio, locus, {"FA": "a/a", "CH": "b/b"})
    # the untyped mother's transmitted allele also passes through her mutation matrix
    from_mother = P["b"] * (1 - rate) + (1 - P["b"]) * rate / 3
    assert got == pytest.approx(P["a"] ** 2 * rate / 3 * from_mother, rel=1e-13)
    assert lik(trio, abc, {"FA": "a/a", "CH": "b/b"}) == 0.0


def test_x_marker_father_daughter_and_male_hemizygous() -> None:
    locus = Locus("X1", ("a", "b"), (0.3, 0.7), chromosome="X")
    ped = Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("D", "FA", "MO", "female"),
            ("S", "FA", "MO", "male"),
        ]
    )
    assert lik(ped, locus, {"FA": "a/a"}) == pytest.approx(0.3, rel=1e-14)
    assert lik(ped, locus, {"FA": "a/a", "D": "a/b"}) == pytest.approx(0.3 * 0.7, rel=1e-14)
    assert lik(ped, locus, {"FA": "a/a", "D": "b/b"}) == 0.0
    # sons get nothing from the father
    assert lik(ped, locus, {"FA": "a/a", "S": "b/b"}) == pytest.approx(0.3 * 0.7, rel=1e-14)


def test_theta_singleton_balding_nichols(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    t = 0.03
    assert lik(one, abc, {"X": "a/a"}, theta=t) == pytest.approx(P["a"] * (t + (1 - t) * P["a"]), rel=1e-14)
    assert lik(one, abc, {"X": "a/b"}, theta=t) == pytest.approx(2 * (1 - t) * P["a"] * P["b"], rel=1e-14)


def test_theta_zero_equals_plain(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    ped = trio
    placements = {"FA": "a/b", "MO": "c/d", "CH": "a/c"}
    assert lik(ped, abc, placements, theta=0.0) == pytest.approx(lik(ped, abc, placements), rel=0)


def test_theta_two_founders_drawn_jointly(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    # unrelated pair as founders of an untyped child: 4 alleles a,a,a,a drawn sequentially
    t = 0.05
    ped = trio
    got = lik(ped, abc, {"FA": "a/a", "MO": "a/a"}, theta=t)
    p = P["a"]
    want = math.prod(j * t + (1 - t) * p for j in range(4)) / math.prod(1 + (j - 2) * t for j in range(1, 5))
    assert got == pytest.approx(want, rel=1e-13)


def test_dropout_zero_equals_plain_and_dropout_formula(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    p = P["a"]
    for d in (0.0, 0.2):
        profile = Profile.from_mapping("X", {"M1": "a/a"}, dropout=d)
        got = math.exp(loglik(one, [abc], {"X": profile}))
        assert got == pytest.approx(p * p * (1 - d * d) + 2 * p * (1 - p) * d * (1 - d), rel=1e-14)
    plain = lik(trio, abc, {"FA": "a/b", "CH": "b/c"})
    zero = math.exp(
        loglik(
            trio,
            [abc],
            {
                "FA": Profile.from_mapping("FA", {"M1": "a/b"}, dropout=0.0),
                "CH": Profile.from_mapping("CH", {"M1": "b/c"}, dropout=0.0),
            },
        )
    )
    assert zero == plain


def test_silent_allele_homozygous_call(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    s = 0.05
    locus = Locus("M1", abc.alleles, abc.frequencies, silent_frequency=s)
    pa = P["a"] * (1 - s)
    assert lik(one, locus, {"X": "a/a"}) == pytest.approx(pa * pa + 2 * pa * s, rel=1e-14)


def test_untyped_markers_give_zero_loglik(abc: Locus, trio: Pedigree, one: Pedigree) -> None:
    other = Locus("M2", ("x", "y"), (0.5, 0.5))
    values = marker_logliks(trio, [abc, other], {"FA": Profile.from_mapping("FA", {"M1": "a/b"})})
    assert values[1] == 0.0
    assert values[0] == pytest.approx(math.log(2 * P["a"] * P["b"]), rel=1e-14)
