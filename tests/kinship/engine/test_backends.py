"""The engine's two backends meet one contract: the compiled one equals the generic one.

The front door (:func:`homecoming.kinship.engine.marker_results`) runs plain markers (θ = 0, one full
genotype per typed person, no drop-out, no silent allele) on the compiled backend and the rest on the
generic one; each result says which. Here both backends are forced through the same front door and
compared over the gallery (autosomal and X, several mutation models, consistent and impossible data)
and over every shared reference case, and the public functions are checked to take the compiled path.
"""

from __future__ import annotations

import math
import zlib
from pathlib import Path

import numpy as np
import pytest

from homecoming.errors import MarkerError
from homecoming.kinship import (
    Locus,
    MutationModel,
    Pedigree,
    Profile,
    SexMutation,
    genotype_distribution,
    marker_logliks,
    missing_person_lr,
    read_case,
)
from homecoming.kinship.engine import Job, MarkerResult, marker_results
from homecoming.kinship.model.evidence import Evidence, Placements, node_evidence, placements_of
from homecoming.kinship.model.markers import Locus as _Locus
from homecoming.kinship.simulate import simulate_profiles
from homecoming.provenance import digest
from shared_data import KINSHIP_CASES

from ..gallery import GALLERY

REL = 1e-12


def plain_results(
    ped: Pedigree, loci: list[_Locus], placements: Placements, *, keep_node: int | None
) -> list[tuple[float, np.ndarray] | None]:
    """What the front door computed on the compiled backend (None where it took the generic one)."""
    job = Job(ped, placements, keep=None if keep_node is None else ped.ids[keep_node])
    return [_pair(r) if r.backend == "compiled" else None for r in marker_results([job], loci)[0]]


def _pair(r: MarkerResult) -> tuple[float, np.ndarray]:
    return r.loglik, np.empty(0) if r.joint is None else r.joint


def marker_loglik(ped: Pedigree, locus: _Locus, ev: Evidence, *, theta: float = 0.0) -> float:
    """The generic backend's log-likelihood, through the same front door."""
    job = Job(ped, placements_of(ped, locus, ev), theta=theta)
    got = marker_results([job], [locus], backend="generic")[0][0]
    assert got.backend == "generic"
    return got.loglik


def marker_joint(ped: Pedigree, locus: _Locus, ev: Evidence, node: int) -> tuple[float, np.ndarray]:
    """The generic backend's joint of ``node``'s genes, through the same front door."""
    got = marker_results(
        [Job(ped, placements_of(ped, locus, ev), keep=ped.ids[node])], [locus], backend="generic"
    )
    assert got[0][0].backend == "generic" and got[0][0].joint is not None
    return got[0][0].loglik, got[0][0].joint


CASES = sorted(KINSHIP_CASES.glob("kin-*.json"))
MODELS = {
    "none": None,
    "equal": SexMutation.same(MutationModel.make("equal", rate=0.01)),
    "stepwise-by-sex": SexMutation(
        female=MutationModel.make("stepwise", rate=0.02, rate2=0.001, range=0.5),
        male=MutationModel.make("proportional", rate=0.03),
    ),
}
LABELS = ("8", "9", "10", "10.3", "11", "12", "13")


def _loci(mutation: SexMutation | None, chromosome: str) -> list[Locus]:
    rng = np.random.default_rng(7)
    out = []
    for k, n in enumerate((2, 3, 5, 7, 7)):
        freqs = rng.dirichlet(np.ones(n))
        out.append(
            Locus(
                f"L{k}",
                LABELS[:n],
                tuple(freqs),
                chromosome=chromosome,  # type: ignore[arg-type]
                mutation=mutation,
            )
        )
    return out


def _same(got: float, want: float) -> bool:
    if math.isinf(want) or want == 0:
        return got == want
    return abs(got - want) <= REL * abs(want)


def _cases() -> list[tuple[str, str, str, bool]]:
    out = []
    for entry, spec in GALLERY.items():
        for model in MODELS:
            out.append((entry, model, "autosomal", False))
            out.append((entry, model, "autosomal", True))
            if spec["x"]:
                out.append((entry, model, "X", False))
    return out


def _data(
    entry: str, model: str, chromosome: str, scramble: bool
) -> tuple[Pedigree, list[Locus], dict[str, Profile]]:
    spec = GALLERY[entry]
    ped = Pedigree.from_records(spec["members"])
    loci = _loci(MODELS[model], chromosome)
    rng = np.random.default_rng(zlib.crc32(f"{entry}/{model}/{chromosome}/{scramble}".encode()))
    if scramble:  # genotypes drawn ignoring the pedigree: often impossible (exact zeros)
        profiles = {
            t: simulate_profiles(
                Pedigree.singleton(t, sex=str(ped.records()[ped.index(t)]["sex"])), loci, rng
            )[t]
            for t in spec["typed"]
        }
    else:
        profiles = simulate_profiles(ped, loci, rng, typed=spec["typed"])
    return ped, loci, {k: v for k, v in profiles.items() if k in spec["typed"]}


@pytest.mark.parametrize(
    ("entry", "model", "chromosome", "scramble"),
    _cases(),
    ids=[f"{e}-{m}-{c}-{'scrambled' if s else 'simulated'}" for e, m, c, s in _cases()],
)
def test_fast_logliks_and_joints_equal_generic(
    entry: str, model: str, chromosome: str, scramble: bool
) -> None:
    ped, loci, profiles = _data(entry, model, chromosome, scramble)
    evidence = [node_evidence(ped, locus, profiles) for locus in loci]
    fast = plain_results(ped, loci, profiles, keep_node=None)
    assert all(f is not None for f in fast)
    for locus, ev, got in zip(loci, evidence, fast, strict=True):
        assert got is not None
        assert _same(got[0], marker_loglik(ped, locus, ev)), locus.name
    missing = GALLERY[entry]["missing"]
    if missing is None:
        return
    node = ped.index(missing)
    joints = plain_results(ped, loci, profiles, keep_node=node)
    for locus, ev, got in zip(loci, evidence, joints, strict=True):
        assert got is not None
        ll, want = marker_joint(ped, locus, ev, node)
        assert _same(got[0], ll)
        if math.isinf(ll):
            assert np.isnan(got[1]).all() and np.isnan(want).all()
        else:
            np.testing.assert_allclose(got[1], want, rtol=REL, atol=1e-300)


def test_public_functions_take_the_fast_path_and_agree() -> None:
    ped, loci, profiles = _data("avuncular", "equal", "autosomal", False)
    assert {r.backend for r in marker_results([Job(ped, profiles)], loci)[0]} == {"compiled"}
    assert {r.backend for r in marker_results([Job(ped, profiles, keep="FA")], loci)[0]} == {"compiled"}
    generic = [marker_loglik(ped, locus, node_evidence(ped, locus, profiles)) for locus in loci]
    np.testing.assert_allclose(marker_logliks(ped, loci, profiles), generic, rtol=REL)
    dist = genotype_distribution(ped, "FA", loci=loci, family=profiles)
    for md, locus in zip(dist.markers, loci, strict=True):
        ll, joint = marker_joint(ped, locus, node_evidence(ped, locus, profiles), ped.index("FA"))
        assert _same(md.loglik, ll)
        np.testing.assert_allclose(md.joint, joint, rtol=REL, atol=1e-300)


def test_non_plain_markers_are_left_to_the_generic_engine() -> None:
    ped, loci, profiles = _data("trio", "none", "autosomal", False)
    partial = {
        **profiles,
        "CH": Profile("CH", {lc.name: profiles["CH"].get(lc.name) for lc in loci}, dropout=0.1),
    }
    evidence = [node_evidence(ped, locus, partial) for locus in loci]
    assert plain_results(ped, loci, partial, keep_node=None) == [None] * len(loci)
    assert {r.backend for r in marker_results([Job(ped, partial)], loci)[0]} == {"generic"}
    with pytest.raises(MarkerError, match="not for the compiled backend"):
        marker_results([Job(ped, partial)], loci, backend="compiled")
    theta = [Job(ped, profiles, theta=0.01)]
    assert {r.backend for r in marker_results(theta, loci)[0]} == {"generic"}
    generic = [marker_loglik(ped, locus, ev) for locus, ev in zip(loci, evidence, strict=True)]
    np.testing.assert_allclose(marker_logliks(ped, loci, partial), generic, rtol=REL)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_shared_cases_fast_equals_generic(path: Path) -> None:
    case = read_case(path)
    for h in case.hypotheses:
        placed: dict[str, list[Profile]] = {}
        for node, sample in h.placements:
            placed.setdefault(node, []).append(case.profiles[sample])
        got = marker_logliks(h.pedigree, case.loci, placed, theta=case.theta)
        want = [
            marker_loglik(h.pedigree, locus, node_evidence(h.pedigree, locus, placed), theta=case.theta)
            for locus in case.loci
        ]
        for g, w in zip(got, want, strict=True):
            assert _same(float(g), w), (h.name, g, w)


def test_cached_loci_digest_equals_the_digest_of_the_loci() -> None:
    ped, loci, profiles = _data("avuncular", "equal", "autosomal", False)
    poi = Profile("POI", {lc.name: profiles["CH"].get(lc.name) for lc in loci})
    family = {"UN": profiles["UN"]}
    for _ in range(2):  # the second call reads the cache
        dist = genotype_distribution(ped, "CH", loci=loci, family=family)
        assert dist.provenance.inputs["loci"] == digest(
            [[lc.name, list(lc.alleles), list(lc.frequencies)] for lc in loci]
        )
        res = missing_person_lr(ped, "CH", poi, family=family, loci=loci)
        assert res.provenance.inputs["loci"] == digest(
            [[lc.name, list(lc.alleles), list(lc.frequencies), lc.describe()] for lc in loci]
        )
        assert list(res.provenance.inputs) == ["hypotheses", "profiles", "loci"]
    other = _loci(None, "autosomal")
    assert genotype_distribution(ped, "CH", loci=other, family=family).provenance.inputs["loci"] == digest(
        [[lc.name, list(lc.alleles), list(lc.frequencies)] for lc in other]
    )


def test_typed_missing_person_and_markers_typed_by_different_people() -> None:
    ped, loci, profiles = _data("two_missing_brothers", "equal", "autosomal", False)
    extra = simulate_profiles(ped, loci, np.random.default_rng(11), typed=["MP1"])["MP1"]
    # MP1 typed on the first three markers only; SIS untyped on the last one
    placed = {
        **profiles,
        "MP1": Profile("MP1", {lc.name: extra.get(lc.name) for lc in loci[:3]}),
        "SIS": Profile("SIS", {lc.name: profiles["SIS"].get(lc.name) for lc in loci[:-1]}),
    }
    node = ped.index("MP1")
    evidence = [node_evidence(ped, locus, placed) for locus in loci]
    for keep in (None, node):
        got = plain_results(ped, loci, placed, keep_node=keep)
        for locus, ev, res in zip(loci, evidence, got, strict=True):
            assert res is not None
            if keep is None:
                assert _same(res[0], marker_loglik(ped, locus, ev))
            else:
                ll, joint = marker_joint(ped, locus, ev, node)
                assert _same(res[0], ll)
                np.testing.assert_allclose(res[1], joint, rtol=REL, atol=1e-300)


def test_batch_log_lr_equals_per_marker_lrs_and_names_unknown_alleles() -> None:
    ped, loci, profiles = _data("avuncular", "equal", "autosomal", False)
    dist = genotype_distribution(ped, "CH", loci=loci, family={"UN": profiles["UN"]})
    rng = np.random.default_rng(5)
    pois = [simulate_profiles(Pedigree.singleton("P"), loci, rng)["P"] for _ in range(20)]
    with np.errstate(divide="ignore"):
        want = [float(np.log(dist.lrs(p)).sum()) for p in pois]
    np.testing.assert_allclose(dist.batch_log_lr(pois), want, rtol=1e-12)
    bad = Profile.from_mapping("Q7", {loci[2].name: "99/8"})
    with pytest.raises(MarkerError, match=r"allele 99 of sample Q7 is not in the frequency table"):
        dist.batch_log_lr([bad])


def test_many_rare_typed_people_do_not_underflow() -> None:
    """150 typed people with rare alleles: the likelihood is far below the smallest double."""
    rare = Locus("R", ("1", "2", "3"), (1e-4, 2e-4, 1 - 3e-4))
    members = [
        {"id": "FA", "sex": "male"},
        {"id": "MO", "sex": "female"},
        {"id": "CH", "father": "FA", "mother": "MO", "sex": "male"},
    ]
    members += [{"id": f"U{k}", "sex": "female"} for k in range(150)]
    ped = Pedigree.from_records(members)
    profiles = {m["id"]: Profile.from_mapping(m["id"], {"R": "1/2"}) for m in members if m["id"] != "MO"}
    got = marker_logliks(ped, [rare], profiles)[0]
    want = marker_loglik(ped, rare, node_evidence(ped, rare, profiles))
    assert math.isfinite(want) and want < math.log(1e-308) * 3
    assert _same(float(got), want)
    assert plain_results(ped, [rare], profiles, keep_node=None)[0] is not None


@pytest.mark.parametrize("model", ["equal", "proportional"])
def test_typed_sibship_under_untyped_parents_with_many_alleles_equals_generic(model: str) -> None:
    """Three typed siblings of the missing person, both parents untyped; 40 alleles, markers of
    several sizes (run in several padded groups), homozygotes among the siblings."""
    rng = np.random.default_rng(zlib.crc32(model.encode()))
    mutation = SexMutation(
        female=MutationModel.make(model, rate=0.01), male=MutationModel.make(model, rate=0.03)
    )
    names = tuple(str(k) for k in range(1, 41))
    loci = [
        Locus(
            f"M{n}",
            names[:n],
            tuple(rng.dirichlet(np.full(n, 0.3))),  # type: ignore[arg-type]
            mutation=mutation,
        )
        for n in (3, 9, 17, 40)
    ]
    ped = Pedigree.from_records(
        [
            ("FA", None, None, "male"),
            ("MO", None, None, "female"),
            ("MP", "FA", "MO", "male"),
            ("S1", "FA", "MO", "female"),
            ("S2", "FA", "MO", "male"),
            ("S3", "FA", "MO", "female"),
        ]
    )
    typed = ["S1", "S2", "S3"]
    profiles = simulate_profiles(ped, loci, rng, typed=typed)
    profiles = {k: v for k, v in profiles.items() if k in typed}
    assert any(g.a1 == g.a2 for p in profiles.values() for g in p.genotypes.values() if g is not None)
    node = ped.index("MP")
    evidence = [node_evidence(ped, locus, profiles) for locus in loci]
    for keep in (None, node):
        got = plain_results(ped, loci, profiles, keep_node=keep)
        for locus, ev, res in zip(loci, evidence, got, strict=True):
            assert res is not None, locus.name
            if keep is None:
                assert _same(res[0], marker_loglik(ped, locus, ev)), locus.name
            else:
                ll, joint = marker_joint(ped, locus, ev, node)
                assert _same(res[0], ll), locus.name
                np.testing.assert_allclose(res[1], joint, rtol=REL, atol=1e-300)


@pytest.mark.parametrize("p", [1e-155, 1e-170, 1e-200, 1e-300])
def test_tiny_frequencies_neither_underflow_nor_overflow(p: float) -> None:
    """A typed founder homozygous for an allele of frequency p: log-likelihood 2 log p, exactly as the
    generic engine (a subnormal table maximum once made the rescaling factor infinite, and p² formed
    within one step once underflowed to 0)."""
    locus = Locus("L", ("1", "2"), (p, 1 - p))
    ped = Pedigree.from_records(
        [("A", None, None, "male"), ("B", None, None, "female"), ("C", "A", "B", "male")]
    )
    profiles = {"A": Profile.from_mapping("A", {"L": "1/1"}), "C": Profile.from_mapping("C", {"L": "1/1"})}
    fast = plain_results(ped, [locus], profiles, keep_node=None)[0]
    assert fast is not None
    want = marker_loglik(ped, locus, node_evidence(ped, locus, profiles))
    assert math.isfinite(fast[0]) and _same(fast[0], want)
    joint = plain_results(ped, [locus], profiles, keep_node=ped.index("B"))[0]
    assert joint is not None and _same(joint[0], want)
    np.testing.assert_allclose(
        joint[1],
        marker_joint(ped, locus, node_evidence(ped, locus, profiles), ped.index("B"))[1],
        rtol=REL,
        atol=1e-300,
    )


def test_a_marker_too_large_for_the_compiled_backend_goes_to_the_generic_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The third condition of the dispatch rule: the largest table must fit FAST_LIMIT."""
    from homecoming.kinship.engine import compiled

    ped, loci, profiles = _data("avuncular", "equal", "autosomal", False)
    fast = marker_results([Job(ped, profiles, keep="FA")], loci)[0]
    monkeypatch.setattr(compiled, "FAST_LIMIT", 1)
    slow = marker_results([Job(ped, profiles, keep="FA")], loci)[0]
    assert {r.backend for r in fast} == {"compiled"} and {r.backend for r in slow} == {"generic"}
    for f, s in zip(fast, slow, strict=True):
        assert _same(f.loglik, s.loglik)
        np.testing.assert_allclose(f.joint, s.joint, rtol=REL, atol=1e-300)


def test_a_searched_elimination_order_gives_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans run often get a search over randomised orders; any order gives the same likelihoods."""
    from homecoming.kinship.engine import caches, compiled

    ped, loci, profiles = _data("two_missing_brothers", "stepwise-by-sex", "autosomal", False)
    node = ped.ids[ped.index("MP1")]
    generic = marker_results([Job(ped, profiles, keep=node)], loci, backend="generic")[0]
    caches.clear_all()
    monkeypatch.setattr(compiled, "SEARCH_ABOVE", -1)
    searched = marker_results([Job(ped, profiles, keep=node)], loci, backend="compiled")[0]
    assert any(plan.memo.get("searched") for plan in caches.PLANS.values())
    for g, s in zip(generic, searched, strict=True):
        assert _same(g.loglik, s.loglik)
        np.testing.assert_allclose(s.joint, g.joint, rtol=REL, atol=1e-300)
    caches.clear_all()


def test_every_randomised_elimination_order_gives_the_same_numbers() -> None:
    from homecoming.kinship.engine import compiled, full_space
    from homecoming.kinship.engine.plan import alternatives, plan_for
    from homecoming.kinship.model.evidence import placed_nodes, plain_codes

    ped, loci, profiles = _data("two_missing_brothers", "stepwise-by-sex", "autosomal", False)
    keep = ped.index("MP1")
    nodes = placed_nodes(ped, profiles)
    inputs = []
    for locus in loci:
        codes = plain_codes(ped, locus, nodes)
        assert codes is not None
        inputs.append(compiled.MarkerInput(full_space(locus), codes))
    greedy = plan_for(ped, tuple(inputs[0].codes), x=False, keep_node=keep)
    want = compiled.run_markers(greedy, inputs, joint=True)
    others = alternatives(greedy, ped, x=False, keep_node=keep, tries=12)
    assert len({tuple(step.variables for step in p.steps) for p in [greedy, *others]}) > 1  # orders differ
    for plan in others:
        for w, g in zip(want, compiled.run_markers(plan, inputs, joint=True), strict=True):
            assert w is not None and g is not None
            assert _same(w[0], g[0])
            np.testing.assert_allclose(g[1], w[1], rtol=REL, atol=1e-300)
