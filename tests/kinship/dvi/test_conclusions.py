"""Every body gets a conclusion: dvir's dviSolve tables reproduced, hand-built rules, .fam smoke runs."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from homecoming.errors import HypothesisError
from homecoming.kinship import Locus, Pedigree, Profile
from homecoming.kinship.dvi.conclusions import (
    DVIR_WORDS,
    Conclusions,
    MissingConclusion,
    VictimConclusion,
    conclude,
)
from homecoming.kinship.dvi.identification import identify
from homecoming.kinship.dvi.joint import DviProblem, Family, pairwise
from homecoming.kinship.dvi.joint_table import joint_table
from homecoming.kinship.formats.dvi import read_dvi_case
from homecoming.kinship.formats.familias import read_fam_case
from shared_data import KINSHIP_CASES

DVIR_CASES = ["example1", "example2", "exclusionExample"]
DATA = Path(__file__).resolve().parents[1] / "data"
FAM_DVI = ["KETPex497.fam", "KETPex498.fam", "Solution3_3.fam", "dvi-example.fam", "exclusionExample.fam"]
# The one row where dvir's word comes from rounding: V2's best LR is exactly 1 (M1: V2 is untyped where it
# would matter), computed by dvir as 0.9999999999999964 < 1 -> "No match"; by its own rule (max LR >= 1)
# it is "Inconclusive", which is what conclude() says. example2's V1, also exactly 1, dvir computed as 1.0
# and called "Inconclusive".
ROUNDING = {("example1", "PM", "V2")}


def _case(name: str) -> Any:
    return read_dvi_case(KINSHIP_CASES / f"dvi-builtin-{name}.json")


def _close(got: float | None, want: float | None) -> bool:
    if want is None or got is None:
        return got is None and want is None
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=0.0)


def _named_pm(c: VictimConclusion) -> str | None:
    """The missing person in dvir's PM "Missing" column: the match, the top of "Disputed", or both of a
    symmetric match."""
    if c.missing:
        return c.missing
    if c.dvir_word == "Disputed":
        return c.best
    if c.dvir_word == "Symmetric match":
        return "/".join(c.candidates)
    return None


def _named_am(c: MissingConclusion) -> str | None:
    return c.victim or c.best


def _family_pm(c: VictimConclusion, problem: DviProblem) -> str | None:
    named = _named_pm(c)
    if c.family or named is None:
        return c.family
    m = problem.missing.index(named.split("/")[0])
    return problem.families[problem.missing_family[m]].name


def _compare(name: str, res: Conclusions, want: dict[str, Any], problem: DviProblem) -> tuple[int, list[str]]:
    matched, bad = 0, []
    for side in ("AM", "PM"):
        for row in want[side]:
            if side == "PM":
                got: VictimConclusion | MissingConclusion = res.victim(row["Sample"])
                named, dvir_named = _named_pm(res.victim(row["Sample"])), row["Missing"] or None
                family = _family_pm(res.victim(row["Sample"]), problem)
                key = (name, side, row["Sample"])
            else:
                got = res.missing_person(row["Missing"])
                named, dvir_named = _named_am(res.missing_person(row["Missing"])), row["Sample"] or None
                family = got.family
                key = (name, side, row["Missing"])
            checks = {
                "word": got.dvir_word == row["Conclusion"],
                "conclusion": got.conclusion == DVIR_WORDS[row["Conclusion"]],
                "named": named == dvir_named,
                "family": family == (row["Family"] or None),
                "lr": _close(got.lr, row["LR"]),
                "glr": _close(got.glr, row["GLR"]),
                "comment": got.comment == row["Comment"],
                "rule": bool(got.rule),
            }
            if all(checks.values()):
                matched += 1
            else:
                bad.append(f"{key}: {[k for k, ok in checks.items() if not ok]} got {got} want {row}")
    return matched, bad


@pytest.mark.parametrize("name", DVIR_CASES)
def test_reproduces_dvisolve_tables(name: str) -> None:
    case = _case(name)
    want = case.expected["dviSolve"]
    assert "threshold = 10000" in want["function"]
    res = conclude(case.problem, threshold=10000)
    assert [c.victim for c in res.victims] == list(case.problem.victim_ids)
    assert [c.missing for c in res.missing] == list(case.problem.missing)
    assert len(want["AM"]) == len(res.missing) and len(want["PM"]) == len(res.victims)
    matched, bad = _compare(name, res, want, case.problem)
    expected_bad = [k for k in ROUNDING if k[0] == name]
    assert len(bad) == len(expected_bad), "\n".join(bad)
    assert matched == len(want["AM"]) + len(want["PM"]) - len(expected_bad)
    for key in expected_bad:
        (row,) = [r for r in want[key[1]] if r["Sample"] == key[2]]
        got = res.victim(key[2])
        assert row["Conclusion"] == "No match" and row["LR"] < 1 and row["LR"] == pytest.approx(1, abs=1e-14)
        assert got.conclusion == "inconclusive" and got.lr == pytest.approx(1, abs=1e-14)
        assert got.best == "M1" and got.comment == "Best: M1" and got.missing is None


def test_undisputed_rule_names_the_numbers() -> None:
    res = conclude(_case("exclusionExample").problem)
    v15 = res.victim("V15")
    assert v15.rule == "undisputed: LR 6.9e9 >= 10000 and >= 10000 x every alternative (step 1)"
    assert res.identified == (("V5", "M13"), ("V15", "M6"))
    assert res.missing_person("M6").victim == "V15"
    assert res.victim("V1").rule.startswith("excluded: every candidate pairing has more than 2 markers")
    assert res.missing_person("M7").rule.startswith("excluded: no body is left as a candidate")
    assert res.parameters == {
        "threshold": 10000.0,
        "threshold2": 1000.0,
        "max_incomp": 2,
        "limit": 1_000_000,
        "lr_tolerance": 1e-9,
        "method": "the dvir::dviSolve workflow (dvir 3.4.2), mutation models on",
    }


@pytest.mark.parametrize("name", ["example1", "example2"])
def test_a_best_assignment_never_reads_as_an_identification(name: str) -> None:
    problem = _case(name).problem
    best = identify(problem).best_pairs
    assert len(best) >= 2  # today's best assignment names missing persons for these bodies
    res = conclude(problem)
    for v, m in best:
        c = res.victims[v]
        assert c.conclusion in ("inconclusive", "no_match"), c
        assert c.missing is None and c.family is None
        mc = res.missing_person(problem.missing[m])
        assert mc.conclusion in ("inconclusive", "no_match") and mc.victim is None
    assert not any(c.conclusion in ("identified", "probable") for c in res.victims)
    assert res.identified == ()


def test_glr_match_in_a_family_with_several_missing() -> None:
    problem = read_fam_case(DATA / "KETPex498.fam").problem
    res = conclude(problem)
    glr = joint_table(problem).generalised_lrs()
    assert len(problem.missing) == 3 and len(problem.families) == 1
    for v, c in enumerate(res.victims):
        assert c.conclusion == "identified" and c.dvir_word == "Match (GLR)" and c.missing
        m = problem.missing.index(c.missing)
        assert c.glr == pytest.approx(math.exp(glr[(v, m)]), rel=1e-12)
        assert c.glr >= 1e4 and c.rule.startswith(f"joint: GLR {c.glr:.2g}".replace("e+", "e"))
        assert res.missing_person(c.missing).victim == c.victim
    assert res.victim("V2").lr == pytest.approx(282.67, rel=1e-4)  # the pairwise LR alone says little


def test_limit_falls_back_as_dvisolve_with_the_reason() -> None:
    problem = _case("example1").problem
    full = conclude(problem)
    res = conclude(problem, limit=10)
    for c in res.missing:
        assert c.conclusion == "inconclusive" and c.dvir_word is None
        assert c.rule.startswith(
            "joint analysis skipped: family F1 has 27 assignments, more than the limit of 10 (raise limit="
        )
        assert c.lr == full.missing_person(c.missing).lr and c.glr is None
    assert res.victims == full.victims  # bodies concluded from their pairwise LRs, as before


def test_bad_parameters_are_refused_with_the_field() -> None:
    problem = _case("example2").problem
    for kwargs, field in [
        ({"threshold": 1}, "threshold"),
        ({"threshold": math.nan}, "threshold"),
        ({"threshold2": 0}, "threshold2"),
        ({"threshold2": 2e4}, "threshold2"),
        ({"max_incomp": -1}, "max_incomp"),
        ({"max_incomp": 1.5}, "max_incomp"),
        ({"limit": 0}, "limit"),
    ]:
        with pytest.raises(HypothesisError) as err:
            conclude(problem, **kwargs)
        assert err.value.field == field and field in str(err.value)


# --------------------------------------------------------------------------- hand-built rules
@pytest.fixture
def locus() -> Locus:
    return Locus("L", ("a", "b", "c", "d"), (0.1, 0.2, 0.3, 0.4))


def _fathers(locus: Locus, families: dict[str, str], victims: dict[str, str]) -> DviProblem:
    fams = []
    for f, g in families.items():
        ped = Pedigree.from_records(
            [
                (f"FA{f}", None, None, "male"),
                (f"MO{f}", None, None, "female"),
                (f"M{f}", f"FA{f}", f"MO{f}", "male"),
            ]
        )
        fams.append(Family(f, ped, {f"FA{f}": Profile.from_mapping(f"FA{f}", {"L": g})}, (f"M{f}",)))
    vics = [Profile.from_mapping(v, {"L": g}) for v, g in victims.items()]
    return DviProblem.make(vics, fams, loci=[locus])


def test_probable_and_disputed_by_hand(locus: Locus) -> None:
    # father a/b: a/c gives LR 1/(4 p_a) = 2.5, a/a gives 1/(2 p_a) = 5
    problem = _fathers(locus, {"F1": "a/b"}, {"V1": "a/c", "V2": "a/a"})
    res = conclude(problem, threshold=100, threshold2=2)
    m = res.missing_person("MF1")
    assert (m.conclusion, m.dvir_word, m.best, m.victim) == ("inconclusive", "Disputed", "V2", None)
    assert m.lr == pytest.approx(5, rel=1e-12) and m.comment == "Also: V1 (LR=2.5)"
    assert m.candidates == ("V1", "V2")
    for v, lr in [("V1", 2.5), ("V2", 5.0)]:
        c = res.victim(v)  # dvir: each body's only LR >= threshold2 -> "Probable", even for one missing
        assert (c.conclusion, c.missing, c.family) == ("probable", "MF1", "F1")
        assert c.lr == pytest.approx(lr, rel=1e-12) and c.comment == "Runner-up: -"
        assert "not an identification" in c.rule and "but MF1 is disputed" in c.rule
    assert res.identified == ()
    # one body, two families: "Probable" for each missing person, "Disputed" for the body
    res = conclude(_fathers(locus, {"F1": "a/b", "F2": "a/d"}, {"V1": "a/c"}), threshold=100, threshold2=2)
    assert [(c.conclusion, c.victim) for c in res.missing] == [("probable", "V1"), ("probable", "V1")]
    c = res.victim("V1")
    assert (c.conclusion, c.dvir_word, c.best, c.candidates) == (
        "inconclusive",
        "Disputed",
        "MF1",
        ("MF1", "MF2"),
    )


def test_no_match_and_no_compatible_pairing_by_hand() -> None:
    locus = Locus("L", ("a", "b", "c", "d"), (0.4, 0.3, 0.2, 0.1))
    # V1 a/c: LR 1/(4 p_a) = 0.625 < 1; V2 c/d: LR 0 (one inconsistent marker, not excluded by count)
    problem = _fathers(locus, {"F1": "a/b"}, {"V1": "a/c", "V2": "c/d"})
    res = conclude(problem)
    v1, v2 = res.victim("V1"), res.victim("V2")
    assert (v1.conclusion, v1.best, v1.missing) == ("no_match", None, None)
    assert v1.lr == pytest.approx(0.625, rel=1e-12) and v1.rule == "no match: every LR is < 1 (best 0.62)"
    assert (v2.conclusion, v2.comment) == ("excluded", "No compatible pairings")
    m = res.missing_person("MF1")
    assert (m.conclusion, m.best, m.victim) == ("no_match", "V1", None)
    # with max_incomp=0 the single inconsistent marker excludes V2 by count
    res = conclude(problem, max_incomp=0)
    assert (res.victim("V2").conclusion, res.victim("V2").comment) == ("excluded", "1+ inconsistencies")


def test_symmetric_match_by_hand(locus: Locus) -> None:
    # two missing brothers, typed parents a/b x c/d; the body a/c is a child of them: it is one of the
    # brothers but the DNA cannot say which. LR = (1/4) / (2 p_a p_c) = 4.1667 for each brother.
    ped = Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("B1", "FA", "MO", "male"),
            ("B2", "FA", "MO", "male"),
        ]
    )
    refs = {"FA": Profile.from_mapping("FA", {"L": "a/b"}), "MO": Profile.from_mapping("MO", {"L": "c/d"})}
    problem = DviProblem.make(
        [Profile.from_mapping("V1", {"L": "a/c"})], [Family("F", ped, refs, ("B1", "B2"))], loci=[locus]
    )
    res = conclude(problem, threshold=4)
    c = res.victim("V1")
    assert (c.conclusion, c.dvir_word, c.missing, c.candidates) == (
        "inconclusive",
        "Symmetric match",
        None,
        ("B1", "B2"),
    )
    lr = 0.25 / (2 * 0.1 * 0.3)
    assert c.lr == pytest.approx(lr, rel=1e-12) and c.glr == pytest.approx(lr, rel=1e-12)
    assert "the DNA cannot tell which" in c.rule and "not an identification" in c.rule
    for m in ("B1", "B2"):
        mc = res.missing_person(m)
        assert (mc.conclusion, mc.dvir_word, mc.victim, mc.candidates) == (
            "inconclusive",
            "Symmetric match",
            None,
            ("V1",),
        )


def test_nonidentifiable_missing_person_by_hand(locus: Locus) -> None:
    ped = Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("S", "FA", "MO", "male"),
            ("X", None, None, "male"),
        ]
    )
    fam = Family("F", ped, {"FA": Profile.from_mapping("FA", {"L": "a/b"})}, ("S", "X"))
    problem = DviProblem.make(
        [Profile.from_mapping("V1", {"L": "a/a"})], [fam], loci=[locus], candidates={"V1": ["X"]}
    )
    res = conclude(problem)
    x = res.missing_person("X")
    assert (x.conclusion, x.dvir_word, x.comment) == (
        "nonidentifiable",
        "Nonidentifiable",
        "Unrelated to all references",
    )
    # V1's only candidate is X: dvir drops such a body without a word; here it is excluded, saying why
    v = res.victim("V1")
    assert (v.conclusion, v.comment) == ("excluded", "No compatible pairings")
    assert res.missing_person("S").conclusion == "excluded"


# --------------------------------------------------------------------------- smoke: dvir's .fam files
@pytest.mark.parametrize("fam", FAM_DVI)
def test_every_body_and_missing_person_gets_a_conclusion(fam: str) -> None:
    problem = read_fam_case(DATA / fam).problem
    res = conclude(problem)
    assert [c.victim for c in res.victims] == list(problem.victim_ids)
    assert [c.missing for c in res.missing] == list(problem.missing)
    for c in res.victims:
        assert c.rule and c.conclusion in ("identified", "probable", "inconclusive", "no_match", "excluded")
        assert (c.missing is not None) == (c.conclusion in ("identified", "probable"))
    for mc in res.missing:
        assert mc.rule and (mc.victim is not None) == (mc.conclusion in ("identified", "probable"))
    pairs = res.identified
    assert len({m for _v, m in pairs}) == len(pairs)
    for v, m in pairs:
        assert res.missing_person(m).victim == v


def test_fam_exclusion_example_identifies_the_same_bodies_as_dvir() -> None:
    res = conclude(read_fam_case(DATA / "exclusionExample.fam").problem)
    assert {(v, m.split(":")[0]) for v, m in res.identified} == {
        ("LT55-195074", "1108"),
        ("SK630-195094", "0401"),
    }


def test_impossible_family_is_refused_naming_it(locus: Locus) -> None:
    # a typed child c/c of parents a/b x a/b: impossible without mutation (the locus has none)
    ped = Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("C", "FA", "MO", "male"),
            ("M", "FA", "MO", "male"),
        ]
    )
    refs = {p: Profile.from_mapping(p, {"L": g}) for p, g in [("FA", "a/b"), ("MO", "a/b"), ("C", "c/c")]}
    problem = DviProblem.make(
        [Profile.from_mapping("V1", {"L": "a/a"})], [Family("F", ped, refs, ("M",))], loci=[locus]
    )
    with pytest.raises(HypothesisError, match="family F: its references are impossible together") as err:
        conclude(problem)
    assert err.value.field == "family F: references" and err.value.value == ["C", "FA", "MO"]


def test_undisputed_second_step_uses_the_first_body_as_reference(locus: Locus) -> None:
    # missing father FA and child C, mother a/b typed. Step 1: VC a/c as C, LR (p_c / 2) / (2 p_a p_c) = 2.5,
    # its other LR (as FA, unrelated to the mother) is 1 <= 2.5 / 2. Step 2: with C typed a/c, VF c/c as
    # FA has LR P(a/c | c/c x a/b) / P(a/c | random x a/b) = (1/2) / (p_c / 2) = 10/3; before, it was 1.
    ped = Pedigree.from_records(
        [("FA", None, None, "male"), ("MO", None, None, "female"), ("C", "FA", "MO", "male")]
    )
    fam = Family("F", ped, {"MO": Profile.from_mapping("MO", {"L": "a/b"})}, ("FA", "C"))
    vics = [Profile.from_mapping("VF", {"L": "c/c"}), Profile.from_mapping("VC", {"L": "a/c"})]
    res = conclude(DviProblem.make(vics, [fam], loci=[locus]), threshold=2)
    vc, vf = res.victim("VC"), res.victim("VF")
    assert (vc.conclusion, vc.missing, vc.comment) == ("identified", "C", "Step 1")
    assert vc.lr == pytest.approx(2.5, rel=1e-12)
    assert (vf.conclusion, vf.missing, vf.comment) == ("identified", "FA", "Step 2")
    assert vf.lr == pytest.approx(10 / 3, rel=1e-12)
    assert vf.rule == "undisputed: LR 3.3 >= 2 and >= 2 x every alternative (step 2)"
    assert res.missing_person("FA").victim == "VF"


def test_symmetric_pair_of_bodies_by_hand(locus: Locus) -> None:
    # two missing brothers, parents a/b x c/d typed; bodies a/c and b/d are the brothers in an unknown order
    ped = Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("B1", "FA", "MO", "male"),
            ("B2", "FA", "MO", "male"),
        ]
    )
    refs = {"FA": Profile.from_mapping("FA", {"L": "a/b"}), "MO": Profile.from_mapping("MO", {"L": "c/d"})}
    vics = [Profile.from_mapping("V1", {"L": "a/c"}), Profile.from_mapping("V2", {"L": "b/d"})]
    problem = DviProblem.make(vics, [Family("F", ped, refs, ("B1", "B2"))], loci=[locus])
    lr1, lr2 = 0.25 / (2 * 0.1 * 0.3), 0.25 / (2 * 0.2 * 0.4)  # 4.17 and 1.56, the same for both brothers
    # GLR of the swap = both placed (lr1 lr2) vs the best with one moved out (lr1) = lr2: below 4, the bodies
    # are only "Disputed" (two LRs >= threshold2 = 1); at threshold 1.5 they are a symmetric pair
    res = conclude(problem, threshold=4)
    assert [c.dvir_word for c in res.victims] == ["Disputed", "Disputed"]
    res = conclude(problem, threshold=1.5)
    for v, lr in [("V1", lr1), ("V2", lr2)]:
        c = res.victim(v)
        assert (c.conclusion, c.dvir_word, c.candidates) == ("inconclusive", "Symmetric match", ("B1", "B2"))
        assert c.lr == pytest.approx(lr, rel=1e-12)  # the same LR for both brothers
        assert c.glr == pytest.approx(lr2, rel=1e-12)  # both placed vs the best with one of them moved out
        assert "{B1, B2} = {V1, V2}" in c.rule
    for m in ("B1", "B2"):
        mc = res.missing_person(m)
        assert (mc.conclusion, mc.candidates, mc.lr) == ("inconclusive", ("V1", "V2"), None)


def _known(problem: DviProblem) -> dict[tuple[int, str], tuple[float, int]]:
    pw = pairwise(problem)
    return {
        (v, problem.missing[j]): (float(pw.lr[v, j]), int(pw.exclusions[v, j]))
        for v, js in enumerate(problem.candidates)
        for j in js
    }


@pytest.mark.parametrize("name", DVIR_CASES)
def test_known_pairwise_lrs_give_the_same_conclusions(name: str) -> None:
    """The screening job hands ``conclude`` the screen's LRs (``known``): the same numbers give the same
    conclusions, rules and LRs as computing every pair again."""
    problem = _case(name).problem
    plain = conclude(problem, threshold=10000)
    given = conclude(problem, threshold=10000, known=_known(problem))
    assert given.victims == plain.victims and given.missing == plain.missing


def test_known_lrs_are_used_and_bad_pairs_refused() -> None:
    problem = _case("exclusionExample").problem
    plain = conclude(problem, threshold=10000)
    v = next(i for i, c in enumerate(plain.victims) if c.conclusion == "identified")
    m = plain.victims[v].missing
    assert m is not None
    known = _known(problem)
    known[(v, m)] = (0.5, known[(v, m)][1])  # an LR below 1: no longer undisputed
    assert conclude(problem, threshold=10000, known=known).victims[v].conclusion != "identified"
    with pytest.raises(HypothesisError, match="known: pair") as err:
        conclude(problem, threshold=10000, known={(len(problem.victims), m): (1.0, 0)})
    assert err.value.field == "known"
