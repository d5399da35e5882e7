"""The fast engine against the brute-force oracle over the named gallery (DESIGN.md §5.1 (b)).

For every gallery pedigree x scenario (mutation models of every kind and per parent sex, theta, X,
partial genotypes, drop-out, silent allele, inconsistent data) a seeded random marker with 2-5 alleles
and simulated genotypes are drawn (``reference/scenarios.py``), and

* the engine's per-marker likelihood (``marker_loglik``) must equal the oracle's to 1e-10 relative
  (exactly 0 where the oracle gives exactly 0);
* the engine's per-marker LR (``kinship_lr``: the gallery pedigree against the typed members as
  unrelated singletons) must equal the oracle's ratio to 1e-10 relative;
* the engine's pedmut matrices must equal ``reference/mutation.py``'s entry by entry;
* the engine's missing-person genotype distribution must equal the oracle's likelihoods with each
  genotype placed on the missing node, normalised (a seeded Hypothesis property).

The engine is reached only through ``reference/adapter.py``. The default run uses one marker per
(pedigree, scenario); ``-m slow`` adds three more per pair with a larger enumeration budget.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .gallery import GALLERY, hypothesis_unrelated
from .reference import adapter, bruteforce, mutation
from .reference.scenarios import SCENARIOS, draw, seed_for

REL = 1e-10
FAST_BUDGET = 20_000
SLOW_BUDGET = 400_000
SLOW_REPS = (1, 2, 3)


def _applicable(entry, scenario):
    return GALLERY[entry]["x"] or SCENARIOS[scenario].get("chromosome", "autosomal") != "X"


def _params():
    out = []
    for entry in GALLERY:
        for scenario in SCENARIOS:
            if not _applicable(entry, scenario):
                continue
            out.append(pytest.param(entry, scenario, 0, FAST_BUDGET, id=f"{entry}-{scenario}-0"))
            out += [
                pytest.param(
                    entry, scenario, rep, SLOW_BUDGET, id=f"{entry}-{scenario}-{rep}", marks=pytest.mark.slow
                )
                for rep in SLOW_REPS
            ]
    return out


_DRAWS: dict[tuple, dict] = {}


def _draw(entry, scenario, rep, budget):
    key = (entry, scenario, rep, budget)
    if key not in _DRAWS:
        _DRAWS[key] = draw(GALLERY[entry], scenario, seed_for(entry, scenario, rep), budget=budget)
    data = _DRAWS[key]
    if not data["feasible"]:
        pytest.skip(
            f"brute force would visit up to {data['bound']:.3g} states even with 2 alleles (> {budget})"
        )
    return data


def _oracle(members, data, **extra):
    return bruteforce.marker_likelihood(
        members,
        data["genotypes"],
        data["oracle_marker"],
        theta=data["theta"],
        dropout=data["dropout"],
        silent_frequency=data["silent_frequency"],
        max_nodes=10**7,
        **extra,
    )


def _options(data):
    return {"theta": data["theta"], "dropout": data["dropout"], "silent_frequency": data["silent_frequency"]}


def _same(got, want, what):
    if want == 0.0:
        assert got == 0.0, f"{what}: oracle gives exactly 0, engine {got!r}"
    else:
        assert got == pytest.approx(want, rel=REL), f"{what}: engine {got!r} vs oracle {want!r}"


def _describe(data):
    return (
        f"{data['n_alleles']} alleles {data['marker']['alleles']}, "
        f"chromosome {data['marker']['chromosome']}, genotypes {data['genotypes']}, options {_options(data)}"
    )


@pytest.mark.parametrize(("entry", "scenario", "rep", "budget"), _params())
def test_likelihood_matches_oracle(entry, scenario, rep, budget):
    data = _draw(entry, scenario, rep, budget)
    members = GALLERY[entry]["members"]
    want = _oracle(members, data)
    got = adapter.engine_likelihood(members, data["genotypes"], data["marker"], **_options(data))
    _same(got, want, f"{entry}/{scenario}: {_describe(data)}")


@pytest.mark.parametrize(("entry", "scenario", "rep", "budget"), _params())
def test_lr_matches_oracle(entry, scenario, rep, budget):
    data = _draw(entry, scenario, rep, budget)
    typed = {i: g for i, g in data["genotypes"].items() if g is not None}
    if not typed:
        pytest.skip("every typed member lost all alleles in this draw")
    h1, h2 = GALLERY[entry]["members"], hypothesis_unrelated(entry)
    data = {**data, "genotypes": typed}
    num, den = _oracle(h1, data), _oracle(h2, data)
    want = num / den if den > 0 else (math.nan if num == 0 else math.inf)
    got = adapter.engine_lr(h1, h2, typed, data["marker"], **_options(data))
    if math.isnan(want):
        assert math.isnan(got), f"{entry}/{scenario}: 0/0 must be NaN, engine {got!r}"
    else:
        _same(got, want, f"{entry}/{scenario} LR: {_describe(data)}")


# ----------------------------------------------------------------------------- mutation matrices

MODEL_CASES = [
    ("equal", {"rate": 0.03}),
    ("proportional", {"rate": 0.02}),
    ("onestep", {"rate": 0.05}),
    ("stepwise", {"rate": 0.03, "rate2": 0.001, "range": 0.3}),
    ("stepwise", {"rate": 0.02, "rate2": 0.0, "range": 1.0}),
    ("trivial", {}),
]
LADDERS = [
    ["9", "10", "11", "12"],
    ["7", "8", "10", "11", "15"],
    ["9", "9.3", "10", "10.3", "11", "12.2"],
    ["30", "31.2", "32", "32.2", "33.2"],
    ["14"],
]


@pytest.mark.parametrize(
    ("model", "params"), MODEL_CASES, ids=[f"{m}{k}" for k, (m, _p) in enumerate(MODEL_CASES)]
)
@pytest.mark.parametrize("alleles", LADDERS, ids="-".join)
def test_engine_mutation_matrix_matches_reference(model, params, alleles):
    if model == "onestep" and any("." in a for a in alleles):
        pytest.skip("onestep is defined on integer ladders only")
    rng = np.random.default_rng(seed_for(model, *alleles))
    freqs = rng.dirichlet(np.full(len(alleles), 2.0)).tolist()
    spec = {"model": model, "rate2": None, "range": None, **params}
    want = np.array(mutation.matrix_for(spec, alleles, freqs))
    marker = {"alleles": alleles, "frequencies": freqs, "mutation": {"female": spec, "male": spec}}
    loc = adapter.locus(marker)
    got = loc.female_matrix
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(want.sum(axis=1), 1.0, rtol=1e-13)


def test_engine_random_mutation_matrix_is_stochastic():
    marker = {"alleles": ["1", "2", "3", "4"], "frequencies": [0.1, 0.2, 0.3, 0.4]}
    marker["mutation"] = {"female": {"model": "random", "seed": 7}, "male": {"model": "random", "seed": 8}}
    loc = adapter.locus(marker)
    for m in (loc.female_matrix, loc.male_matrix):
        assert m.shape == (4, 4)
        assert (m > 0).all()
        np.testing.assert_allclose(m.sum(axis=1), 1.0, rtol=1e-13)
    assert not np.allclose(loc.female_matrix, loc.male_matrix)
    again = adapter.locus(marker)
    np.testing.assert_array_equal(again.female_matrix, loc.female_matrix)


# ----------------------------------------------------------------------------- genotype distribution

WITH_MISSING = sorted(name for name, e in GALLERY.items() if e["missing"] is not None)
DIST_SCENARIOS = sorted(s for s, sc in SCENARIOS.items() if not sc.get("scramble"))


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure already names its inputs
)
@given(
    entry=st.sampled_from(WITH_MISSING),
    scenario=st.sampled_from(DIST_SCENARIOS),
    rep=st.integers(min_value=0, max_value=10**6),
)
def test_missing_person_distribution_is_normalised_oracle_placement(entry, scenario, rep):
    if not _applicable(entry, scenario):
        return
    spec = GALLERY[entry]
    node = spec["missing"]
    family_entry = {**spec, "typed": [i for i in spec["typed"] if i != node]}
    data = draw(
        family_entry, scenario, seed_for("distribution", entry, scenario, rep), budget=FAST_BUDGET // 4
    )
    if not data["feasible"]:
        return  # too big for brute force (counted before running)
    genotypes = {i: g for i, g in data["genotypes"].items() if g is not None}
    members = spec["members"]
    try:
        want = bruteforce.genotype_distribution(
            members,
            genotypes,
            data["oracle_marker"],
            node,
            theta=data["theta"],
            theta_scope="pedigree",
            dropout=data["dropout"],
            silent_frequency=data["silent_frequency"],
        )
    except ZeroDivisionError:
        return  # the family data are impossible under this model; nothing to normalise
    got = adapter.engine_genotype_distribution(members, genotypes, data["marker"], node, **_options(data))
    assert set(got) == set(want), f"{entry}/{scenario}: genotype keys differ"
    for g, p in want.items():
        assert got[g] == pytest.approx(p, rel=REL, abs=1e-14), f"{entry}/{scenario} {g}: {_describe(data)}"
