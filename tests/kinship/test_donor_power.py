"""Which relative to sample next: donor_power and with_donor (seeded, exact where it can be)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from homecoming.errors import HypothesisError, PedigreeError
from homecoming.kinship import (
    FrequencyTable,
    Genotype,
    Locus,
    MutationModel,
    Pedigree,
    Profile,
    SexMutation,
    donor_power,
    genotype_distribution,
    with_donor,
)
from homecoming.kinship.engine import Job, marker_results
from homecoming.kinship.power import _Candidate, _marker_rows, _unordered
from homecoming.kinship.simulate import informativeness, simulate_profiles

EIGHT = Locus("M8", tuple("abcdefgh"), (0.05, 0.1, 0.15, 0.2, 0.1, 0.15, 0.1, 0.15))


def family_ped() -> Pedigree:
    return Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("MP", "FA", "MO", "male"),
            ("SIB", "FA", "MO", "female"),
        ]
    )


def by_relation(options: list) -> dict:  # type: ignore[type-arg]
    return {o.relation: o for o in options}


def father_closed_form(locus: Locus) -> tuple[float, float]:
    """(expected natural-log LR, expected share of unrelated persons excluded) for a father donor and
    nothing else typed: the paternity index, summed by hand over ordered genes."""
    p = dict(zip(locus.alleles, locus.freq_array, strict=True))
    als = locus.alleles
    expected = excluded = 0.0
    for f1, f2 in itertools.product(als, als):  # the father's ordered genes
        pf = p[f1] * p[f2]
        child: dict[tuple[str, str], float] = {}
        for t, mat in itertools.product((f1, f2), als):  # transmitted gene, maternal gene
            key = tuple(sorted((t, mat)))
            child[key] = child.get(key, 0.0) + 0.5 * p[mat]  # type: ignore[index]
        for (a, b), pm in child.items():
            pop = p[a] ** 2 if a == b else 2 * p[a] * p[b]
            expected += pf * pm * math.log(pm / pop)
        excluded += pf * sum(
            (p[a] ** 2 if a == b else 2 * p[a] * p[b])
            for a, b in itertools.combinations_with_replacement(als, 2)
            if not ({a, b} & {f1, f2})
        )
    return expected, excluded


def test_lone_father_matches_the_paternity_index_by_hand(abc: Locus) -> None:
    ped = Pedigree.singleton("MP", sex="male")
    got = donor_power(
        ped, "MP", loci=[abc, EIGHT], family={}, threshold=10.0, rng=np.random.default_rng(1), n_sims=400
    )
    opts = by_relation(got)
    (e1, x1), (e2, x2) = father_closed_form(abc), father_closed_form(EIGHT)
    assert opts["father"].expected_log10_lr == pytest.approx((e1 + e2) / math.log(10), rel=1e-12)
    assert opts["father"].exclusion_power == pytest.approx(1 - (1 - x1) * (1 - x2), rel=1e-12)
    assert opts["father"].added == ("+MP-father", "+MP-mother")
    assert opts["today"].expected_log10_lr == pytest.approx(0.0, abs=1e-12)
    assert opts["today"].prob_above_threshold == 0.0
    assert got[-1].relation == "today"


def test_lr_table_entry_is_one_over_four_p(abc: Locus) -> None:
    """Father a/b, child a/c, nothing else typed: LR = 1 / (4 p_a)."""
    ped, donor = with_donor(Pedigree.singleton("MP", sex="male"), "MP", "father")
    first = genotype_distribution(ped, donor, loci=[abc], family={}).markers[0]
    got = marker_results([Job(ped, {}, keep=donor)], [abc])[0]
    (pd, pm) = _marker_rows([_Candidate("father", ped, donor, ())], "MP", {}, abc, got)[0]
    i, j = np.tril_indices(4)
    g = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(j, i, strict=True))}  # (low, high) -> column
    ab, ac = g[(0, 1)], g[(0, 2)]
    pop = _unordered(abc.population_joint[None])[0]
    assert pd[ab] == pytest.approx(first.genotype_probabilities()[("a", "b")], rel=1e-12)
    assert pm[ab, ac] / pop[ac] == pytest.approx(1 / (4 * 0.1), rel=1e-12)


@pytest.mark.parametrize("mutation", [None, SexMutation.same(MutationModel.make("equal", rate=0.01))])
@pytest.mark.parametrize("relation", ["father", "paternal_cousin", "maternal_half_sibling"])
def test_expectation_equals_the_slow_path(relation: str, mutation: SexMutation | None) -> None:
    """Sum over the donor's genotypes of informativeness() with the donor typed: the same number."""
    locus = EIGHT if mutation is None else Locus("M8", EIGHT.alleles, EIGHT.frequencies, mutation=mutation)
    fam = {"SIB": Profile.from_mapping("SIB", {"M8": "a/c"})}
    got = by_relation(
        donor_power(
            family_ped(),
            "MP",
            loci=[locus],
            family=fam,
            threshold=100.0,
            rng=np.random.default_rng(3),
            options=[relation],
            n_sims=10,
        )
    )[relation]
    ped, donor = with_donor(family_ped(), "MP", relation, typed=fam)
    dist = genotype_distribution(ped, donor, loci=[locus], family=fam).markers[0]
    slow = 0.0
    for (a, b), pd in dist.genotype_probabilities().items():
        if pd == 0:
            continue
        typed = {**fam, donor: Profile(donor, {"M8": Genotype(a, b)})}
        info = informativeness(ped, "MP", loci=[locus], family=typed, rng=np.random.default_rng(0), n_sims=1)
        slow += pd * info.expected_log_lr_true
    assert got.expected_log10_lr * math.log(10) == pytest.approx(slow, rel=1e-10)


def test_lumped_path_equals_the_full_path() -> None:
    """No mutation runs on lumped alleles; a zero-rate mutation model on the full list: same figures."""
    zero = Locus(
        "M8",
        EIGHT.alleles,
        EIGHT.frequencies,
        mutation=SexMutation.same(MutationModel.make("equal", rate=0.0)),
    )
    fam = {"SIB": Profile.from_mapping("SIB", {"M8": "b/h"})}
    runs = [
        by_relation(
            donor_power(
                family_ped(), "MP", loci=[lc], family=fam, threshold=5.0, rng=np.random.default_rng(9)
            )
        )
        for lc in (EIGHT, zero)
    ]
    for name, opt in runs[0].items():
        other = runs[1][name]
        assert opt.expected_log10_lr == pytest.approx(other.expected_log10_lr, rel=1e-10, abs=1e-14)
        assert opt.exclusion_power == pytest.approx(other.exclusion_power, rel=1e-10, abs=1e-14)
        assert opt.prob_above_threshold == other.prob_above_threshold


def norwegian(n: int) -> list[Locus]:
    table = FrequencyTable.builtin("norwegian").normalised()
    return table.loci(table.names[:n])


def test_seeded_reproducible_and_simulation_agrees_with_expectation() -> None:
    loci = norwegian(8)
    fam = simulate_profiles(family_ped(), loci, np.random.default_rng(5), typed=["SIB"])
    kw = {"loci": loci, "family": fam, "threshold": 1e3, "options": ["father", "paternal_cousin"]}
    a = donor_power(family_ped(), "MP", rng=np.random.default_rng(11), n_sims=4000, **kw)  # type: ignore[arg-type]
    b = donor_power(family_ped(), "MP", rng=np.random.default_rng(11), n_sims=4000, **kw)  # type: ignore[arg-type]
    assert a == b
    for opt in a:
        assert opt.simulated_mean_log10_lr == pytest.approx(opt.expected_log10_lr, abs=0.15)


def test_ranking_parents_before_a_cousin_and_today_last() -> None:
    loci = norwegian(10)
    ped = family_ped()
    fam = simulate_profiles(ped, loci, np.random.default_rng(2), typed=["FA"])
    got = donor_power(
        ped, "MP", loci=loci, family=fam, threshold=1e4, rng=np.random.default_rng(4), n_sims=300
    )
    names = [o.relation for o in got]
    assert "father" not in names  # typed: nobody to ask
    assert names.index("mother") < names.index("maternal_cousin") < names.index("today")
    assert opts_gain(got, "paternal_cousin") == pytest.approx(0.0, abs=1e-9)  # the father says it all
    assert (
        by_relation(got)["mother"].expected_log10_lr > by_relation(got)["maternal_cousin"].expected_log10_lr
    )


def test_with_donor_places_connecting_members() -> None:
    ped = Pedigree.singleton("MP", sex="female")
    sib, donor = with_donor(ped, "MP", "full_sibling")
    assert donor == "+sibling" and sib.father[sib.index(donor)] == sib.father[sib.index("MP")] >= 0
    kid, donor = with_donor(ped, "MP", "child")
    assert kid.ids[kid.mother[kid.index(donor)]] == "MP"
    cousin, donor = with_donor(family_ped(), "MP", "maternal_cousin")
    assert [x for x in cousin.ids if x not in family_ped()] == [
        "+MO-father",
        "+MO-mother",
        "+uncle",
        "+uncle-partner",
        "+cousin",
    ]
    same, donor = with_donor(family_ped(), "MP", "father")
    assert donor == "FA" and same == family_ped()


def test_bad_input_is_named() -> None:
    ped = family_ped()
    fam = {"FA": Profile.from_mapping("FA", {"M8": "a/b"})}
    kw = {"loci": [EIGHT], "threshold": 1e4, "rng": np.random.default_rng(1)}
    with pytest.raises(HypothesisError) as err:
        donor_power(ped, "MP", family=fam, options=["nephew", "father", "spouse"], **kw)  # type: ignore[arg-type]
    assert [p.field for p in err.value.problems] == ["option nephew", "option father", "option spouse"]
    assert "unknown relation 'nephew'" in err.value.message
    with pytest.raises(HypothesisError, match="not in the pedigree"):
        donor_power(ped, "NOBODY", family=fam, **kw)  # type: ignore[arg-type]
    with pytest.raises(HypothesisError, match="threshold"):
        donor_power(ped, "MP", family=fam, loci=[EIGHT], threshold=0.0, rng=np.random.default_rng(1))
    with pytest.raises(PedigreeError):
        with_donor(ped, "NOBODY", "father")
    with pytest.raises(HypothesisError, match="unknown sex"):
        with_donor(Pedigree.singleton("MP"), "MP", "child")


def opts_gain(options: list, relation: str) -> float:  # type: ignore[type-arg]
    """Expected log10 LR gained over today."""
    opts = by_relation(options)
    return float(opts[relation].expected_log10_lr - opts["today"].expected_log10_lr)


TWELVE = Locus(
    "M12",
    tuple("abcdefghijkl"),
    (0.02, 0.05, 0.08, 0.11, 0.06, 0.09, 0.12, 0.07, 0.1, 0.13, 0.04, 0.13),
)


@pytest.mark.parametrize("model", ["equal", "proportional"])
def test_affine_lump_split_equals_the_full_allele_list(model: str) -> None:
    """Equal / proportional mutation run on two named unseen alleles + a lump; the same matrix given as a
    custom model runs on every allele: identical figures, for relatives above, beside and below."""
    plain = MutationModel.make(model, rate=0.02)
    mat = plain.matrix_for(TWELVE.alleles, TWELVE.freq_array)
    fast = Locus("M12", TWELVE.alleles, TWELVE.frequencies, mutation=SexMutation.same(plain))
    full = Locus(
        "M12",
        TWELVE.alleles,
        TWELVE.frequencies,
        mutation=SexMutation.same(MutationModel.make("custom", matrix=mat.tolist())),
    )
    ped = family_ped()
    fam = {
        "SIB": Profile.from_mapping("SIB", {"M12": "b/j"}),
        "MO": Profile.from_mapping("MO", {"M12": "j/e"}),
    }
    options = ["father", "child", "paternal_cousin", "paternal_half_sibling", "paternal_grandmother"]
    runs = [
        by_relation(
            donor_power(
                ped,
                "MP",
                loci=[lc],
                family=fam,
                threshold=20.0,
                rng=np.random.default_rng(8),
                options=options,
            )
        )
        for lc in (fast, full)
    ]
    for name, opt in runs[0].items():
        other = runs[1][name]
        assert opt.expected_log10_lr == pytest.approx(other.expected_log10_lr, rel=1e-9, abs=1e-13), name
        assert opt.prob_above_threshold == other.prob_above_threshold, name
        assert opt.simulated_mean_log10_lr == pytest.approx(other.simulated_mean_log10_lr, rel=1e-9), name


def slow_expectation(ped: Pedigree, relation: str, locus: Locus, fam: dict) -> tuple[float, float]:  # type: ignore[type-arg]
    """(donor_power's expected natural-log LR, the same from informativeness summed over the donor's
    genotypes)."""
    got = donor_power(
        ped, "MP", loci=[locus], family=fam, threshold=100.0, rng=np.random.default_rng(3), options=[relation]
    )
    fast = by_relation(got)[relation].expected_log10_lr * math.log(10)
    ext, donor = with_donor(ped, "MP", relation, typed=fam)
    dist = genotype_distribution(ext, donor, loci=[locus], family=fam).markers[0]
    slow = 0.0
    for (a, b), pd in dist.genotype_probabilities().items():
        if pd > 0:
            typed = {**fam, donor: Profile(donor, {locus.name: Genotype(a, b)})}
            info = informativeness(
                ext, "MP", loci=[locus], family=typed, rng=np.random.default_rng(0), n_sims=1
            )
            slow += pd * info.expected_log_lr_true
    return fast, slow


@pytest.mark.parametrize("rate", [0.0, 0.01])
def test_spouse_of_a_missing_father_with_a_typed_child(rate: float) -> None:
    mutation = SexMutation.same(MutationModel.make("equal", rate=rate)) if rate else None
    locus = Locus("M12", TWELVE.alleles, TWELVE.frequencies, mutation=mutation)
    ped = Pedigree.from_records(
        [("MP", None, None, "male"), ("W", None, None, "female"), ("KID", "MP", "W", "female")]
    )
    fam = {"KID": Profile.from_mapping("KID", {"M12": "c/g"})}
    fast, slow = slow_expectation(ped, "spouse", locus, fam)
    assert fast == pytest.approx(slow, rel=1e-10)
    assert fast > slow_expectation(ped, "paternal_cousin", locus, fam)[0] > 0


def test_inbred_missing_person_runs_on_every_allele() -> None:
    """Parents are half siblings: the lump splits do not hold, the full allele list is used."""
    locus = Locus(
        "M12",
        TWELVE.alleles,
        TWELVE.frequencies,
        mutation=SexMutation.same(MutationModel.make("equal", rate=0.01)),
    )
    ped = Pedigree.from_records(
        [
            ("GF", None, None, "male"),
            ("GM1", None, None, "female"),
            ("GM2", None, None, "female"),
            ("FA", "GF", "GM1", "male"),
            ("MO", "GF", "GM2", "female"),
            ("MP", "FA", "MO", "male"),
            ("SIB", "FA", "MO", "female"),
        ]
    )
    fam = {"SIB": Profile.from_mapping("SIB", {"M12": "a/k"})}
    for relation in ("father", "full_sibling"):
        fast, slow = slow_expectation(ped, relation, locus, fam)
        assert fast == pytest.approx(slow, rel=1e-10)
    plain = Locus("M12", TWELVE.alleles, TWELVE.frequencies)
    fast, slow = slow_expectation(ped, "mother", plain, fam)
    assert fast == pytest.approx(slow, rel=1e-10)
