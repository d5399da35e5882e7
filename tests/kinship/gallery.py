"""A named gallery of pedigrees for pinning the kinship engine against the brute-force oracle.

Plain data only (no engine import). Each entry has

* ``members``: ``[{"id", "father", "mother", "sex"}]`` in any order (parents need not come first),
* ``typed``: the members that carry a genotype in the comparisons,
* ``missing``: an untyped member whose genotype distribution is asked for (or None),
* ``x``: whether the entry is meaningful on X markers (every member of known sex),
* ``description``: one line saying what it exercises.

Genotypes are drawn per test (seeded), so one entry serves many markers and models.
"""

from __future__ import annotations

from typing import Any


def _m(ident: str, father: str | None = None, mother: str | None = None, sex: str = "male") -> dict[str, Any]:
    return {"id": ident, "father": father, "mother": mother, "sex": sex}


F, M = "female", "male"

GALLERY: dict[str, dict[str, Any]] = {
    "singleton": {
        "description": "one typed person: Hardy-Weinberg genotype probabilities",
        "members": [_m("A")],
        "typed": ["A"],
        "missing": None,
        "x": True,
    },
    "duo": {
        "description": "father and son typed, mother untyped",
        "members": [_m("FA"), _m("MO", sex=F), _m("CH", "FA", "MO")],
        "typed": ["FA", "CH"],
        "missing": "MO",
        "x": True,
    },
    "trio": {
        "description": "both parents and a daughter typed (paternity trio)",
        "members": [_m("FA"), _m("MO", sex=F), _m("CH", "FA", "MO", sex=F)],
        "typed": ["FA", "MO", "CH"],
        "missing": None,
        "x": True,
    },
    "full_sibs": {
        "description": "brother and sister typed, parents untyped",
        "members": [_m("FA"), _m("MO", sex=F), _m("S1", "FA", "MO"), _m("S2", "FA", "MO", sex=F)],
        "typed": ["S1", "S2"],
        "missing": "FA",
        "x": True,
    },
    "half_sibs_paternal": {
        "description": "paternal half sisters (shared father) typed",
        "members": [
            _m("FA"),
            _m("MO1", sex=F),
            _m("MO2", sex=F),
            _m("C1", "FA", "MO1", sex=F),
            _m("C2", "FA", "MO2", sex=F),
        ],
        "typed": ["C1", "C2"],
        "missing": "FA",
        "x": True,
    },
    "half_sibs_maternal": {
        "description": "maternal half brothers (shared mother) typed",
        "members": [
            _m("FA1"),
            _m("FA2"),
            _m("MO", sex=F),
            _m("C1", "FA1", "MO"),
            _m("C2", "FA2", "MO"),
        ],
        "typed": ["C1", "C2"],
        "missing": "MO",
        "x": True,
    },
    "grandparent_grandchild": {
        "description": "paternal grandmother and grandson typed, the generation between untyped",
        "members": [
            _m("GF"),
            _m("GM", sex=F),
            _m("FA", "GF", "GM"),
            _m("MO", sex=F),
            _m("CH", "FA", "MO"),
        ],
        "typed": ["GM", "CH"],
        "missing": "FA",
        "x": True,
    },
    "avuncular": {
        "description": "uncle and nephew typed (uncle is the father's brother)",
        "members": [
            _m("GF"),
            _m("GM", sex=F),
            _m("FA", "GF", "GM"),
            _m("UN", "GF", "GM"),
            _m("MO", sex=F),
            _m("CH", "FA", "MO"),
        ],
        "typed": ["UN", "CH"],
        "missing": "FA",
        "x": True,
    },
    "first_cousins": {
        "description": "first cousins typed: children of two brothers",
        "members": [
            _m("GF"),
            _m("GM", sex=F),
            _m("B1", "GF", "GM"),
            _m("W1", sex=F),
            _m("B2", "GF", "GM"),
            _m("W2", sex=F),
            _m("C1", "B1", "W1"),
            _m("C2", "B2", "W2", sex=F),
        ],
        "typed": ["C1", "C2"],
        "missing": "B1",
        "x": True,
    },
    "cousin_marriage": {
        "description": "first cousins married, their inbred child and one grandparent typed (a loop)",
        "members": [
            _m("GF"),
            _m("GM", sex=F),
            _m("S1", "GF", "GM"),
            _m("W1", sex=F),
            _m("D1", "GF", "GM", sex=F),
            _m("H1"),
            _m("C1", "S1", "W1"),
            _m("C2", "H1", "D1", sex=F),
            _m("X", "C1", "C2"),
        ],
        "typed": ["GM", "X"],
        "missing": "C1",
        "x": True,
    },
    "double_first_cousins": {
        "description": "two brothers married two sisters; their children typed",
        "members": [
            _m("GF1"),
            _m("GM1", sex=F),
            _m("GF2"),
            _m("GM2", sex=F),
            _m("B1", "GF1", "GM1"),
            _m("B2", "GF1", "GM1"),
            _m("S1", "GF2", "GM2", sex=F),
            _m("S2", "GF2", "GM2", sex=F),
            _m("C1", "B1", "S1"),
            _m("C2", "B2", "S2", sex=F),
        ],
        "typed": ["C1", "C2"],
        "missing": None,
        "x": True,
    },
    "two_missing_brothers": {
        "description": "mother and sister typed; two brothers missing (one asked for)",
        "members": [
            _m("FA"),
            _m("MO", sex=F),
            _m("SIS", "FA", "MO", sex=F),
            _m("MP1", "FA", "MO"),
            _m("MP2", "FA", "MO"),
        ],
        "typed": ["MO", "SIS"],
        "missing": "MP1",
        "x": True,
    },
    "three_generations_partial": {
        "description": "grandmother, father and child typed, some with partial genotypes",
        "members": [
            _m("GF"),
            _m("GM", sex=F),
            _m("FA", "GF", "GM"),
            _m("MO", sex=F),
            _m("CH", "FA", "MO", sex=F),
            _m("CH2", "FA", "MO"),
        ],
        "typed": ["GM", "FA", "CH"],
        "partial": ["GM", "CH"],
        "missing": "CH2",
        "x": True,
    },
    "x_grandfather_granddaughter": {
        "description": "maternal grandfather and granddaughter typed (the X path runs through a woman)",
        "members": [
            _m("GF"),
            _m("GM", sex=F),
            _m("MO", "GF", "GM", sex=F),
            _m("FA"),
            _m("CH", "FA", "MO", sex=F),
        ],
        "typed": ["GF", "CH"],
        "missing": "MO",
        "x": True,
    },
    "x_father_son": {
        "description": "father and son typed: on X they share nothing by descent",
        "members": [_m("FA"), _m("MO", sex=F), _m("SON", "FA", "MO")],
        "typed": ["FA", "SON"],
        "missing": "MO",
        "x": True,
    },
    "disconnected": {
        "description": "a father-son duo plus an unrelated typed woman (two components)",
        "members": [_m("FA"), _m("MO", sex=F), _m("CH", "FA", "MO"), _m("U", sex=F)],
        "typed": ["FA", "CH", "U"],
        "missing": "MO",
        "x": True,
    },
    "unknown_sex_founder": {
        "description": "typed founder of unknown sex beside a typed mother-daughter pair (autosomal only)",
        "members": [_m("FA"), _m("MO", sex=F), _m("D", "FA", "MO", sex=F), _m("Q", sex="unknown")],
        "typed": ["MO", "D", "Q"],
        "missing": "FA",
        "x": False,
    },
}


def hypothesis_unrelated(name: str) -> list[dict[str, Any]]:
    """The typed members of a gallery entry as unrelated singletons (the usual denominator)."""
    entry = GALLERY[name]
    sex = {m["id"]: m["sex"] for m in entry["members"]}
    return [_m(i, sex=sex[i]) for i in entry["typed"]]
