"""The brute-force oracle against the shared reference cases (R pedsuite answers), marker by marker.

Every ``kin-*.json`` case in ``/work/shared/data/kinship-cases`` is checked: for each marker and each
hypothesis the oracle's likelihood must equal ``exp(expected loglik)`` to 1e-9 relative (exactly 0 where
the reference says ``-Inf``), and the per-marker LR must equal the reference LR to 1e-9 relative.

Brute force is exponential in the number of untyped founders and alleles, so:

* the default run checks, in every case, the four markers with the fewest alleles (all of them when a
  marker has at most 3 alleles): every case is covered, and the file runs in seconds;
* ``-m slow`` checks every other marker; a marker whose enumeration would exceed the oracle's limit
  is skipped at run time with the state count in the reason (e.g. SE33, 55 alleles, under four untyped
  founders).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from .reference import bruteforce as bf

CASES_DIR = Path("/work/shared/data/kinship-cases")
CASE_FILES = sorted(CASES_DIR.glob("kin-*.json"))
FAST_MARKERS_PER_CASE = 4
SLOW_BOUND_LIMIT = 4 * 10**7
SLOW_MAX_NODES = 1_500_000
REL = 1e-9


def _number(value):
    if isinstance(value, str):
        return {"Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}[value]
    return value


def _load(path):
    return json.loads(path.read_text())


def _marker(mk):
    return {
        "alleles": mk["alleles"],
        "frequencies": mk["frequencies"],
        "chromosome": mk["chromosome"],
        "mutation": mk["mutation"],
    }


def _genotypes(case, hypothesis, marker_name):
    """Observations per node; two samples on one node (direct match) become Replicates."""
    placed = {}
    for pl in hypothesis["placements"]:
        g = case["samples"][pl["sample"]][marker_name]
        placed.setdefault(pl["node"], []).append(None if g is None else tuple(g))
    return {node: (obs[0] if len(obs) == 1 else bf.Replicates(obs)) for node, obs in placed.items()}


def _params():
    params = []
    for path in CASE_FILES:
        case = _load(path)
        by_size = sorted(range(len(case["markers"])), key=lambda k: (len(case["markers"][k]["alleles"]), k))
        fast = set(by_size[:FAST_MARKERS_PER_CASE])
        for k, mk in enumerate(case["markers"]):
            n = len(mk["alleles"])
            test_id = f"{case['id']}/{mk['name']}/{n}-alleles"
            if k in fast or n <= 3:
                params.append(pytest.param(path, k, id=test_id))
            else:
                params.append(pytest.param(path, k, id=test_id, marks=pytest.mark.slow))
    return params


def _check_marker(path, k, *, max_nodes):
    case = _load(path)
    mk = case["markers"][k]
    marker = _marker(mk)
    expected = case["expected"]["per_marker"][k]
    assert expected["marker"] == mk["name"]
    liks = {}
    for hyp in case["hypotheses"]:
        genotypes = _genotypes(case, hyp, mk["name"])
        if max_nodes == SLOW_MAX_NODES:
            bound = bf.search_bound(hyp["members"], genotypes, marker)
            if bound > SLOW_BOUND_LIMIT:
                pytest.skip(f"{hyp['name']}: brute-force bound {bound:.3g} states > {SLOW_BOUND_LIMIT:.0e}")
        try:
            liks[hyp["name"]] = bf.marker_likelihood(
                hyp["members"], genotypes, marker, theta=case["theta"], max_nodes=max_nodes
            )
        except bf.OracleTooLargeError as exc:
            pytest.skip(f"{hyp['name']}: {exc}")
    for name, value in expected.get("loglik", {}).items():
        want = _number(value)
        if want == -math.inf:
            assert liks[name] == 0.0, f"{name}: reference likelihood is exactly 0"
        else:
            assert liks[name] > 0, f"{name}: oracle likelihood is 0, reference loglik {want}"
            assert math.log(liks[name]) == pytest.approx(want, rel=0, abs=REL), name
    num, den = case["comparison"]["numerator"], case["comparison"]["denominator"]
    want_lr = _number(expected["lr"])
    got_lr = liks[num] / liks[den] if liks[den] > 0 else (math.nan if liks[num] == 0 else math.inf)
    if want_lr == 0 or math.isinf(want_lr):
        assert got_lr == want_lr
    else:
        assert got_lr == pytest.approx(want_lr, rel=REL)


@pytest.mark.parametrize(("path", "k"), _params())
def test_oracle_matches_reference_marker(path, k, request):
    slow = request.node.get_closest_marker("slow") is not None
    _check_marker(path, k, max_nodes=SLOW_MAX_NODES if slow else bf.DEFAULT_MAX_NODES)


def test_every_case_has_fast_markers():
    params = _params()
    covered = {p.values[0] for p in params if not any(m.name == "slow" for m in p.marks)}
    assert covered == set(CASE_FILES)
    assert len(CASE_FILES) >= 11
