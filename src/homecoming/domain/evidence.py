"""Non-DNA evidence as likelihood ratios, and the posterior that shows each of them apart.

Three factors compare what the examination of a body found with what is known of a missing person:

* :func:`sex_factor` — the examination's sex against the person's sex;
* :func:`age_factor` — the examination's age range against the person's age on the date of death
  (or of recovery), from a birth date that may be partial (a year, a month);
* :func:`place_date_factor` — where and when the body was found against where and when the person was
  last seen.

Each factor is the likelihood ratio ``P(evidence | the body is the person) / P(evidence | the body is
someone else)`` of one model, and says which model, with which parameters, on which inputs. The models
are those of the R package mispitools (Marsico et al. 2023, FSI: Genetics 66:102891): a category
(match / no match) that the body falls into with probability ``1 - error`` if it is the person, and
with the category's share among other bodies if it is not. :func:`posterior` multiplies the DNA LR,
the factors' LRs and the prior odds of ``1/N`` (N missing persons in scope), keeping every factor
apart; nothing is merged silently. See docs/methods/non-dna-evidence.md.

A factor whose data are missing has ``lr=None``: it counts as 1 and its explanation says it was not
assessed. Bad input (an unknown sex word, negative ages, a range running backwards, a parameter out
of range) raises :class:`~homecoming.errors.ValidationError` naming the field, the value and the fix.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, Literal, get_args

from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import Problem, ValidationError
from homecoming.jsonable import jsonable

FactorName = Literal["sex", "age", "place_date"]
Sex = Literal["male", "female", "unknown"]
FACTOR_NAMES: tuple[str, ...] = get_args(FactorName)

SEXES = ("male", "female", "unknown")
UNKNOWN_SEX_WORDS = ("unknown", "undetermined")
"""Words read as "sex not determined"; ``undetermined`` is the remains examination's word."""

# mispitools' defaults (lr_sex, lr_age, sim_lr_prelim): error rate 0.05, sexes 50/50, ages 1..80 with
# P(in range | other body) = width / 80, an estimate's own uncertainty age * 0.07 + 1 year.
DEFAULT_ERROR = 0.05
DEFAULT_MALE_FRACTION = 0.5
DEFAULT_POPULATION_AGES = (0.0, 80.0)
DEFAULT_AGE_GAMMA = 0.07
DEFAULT_AGE_MARGIN = 1.0
# Place and date (no mispitools default for coordinates; its region model is P(match | other) = 1/regions).
DEFAULT_RADIUS_KM = 50.0
DEFAULT_THEATRE_KM2 = 140_000.0
"""About the five oblasts along the front line (Donetsk, Luhansk, Zaporizhzhia, Kherson, Kharkiv)."""
DEFAULT_FOUND_AFTER_FRACTION = 0.5
EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), for great-circle distances."""

EXPLANATION_CODES: tuple[str, ...] = (
    "sex.not_assessed.body",
    "sex.not_assessed.person",
    "sex.not_assessed.both",
    "sex.match",
    "sex.mismatch",
    "age.not_assessed",
    "age.inside",
    "age.outside",
    "age.partly",
    "place_date.not_assessed",
    "place_date",
)
"""Every :attr:`Factor.code`: the sentences a factor's explanation can be (``params`` fills them in)."""

DAYS_PER_YEAR = Fraction(146097, 400)
"""The mean Gregorian year, 365.2425 days: ages are measured in these years."""


@dataclass(frozen=True)
class Factor:
    """One piece of non-DNA evidence as a likelihood ratio, with its model, parameters and inputs."""

    name: FactorName
    lr: float | None
    """The likelihood ratio; ``None`` when not assessable (data missing): it then counts as 1."""
    model: str
    parameters: dict[str, float | str]
    inputs: dict[str, str]
    """The values compared, as plain strings (ISO dates, sexes, ranges, coordinates)."""
    explanation: str
    """One plain English sentence: what was compared, what came out."""
    code: str = ""
    """Which sentence :attr:`explanation` is (e.g. ``sex.match``, ``age.inside``), so that a reader can
    say it in another language from :attr:`params`; see :data:`EXPLANATION_CODES`."""
    params: dict[str, str] = field(default_factory=dict)
    """The values the sentence names, as the sentence writes them (numbers already formatted; sexes,
    missing data and directions as plain codes)."""

    @property
    def assessed(self) -> bool:
        return self.lr is not None

    @property
    def log10_lr(self) -> float:
        """``log10(lr)``; 0 when not assessed, ``-inf`` for an LR of 0."""
        return _log10(Fraction(self.lr)) if self.lr is not None else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The factor as JSON-ready values (to store with a result); :meth:`from_dict` reads it back."""
        out: dict[str, Any] = jsonable(
            {
                "name": self.name,
                "lr": self.lr,
                "model": self.model,
                "parameters": self.parameters,
                "inputs": self.inputs,
                "explanation": self.explanation,
                "code": self.code,
                "params": self.params,
            }
        )
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Factor:
        """A factor from :meth:`as_dict`'s values; a wrong shape raises :class:`ValidationError`."""
        problems: list[Problem] = []
        name = data.get("name") if isinstance(data, Mapping) else None
        if name not in FACTOR_NAMES:
            problems.append(Problem("name", "is not a factor", name, f"use one of {', '.join(FACTOR_NAMES)}"))
        lr = data.get("lr") if isinstance(data, Mapping) else None
        if lr is not None and (isinstance(lr, bool) or not isinstance(lr, int | float)):
            problems.append(Problem("lr", "is not a number or null", lr, "store the factor's LR"))
        texts = {k: data.get(k) if isinstance(data, Mapping) else None for k in ("model", "explanation")}
        maps = {k: data.get(k) if isinstance(data, Mapping) else None for k in ("parameters", "inputs")}
        problems += [
            Problem(k, "is not text", v, "store it as text")
            for k, v in texts.items()
            if not isinstance(v, str)
        ]
        problems += [
            Problem(k, "is not a mapping", v, "store it as an object")
            for k, v in maps.items()
            if not isinstance(v, dict)
        ]
        _raise(problems)
        parameters = {str(k): v for k, v in maps["parameters"].items()}  # type: ignore[union-attr]
        inputs = {str(k): str(v) for k, v in maps["inputs"].items()}  # type: ignore[union-attr]
        code = data.get("code", "")  # stored before codes existed: none
        params = data.get("params") or {}
        return cls(
            name,  # type: ignore[arg-type]
            None if lr is None else float(lr),
            texts["model"],  # type: ignore[arg-type]
            parameters,
            inputs,
            texts["explanation"],  # type: ignore[arg-type]
            code if isinstance(code, str) else "",
            {str(k): str(v) for k, v in params.items()} if isinstance(params, dict) else {},
        )


@dataclass(frozen=True)
class Posterior:
    """DNA LR × non-DNA LRs × prior odds, each part kept.

    ``prior = 1/N``; ``prior_odds = 1/(N-1)`` (``inf`` when N = 1). ``combined_lr`` is the DNA LR times
    every assessed factor's LR, computed exactly (rationals) and rounded once; when it is beyond the
    float range it is ``inf`` (or 0) and ``log10_combined_lr`` still holds it. ``posterior`` is the
    probability that the body is the person, ``posterior_odds`` its odds.
    """

    dna_lr: float
    factors: tuple[Factor, ...]
    n_in_scope: int
    prior: float
    prior_odds: float
    combined_lr: float
    posterior_odds: float
    posterior: float
    log10_combined_lr: float = field(default=0.0)
    log10_posterior_odds: float = field(default=0.0)

    @property
    def non_dna_lr(self) -> float:
        """The product of the assessed factors' LRs alone (1 when none was assessed)."""
        return _to_float(_product(Fraction(f.lr) for f in self.factors if f.lr is not None))

    @property
    def not_assessed(self) -> tuple[FactorName, ...]:
        """The factors that could not be assessed (their data are missing)."""
        return tuple(f.name for f in self.factors if f.lr is None)

    def as_dict(self) -> dict[str, Any]:
        """Every part as JSON-ready values: the DNA LR, each factor apart, N, the prior and the products
        (an infinite value as ``"Inf"``, as the case files spell it)."""
        out: dict[str, Any] = jsonable(
            {
                "dna_lr": self.dna_lr,
                "factors": [f.as_dict() for f in self.factors],
                "n_in_scope": self.n_in_scope,
                "prior": self.prior,
                "prior_odds": self.prior_odds,
                "combined_lr": self.combined_lr,
                "posterior_odds": self.posterior_odds,
                "posterior": self.posterior,
                "log10_combined_lr": self.log10_combined_lr,
                "log10_posterior_odds": self.log10_posterior_odds,
            }
        )
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Posterior:
        """Recompute the posterior from :meth:`as_dict`'s DNA LR, factors and N (the stored products
        are not trusted: they are computed again, and a mismatch raises :class:`ValidationError`)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("factors"), list):
            raise ValidationError.from_problems(
                [Problem("factors", "is not a list of factors", data, "store Posterior.as_dict()")]
            )
        result = posterior(
            data.get("dna_lr"),  # type: ignore[arg-type]
            [Factor.from_dict(f) for f in data["factors"]],
            data.get("n_in_scope"),  # type: ignore[arg-type]
        )
        stored = data.get("posterior")
        if stored is not None and stored != result.posterior:
            raise ValidationError.from_problems(
                [
                    Problem(
                        "posterior",
                        f"does not follow from the stored LRs and N (they give {result.posterior!r})",
                        stored,
                        "the stored result was changed; recompute it",
                    )
                ]
            )
        return result


# -- helpers ---------------------------------------------------------------------------------------


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError.from_problems(problems, "the evidence", listed=None)


def _check_probability(name: str, value: object, problems: list[Problem], *, open_ends: bool = True) -> None:
    """``value`` must be a finite number strictly between 0 and 1 (or within [0, 1] if not ``open_ends``)."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = 0 < value < 1 if open_ends else 0 <= value <= 1  # type: ignore[operator]
    if not ok:
        bounds = "strictly between 0 and 1" if open_ends else "between 0 and 1"
        problems.append(Problem(name, f"must be a number {bounds}", value, f"give {name} as e.g. 0.05"))


def _number(name: str, value: object, problems: list[Problem], hint: str) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(Problem(name, "must be a finite number", value, hint))
        return False
    return True


def _fmt(x: float | Fraction) -> str:
    """A number as people write it: 1.9, 0.0588, 6.33, 1.2e+05."""
    value = float(x)
    if value == 0 or math.isinf(value):
        return str(value)
    return f"{value:.4g}"


def _years(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _log10(x: Fraction) -> float:
    if x == 0:
        return -math.inf
    return math.log10(x.numerator) - math.log10(x.denominator)


def _to_float(x: Fraction) -> float:
    try:
        return float(x)
    except OverflowError:
        return math.inf


def _product(values: Iterable[Fraction]) -> Fraction:
    out = Fraction(1)
    for v in values:
        out *= v
    return out


def _category_lr(match: bool, error: float, share: Fraction) -> Fraction:
    """mispitools' category LR: ``(1 - e) / p`` on a match, ``e / (1 - p)`` on no match."""
    e = Fraction(error)
    return (1 - e) / share if match else e / (1 - share)


def _check_dates(named: Iterable[tuple[str, object]], problems: list[Problem]) -> None:
    for name, value in named:
        if value is not None and not isinstance(value, date | PartialDate):
            problems.append(
                Problem(name, "is not a date", value, "give a date or a partial date (1990, 1990-05)")
            )


# -- sex -------------------------------------------------------------------------------------------


def _sex(name: str, value: object, problems: list[Problem]) -> str | None:
    word = value.strip().lower() if isinstance(value, str) else None
    if word in ("male", "female"):
        return word
    if word in UNKNOWN_SEX_WORDS:
        return "unknown"
    problems.append(Problem(name, "is not a sex", value, "write male, female or unknown"))
    return None


def sex_factor(
    body_sex: str,
    person_sex: str,
    *,
    error: float = DEFAULT_ERROR,
    male_fraction: float = DEFAULT_MALE_FRACTION,
) -> Factor:
    """The examination's sex against the person's (mispitools ``lr_sex``).

    If the body is the person, the examination records the person's sex with probability ``1 -
    error``. If it is someone else, it records male with probability ``male_fraction`` (the share of
    men among the other bodies; 0.5 in mispitools, which overstates a male match when most of the dead
    are men — pass the pool's share). A match gives ``(1 - e) / p(sex)``, a mismatch ``e / p(other
    sex)``. Either sex unknown: not assessable.
    """
    problems: list[Problem] = []
    body = _sex("body_sex", body_sex, problems)
    person = _sex("person_sex", person_sex, problems)
    _check_probability("error", error, problems)
    _check_probability("male_fraction", male_fraction, problems)
    _raise(problems)
    assert body is not None and person is not None
    parameters: dict[str, float | str] = {"error": error, "male_fraction": male_fraction}
    inputs = {"body_sex": body, "person_sex": person}
    model = "mispitools sex: error rate e, share of each sex among other bodies"
    if body == "unknown" or person == "unknown":
        missing = "the examination's sex" if body == "unknown" else "the person's sex"
        if body == person:
            missing = "both sexes"
        which = "both" if body == person else "body" if body == "unknown" else "person"
        return Factor(
            "sex",
            None,
            model,
            parameters,
            inputs,
            f"Not assessed: {missing} {'are' if body == person else 'is'} unknown, so sex counts as 1.",
            f"sex.not_assessed.{which}",
            {},
        )
    share = {"male": Fraction(male_fraction), "female": 1 - Fraction(male_fraction)}
    match = body == person
    e = Fraction(error)
    lr = (1 - e) / share[body] if match else e / share[body]
    if match:
        text = (
            f"The body was examined as {body} and the person is {person}: a match, "
            f"LR = (1 - {_fmt(e)}) / {_fmt(share[body])} = {_fmt(lr)}."
        )
    else:
        text = (
            f"The body was examined as {body} but the person is {person}: a mismatch, "
            f"LR = {_fmt(e)} / {_fmt(share[body])} = {_fmt(lr)}."
        )
    params = {"body": body, "person": person, "error": _fmt(e), "share": _fmt(share[body]), "lr": _fmt(lr)}
    return Factor(
        "sex", float(lr), model, parameters, inputs, text, "sex.match" if match else "sex.mismatch", params
    )


# -- age -------------------------------------------------------------------------------------------


def _day_span(value: date | PartialDate) -> tuple[int, int]:
    """The first and last day (proleptic ordinals) a date or partial date can mean."""
    if isinstance(value, PartialDate):
        return value.earliest().toordinal(), value.latest().toordinal()
    return value.toordinal(), value.toordinal()


def _pairs_within(birth: tuple[int, int], death: tuple[int, int], low: int, high: int) -> int:
    """How many (birth day, death day) pairs have ``low <= death - birth <= high`` (days), in closed form."""
    if high < low:
        return 0
    return _pairs_at_most(birth, death, high) - _pairs_at_most(birth, death, low - 1)


def _pairs_at_most(birth: tuple[int, int], death: tuple[int, int], t: int) -> int:
    """How many pairs have ``death - birth <= t``: for each birth day ``b`` the death days from the
    first one to ``b + t``, i.e. ``clamp(b + t - d0 + 1, 0, n)`` with ``n`` death days; summed over
    consecutive ``b`` through ``F(x) = sum of clamp(y, 0, n) for y = 1..x``."""
    n = death[1] - death[0] + 1

    def cumulative(x: int) -> int:
        if x <= 0:
            return 0
        if x <= n:
            return x * (x + 1) // 2
        return n * (n + 1) // 2 + (x - n) * n

    first = birth[0] + t - death[0] + 1
    last = birth[1] + t - death[0] + 1
    return cumulative(last) - cumulative(first - 1)


def age_factor(
    age_low: float | None,
    age_high: float | None,
    birth: date | PartialDate | None,
    death_or_recovery: date | PartialDate | None,
    *,
    error: float = DEFAULT_ERROR,
    whole_years: bool = True,
    population_ages: tuple[float, float] = DEFAULT_POPULATION_AGES,
    gamma: float = DEFAULT_AGE_GAMMA,
    margin: float = DEFAULT_AGE_MARGIN,
) -> Factor:
    """The examination's age range against the person's age on the date of death (mispitools ``lr_age``).

    The *window* is the examination's range in years of 365.2425 days: ``[age_low, age_high + 1)``
    when ``whole_years`` (the project's convention: "25-30" means completed years, so 30 years and
    11 months fits), else ``[age_low, age_high]``. It is widened, if narrower, to the estimate's own
    uncertainty ``mid ± (gamma·mid + margin)`` (mispitools' interval for an unidentified person's
    age), so a point estimate is not taken as exact.

    If the body is the person, the person's age falls in the window with probability ``1 - error``.
    If it is someone else, its true age is uniform over ``population_ages`` (mispitools: 80 years),
    extended to cover the window and the person's possible ages; the window holds the share ``p =
    width / span`` of them. In the window: ``(1 - e) / p``; outside: ``e / (1 - p)``.

    Partial dates: the person is taken as born on any day the birth date covers, and as dead on any day
    ``death_or_recovery`` covers, all equally likely; the LR is then ``f·LR_in + (1 - f)·LR_out`` with
    ``f`` the exact share of those (birth, death) day pairs whose age falls in the window.
    """
    problems: list[Problem] = []
    hint_range = "give the examination's age range as two non-negative numbers, low <= high"
    _check_probability("error", error, problems)
    for name, value in (("gamma", gamma), ("margin", margin)):
        if _number(name, value, problems, f"give {name} as a non-negative number") and value < 0:
            problems.append(Problem(name, "must not be negative", value, f"give {name} as e.g. 0"))
    pop_ok = (
        isinstance(population_ages, tuple)
        and len(population_ages) == 2
        and all(_number("population_ages", a, [], "") for a in population_ages)
        and 0 <= population_ages[0] < population_ages[1]
    )
    if not pop_ok:
        problems.append(
            Problem(
                "population_ages",
                "must be two ages, the youngest first, the youngest not negative",
                population_ages,
                "give e.g. (0, 80)",
            )
        )
    known = [(n, v) for n, v in (("age_low", age_low), ("age_high", age_high)) if v is not None]
    for name, value in known:
        if _number(name, value, problems, hint_range) and value < 0:
            problems.append(Problem(name, "must not be negative", value, hint_range))
    if (
        age_low is not None
        and age_high is not None
        and not problems
        and isinstance(age_low, int | float)
        and isinstance(age_high, int | float)
        and age_low > age_high
    ):
        problems.append(
            Problem("age_high", f"is below age_low ({_years(age_low)})", age_high, "swap the two ages")
        )
    _check_dates((("birth", birth), ("death_or_recovery", death_or_recovery)), problems)
    if not problems and birth is not None and death_or_recovery is not None:
        b_first = _day_span(birth)[0]
        d_last = _day_span(death_or_recovery)[1]
        if d_last < b_first:
            problems.append(
                Problem(
                    "birth",
                    f"is after the date of death or recovery ({death_or_recovery})",
                    str(birth),
                    "check the birth date and the date of death",
                )
            )
    _raise(problems)

    parameters: dict[str, float | str] = {
        "error": error,
        "population_ages": f"{_years(population_ages[0])}-{_years(population_ages[1])}",
        "gamma": gamma,
        "margin": margin,
        "age_unit": "completed years" if whole_years else "years",
    }
    range_text = "" if age_low is None and age_high is None else f"{_opt(age_low)}-{_opt(age_high)}"
    inputs = {
        "age_range": range_text,
        "birth": "" if birth is None else str(birth) if isinstance(birth, PartialDate) else birth.isoformat(),
        "death_or_recovery": ""
        if death_or_recovery is None
        else str(death_or_recovery)
        if isinstance(death_or_recovery, PartialDate)
        else death_or_recovery.isoformat(),
    }
    model = "mispitools age: error rate e, window of the estimate, other bodies' ages uniform"
    missing = [
        (code, what)
        for code, what, value in (
            ("range", "the examination's age range", None if age_low is None or age_high is None else 1),
            ("birth", "the person's birth date", birth),
            ("date", "the date of death or recovery", death_or_recovery),
        )
        if value is None
    ]
    if missing:
        return Factor(
            "age",
            None,
            model,
            parameters,
            inputs,
            f"Not assessed: {' and '.join(w for _c, w in missing)} {'is' if len(missing) == 1 else 'are'} "
            "unknown, so age counts as 1.",
            "age.not_assessed",
            {"missing": ",".join(c for c, _w in missing)},
        )
    assert (
        age_low is not None and age_high is not None and birth is not None and death_or_recovery is not None
    )

    low, high = Fraction(age_low), Fraction(age_high) + (1 if whole_years else 0)
    mid = (low + high) / 2
    half = Fraction(gamma) * mid + Fraction(margin)
    widened = high - low < 2 * half
    if widened:
        low, high = max(Fraction(0), min(low, mid - half)), max(high, mid + half)
    parameters["window"] = f"{_fmt(low)}-{_fmt(high)}"

    b_span, d_span = _day_span(birth), _day_span(death_or_recovery)
    youngest = Fraction(max(0, d_span[0] - b_span[1])) / DAYS_PER_YEAR
    oldest = Fraction(d_span[1] - b_span[0]) / DAYS_PER_YEAR
    span_low = min(Fraction(population_ages[0]), low, youngest)
    span_high = max(Fraction(population_ages[1]), high, oldest)
    share = (high - low) / (span_high - span_low)
    parameters["share_in_window"] = float(share)

    # Age in whole days n = death - birth is in the window when low <= n / 365.2425 < high (or <= high
    # for a continuous range, which differs only on a set of measure zero; the half-open form is used).
    first_day = math.ceil(low * DAYS_PER_YEAR)
    last_day = math.ceil(high * DAYS_PER_YEAR) - 1
    # only pairs with the birth on or before the death are possible (a birth "2020" against a death
    # on 2020-06-01 cannot be a birth in July)
    pairs = _pairs_within(b_span, d_span, 0, d_span[1] - b_span[0])
    inside = _pairs_within(b_span, d_span, first_day, last_day)
    f = Fraction(inside, pairs)
    lr_in = _category_lr(True, error, share)
    # share < 1 unless the window covers every age the person can have (then f == 1, lr_out unused)
    lr_out = Fraction(0) if share == 1 else _category_lr(False, error, share)
    lr = f * lr_in + (1 - f) * lr_out
    ages = (
        f"aged {_fmt(youngest)}"
        if youngest == oldest
        else f"aged between {_fmt(youngest)} and {_fmt(oldest)}"
    )
    window = f"{_fmt(low)}-{_fmt(high)} years" + (
        " (widened to the estimate's uncertainty)" if widened else ""
    )
    dates = "birth and death dates" if d_span[0] != d_span[1] else "birth dates"
    if f == 1:
        verdict = f"inside the window {window}: LR = (1 - {_fmt(error)}) / {_fmt(share)} = {_fmt(lr)}."
    elif f == 0:
        verdict = f"outside the window {window}: LR = {_fmt(error)} / (1 - {_fmt(share)}) = {_fmt(lr)}."
    else:
        verdict = (
            f"inside the window {window} on {_fmt(f * 100)}% of the possible {dates}: "
            f"LR = {_fmt(f)} × {_fmt(lr_in)} + {_fmt(1 - f)} × {_fmt(lr_out)} = {_fmt(lr)}."
        )
    text = f"The person was {ages} years on {inputs['death_or_recovery']}, {verdict}"
    params = {
        "youngest": _fmt(youngest),
        "oldest": _fmt(oldest),
        "on": inputs["death_or_recovery"],
        "low": _fmt(low),
        "high": _fmt(high),
        "widened": "1" if widened else "",
        "dates": "birth_death" if d_span[0] != d_span[1] else "birth",
        "error": _fmt(error),
        "share": _fmt(share),
        "percent": _fmt(f * 100),
        "f": _fmt(f),
        "lr_in": _fmt(lr_in),
        "rest": _fmt(1 - f),
        "lr_out": _fmt(lr_out),
        "lr": _fmt(lr),
    }
    code = "age.inside" if f == 1 else "age.outside" if f == 0 else "age.partly"
    return Factor("age", float(lr), model, parameters, inputs, text, code, params)


def _opt(x: float | None) -> str:
    return "?" if x is None else _years(x)


# -- place and date --------------------------------------------------------------------------------


def _coordinates(name: str, value: object, problems: list[Problem]) -> tuple[float, float] | None:
    hint = "give (latitude, longitude) in decimal degrees, e.g. (48.0159, 37.8028)"
    if value is None:
        return None
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value)
    ):
        problems.append(Problem(name, "is not a pair of coordinates", value, hint))
        return None
    lat, lon = float(value[0]), float(value[1])
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        problems.append(Problem(name, "is off the globe (latitude ±90, longitude ±180)", value, hint))
        return None
    return lat, lon


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km (haversine, mean Earth radius 6371.0088 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def place_date_factor(
    found_at: tuple[float, float] | None,
    found_on: date | PartialDate | None,
    last_seen_at: tuple[float, float] | None,
    last_seen_on: date | PartialDate | None,
    *,
    error: float = DEFAULT_ERROR,
    radius_km: float = DEFAULT_RADIUS_KM,
    theatre_km2: float = DEFAULT_THEATRE_KM2,
    near_fraction: float | None = None,
    date_error: float = DEFAULT_ERROR,
    found_after_fraction: float = DEFAULT_FOUND_AFTER_FRACTION,
) -> Factor:
    """Where and when the body was found against where and when the person was last seen.

    Two parts, each mispitools' category model (its ``region`` variable), multiplied; a part whose data
    are missing counts as 1 and is named in the explanation; both missing: not assessable.

    *Place*: "near" when the great-circle distance is at most ``radius_km``. If the body is the person
    it was found near with probability ``1 - error``. If it is someone else, the share ``p`` of other
    bodies found near is ``near_fraction`` when given (a closed search: count it in the pool), else the
    disc's share of the theatre, ``π·radius² / theatre_km2`` (mispitools' ``1 / regions``).

    *Date*: "compatible" when the body was found on or after the day the person was last seen (with
    partial dates: when this is possible). If the body is the person, compatible with probability
    ``1 - date_error``; if not, with the share ``found_after_fraction`` of other bodies (0.5 by
    default, mispitools' open-search share for a two-way feature; pass the pool's share).
    """
    problems: list[Problem] = []
    found = _coordinates("found_at", found_at, problems)
    seen = _coordinates("last_seen_at", last_seen_at, problems)
    _check_dates((("found_on", found_on), ("last_seen_on", last_seen_on)), problems)
    _check_probability("error", error, problems)
    _check_probability("date_error", date_error, problems)
    _check_probability("found_after_fraction", found_after_fraction, problems)
    if near_fraction is not None:
        _check_probability("near_fraction", near_fraction, problems)
    for name, value in (("radius_km", radius_km), ("theatre_km2", theatre_km2)):
        if _number(name, value, problems, f"give {name} as a positive number") and value <= 0:
            problems.append(Problem(name, "must be positive", value, f"give {name} as a positive number"))
    disc = None
    if not problems:
        disc = Fraction(math.pi) * Fraction(radius_km) ** 2
        if near_fraction is None and disc >= Fraction(theatre_km2):
            problems.append(
                Problem(
                    "radius_km",
                    f"makes a disc ({_fmt(disc)} km²) as large as the theatre ({_fmt(theatre_km2)} km²)",
                    radius_km,
                    "use a smaller radius or a larger theatre_km2",
                )
            )
    _raise(problems)
    assert disc is not None

    parameters: dict[str, float | str] = {
        "error": error,
        "radius_km": radius_km,
        "date_error": date_error,
        "found_after_fraction": found_after_fraction,
    }
    if near_fraction is None:
        parameters["theatre_km2"] = theatre_km2
        share_near = disc / Fraction(theatre_km2)
    else:
        share_near = Fraction(near_fraction)
    parameters["near_fraction"] = float(share_near)

    def _place(p: tuple[float, float] | None) -> str:
        return "" if p is None else f"{p[0]:.6f},{p[1]:.6f}"

    def _day(d: date | PartialDate | None) -> str:
        return "" if d is None else str(d) if isinstance(d, PartialDate) else d.isoformat()

    inputs = {
        "found_at": _place(found),
        "found_on": _day(found_on),
        "last_seen_at": _place(seen),
        "last_seen_on": _day(last_seen_on),
    }
    model = "mispitools region model on distance (disc of radius r) and on date order"
    sentences: list[str] = []
    params: dict[str, str] = {"place": "", "date": ""}
    lr = Fraction(1)
    assessed = False
    if found is not None and seen is not None:
        km = distance_km(found, seen)
        inputs["distance_km"] = f"{km:.3f}"
        near = km <= radius_km
        part = _category_lr(near, error, share_near)
        lr *= part
        assessed = True
        where = "within" if near else "beyond"
        sentences.append(
            f"found {km:.1f} km from where the person was last seen, {where} {_fmt(radius_km)} km "
            f"(LR {_fmt(part)})"
        )
        params.update(place=where, km=f"{km:.1f}", radius=_fmt(radius_km), place_lr=_fmt(part))
    else:
        sentences.append("place not compared (a place is missing)")
    if found_on is not None and last_seen_on is not None:
        compatible = _day_span(found_on)[1] >= _day_span(last_seen_on)[0]
        part = _category_lr(compatible, date_error, Fraction(found_after_fraction))
        lr *= part
        assessed = True
        when = "on or after" if compatible else "before"
        sentences.append(f"found {when} the day the person was last seen (LR {_fmt(part)})")
        params.update(date="after" if compatible else "before", date_lr=_fmt(part))
    else:
        sentences.append("date not compared (a date is missing)")
    if not assessed:
        return Factor(
            "place_date",
            None,
            model,
            parameters,
            inputs,
            "Not assessed: the places and the dates are incomplete, so place and date count as 1.",
            "place_date.not_assessed",
            {},
        )
    text = f"Place and date: {sentences[0]}; {sentences[1]}; together LR = {_fmt(lr)}."
    params["lr"] = _fmt(lr)
    return Factor("place_date", float(lr), model, parameters, inputs, text, "place_date", params)


# -- posterior -------------------------------------------------------------------------------------


def posterior(dna_lr: float, factors: Sequence[Factor], n_in_scope: int) -> Posterior:
    """DNA LR × non-DNA LRs × prior odds, with the prior ``1/N`` (N missing persons in scope).

    The arithmetic is exact (rationals of the given floats), rounded once per reported number, so
    ``1e12 × 1e-6`` is ``1e6`` and an LR of ``1e300 × 1e300`` does not overflow (``combined_lr`` is
    then ``inf``; the log10 fields hold it). An LR of 0 (an exclusion) gives a posterior of 0 even
    with N = 1. A factor named twice is refused: it would be counted twice.
    """
    problems: list[Problem] = []
    if (
        isinstance(dna_lr, bool)
        or not isinstance(dna_lr, int | float)
        or not math.isfinite(dna_lr)
        or dna_lr < 0
    ):
        problems.append(Problem("dna_lr", "must be a finite number, 0 or more", dna_lr, "give the DNA LR"))
    if isinstance(n_in_scope, bool) or not isinstance(n_in_scope, int) or n_in_scope < 1:
        problems.append(
            Problem(
                "n_in_scope",
                "must be a whole number of missing persons, 1 or more",
                n_in_scope,
                "count the missing persons in the scope searched",
            )
        )
    seen: set[str] = set()
    for i, f in enumerate(factors):
        if not isinstance(f, Factor):
            problems.append(Problem(f"factors[{i}]", "is not a Factor", f, "build it with sex_factor etc."))
            continue
        if f.name in seen:
            problems.append(
                Problem(f"factors[{i}]", f"repeats the factor {f.name}", f.name, "give each factor once")
            )
        seen.add(f.name)
        if f.lr is not None and (not math.isfinite(f.lr) or f.lr < 0):
            problems.append(
                Problem(
                    f"factors[{i}].lr", "must be a finite number, 0 or more", f.lr, "recompute the factor"
                )
            )
    _raise(problems)

    combined = Fraction(dna_lr) * _product([Fraction(f.lr) for f in factors if f.lr is not None])
    prior = Fraction(1, n_in_scope)
    if combined == 0:
        odds: Fraction | None = Fraction(0)
        prob = Fraction(0)
        prior_odds = math.inf if n_in_scope == 1 else float(Fraction(1, n_in_scope - 1))
        log_odds = -math.inf
    elif n_in_scope == 1:
        odds, prob, prior_odds, log_odds = None, Fraction(1), math.inf, math.inf
    else:
        odds = combined / (n_in_scope - 1)
        prob = odds / (1 + odds)
        prior_odds = float(Fraction(1, n_in_scope - 1))
        log_odds = _log10(odds)
    return Posterior(
        dna_lr=float(dna_lr),
        factors=tuple(factors),
        n_in_scope=n_in_scope,
        prior=float(prior),
        prior_odds=prior_odds,
        combined_lr=_to_float(combined),
        posterior_odds=math.inf if odds is None else _to_float(odds),
        posterior=float(prob),
        log10_combined_lr=_log10(combined),
        log10_posterior_odds=log_odds,
    )


__all__ = [
    "DEFAULT_AGE_GAMMA",
    "DEFAULT_AGE_MARGIN",
    "DEFAULT_ERROR",
    "DEFAULT_FOUND_AFTER_FRACTION",
    "DEFAULT_MALE_FRACTION",
    "DEFAULT_POPULATION_AGES",
    "DEFAULT_RADIUS_KM",
    "DEFAULT_THEATRE_KM2",
    "EXPLANATION_CODES",
    "FACTOR_NAMES",
    "Factor",
    "FactorName",
    "Posterior",
    "Sex",
    "age_factor",
    "distance_km",
    "place_date_factor",
    "posterior",
    "sex_factor",
]
