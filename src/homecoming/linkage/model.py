"""The linkage model's shape: which columns each record gets, how two records are compared, how pairs are
blocked. Splink (Fellegi-Sunter) learns the weights; this module only says what it weighs.

A record becomes one row of :func:`record_row` (features of :mod:`homecoming.linkage.features`); every
comparison below reads those columns, never the raw text. All the fuzzy levels measure ASCII keys (one
byte a letter), so their edit distances and Jaro-Winkler similarities count letters on Cyrillic names
as on Latin ones.

Comparisons and their levels (first that holds wins; a missing value on either side is the null level,
which weighs nothing):

=============  ==========================================================================================
surname        exact text; shared transliteration key; swapped with the given name; Jaro-Winkler of the
               keys >= 0.92; >= 0.85; else
given name     exact; shared key or equivalent name (Олександр = Александр); swapped; Jaro-Winkler >= 0.88;
               one side an initial that fits; else
patronymic     exact; the same father's name (Андрійович = Андреевич = Andriiovych); the fathers' names
               Jaro-Winkler >= 0.88; else
birth date     exact; day and month swapped; one digit wrong or two adjacent digits swapped; same year and
               month; same year, one side partial; same year; a year apart; else
service number exact (lookalike letters folded); same digits; digits one typo apart (but not when both
               pass the taxpayer-number check digit: then they are two real numbers); else
unit           same code ('в/ч А4009' = 'military unit A4009'); else
place of birth shared key; Jaro-Winkler >= 0.9; else
sex            same; different
=============  ==========================================================================================
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homecoming.linkage.features import (
    birth_parts,
    clean_name,
    given_keys,
    initial_letters,
    is_initial,
    name_groups,
    name_key_list,
    patronymic_keys,
    service_number_parts,
    sex_code,
    unit_key,
)


@dataclass(frozen=True, kw_only=True)
class LinkRecord:
    """One person in a list to link, as written there (empty fields None)."""

    record_id: str
    source: str = ""
    family_name: str
    given_name: str
    patronymic: str | None = None
    sex: str | None = None
    birth_date: str | None = None
    place_of_birth: str | None = None
    service_number: str | None = None
    unit: str | None = None


#: how far below a threshold a Jaro-Winkler similarity still reaches it: a similarity is a fraction
#: (0.9 = 8/9 + 1/10 · 1/9), and one equal to the threshold comes out one unit in the last place above
#: or below it depending on the machine's rounding (a fused multiply-add or not: DuckDB's build and Spark
#: differ). Distinct similarities of names lie much further apart than this.
JW_TIE = 1e-9


def _at_least(threshold: float) -> str:
    return f">= {round(threshold - JW_TIE, 12)!r}"


def _jw(column: str, threshold: float) -> str:
    """Jaro-Winkler of the first or of the second keys (ASCII: it counts letters) at least ``threshold``."""
    return (
        f'greatest(jaro_winkler_similarity("{column}1_l", "{column}1_r"), '
        f'jaro_winkler_similarity("{column}2_l", "{column}2_r")) {_at_least(threshold)}'
    )


def _shared(left: str, right: str | None = None) -> str:
    """The records share a key: any of ``left``1/2 of the left record equals ``right``1/2 of the right."""
    right = right or left
    return "(" + " OR ".join(f'"{left}{a}_l" = "{right}{b}_r"' for a in "12" for b in "12") + ")"


def _one_typo(column: str, sorted_column: str) -> str:
    """Same length, and one character different or two swapped (the sorted characters agree)."""
    distance = f'hamming("{column}_l", "{column}_r")'
    return (
        f'CASE WHEN length("{column}_l") = length("{column}_r") THEN {distance} = 1 '
        f'OR ({distance} = 2 AND "{sorted_column}_l" = "{sorted_column}_r") ELSE FALSE END'
    )


def _level(sql: str, label: str, *, null: bool = False) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    return level


def _null(*columns: str) -> dict[str, Any]:
    sql = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)
    return _level(sql, "missing", null=True)


_ELSE = _level("ELSE", "different")


def _cross(left: str, right: str, left_group: str, right_group: str) -> str:
    """The left record's ``left`` name is the right record's ``right`` name: a shared key, the same
    name group, or Jaro-Winkler >= 0.9 of the first keys."""
    return (
        f'({_shared(left, right)} OR "{left_group}_l" = "{right_group}_r" '
        f'OR jaro_winkler_similarity("{left}1_l", "{right}1_r") {_at_least(0.9)})'
    )


def _swapped() -> str:
    """Family and given name written in each other's places (by one of the two lists)."""
    return f"{_cross('sk', 'gk', 'sg', 'gg')} AND {_cross('gk', 'sk', 'gg', 'sg')}"


def _surname() -> dict[str, Any]:
    return {
        "output_column_name": "surname",
        "comparison_description": "family name: text, transliteration keys, swap, Jaro-Winkler",
        "comparison_levels": [
            _null("sn"),
            _level('"sn_l" = "sn_r"', "exact"),
            _level(_shared("sk"), "same key"),
            _level(_swapped(), "swapped with given name"),
            _level(_jw("sk", 0.92), "Jaro-Winkler >= 0.92"),
            _level(_jw("sk", 0.85), "Jaro-Winkler >= 0.85"),
            _ELSE,
        ],
    }


def _given() -> dict[str, Any]:
    initial = (
        '("gi_l" IS NOT NULL AND contains("gil_r", "gi_l")) '
        'OR ("gi_r" IS NOT NULL AND contains("gil_l", "gi_r"))'
    )
    return {
        "output_column_name": "given_name",
        "comparison_description": "given name: text, keys and equivalent names, swap, Jaro-Winkler, initial",
        "comparison_levels": [
            _null("gn"),
            _level('"gn_l" = "gn_r" AND "gi_l" IS NULL', "exact"),
            _level(f'{_shared("gk")} OR "gg_l" = "gg_r"', "same key or equivalent"),
            _level(_swapped(), "swapped with surname"),
            _level(_jw("gk", 0.88), "Jaro-Winkler >= 0.88"),
            _level(initial, "initial fits"),
            _ELSE,
        ],
    }


def _patronymic() -> dict[str, Any]:
    return {
        "output_column_name": "patronymic",
        "comparison_description": "patronymic: text, father's name key, Jaro-Winkler",
        "comparison_levels": [
            _null("pn"),
            _level('"pn_l" = "pn_r"', "exact"),
            _level(f'{_shared("ps")} OR "pg_l" = "pg_r"', "same father's name"),
            _level(_jw("ps", 0.88), "father's names Jaro-Winkler >= 0.88"),
            _ELSE,
        ],
    }


def _birth_date() -> dict[str, Any]:
    full = '"dob_l" IS NOT NULL AND "dob_r" IS NOT NULL'
    return {
        "output_column_name": "birth_date",
        "comparison_description": "birth date: exact, day/month swap, one typo, year-month, year",
        "comparison_levels": [
            _null("byr"),
            _level('"dob_l" = "dob_r"', "exact"),
            _level(
                f'{full} AND "byr_l" = "byr_r" AND "bm_l" = "bd_r" AND "bd_l" = "bm_r"',
                "day and month swapped",
            ),
            _level(f"{full} AND ({_one_typo('dob', 'dobs')})", "one digit off or two swapped"),
            _level('"byr_l" = "byr_r" AND "bm_l" = "bm_r"', "same year and month"),
            _level('"byr_l" = "byr_r" AND ("dob_l" IS NULL OR "dob_r" IS NULL)', "same year, one partial"),
            _level('"byr_l" = "byr_r"', "same year"),
            _level('abs("byr_l" - "byr_r") = 1', "a year apart"),
            _level(f'{full} AND "bm_l" = "bm_r" AND "bd_l" = "bd_r"', "same day and month"),
            _ELSE,
        ],
    }


def _service_number() -> dict[str, Any]:
    typo = f'length("sdig_l") >= 6 AND ({_one_typo("sdig", "sdigs")}) AND NOT ("sok_l" AND "sok_r")'
    return {
        "output_column_name": "service_number",
        "comparison_description": "service number: exact, digits, one typo (check-digit aware)",
        "comparison_levels": [
            _null("snum"),
            _level('"snum_l" = "snum_r"', "exact"),
            _level('"sdig_l" = "sdig_r" AND length("sdig_l") >= 6', "same digits"),
            _level(typo, "one typo apart"),
            _ELSE,
        ],
    }


def _simple(name: str, column: str, description: str, *levels: dict[str, Any]) -> dict[str, Any]:
    return {
        "output_column_name": name,
        "comparison_description": description,
        "comparison_levels": [_null(column), *levels, _ELSE],
    }


def comparisons() -> list[dict[str, Any]]:
    """The Splink comparisons (settings dicts) of the model."""
    return [
        _surname(),
        _given(),
        _patronymic(),
        _birth_date(),
        _service_number(),
        _simple("unit", "unit", "unit code", _level('"unit_l" = "unit_r"', "same code")),
        _simple(
            "place_of_birth",
            "pob1",
            "place of birth: keys, Jaro-Winkler",
            _level(_shared("pob"), "same key"),
            _level(_jw("pob", 0.9), "Jaro-Winkler >= 0.9"),
        ),
        _simple("sex", "sex", "sex", _level('"sex_l" = "sex_r"', "same")),
    ]


#: Pairs the model scores: any pair that agrees on one of these (recall first; each is narrow enough
#: for national-size lists).
PREDICTION_BLOCKS: tuple[str, ...] = (
    "l.sk1 = r.sk1 AND l.gb = r.gb",
    "l.sk2 = r.sk2 AND l.gb = r.gb",
    "l.sk1 = r.sk1 AND l.pb = r.pb",
    "l.sk1 = r.sk1 AND l.g0 = r.g0 AND (l.gi IS NOT NULL OR r.gi IS NOT NULL)",
    "l.sk2 = r.sk2 AND l.g0 = r.g0 AND (l.gi IS NOT NULL OR r.gi IS NOT NULL)",
    "l.dob = r.dob AND (l.g0 = r.g0 OR l.s0 = r.s0 OR l.g0 = r.s0 OR l.s0 = r.g0)",
    "l.sk1 = r.sk1 AND l.byr = r.byr AND (l.g0 = r.g0 OR l.bm = r.bm)",
    "l.sdig = r.sdig",
    "l.gb = r.gb AND l.pb = r.pb AND l.byr = r.byr",
    "l.sk1 = r.gk1 AND l.gk1 = r.sk1",
    "l.sg = r.gg AND l.gg = r.sg",
    "l.sp = r.sp AND l.gb = r.gb AND (l.byr = r.byr OR l.pb = r.pb)",
    "l.ss = r.ss AND l.gb = r.gb AND (l.byr = r.byr OR l.pb = r.pb)",
    "l.unit = r.unit AND l.gb = r.gb",
)

#: Blocks for the EM sessions: each leaves the comparisons it does not use to be learnt.
TRAINING_BLOCKS: tuple[str, ...] = (
    "l.sk1 = r.sk1 AND l.gb = r.gb",
    "l.sdig = r.sdig",
)

#: Rules that admit almost no false pairs, for the prior probability that two records match.
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.sk1 = r.sk1 AND l.gb = r.gb AND l.dob = r.dob",
    "l.snum = r.snum AND l.sk1 = r.sk1",
)


def settings(probability_two_random_records_match: float = 1e-4) -> dict[str, Any]:
    """The untrained Splink settings of the model (DuckDB dialect)."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in PREDICTION_BLOCKS
        ],
        "comparisons": comparisons(),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "em_convergence": 0.0001,
        "max_iterations": 25,
        "additional_columns_to_retain": [],
        "sql_dialect": "duckdb",
    }


def _pair(keys: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The first and last plain key (a name has at most two: Ukrainian and Russian readings)."""
    plain = [k for k in keys if not k.startswith("grp:")]
    return (plain[0], plain[-1]) if plain else (None, None)


def _group(keys: tuple[str, ...]) -> str | None:
    return next((k[4:] for k in keys if k.startswith("grp:")), None)


def _sorted(text: str | None) -> str | None:
    return "".join(sorted(text)) if text else None


@functools.lru_cache(maxsize=200_000)
def _surname_columns(text: str) -> dict[str, Any]:
    sk1, sk2 = _pair(name_key_list(text))
    return {
        "sn": clean_name(text) or None,
        "sg": next(iter(sorted(name_groups(text))), None),  # the surname read as a given name
        "sk1": sk1,
        "sk2": sk2,
        "s0": sk1[:1] if sk1 else None,
        "sp": sk1[:3] if sk1 else None,
        "ss": sk1[3:] if sk1 and len(sk1) > 5 else None,
    }


@functools.lru_cache(maxsize=200_000)
def _given_columns(text: str) -> dict[str, Any]:
    given = clean_name(text)
    initial = is_initial(given)
    keys = given_keys(given)
    gk1, gk2 = _pair(keys)
    letters = initial_letters(given)
    return {
        "gn": given or None,
        "gk1": gk1,
        "gk2": gk2,
        "gg": _group(keys),
        "gb": _group(keys) or gk1,
        "gi": letters[0] if initial and letters else None,
        "gil": "".join(letters),
        "g0": (gk1 or "")[:1] or (letters[0] if letters else None),
    }


@functools.lru_cache(maxsize=200_000)
def _patronymic_columns(text: str | None) -> dict[str, Any]:
    keys = patronymic_keys(text)
    ps1, ps2 = _pair(keys)
    pk1, pk2 = _pair(name_key_list(text) if keys else ())
    return {
        "pn": clean_name(text) or None,
        "ps1": ps1,
        "ps2": ps2,
        "pg": _group(keys),
        "pb": _group(keys) or ps1,
        "pk1": pk1,
        "pk2": pk2,
    }


@functools.lru_cache(maxsize=100_000)
def _birth_columns(text: str | None) -> dict[str, Any]:
    birth = birth_parts(text)
    return {
        "dob": birth.full,
        "dobs": _sorted(birth.full),
        "byr": birth.year,
        "bm": birth.month,
        "bd": birth.day,
    }


def _number_columns(text: str | None) -> dict[str, Any]:
    number = service_number_parts(text)
    digits = number.digits if number and number.digits else None
    return {
        "snum": number.normal if number else None,
        "sdig": digits,
        "sdigs": _sorted(digits),
        "sok": number.check_digit_ok if number else None,
    }


@functools.lru_cache(maxsize=100_000)
def _place_columns(text: str | None) -> dict[str, Any]:
    pob1, pob2 = _pair(name_key_list(text))
    return {"pob1": pob1, "pob2": pob2}


def record_row(index: int, record: LinkRecord) -> dict[str, Any]:
    """The model's columns of one record (``unique_id`` is ``index``)."""
    return {
        "unique_id": index,
        **_surname_columns(record.family_name),
        **_given_columns(record.given_name),
        **_patronymic_columns(record.patronymic),
        **_birth_columns(record.birth_date),
        **_number_columns(record.service_number),
        "unit": unit_key(record.unit),
        **_place_columns(record.place_of_birth),
        "sex": sex_code(record.sex, record.patronymic),
    }


def describe(settings_dict: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The weights of a trained model, comparison by comparison: level, m, u and the match weight
    (log2 of m/u), for a page or a report."""
    import math

    rows: list[dict[str, Any]] = []
    for comparison in settings_dict.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            rows.append(
                {
                    "comparison": comparison["output_column_name"],
                    "level": level["label_for_charts"],
                    "m": m,
                    "u": u,
                    "weight": weight,
                }
            )
    return rows


__all__ = [
    "DETERMINISTIC_RULES",
    "PREDICTION_BLOCKS",
    "TRAINING_BLOCKS",
    "LinkRecord",
    "comparisons",
    "describe",
    "record_row",
    "settings",
]
