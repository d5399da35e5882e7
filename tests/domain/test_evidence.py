"""Non-DNA evidence (homecoming.domain.evidence): mispitools' worked values, hand calculations, the
posterior's exact arithmetic, and refusals of bad input."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from fractions import Fraction

import pytest

from homecoming.domain.evidence import (
    Factor,
    Posterior,
    age_factor,
    distance_km,
    place_date_factor,
    posterior,
    sex_factor,
)
from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import InputError, ValidationError

# -- sex: mispitools lr_sex (LR = (1 - eps) / Ps[MP] on a match, eps / Ps[other] on a mismatch) -----


def test_sex_defaults_are_mispitools_defaults() -> None:
    # lr_sex(eps = 0.05, Ps = c(0.5, 0.5)): match 0.95 / 0.5, mismatch 0.05 / 0.5
    match = sex_factor("male", "male")
    assert match.lr == pytest.approx(1.9, rel=1e-15)
    assert sex_factor("female", "female").lr == pytest.approx(1.9, rel=1e-15)
    mismatch = sex_factor("female", "male")
    assert mismatch.lr == pytest.approx(0.1, rel=1e-15)
    assert match.parameters == {"error": 0.05, "male_fraction": 0.5}
    assert match.inputs == {"body_sex": "male", "person_sex": "male"}
    assert "match" in match.explanation and "1.9" in match.explanation
    assert "mismatch" in mismatch.explanation and "0.1" in mismatch.explanation


def test_sex_with_mispitools_custom_proportions() -> None:
    # lr_sex(MPs = "M", Ps = c(0.52, 0.48)): Ps = (female, male)
    assert sex_factor("male", "male", male_fraction=0.48).lr == pytest.approx(0.95 / 0.48, rel=1e-15)
    assert sex_factor("female", "male", male_fraction=0.48).lr == pytest.approx(0.05 / 0.52, rel=1e-15)


def test_sex_in_a_war_where_most_dead_are_men() -> None:
    # 95% of the pool male, error 1%: a male match says little, a female match much
    assert sex_factor("male", "male", error=0.01, male_fraction=0.95).lr == pytest.approx(0.99 / 0.95)
    assert sex_factor("female", "female", error=0.01, male_fraction=0.95).lr == pytest.approx(0.99 / 0.05)
    assert sex_factor("male", "female", error=0.01, male_fraction=0.95).lr == pytest.approx(0.01 / 0.95)


@pytest.mark.parametrize(
    ("body", "person"), [("unknown", "male"), ("female", "unknown"), ("undetermined", "male")]
)
def test_unknown_sex_is_not_assessed(body: str, person: str) -> None:
    factor = sex_factor(body, person)
    assert factor.lr is None and not factor.assessed
    assert factor.log10_lr == 0.0
    assert factor.explanation.startswith("Not assessed") and "counts as 1" in factor.explanation


def test_sex_words_are_read_loosely_but_unknown_words_are_refused() -> None:
    assert sex_factor(" Male ", "MALE").lr == pytest.approx(1.9)
    with pytest.raises(ValidationError) as caught:
        sex_factor("M", "male")
    assert caught.value.field == "body_sex" and caught.value.value == "M"
    assert "male, female or unknown" in caught.value.hint
    with pytest.raises(ValidationError) as caught:
        sex_factor("male", "")
    assert caught.value.field == "person_sex"


@pytest.mark.parametrize("error", [0, 1, -0.1, 1.5, math.nan, "0.05"])
def test_sex_error_rate_out_of_range_is_refused(error: object) -> None:
    with pytest.raises(ValidationError) as caught:
        sex_factor("male", "male", error=error)  # type: ignore[arg-type]
    assert caught.value.field == "error"


# -- age: mispitools lr_age (uniform ages 1..80: P(in window | other) = width / 80) ------------------


def test_age_defaults_reproduce_mispitools_lr_age() -> None:
    # lr_age(MPa = 40, MPr = 6, epa = 0.05): window 34..46, T1p = 12 / 80,
    # LR1 = 0.95 / 0.15 = 6.333..., LR0 = 0.05 / 0.85 = 0.0588...
    inside = age_factor(34, 46, date(1980, 6, 1), date(2020, 6, 1), whole_years=False)
    assert inside.lr == pytest.approx(0.95 / 0.15, rel=1e-15)
    outside = age_factor(34, 46, date(1990, 6, 1), date(2020, 6, 1), whole_years=False)
    assert outside.lr == pytest.approx(0.05 / 0.85, rel=1e-15)
    # the project's whole years: "34-45" means 34 years 0 days up to 45 years 364 days
    assert age_factor(34, 45, date(1980, 6, 1), date(2020, 6, 1)).lr == pytest.approx(0.95 / 0.15, rel=1e-15)
    assert inside.parameters["window"] == "34-46"
    assert inside.parameters["share_in_window"] == 0.15
    assert inside.inputs == {"age_range": "34-46", "birth": "1980-06-01", "death_or_recovery": "2020-06-01"}
    assert "inside the window" in inside.explanation and "6.333" in inside.explanation
    assert "outside the window" in outside.explanation


def test_age_whole_years_includes_the_last_year() -> None:
    # aged 45 years and 11 months: fits "34-45" in completed years, not [34, 45] as a real interval
    birth, died = date(1974, 7, 1), date(2020, 6, 1)
    assert age_factor(34, 45, birth, died).lr == pytest.approx(0.95 / 0.15)
    assert age_factor(34, 45, birth, died, whole_years=False).lr == pytest.approx(0.05 / (1 - 11 / 80))


def test_age_exact_birthday_boundaries() -> None:
    # 30 years from 1990-07-01 is 10958 days (8 leap days); 30 * 365.2425 = 10957.275, so the
    # person born 1990-07-01 is 30.0027 years old on 2020-07-01: outside [0, 30), the next day's inside
    died = date(2020, 7, 1)
    share = Fraction(30, 80)
    lr_in, lr_out = float(Fraction(95, 100) / share), float(Fraction(5, 100) / (1 - share))
    assert age_factor(0, 30, date(1990, 7, 1), died, whole_years=False).lr == pytest.approx(lr_out, rel=1e-15)
    assert age_factor(0, 30, date(1990, 7, 2), died, whole_years=False).lr == pytest.approx(lr_in, rel=1e-15)


def test_age_with_a_birth_year_only_mixes_the_two_categories() -> None:
    # born some day of 1990, died 2020-07-01, window [0, 30): births from 1990-07-02 to 1990-12-31
    # (183 of 365 days) are inside. LR = f * 0.95 / (30/80) + (1 - f) * 0.05 / (50/80), f = 183/365
    factor = age_factor(0, 30, PartialDate(1990), date(2020, 7, 1), whole_years=False)
    f = Fraction(183, 365)
    expected = f * Fraction(95, 100) / Fraction(30, 80) + (1 - f) * Fraction(5, 100) / Fraction(50, 80)
    assert factor.lr == float(expected)
    assert factor.inputs["birth"] == "1990"
    assert "50.14% of the possible" in factor.explanation


def test_age_with_a_birth_month_inside_the_window() -> None:
    factor = age_factor(25, 35, PartialDate(1990, 5), date(2022, 3, 1))
    assert factor.lr == pytest.approx(0.95 / (11 / 80))


def test_age_with_partial_death_date_counts_day_pairs() -> None:
    # born 2000-01-01; died some day of 2030: age runs from 30.0 to 30.998 years. Window [0, 30.5)
    # holds deaths up to day ceil(30.5 * 365.2425) - 1 = 11139 after birth, i.e. 2030-07-01 (day 181
    # of the year counting from 0: 2030-01-01 is 10958 days after 2000-01-01); 182 of 365 death days.
    factor = age_factor(0, 30.5, date(2000, 1, 1), PartialDate(2030), whole_years=False)
    assert date(2000, 1, 1) + timedelta(days=11139) == date(2030, 7, 1)
    share = Fraction(61, 160)  # 30.5 / 80
    f = Fraction(182, 365)
    expected = f * Fraction(95, 100) / share + (1 - f) * Fraction(5, 100) / (1 - share)
    assert factor.lr == float(expected)
    assert "of the possible birth and death dates" in factor.explanation


def test_age_counts_only_births_before_the_death() -> None:
    # born some day of 2020, died 2020-06-01: only the 153 days 2020-01-01..2020-06-01 are possible.
    # Window [0, 0.25): age at most ceil(0.25 * 365.2425) - 1 = 91 days, births 2020-03-02..06-01 (92).
    factor = age_factor(0, 0.25, PartialDate(2020), date(2020, 6, 1), whole_years=False, gamma=0, margin=0)
    f = Fraction(92, 153)
    share = Fraction(1, 320)
    expected = f * Fraction(95, 100) / share + (1 - f) * Fraction(5, 100) / (1 - share)
    assert factor.lr == float(expected)


def test_day_pair_count_matches_brute_force() -> None:
    from homecoming.domain import evidence

    rng = random.Random(12)
    for _ in range(300):
        b0, d0 = rng.randint(0, 400), rng.randint(0, 800)
        birth, death = (b0, b0 + rng.randint(0, 40)), (d0, d0 + rng.randint(0, 40))
        low = rng.randint(-100, 900)
        high = low + rng.randint(-5, 300)
        brute = sum(
            1
            for b in range(birth[0], birth[1] + 1)
            for d in range(death[0], death[1] + 1)
            if low <= d - b <= high
        )
        assert evidence._pairs_within(birth, death, low, high) == brute, (birth, death, low, high)


def test_age_point_estimate_is_widened_to_its_uncertainty() -> None:
    # "30" in completed years is [30, 31): mid 30.5, mispitools' uncertainty 0.07 * 30.5 + 1 = 3.135
    # gives [27.365, 33.635], width 6.27, share 6.27 / 80 = 0.078375
    factor = age_factor(30, 30, date(1990, 1, 1), date(2022, 6, 1))
    assert factor.parameters["share_in_window"] == pytest.approx(0.078375, rel=1e-15)
    assert factor.lr == pytest.approx(0.95 / 0.078375, rel=1e-14)
    assert "widened" in factor.explanation
    # with no widening, the window stays [30, 31): the person aged 32.4 is outside
    narrow = age_factor(30, 30, date(1990, 1, 1), date(2022, 6, 1), gamma=0, margin=0)
    assert narrow.lr == pytest.approx(0.05 / (1 - 1 / 80))


def test_age_beyond_the_population_span_extends_it() -> None:
    # aged 90 against "85-95": the 80-year span stretches to 96 years so the share stays below 1
    factor = age_factor(85, 95, date(1930, 1, 1), date(2020, 6, 1), gamma=0, margin=0)
    assert factor.parameters["share_in_window"] == pytest.approx(11 / 96)
    assert factor.lr == pytest.approx(0.95 * 96 / 11)
    # with the default uncertainty, 0.07 * 90.5 + 1 = 7.335 years either side of 90.5: [83.165, 97.835]
    widened = age_factor(85, 95, date(1930, 1, 1), date(2020, 6, 1))
    assert widened.parameters["share_in_window"] == pytest.approx(14.67 / 97.835, rel=1e-14)


@pytest.mark.parametrize(
    ("low", "high", "birth", "died", "missing"),
    [
        (None, 40, date(1980, 1, 1), date(2020, 1, 1), "the examination's age range"),
        (30, None, date(1980, 1, 1), date(2020, 1, 1), "the examination's age range"),
        (30, 40, None, date(2020, 1, 1), "the person's birth date"),
        (30, 40, date(1980, 1, 1), None, "the date of death or recovery"),
    ],
)
def test_age_with_missing_data_is_not_assessed(
    low: float | None, high: float | None, birth: date | None, died: date | None, missing: str
) -> None:
    factor = age_factor(low, high, birth, died)
    assert factor.lr is None
    assert f"{missing} is unknown" in factor.explanation and "counts as 1" in factor.explanation


def test_bad_ages_are_refused_with_field_value_and_fix() -> None:
    with pytest.raises(ValidationError) as caught:
        age_factor(40, 30, date(1980, 1, 1), date(2020, 1, 1))
    assert caught.value.field == "age_high" and caught.value.value == 30
    assert "swap" in caught.value.hint
    with pytest.raises(ValidationError) as caught:
        age_factor(-1, 30, date(1980, 1, 1), date(2020, 1, 1))
    assert caught.value.field == "age_low" and caught.value.value == -1
    with pytest.raises(InputError) as caught:
        age_factor(20, 30, date(2021, 1, 1), date(2020, 1, 1))
    assert caught.value.field == "birth" and "after the date of death" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        age_factor(20, 30, "1990", date(2020, 1, 1))  # type: ignore[arg-type]
    assert caught.value.field == "birth"
    with pytest.raises(ValidationError) as caught:
        age_factor(20, 30, date(1990, 1, 1), date(2020, 1, 1), population_ages=(80, 0))
    assert caught.value.field == "population_ages"


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        age_factor(-1, math.inf, date(1990, 1, 1), date(2020, 1, 1), error=2)
    assert {p.field for p in caught.value.problems} == {"error", "age_low", "age_high"}


# -- place and date: mispitools' region model ------------------------------------------------------


def test_distance_is_great_circle() -> None:
    one_degree = math.pi * 6371.0088 / 180  # along a meridian
    assert distance_km((48.0, 37.0), (49.0, 37.0)) == pytest.approx(one_degree, rel=1e-12)
    assert distance_km((0.0, 0.0), (0.0, 180.0)) == pytest.approx(math.pi * 6371.0088, rel=1e-12)
    assert distance_km((50.45, 30.52), (50.45, 30.52)) == 0.0


def test_place_reproduces_mispitools_region_values() -> None:
    # sim_lr_prelim("region", numReg = 6, ErrorRate = 0.05): match 0.95 * 6 = 5.7, mismatch 0.05 / (5/6)
    near = place_date_factor((48.0, 37.0), None, (48.1, 37.0), None, near_fraction=1 / 6)
    assert near.lr == pytest.approx(5.7, rel=1e-15)
    far = place_date_factor((48.0, 37.0), None, (49.0, 37.0), None, near_fraction=1 / 6)
    assert far.lr == pytest.approx(0.06, rel=1e-15)
    assert "date not compared" in far.explanation
    # the same through the area: a theatre six discs large
    r = 50.0
    by_area = place_date_factor((48.0, 37.0), None, (48.1, 37.0), None, theatre_km2=6 * math.pi * r * r)
    assert by_area.lr == pytest.approx(5.7, rel=1e-12)


def test_place_default_share_is_the_disc_in_the_theatre() -> None:
    p = math.pi * 50**2 / 140_000
    factor = place_date_factor((48.0, 37.0), None, (48.3, 37.0), None)
    assert factor.parameters["near_fraction"] == pytest.approx(p, rel=1e-15)
    assert factor.lr == pytest.approx(0.95 / p, rel=1e-15)
    assert factor.inputs["distance_km"] == f"{0.3 * math.pi * 6371.0088 / 180:.3f}"


def test_date_order() -> None:
    # found after last seen: 0.95 / 0.5; before: 0.05 / 0.5; the same day counts as after
    assert place_date_factor(None, date(2023, 5, 1), None, date(2022, 9, 1)).lr == pytest.approx(1.9)
    assert place_date_factor(None, date(2022, 9, 1), None, date(2022, 9, 1)).lr == pytest.approx(1.9)
    before = place_date_factor(None, date(2021, 5, 1), None, date(2022, 9, 1))
    assert before.lr == pytest.approx(0.1)
    assert "before the day" in before.explanation and "place not compared" in before.explanation
    # partial dates: compatible when it is possible (found some day of 2022, last seen 2022-09-01)
    assert place_date_factor(None, PartialDate(2022), None, date(2022, 9, 1)).lr == pytest.approx(1.9)
    assert place_date_factor(None, PartialDate(2022, 8), None, date(2022, 9, 1)).lr == pytest.approx(0.1)
    pool = place_date_factor(None, date(2023, 5, 1), None, date(2022, 9, 1), found_after_fraction=0.8)
    assert pool.lr == pytest.approx(0.95 / 0.8)


def test_place_and_date_multiply() -> None:
    factor = place_date_factor(
        (48.0, 37.0), date(2023, 5, 1), (48.1, 37.0), date(2022, 9, 1), near_fraction=0.1, error=0.1
    )
    assert factor.lr == pytest.approx((0.9 / 0.1) * (0.95 / 0.5), rel=1e-15)
    assert factor.inputs["found_on"] == "2023-05-01"
    assert factor.inputs["last_seen_at"] == "48.100000,37.000000"
    assert "together LR = 17.1" in factor.explanation


def test_place_and_date_missing_is_not_assessed() -> None:
    factor = place_date_factor(None, date(2023, 5, 1), (48.0, 37.0), None)
    assert factor.lr is None and factor.explanation.startswith("Not assessed")


def test_bad_places_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        place_date_factor((91.0, 37.0), None, (48.0, 37.0), None)
    assert caught.value.field == "found_at" and caught.value.value == (91.0, 37.0)
    with pytest.raises(ValidationError) as caught:
        place_date_factor((48.0, 37.0), None, "48,37", None)  # type: ignore[arg-type]
    assert caught.value.field == "last_seen_at"
    with pytest.raises(ValidationError) as caught:
        place_date_factor(None, None, None, None, radius_km=300)
    assert caught.value.field == "radius_km" and "theatre" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        place_date_factor(None, None, None, None, near_fraction=1.0)
    assert caught.value.field == "near_fraction"


# -- posterior -------------------------------------------------------------------------------------


def _factor(name: str, lr: float | None) -> Factor:
    return Factor(name, lr, "test", {}, {}, "")  # type: ignore[arg-type]


def test_posterior_is_dna_times_factors_times_prior_odds() -> None:
    sex = sex_factor("male", "male")
    age = age_factor(34, 45, date(1980, 6, 1), date(2020, 6, 1))
    result = posterior(1e4, [sex, age], 1000)
    combined = Fraction(1e4) * Fraction(sex.lr) * Fraction(age.lr)  # type: ignore[arg-type]
    odds = combined / 999
    assert result.prior == 0.001 and result.prior_odds == float(Fraction(1, 999))
    assert result.combined_lr == float(combined)
    assert result.posterior_odds == float(odds)
    assert result.posterior == float(odds / (1 + odds))
    assert result.log10_combined_lr == pytest.approx(math.log10(1e4 * 1.9 * 0.95 / 0.15), rel=1e-14)
    assert result.factors == (sex, age) and result.n_in_scope == 1000
    assert result.non_dna_lr == pytest.approx(1.9 * 0.95 / 0.15)


def test_posterior_is_exact() -> None:
    assert posterior(1e12, [_factor("sex", 1e-6)], 2).combined_lr == 1e6
    # LR 1000 with 1001 in scope: prior odds 1/1000, posterior odds 1, posterior one half
    even = posterior(1000.0, [], 1001)
    assert even.posterior_odds == 1.0 and even.posterior == 0.5 and even.log10_posterior_odds == 0.0
    # (0.1 * 3) is 0.30000000000000004 in floats; rationals round once
    assert posterior(0.1, [_factor("sex", 3.0)], 2).combined_lr == float(Fraction(0.1) * 3)


def test_huge_and_tiny_lrs_do_not_overflow() -> None:
    big = posterior(1e300, [_factor("sex", 1e300)], 10)
    assert big.combined_lr == math.inf and big.posterior == 1.0
    assert big.log10_combined_lr == pytest.approx(600, rel=1e-15)
    assert big.log10_posterior_odds == pytest.approx(600 - math.log10(9), rel=1e-15)
    small = posterior(1e-300, [_factor("age", 1e-300)], 10)
    assert small.combined_lr == 0.0 and small.posterior == 0.0
    assert small.log10_posterior_odds == pytest.approx(-600 - math.log10(9), rel=1e-15)
    assert posterior(1e200, [_factor("sex", 1e-200)], 3).combined_lr == pytest.approx(1.0, rel=1e-15)


def test_not_assessed_factors_count_as_one_and_stay_listed() -> None:
    unknown = sex_factor("unknown", "male")
    result = posterior(50.0, [unknown], 51)
    assert result.combined_lr == 50.0 and result.posterior == 0.5
    assert result.not_assessed == ("sex",) and result.factors == (unknown,)


def test_an_exclusion_gives_zero_and_one_person_in_scope_gives_one() -> None:
    assert posterior(0.0, [_factor("sex", 1.9)], 1).posterior == 0.0
    assert posterior(0.0, [], 100).log10_posterior_odds == -math.inf
    alone = posterior(2.0, [], 1)
    assert alone.prior == 1.0 and alone.prior_odds == math.inf and alone.posterior == 1.0


def test_bad_posterior_input_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        posterior(10.0, [], 0)
    assert caught.value.field == "n_in_scope" and caught.value.value == 0
    with pytest.raises(ValidationError) as caught:
        posterior(math.nan, [], 10)
    assert caught.value.field == "dna_lr"
    with pytest.raises(ValidationError) as caught:
        posterior(10.0, [_factor("sex", 1.9), _factor("sex", 0.1)], 10)
    assert caught.value.field == "factors[1]" and "repeats" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        posterior(10.0, [_factor("age", -1.0)], 10)
    assert caught.value.field == "factors[0].lr"


# -- storing a result ------------------------------------------------------------------------------


def test_a_posterior_round_trips_through_json() -> None:
    import json

    factors = [
        sex_factor("female", "female", male_fraction=0.9),
        age_factor(25, 35, PartialDate(1990), date(2023, 3, 1)),
        place_date_factor(None, None, None, None),
    ]
    result = posterior(3.5e9, factors, 12_000)
    stored = json.loads(json.dumps(result.as_dict(), allow_nan=False))
    assert stored["n_in_scope"] == 12_000 and stored["prior"] == 1 / 12_000
    assert [f["name"] for f in stored["factors"]] == ["sex", "age", "place_date"]
    assert stored["factors"][2]["lr"] is None
    assert Posterior.from_dict(stored) == result
    assert Factor.from_dict(stored["factors"][1]) == factors[1]


def test_infinite_parts_are_stored_as_the_case_files_spell_them() -> None:
    alone = posterior(2.0, [], 1).as_dict()
    assert alone["prior_odds"] == "Inf" and alone["log10_posterior_odds"] == "Inf"
    assert Posterior.from_dict(alone).posterior == 1.0


def test_a_changed_stored_result_is_refused() -> None:
    stored = posterior(1e6, [sex_factor("male", "male")], 100).as_dict()
    stored["posterior"] = 0.5
    with pytest.raises(ValidationError) as caught:
        Posterior.from_dict(stored)
    assert caught.value.field == "posterior" and "recompute" in caught.value.hint
    bad = dict(stored["factors"][0], name="hair")
    with pytest.raises(ValidationError) as caught:
        Factor.from_dict(bad)
    assert caught.value.field == "name" and caught.value.value == "hair"
