"""Joint identification: shared reference cases, hand-worked values, brute-force enumeration."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from homecoming.errors import LimitError
from homecoming.kinship import Locus, Pedigree, Profile, marker_logliks, missing_person_lr
from homecoming.kinship.dvi.assignments import count_assignments, ml_matching
from homecoming.kinship.dvi.identification import APPROXIMATE, EXACT, identify
from homecoming.kinship.dvi.joint import DviProblem, Family, family_table, pairwise
from homecoming.kinship.dvi.joint_table import joint_table
from homecoming.kinship.formats.dvi import read_dvi_case
from homecoming.kinship.simulate import simulate_profiles
from shared_data import KINSHIP_CASES

CASES = sorted(KINSHIP_CASES.glob("dvi-*.json"))


def _num(x: object) -> float:
    if x is None:
        return math.nan
    if isinstance(x, str):
        return {"Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}[x]
    return float(x)  # type: ignore[arg-type]


@pytest.fixture(params=CASES, ids=lambda p: p.stem)
def case(request: pytest.FixtureRequest) -> Path:
    return Path(request.param)


# --------------------------------------------------------------------------- shared reference cases
def test_pairwise_and_exclusions_match_reference(case: Path) -> None:
    c = read_dvi_case(case)
    want = c.expected
    assert want is not None
    pw = pairwise(c.problem)
    assert want["pairwise_lr"]["rows"] == list(c.problem.victim_ids)
    assert want["pairwise_lr"]["cols"] == list(c.problem.missing)
    ref = np.array([[_num(x) for x in row] for row in want["pairwise_lr"]["values"]])
    assert np.array_equal(np.isnan(ref), np.isnan(pw.lr))
    ok = ~np.isnan(ref)
    assert np.array_equal(ref[ok] == 0, pw.lr[ok] == 0)
    np.testing.assert_allclose(pw.lr[ok], ref[ok], rtol=1e-8, atol=0)
    excl = np.array([[-1 if x is None else x for x in row] for row in want["exclusion_matrix"]["values"]])
    assert np.array_equal(excl, pw.exclusions)
    assert pw.loglik_null == pytest.approx(want["loglik_null"], abs=1e-8)
    comp = want["loglik_components"]
    for i, v in enumerate(c.problem.victim_ids):
        assert pw.victim_logliks[i].sum() == pytest.approx(comp[v], abs=1e-8)
    for k, f in enumerate(c.problem.families):
        assert pw.family_logliks[k].sum() == pytest.approx(comp[f.name], abs=1e-8)


def test_joint_table_matches_reference(case: Path) -> None:
    c = read_dvi_case(case)
    want = c.expected
    assert want is not None
    if "skipped" in want["joint"]:
        with pytest.raises(LimitError, match="more than the limit of 1,000"):
            joint_table(c.problem, limit=1000)
        return
    jt = joint_table(c.problem)
    assert jt.n_assignments == want["n_assignments"]["size"] == want["joint"]["n_assignments"]
    assert jt.loglik_logsumexp == pytest.approx(want["joint"]["loglik_logsumexp"], abs=1e-8)
    ids, ms = c.problem.victim_ids, c.problem.missing
    got = sorted((ll, sorted((ids[v], ms[m]) for v, m in pairs)) for pairs, ll in jt.rows)
    ref = sorted((_num(r["loglik"]), sorted(tuple(p) for p in r["pairs"])) for r in want["joint"]["rows"])
    assert len(got) == len(ref)
    # compare tied rows as sets: group by rounded loglik
    assert [round(g[0], 7) for g in got] == [round(r[0], 7) for r in ref]
    for ll in {round(g[0], 7) for g in got}:
        assert {tuple(g[1]) for g in got if round(g[0], 7) == ll} == {
            tuple(r[1]) for r in ref if round(r[0], 7) == ll
        }
    by_pairs = {tuple(r[1]): r[0] for r in ref}
    for ll, pairs in got:
        assert ll == pytest.approx(by_pairs[tuple(pairs)], abs=1e-8)
    post = {tuple(sorted(map(tuple, r["pairs"]))): r["posterior_flat_prior"] for r in want["joint"]["rows"]}
    for pairs, ll in jt.rows:
        key = tuple(sorted((ids[v], ms[m]) for v, m in pairs))
        assert jt.posterior(ll) == pytest.approx(post[key], abs=1e-10)


def test_exclusion_example_identification_agrees_with_dvisolve() -> None:
    path = KINSHIP_CASES / "dvi-builtin-exclusionExample.json"
    c = read_dvi_case(path)
    res = identify(c.problem)
    named = {tuple(p) for p in res.named(list(res.undisputed))}
    assert named == {("V5", "M13"), ("V15", "M6")}
    assert {tuple(p) for p in res.named(list(res.best_pairs))} == named


# --------------------------------------------------------------------------- hand-worked
@pytest.fixture
def locus() -> Locus:
    return Locus("L", ("a", "b", "c", "d"), (0.1, 0.2, 0.3, 0.4))


def _father_child(locus: Locus, victims: dict[str, str]) -> DviProblem:
    ped = Pedigree.from_records(
        [("FA", None, None, "male"), ("MO", None, None, "female"), ("MP", "FA", "MO", "male")]
    )
    fa = Profile.from_mapping("FA", {"L": "a/b"})
    vics = [Profile.from_mapping(v, {"L": g}) for v, g in victims.items()]
    return DviProblem.make(vics, [Family("F", ped, {"FA": fa}, ("MP",))], loci=[locus])


def test_paternity_lr_by_hand(locus: Locus) -> None:
    problem = _father_child(locus, {"V1": "a/c", "V2": "c/d", "V3": "a/a"})
    lr = pairwise(problem).lr[:, 0]
    assert lr[0] == pytest.approx(1 / (4 * 0.1), rel=1e-14)  # P(ac | father ab) = p_c / 2 over 2 p_a p_c
    assert lr[1] == 0.0
    assert lr[2] == pytest.approx(1 / (2 * 0.1), rel=1e-14)  # (p_a / 2) / p_a^2


def test_joint_of_two_victims_for_one_missing_by_hand(locus: Locus) -> None:
    problem = _father_child(locus, {"V1": "a/c", "V2": "b/b"})
    jt = joint_table(problem)
    lr1, lr2 = 1 / (4 * 0.1), 1 / (2 * 0.2)
    assert jt.n_assignments == 3
    post = sorted(jt.posterior(ll) for _p, ll in jt.rows)
    total = 1 + lr1 + lr2
    assert post == pytest.approx(sorted([1 / total, lr1 / total, lr2 / total]), rel=1e-12)
    probs = jt.pair_probabilities()
    assert probs[(0, 0)] == pytest.approx(lr1 / total, rel=1e-12)
    glr = jt.generalised_lrs()
    assert math.exp(glr[(0, 0)]) == pytest.approx(lr1 / lr2, rel=1e-12)  # best with vs best without


def test_two_missing_brothers_are_placed_jointly(locus: Locus) -> None:
    ped = Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("B1", "FA", "MO", "male"),
            ("B2", "FA", "MO", "male"),
        ]
    )
    mo = Profile.from_mapping("MO", {"L": "a/b"})
    v1, v2 = Profile.from_mapping("V1", {"L": "a/c"}), Profile.from_mapping("V2", {"L": "a/c"})
    problem = DviProblem.make([v1, v2], [Family("F", ped, {"MO": mo}, ("B1", "B2"))], loci=[locus])
    table = family_table(problem, 0)
    both = [k for k, opt in enumerate(table.options) if len(opt) == 2]
    direct = float(marker_logliks(ped, [locus], {"MO": mo, "B1": v1, "B2": v2}).sum())
    for k in both:
        assert table.logliks[k] == pytest.approx(direct, abs=1e-12)
    pw = pairwise(problem)
    vll = pw.victim_logliks.sum(axis=1)
    joint_lr = table.logliks[both[0]] - table.logliks[0] - vll.sum()
    assert joint_lr != pytest.approx(pw.log_lr[0, 0] + pw.log_lr[1, 1], abs=1e-6)  # not a product


# --------------------------------------------------------------------------- brute force
def _random_problem(seed: int) -> DviProblem:
    rng = np.random.default_rng(seed)
    loci = [Locus(f"L{k}", ("1", "2", "3"), tuple(rng.dirichlet([2, 2, 2]))) for k in range(2)]
    fams = []
    for f in range(int(rng.integers(1, 3))):
        n_missing = int(rng.integers(1, 3))
        recs = [(f"FA{f}", None, None, "male"), (f"MO{f}", None, None, "female")]
        recs += [(f"M{f}_{k}", f"FA{f}", f"MO{f}", "male") for k in range(n_missing)]
        recs.append((f"S{f}", f"FA{f}", f"MO{f}", "female"))
        ped = Pedigree.from_records(recs)
        prof = simulate_profiles(ped, loci, rng, typed=[f"S{f}"])
        fams.append(
            Family(f"F{f}", ped, {f"S{f}": prof[f"S{f}"]}, tuple(f"M{f}_{k}" for k in range(n_missing)))
        )
    vics = []
    for v in range(int(rng.integers(1, 4))):
        single = Pedigree.singleton(f"V{v}", sex="male")
        vics.append(simulate_profiles(single, loci, rng)[f"V{v}"])
    return DviProblem.make(vics, fams, loci=loci)


def _brute_force(problem: DviProblem) -> list[tuple[tuple[tuple[int, int], ...], float]]:
    out = []
    options = [[None, *cs] for cs in problem.candidates]
    for combo in itertools.product(*options):
        used = [m for m in combo if m is not None]
        if len(used) != len(set(used)):
            continue
        ll = 0.0
        for v, m in enumerate(combo):
            if m is None:
                vic = problem.victims[v]
                ll += float(
                    marker_logliks(
                        Pedigree.singleton(vic.sample, sex="male"), problem.loci, {vic.sample: vic}
                    ).sum()
                )
        for fam in problem.families:
            placed = dict(fam.references)
            for v, m in enumerate(combo):
                if m is not None and problem.missing[m] in fam.missing:
                    placed[problem.missing[m]] = problem.victims[v]
            ll += float(marker_logliks(fam.pedigree, problem.loci, placed).sum())
        out.append((tuple((v, m) for v, m in enumerate(combo) if m is not None), ll))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_component_decomposition_equals_brute_force(seed: int) -> None:
    problem = _random_problem(seed)
    jt = joint_table(problem)
    brute = _brute_force(problem)
    assert jt.n_assignments == len(brute)
    got = {pairs: ll for pairs, ll in jt.rows}
    assert set(got) == {pairs for pairs, _ll in brute}
    for pairs, ll in brute:
        assert got[pairs] == pytest.approx(ll, abs=1e-10)
    lse = float(np.logaddexp.reduce([ll for _p, ll in brute]))
    assert jt.loglik_logsumexp == pytest.approx(lse, abs=1e-10)


@pytest.mark.parametrize("seed", range(6))
def test_count_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_v, n_m = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    cands = {v: [m for m in range(n_m) if rng.random() < 0.6] for v in range(n_v)}
    required = [v for v in range(n_v) if rng.random() < 0.2]
    brute = 0
    for combo in itertools.product(*[[None, *cands[v]] for v in range(n_v)]):
        used = [m for m in combo if m is not None]
        if len(used) == len(set(used)) and all(combo[v] is not None for v in required):
            brute += 1
    assert count_assignments(cands, required) == (brute, "exact")
    for stop in (0, brute // 2, brute - 1, brute, brute + 1):
        n, kind = count_assignments(cands, required, stop_above=stop)
        if kind == "exact":
            assert n == brute
        else:  # stopped early: a lower bound that already exceeds the stop (so the limit decision holds)
            assert stop < n <= brute


def test_counting_stops_once_the_limit_is_passed() -> None:
    """20 victims x 20 missing persons: about 10^21 assignments; counting to the limit is immediate."""
    cands = {v: list(range(20)) for v in range(20)}
    n, kind = count_assignments(cands, stop_above=1_000_000)
    assert kind == "lower bound" and n > 1_000_000
    assert count_assignments({0: [0, 1], 1: [0, 1]}, stop_above=1_000_000) == (7, "exact")


def test_limit_gives_a_clear_error_not_a_hang(locus: Locus) -> None:
    problem = _father_child(locus, {"V1": "a/c", "V2": "b/b"})
    with pytest.raises(LimitError) as info:
        joint_table(problem, limit=2)
    assert "3 assignments, more than the limit of 2" in str(info.value)
    assert "--limit" in info.value.hint


def test_large_component_falls_back_to_labelled_ml_matching(locus: Locus) -> None:
    problem = _father_child(locus, {"V1": "a/c", "V2": "b/b"})
    exact = identify(problem, threshold=1e9)
    approx = identify(problem, threshold=1e9, limit=2)
    assert exact.components[0].method == EXACT
    assert approx.components[0].method == APPROXIMATE
    assert "exact maximum" in approx.components[0].note
    assert approx.best_pairs == exact.best_pairs == ((0, 0),)


def test_ml_matching_prefers_the_best_total() -> None:
    log_lr = {(0, 0): 5.0, (0, 1): 4.0, (1, 0): 4.5, (1, 1): -1.0}
    assert ml_matching([0, 1], log_lr).pairs == ((0, 1), (1, 0))  # 4 + 4.5 > 5 + 0 (V2 unassigned)


def test_undisputed_needs_every_competitor_at_most_one(locus: Locus) -> None:
    problem = _father_child(locus, {"V1": "a/c", "V2": "c/d"})
    res = identify(problem, threshold=2.0)
    assert res.undisputed == ((0, 0),)  # LR 2.5 >= 2; V2 has LR 0 (also excluded)
    assert res.excluded == ((1, 0),)  # LR 0 is always an exclusion
    assert int(res.pairwise.exclusions[1, 0]) == 1
    none = identify(problem, threshold=3.0)
    assert none.undisputed == ()


def test_pairwise_over_families_whose_victims_show_different_alleles() -> None:
    """Each family's joint is over the alleles of its own candidate victims; a partial or drop-out
    victim of one family must not be looked up in another family's allele space (it raised KeyError)."""
    locus = Locus("L", ("a", "b", "c", "d", "e", "f"), (0.1, 0.15, 0.2, 0.25, 0.2, 0.1))

    def trio(k: int) -> Pedigree:
        return Pedigree.from_records(
            [
                (f"FA{k}", None, None, "male"),
                (f"MO{k}", None, None, "female"),
                (f"MP{k}", f"FA{k}", f"MO{k}", "male"),
            ]
        )

    fam1 = Family("F1", trio(1), {"FA1": Profile.from_mapping("FA1", {"L": "a/b"})}, ("MP1",))
    fam2 = Family("F2", trio(2), {"FA2": Profile.from_mapping("FA2", {"L": "c/d"})}, ("MP2",))
    victims = [
        Profile.from_mapping("V1", {"L": "a/c"}),
        Profile.from_mapping("V2", {"L": ["e", None]}),  # partial: one allele seen
        Profile.from_mapping("V3", {"L": "b/f"}, dropout=0.05),
    ]
    candidates = {"V1": ["MP1", "MP2"], "V2": ["MP2"], "V3": ["MP1"]}
    problem = DviProblem.make(victims, [fam1, fam2], loci=[locus], candidates=candidates)
    pw = pairwise(problem)
    for v, names in candidates.items():
        for m in names:
            fam = fam1 if m == "MP1" else fam2
            poi = problem.victims[problem.victim_ids.index(v)]
            want = missing_person_lr(fam.pedigree, m, poi, family=dict(fam.references), loci=[locus])
            got = pw.log_lr[problem.victim_ids.index(v), problem.missing.index(m)]
            assert math.exp(got) == pytest.approx(want.lr, rel=1e-12), (v, m)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_identification_reusing_the_joint_tables_options_gives_the_same_answers(path: Path) -> None:
    """``homecoming dvi`` builds the joint table first and the identification filters its families'
    options instead of computing them again: the same numbers as computing them."""
    problem = read_dvi_case(path).problem
    try:
        jt = joint_table(problem)
        known = {opts.family: opts for e in jt.components for opts in e.option_sets}
    except LimitError:  # over the limit (as homecoming dvi): nothing to reuse, the same answers
        known = {}
    plain, reused = identify(problem), identify(problem, known=known)
    assert len(plain.components) == len(reused.components)
    for a, b in zip(plain.components, reused.components, strict=True):
        assert (a.method, a.n_assignments, a.victims, a.families) == (
            b.method,
            b.n_assignments,
            b.victims,
            b.families,
        )
        assert b.best_log_lr == pytest.approx(a.best_log_lr, rel=1e-12, abs=1e-12)
        assert set(a.pair_probabilities) == set(b.pair_probabilities)
        for pair, p in a.pair_probabilities.items():
            assert b.pair_probabilities[pair] == pytest.approx(p, rel=1e-10, abs=1e-15)
