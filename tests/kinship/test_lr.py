"""Likelihood ratios: closed forms, impossible data, product of per-marker LRs, bad input."""

from __future__ import annotations

import math

import pytest

from homecoming.errors import HypothesisError, MarkerError
from homecoming.kinship import Hypothesis, Locus, Pedigree, Profile, kinship_lr, missing_person_lr

P = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4}


def pair_lr(
    related: Pedigree,
    locus: Locus,
    g1: str,
    g2: str,
    ids: tuple[str, str] = ("R1", "R2"),
    sexes: tuple[str, str] = ("male", "male"),
) -> float:
    profiles = [
        Profile.from_mapping(ids[0], {locus.name: g1}),
        Profile.from_mapping(ids[1], {locus.name: g2}),
    ]
    unrelated = Pedigree.from_records([{"id": ids[0], "sex": sexes[0]}, {"id": ids[1], "sex": sexes[1]}])
    h1 = Hypothesis.make("H1", related, samples=ids)
    h2 = Hypothesis.make("H2", unrelated, samples=ids)
    return kinship_lr([h1, h2], profiles=profiles, loci=[locus]).lr


def sibs() -> Pedigree:
    return Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("R1", "FA", "MO", "male"),
            ("R2", "FA", "MO", "male"),
        ]
    )


def test_parent_child_duo_closed_form(abc: Locus) -> None:
    duo = Pedigree.from_records(
        [("R1", None, None, "male"), ("MO", None, None, "female"), ("R2", "R1", "MO", "male")]
    )
    # child ab, parent ac -> 1 / (4 p_a)
    assert pair_lr(duo, abc, "a/c", "a/b") == pytest.approx(1 / (4 * P["a"]), rel=1e-13)


def test_full_sibs_sharing_nothing_is_one_quarter(abc: Locus) -> None:
    assert pair_lr(sibs(), abc, "a/b", "c/d") == pytest.approx(0.25, rel=1e-13)


def test_paternity_index_one_over_two_p(abc: Locus) -> None:
    ped = Pedigree.from_records(
        [("AF", None, None, "male"), ("MO", None, None, "female"), ("CH", "AF", "MO", "male")]
    )
    unrel = Pedigree.from_records(
        [
            ("AF", None, None, "male"),
            ("F2", None, None, "male"),
            ("MO", None, None, "female"),
            ("CH", "F2", "MO", "male"),
        ]
    )
    profiles = [
        Profile.from_mapping("AF", {"M1": "c/d"}),
        Profile.from_mapping("MO", {"M1": "a/b"}),
        Profile.from_mapping("CH", {"M1": "a/c"}),
    ]
    ids = ("AF", "MO", "CH")
    res = kinship_lr(
        [Hypothesis.make("H1", ped, samples=ids), Hypothesis.make("H2", unrel, samples=ids)],
        profiles=profiles,
        loci=[abc],
    )
    assert res.lr == pytest.approx(1 / (2 * P["c"]), rel=1e-13)


def test_direct_match_is_one_over_genotype_probability(abc: Locus) -> None:
    same = Pedigree.singleton("X", sex="male")
    two = Pedigree.from_records([("A", None, None, "male"), ("B", None, None, "male")])
    profiles = [Profile.from_mapping("A", {"M1": "a/b"}), Profile.from_mapping("B", {"M1": "a/b"})]
    h1 = Hypothesis.make("H1", same, placements=[("X", "A"), ("X", "B")])
    h2 = Hypothesis.make("H2", two, samples=("A", "B"))
    assert kinship_lr([h1, h2], profiles=profiles, loci=[abc]).lr == pytest.approx(
        1 / (2 * P["a"] * P["b"]), rel=1e-13
    )
    mismatch = [profiles[0], Profile.from_mapping("B", {"M1": "a/c"})]
    assert kinship_lr([h1, h2], profiles=mismatch, loci=[abc]).lr == 0.0


def test_impossible_data_inf_and_nan(abc: Locus) -> None:
    duo = Pedigree.from_records(
        [("R1", None, None, "male"), ("MO", None, None, "female"), ("R2", "R1", "MO", "male")]
    )
    unrelated = Pedigree.from_records([("R1", None, None, "male"), ("R2", None, None, "male")])
    profiles = [Profile.from_mapping("R1", {"M1": "a/a"}), Profile.from_mapping("R2", {"M1": "b/b"})]
    h_duo = Hypothesis.make("duo", duo, samples=("R1", "R2"))
    h_unr = Hypothesis.make("unrelated", unrelated, samples=("R1", "R2"))
    # x/0 = inf
    assert kinship_lr([h_unr, h_duo], profiles=profiles, loci=[abc]).lr == math.inf
    # 0/x = 0
    zero = kinship_lr([h_duo, h_unr], profiles=profiles, loci=[abc])
    assert zero.lr == 0.0 and zero.n_markers_lr_zero == 1 and zero.log_lr == -math.inf
    # 0/0 = NaN
    h_duo2 = Hypothesis.make("duo2", duo, samples=("R1", "R2"))
    nan = kinship_lr([h_duo, h_duo2], profiles=profiles, loci=[abc])
    assert math.isnan(nan.lr) and math.isnan(nan.lrs[0])


def test_product_of_marker_lrs_is_total(abc: Locus) -> None:
    other = Locus("M2", ("x", "y", "z"), (0.5, 0.3, 0.2))
    profiles = [
        Profile.from_mapping("R1", {"M1": "a/b", "M2": "x/y"}),
        Profile.from_mapping("R2", {"M1": "b/c", "M2": "y/y"}),
    ]
    unrelated = Pedigree.from_records([("R1", None, None, "male"), ("R2", None, None, "male")])
    res = kinship_lr(
        [
            Hypothesis.make("H1", sibs(), samples=("R1", "R2")),
            Hypothesis.make("H2", unrelated, samples=("R1", "R2")),
        ],
        profiles=profiles,
        loci=[abc, other],
    )
    assert math.prod(res.lrs) == pytest.approx(res.lr, rel=1e-14)
    assert res.log10_lr == pytest.approx(math.log10(res.lr), rel=1e-14)
    assert set(res.logliks) == {"H1", "H2"}
    assert res.provenance.software == "homecoming.kinship.kinship_lr"


def test_missing_person_lr_matches_hypotheses(abc: Locus) -> None:
    family = Pedigree.from_records(
        [("FA", None, None, "male"), ("MO", None, None, "female"), ("MP", "FA", "MO", "male")]
    )
    mo = Profile.from_mapping("MO", {"M1": "a/c"})
    poi = Profile.from_mapping("POI", {"M1": "a/b"})
    res = missing_person_lr(family, "MP", poi, family=[mo], loci=[abc])
    assert res.lr == pytest.approx(1 / (4 * P["a"]), rel=1e-13)


def test_unknown_allele_error_names_sample_marker_allele(abc: Locus) -> None:
    with pytest.raises(MarkerError) as err:
        pair_lr(sibs(), abc, "a/q", "c/d")
    text = str(err.value)
    assert "q" in text and "R1" in text and "M1" in text


def test_unknown_allele_minimum_frequency_is_reported(abc: Locus) -> None:
    profiles = [Profile.from_mapping("R1", {"M1": "a/q"}), Profile.from_mapping("R2", {"M1": "q/q"})]
    unrelated = Pedigree.from_records([("R1", None, None, "male"), ("R2", None, None, "male")])
    res = kinship_lr(
        [
            Hypothesis.make("H1", sibs(), samples=("R1", "R2")),
            Hypothesis.make("H2", unrelated, samples=("R1", "R2")),
        ],
        profiles=profiles,
        loci=[abc],
        unknown_alleles="minimum",
        database_size=500,
    )
    assert any("5/2N" in n and "q" in n for n in res.notes)
    assert res.lr > 0


def test_hypotheses_must_place_the_same_samples(abc: Locus) -> None:
    profiles = [Profile.from_mapping("R1", {"M1": "a/b"}), Profile.from_mapping("R2", {"M1": "a/b"})]
    with pytest.raises(HypothesisError, match="R2"):
        kinship_lr(
            [
                Hypothesis.make("H1", sibs(), samples=("R1", "R2")),
                Hypothesis.make("H2", sibs(), samples=("R1",)),
            ],
            profiles=profiles,
            loci=[abc],
        )
