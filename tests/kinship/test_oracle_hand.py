"""The brute-force oracle against values worked by hand (DESIGN.md §5.1 (a)).

Every expected value below is a formula written out in the test from the allele frequencies, never a
number copied from a run. The oracle itself is in ``reference/bruteforce.py``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from .gallery import GALLERY, hypothesis_unrelated
from .reference import bruteforce as bf
from .reference import mutation as bfm

P = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4}
AUTO = {"alleles": list(P), "frequencies": list(P.values()), "chromosome": "autosomal", "mutation": None}
XMK = {**AUTO, "chromosome": "X"}
REL = 1e-12


def person(ident, father=None, mother=None, sex="male"):
    return {"id": ident, "father": father, "mother": mother, "sex": sex}


def lik(members, genotypes, marker=AUTO, **kw):
    return bf.marker_likelihood(members, genotypes, marker, **kw)


def lr(h1, h2, genotypes, marker=AUTO, **kw):
    return lik(h1, genotypes, marker, **kw) / lik(h2, genotypes, marker, **kw)


def singles(*ids, sex="male"):
    return [person(i, sex=sex) for i in ids]


# ----------------------------------------------------------------------------- Hardy-Weinberg


@pytest.mark.parametrize("a", list(P))
def test_singleton_homozygote_is_p_squared(a):
    assert lik(singles("A"), {"A": (a, a)}) == pytest.approx(P[a] ** 2, rel=REL)


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(P, 2)))
def test_singleton_heterozygote_is_2pq(a, b):
    assert lik(singles("A"), {"A": (a, b)}) == pytest.approx(2 * P[a] * P[b], rel=REL)
    assert lik(singles("A"), {"A": (b, a)}) == pytest.approx(2 * P[a] * P[b], rel=REL)


def test_untyped_pedigree_has_likelihood_one_with_and_without_trimming():
    members = GALLERY["cousin_marriage"]["members"]
    assert lik(members, {}) == pytest.approx(1.0, rel=REL)
    assert lik(GALLERY["trio"]["members"], {}, trim=False) == pytest.approx(1.0, rel=REL)


def test_singleton_genotype_probabilities_sum_to_one():
    total = sum(lik(singles("A"), {"A": g}) for g in itertools.combinations_with_replacement(P, 2))
    assert total == pytest.approx(1.0, rel=REL)


def test_partial_genotype_is_probability_of_carrying_the_allele():
    # P(at least one copy of a) = 1 - (1 - p_a)^2
    assert lik(singles("A"), {"A": ("a", None)}) == pytest.approx(1 - (1 - P["a"]) ** 2, rel=REL)
    assert lik(singles("A"), {"A": (None, "c")}) == pytest.approx(1 - (1 - P["c"]) ** 2, rel=REL)


def test_allele_not_in_marker_is_an_error():
    with pytest.raises(ValueError, match="not in the marker"):
        lik(singles("A"), {"A": ("a", "z")})


# ----------------------------------------------------------------------------- classic LRs

DUO = GALLERY["duo"]["members"]
TRIO = GALLERY["trio"]["members"]


def test_parent_child_duo_shared_allele_is_one_over_4pa():
    g = {"FA": ("a", "c"), "CH": ("a", "b")}
    assert lr(DUO, singles("FA", "CH"), g) == pytest.approx(1 / (4 * P["a"]), rel=REL)


def test_parent_child_exclusion_is_exact_zero_without_mutation():
    assert lik(DUO, {"FA": ("a", "c"), "CH": ("b", "d")}) == 0.0


def test_paternity_trio_index_is_one_over_2p():
    # child ab, mother ac: the paternal allele is b; alleged father bd transmits it with 1/2
    g = {"FA": ("b", "d"), "MO": ("a", "c"), "CH": ("a", "b")}
    h1 = TRIO
    h2 = [person("FA"), person("MO", sex="female"), person("X"), person("CH", "X", "MO", sex="female")]
    assert lr(h1, h2, g) == pytest.approx(1 / (2 * P["b"]), rel=REL)
    g_hom = {"FA": ("b", "b"), "MO": ("a", "c"), "CH": ("a", "b")}
    assert lr(h1, h2, g_hom) == pytest.approx(1 / P["b"], rel=REL)


def _r1(g1, g2, P=P):  # noqa: N803
    """P(g1, g2 | one allele IBD) / P(g1, g2 | unrelated), by hand for the standard genotype pairs."""
    (a1, b1), (a2, b2) = g1, g2
    if a1 == b1 == a2 == b2:
        return 1 / P[a1]
    if a1 == b1 and a1 in (a2, b2):
        return 1 / (2 * P[a1])
    if {a1, b1} == {a2, b2}:
        return (P[a1] + P[b1]) / (4 * P[a1] * P[b1])
    shared = {a1, b1} & {a2, b2}
    if len(shared) == 1:
        (s,) = shared
        return 1 / (4 * P[s])
    return 0.0


def _r2(g1, g2, P=P):  # noqa: N803
    """Same for two alleles IBD (identical genotypes required)."""
    if sorted(g1) != sorted(g2):
        return 0.0
    a, b = g1
    return 1 / P[a] ** 2 if a == b else 1 / (2 * P[a] * P[b])


PAIRS = [
    (("a", "a"), ("a", "a")),
    (("a", "a"), ("a", "b")),
    (("a", "b"), ("a", "b")),
    (("a", "b"), ("a", "c")),
    (("a", "b"), ("c", "d")),
    (("a", "a"), ("b", "b")),
    (("a", "a"), ("b", "c")),
]
P3 = {"a": 0.25, "b": 0.3, "c": 0.45}
P2 = {"a": 0.35, "b": 0.65}
# name -> (gallery entry, the two typed members, (k0, k1, k2))
RELATIONSHIPS = {
    "parent-child": ("duo", ("FA", "CH"), (0, 1, 0)),
    "full sibs": ("full_sibs", ("S1", "S2"), (1 / 4, 1 / 2, 1 / 4)),
    "paternal half sibs": ("half_sibs_paternal", ("C1", "C2"), (1 / 2, 1 / 2, 0)),
    "maternal half sibs": ("half_sibs_maternal", ("C1", "C2"), (1 / 2, 1 / 2, 0)),
    "grandparent": ("grandparent_grandchild", ("GM", "CH"), (1 / 2, 1 / 2, 0)),
    "avuncular": ("avuncular", ("UN", "CH"), (1 / 2, 1 / 2, 0)),
    "first cousins": ("first_cousins", ("C1", "C2"), (3 / 4, 1 / 4, 0)),
    "double first cousins": ("double_first_cousins", ("C1", "C2"), (9 / 16, 6 / 16, 1 / 16)),
}
# Cousins have four (eight) untyped ancestors: brute force over them is exponential in the allele count,
# so they are checked on the smallest of P2, P3 that holds the pair's alleles (a pair with allele d,
# which would need the 4-allele marker, is not generated for them: (ab, cd) shares nothing, like
# (aa, bc), which is checked). Every other relationship uses the 4-allele marker P.
COUSINS = ("first cousins", "double first cousins")


def _pairwise_params():
    out = []
    for relationship in RELATIONSHIPS:
        for g1, g2 in PAIRS:
            seen = set(g1 + g2)
            freqs = P
            if relationship in COUSINS:
                if "d" in seen:
                    continue
                freqs = P2 if seen <= set(P2) else P3
            test_id = f"{''.join(g1)}-{''.join(g2)}-{relationship}"
            out.append(pytest.param(relationship, g1, g2, freqs, id=test_id))
    return out


@pytest.mark.parametrize(("relationship", "g1", "g2", "freqs"), _pairwise_params())
def test_pairwise_lr_is_k0_plus_k1_r1_plus_k2_r2(relationship, g1, g2, freqs):
    entry, (i, j), (k0, k1, k2) = RELATIONSHIPS[relationship]
    genotypes = {i: g1, j: g2}
    marker = {**AUTO, "alleles": list(freqs), "frequencies": list(freqs.values())}
    expected = k0 + k1 * _r1(g1, g2, freqs) + k2 * _r2(g1, g2, freqs)
    got = lr(GALLERY[entry]["members"], hypothesis_unrelated(entry), genotypes, marker)
    assert got == pytest.approx(expected, rel=REL, abs=1e-15)


def test_every_relationship_is_checked_on_every_kind_of_pair():
    """Each relationship keeps a pair sharing nothing, one allele, and both alleles (so k0, k1 and k2
    are all seen), and the cousins are not quietly reduced to fewer pairs."""
    params = _pairwise_params()
    for relationship in RELATIONSHIPS:
        pairs = [p.values[1:3] for p in params if p.values[0] == relationship]
        shared = {len(set(g1) & set(g2)) for g1, g2 in pairs}
        assert shared == {0, 1, 2}, relationship
        assert len(pairs) >= (5 if relationship in COUSINS else len(PAIRS)), relationship


def test_full_sibs_sharing_nothing_is_one_quarter():
    g = {"S1": ("a", "b"), "S2": ("c", "d")}
    assert lr(GALLERY["full_sibs"]["members"], hypothesis_unrelated("full_sibs"), g) == pytest.approx(0.25)


# ----------------------------------------------------------------------------- X chromosome


def test_x_male_founder_is_p_and_female_founder_is_hardy_weinberg():
    assert lik(singles("A"), {"A": ("c", "c")}, XMK) == pytest.approx(P["c"], rel=REL)
    assert lik(singles("A", sex="female"), {"A": ("a", "c")}, XMK) == pytest.approx(2 * P["a"] * P["c"])
    assert lik(singles("A", sex="female"), {"A": ("c", "c")}, XMK) == pytest.approx(P["c"] ** 2)


def test_x_male_heterozygous_observation_is_impossible():
    assert lik(singles("A"), {"A": ("a", "c")}, XMK) == 0.0


def test_x_father_to_daughter_always_passes_his_allele():
    h1 = [person("FA"), person("MO", sex="female"), person("D", "FA", "MO", sex="female")]
    h2 = [person("FA"), person("D", sex="female")]
    assert lr(h1, h2, {"FA": ("a", "a"), "D": ("a", "b")}, XMK) == pytest.approx(1 / (2 * P["a"]), rel=REL)
    assert lr(h1, h2, {"FA": ("a", "a"), "D": ("a", "a")}, XMK) == pytest.approx(1 / P["a"], rel=REL)
    assert lik(h1, {"FA": ("a", "a"), "D": ("b", "c")}, XMK) == 0.0


def test_x_father_and_son_share_nothing():
    entry = "x_father_son"
    for g in [("a", "a"), ("b", "b")]:
        got = lr(GALLERY[entry]["members"], hypothesis_unrelated(entry), {"FA": ("a", "a"), "SON": g}, XMK)
        assert got == pytest.approx(1.0, rel=REL)


def test_x_mother_to_son():
    h1 = [person("FA"), person("MO", sex="female"), person("SON", "FA", "MO")]
    h2 = [person("MO", sex="female"), person("SON")]
    assert lr(h1, h2, {"MO": ("a", "b"), "SON": ("a", "a")}, XMK) == pytest.approx(1 / (2 * P["a"]), rel=REL)


@pytest.mark.parametrize(("g1", "g2"), PAIRS, ids=lambda g: "".join(g))
def test_x_paternal_half_sisters_always_share_the_fathers_allele(g1, g2):
    entry = "half_sibs_paternal"
    got = lr(GALLERY[entry]["members"], hypothesis_unrelated(entry), {"C1": g1, "C2": g2}, XMK)
    assert got == pytest.approx(_r1(g1, g2), rel=REL, abs=1e-15)


# ----------------------------------------------------------------------------- drop-out

D = 0.1


def test_dropout_heterozygote_seen_in_full():
    assert lik(singles("A"), {"A": ("a", "b")}, dropout=D) == pytest.approx(
        2 * P["a"] * P["b"] * (1 - D) ** 2
    )


def test_dropout_homozygous_looking_profile():
    # true aa shows a unless both copies drop (1 - d^2); true ax (x != a) shows only a with d(1-d)
    expected = P["a"] ** 2 * (1 - D**2) + 2 * P["a"] * (1 - P["a"]) * D * (1 - D)
    assert lik(singles("A"), {"A": ("a", "a")}, dropout=D) == pytest.approx(expected, rel=REL)


def test_dropout_nothing_seen_is_d_squared():
    assert lik(singles("A"), {"A": ()}, dropout=D) == pytest.approx(D**2, rel=REL)


def test_dropout_per_member_applies_only_to_that_member():
    g = {"FA": ("a", "c"), "CH": ("a", "a")}
    # FA exact; CH may have lost one allele. CH = (paternal from FA) x (maternal from population):
    #   paternal a (1/2): shows {a} with 1-d^2 if maternal a, d(1-d) otherwise;
    #   paternal c (1/2): shows {a} only if maternal a and c dropped: d(1-d).
    pa = P["a"]
    child = 0.5 * (pa * (1 - D**2) + (1 - pa) * D * (1 - D)) + 0.5 * pa * D * (1 - D)
    expected = 2 * P["a"] * P["c"] * child
    assert lik(DUO, g, dropout={"CH": D}) == pytest.approx(expected, rel=REL)


def test_dropout_observation_probabilities_sum_to_one():
    observations = [(), *[(a, a) for a in P], *itertools.combinations(P, 2)]
    for s in (0.0, 0.05):
        marker = {**AUTO, "frequencies": [p * (1 - s) for p in P.values()]}
        total = sum(lik(singles("A"), {"A": o}, marker, dropout=D, silent_frequency=s) for o in observations)
        assert total == pytest.approx(1.0, rel=REL)


def test_dropout_x_male_loses_his_single_allele_with_d():
    assert lik(singles("A"), {"A": ("b", "b")}, XMK, dropout=D) == pytest.approx(P["b"] * (1 - D), rel=REL)
    assert lik(singles("A"), {"A": ()}, XMK, dropout=D) == pytest.approx(D, rel=REL)


# ----------------------------------------------------------------------------- silent allele

S = 0.05
# with a silent allele the visible frequencies are scaled so that everything sums to 1
PS = {k: v * (1 - S) for k, v in P.items()}
SIL = {**AUTO, "frequencies": list(PS.values())}


def test_silent_allele_homozygous_looking_profile():
    # aa, or as (either order)
    expected = PS["a"] ** 2 + 2 * PS["a"] * S
    assert lik(singles("A"), {"A": ("a", "a")}, SIL, silent_frequency=S) == pytest.approx(expected, rel=REL)


def test_silent_allele_heterozygote_and_nothing_seen():
    got = lik(singles("A"), {"A": ("a", "b")}, SIL, silent_frequency=S)
    assert got == pytest.approx(2 * PS["a"] * PS["b"], rel=REL)
    assert lik(singles("A"), {"A": ()}, SIL, silent_frequency=S) == pytest.approx(S**2, rel=REL)


def test_silent_allele_explains_an_apparent_exclusion():
    g = {"FA": ("a", "a"), "CH": ("b", "b")}
    assert lik(DUO, g) == 0.0
    # only FA = a/s passing s, CH = s/b: 2 p_a s * 1/2 * p_b
    assert lik(DUO, g, SIL, silent_frequency=S) == pytest.approx(PS["a"] * S * PS["b"], rel=REL)


def test_frequencies_are_used_exactly_as_given():
    # not renormalised: an untyped mother with alleles summing to 1 + s passes b with p_b (1 + s)
    got = lik(DUO, {"FA": ("a", "a"), "CH": ("b", "b")}, AUTO, silent_frequency=S, trim=False)
    assert got == pytest.approx(P["a"] * S * P["b"] * (1 + S), rel=REL)


def test_silent_allele_with_dropout_a_over_s():
    # true a/s shows a with 1-d; true aa with 1-d^2; true ax (x visible, != a) with d(1-d)
    pa = PS["a"]
    others = 1 - S - pa
    expected = pa**2 * (1 - D**2) + 2 * pa * S * (1 - D) + 2 * pa * others * D * (1 - D)
    got = lik(singles("A"), {"A": ("a", "a")}, SIL, dropout=D, silent_frequency=S)
    assert got == pytest.approx(expected, rel=REL)


# ----------------------------------------------------------------------------- theta (NRC II)

THETA = 0.03


def test_theta_single_founder_homozygote_and_heterozygote():
    t, pa, pb = THETA, P["a"], P["b"]
    assert lik(singles("A"), {"A": ("a", "a")}, theta=t) == pytest.approx(pa * (t + (1 - t) * pa), rel=REL)
    assert lik(singles("A"), {"A": ("a", "b")}, theta=t) == pytest.approx(2 * (1 - t) * pa * pb, rel=REL)


def _two_founders_one_component():
    """Two typed founders tied only by an untyped common child (as in kin-034)."""
    return [person("A"), person("B", sex="female"), person("K", "A", "B")]


def test_theta_nrc2_match_probabilities():
    t, pa, pb = THETA, P["a"], P["b"]
    both = _two_founders_one_component()
    denom = (1 + t) * (1 + 2 * t)
    hom = lik(both, {"A": ("a", "a"), "B": ("a", "a")}, theta=t) / lik(
        singles("A"), {"A": ("a", "a")}, theta=t
    )
    assert hom == pytest.approx((2 * t + (1 - t) * pa) * (3 * t + (1 - t) * pa) / denom, rel=REL)
    het = lik(both, {"A": ("a", "b"), "B": ("a", "b")}, theta=t) / lik(
        singles("A"), {"A": ("a", "b")}, theta=t
    )
    assert het == pytest.approx(2 * (t + (1 - t) * pa) * (t + (1 - t) * pb) / denom, rel=REL)


def test_theta_is_not_applied_across_components_unless_asked():
    t, pa = THETA, P["a"]
    g = {"A": ("a", "a"), "B": ("a", "a")}
    separate = singles("A", "B")
    single = pa * (t + (1 - t) * pa)
    assert lik(separate, g, theta=t) == pytest.approx(single**2, rel=REL)
    joint = lik(separate, g, theta=t, theta_scope="pedigree")
    assert joint == pytest.approx(lik(_two_founders_one_component(), g, theta=t), rel=REL)


def test_theta_zero_is_hardy_weinberg():
    g = {"FA": ("a", "c"), "CH": ("a", "b")}
    assert lik(DUO, g, theta=0.0) == pytest.approx(2 * P["a"] * P["c"] * 0.5 * P["b"], rel=REL)


# ----------------------------------------------------------------------------- mutation


def test_equal_mutation_explains_a_parent_child_exclusion():
    rate = 0.01
    n = len(P)
    m = [[1 - rate if i == j else rate / (n - 1) for j in range(n)] for i in range(n)]
    marker = {**AUTO, "mutation": {"female": m, "male": m}}
    # father aa (either copy mutates a->b with rate/(n-1)), child bb; the maternal b comes from an
    # untyped mother through her matrix too: sum_x p_x M[x][b] (equal is not stationary)
    maternal = P["b"] * (1 - rate) + (1 - P["b"]) * rate / (n - 1)
    expected = P["a"] ** 2 * (rate / (n - 1)) * maternal
    assert lik(DUO, {"FA": ("a", "a"), "CH": ("b", "b")}, marker) == pytest.approx(expected, rel=REL)


def test_mutation_model_dict_is_accepted():
    spec = {"model": "equal", "rate": 0.01, "rate2": None, "range": None, "reconstructible": True}
    marker = {**AUTO, "mutation": {"female": spec, "male": spec}}
    expected = P["a"] ** 2 * (0.01 / 3) * (P["b"] * 0.99 + (1 - P["b"]) * 0.01 / 3)
    assert lik(DUO, {"FA": ("a", "a"), "CH": ("b", "b")}, marker) == pytest.approx(expected, rel=REL)


def test_father_matrix_used_for_father_mother_matrix_for_mother():
    n = len(P)
    ident = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    rate = 0.2
    eq = [[1 - rate if i == j else rate / (n - 1) for j in range(n)] for i in range(n)]
    members = [person("FA"), person("MO", sex="female"), person("CH", "FA", "MO")]
    g = {"FA": ("a", "a"), "MO": ("c", "c"), "CH": ("b", "c")}
    only_male = {**AUTO, "mutation": {"female": ident, "male": eq}}
    only_female = {**AUTO, "mutation": {"female": eq, "male": ident}}
    assert lik(members, g, only_male) == pytest.approx(P["a"] ** 2 * P["c"] ** 2 * rate / (n - 1), rel=REL)
    assert lik(members, g, only_female) == 0.0


# ----------------------------------------------------------------------------- self-consistency


def _random_matrix(rng, n):
    m = rng.uniform(0.01, 1.0, size=(n, n)) + np.eye(n) * 3 * n
    return (m / m.sum(axis=1, keepdims=True)).tolist()


@pytest.mark.parametrize("seed", range(12))
def test_depth_first_sum_equals_flat_cartesian_sum(seed):
    rng = np.random.default_rng(seed)
    alleles = ["1", "2", "3"][: int(rng.integers(2, 4))]
    freqs = rng.dirichlet(np.ones(len(alleles))).tolist()
    chromosome = "X" if seed % 3 == 0 else "autosomal"
    mutation = None if seed % 2 else {"female": _random_matrix(rng, len(alleles)), "male": None}
    if mutation:
        mutation["male"] = _random_matrix(rng, len(alleles))
    marker = {"alleles": alleles, "frequencies": freqs, "chromosome": chromosome, "mutation": mutation}
    members = GALLERY["disconnected"]["members"] if seed % 4 else GALLERY["trio"]["members"]
    sexes = {m["id"]: m["sex"] for m in members}
    genotypes = {}
    for i in ("FA", "CH", "U", "MO"):
        if i in sexes and rng.uniform() < 0.8:
            a = str(rng.choice(alleles))
            b = a if chromosome == "X" and sexes[i] == "male" else str(rng.choice(alleles))
            genotypes[i] = (a, None) if rng.uniform() < 0.2 else (a, b)
    options = {
        "theta": float(rng.choice([0.0, 0.05])),
        "dropout": float(rng.choice([0.0, 0.2])),
        "silent_frequency": float(rng.choice([0.0, 0.1])),
    }
    marker["frequencies"] = [p * (1 - options["silent_frequency"]) for p in freqs]
    dfs = lik(members, genotypes, marker, **options)
    flat = lik(members, genotypes, marker, method="naive", **options)
    untrimmed = lik(members, genotypes, marker, trim=False, **options)
    assert dfs == pytest.approx(flat, rel=1e-12, abs=1e-300)
    assert dfs == pytest.approx(untrimmed, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("chromosome", ["autosomal", "X"])
def test_joint_probabilities_of_all_observations_sum_to_one(chromosome):
    n = 3
    alleles = ["1", "2", "3"]
    rate = 0.1
    m = [[1 - rate if i == j else rate / (n - 1) for j in range(n)] for i in range(n)]
    marker = {"alleles": alleles, "frequencies": [0.2, 0.3, 0.5], "chromosome": chromosome}
    marker["mutation"] = {"female": m, "male": m}
    members = GALLERY["half_sibs_maternal"]["members"]
    genos = list(itertools.combinations_with_replacement(alleles, 2))
    looks = [(a, a) for a in alleles] if chromosome == "X" else genos
    # every outcome of a typing: a genotype-looking profile, or nothing seen
    outcomes = [*looks, ()]
    total = sum(
        lik(members, {"C1": o1, "C2": o2}, marker, theta=0.02, dropout=0.1)
        for o1 in outcomes
        for o2 in outcomes
    )
    assert total == pytest.approx(1.0, rel=1e-12)


def test_size_guard_raises_instead_of_running_for_hours():
    big = {"alleles": [str(i) for i in range(30)], "frequencies": [1 / 30] * 30, "chromosome": "autosomal"}
    big["mutation"] = None
    members = GALLERY["first_cousins"]["members"]
    bound = bf.search_bound(members, {"C1": ("1", "2"), "C2": ("3", "4")}, big)
    assert bound > 10**6
    with pytest.raises(bf.OracleTooLargeError):
        lik(members, {"C1": ("1", "2"), "C2": ("3", "4")}, big, max_nodes=10_000)


# ----------------------------------------------------------------------------- distribution, DVI


def test_genotype_distribution_of_a_child_of_a_typed_father():
    members = DUO
    dist = bf.genotype_distribution(members, {"FA": ("a", "a")}, AUTO, "CH")
    assert sum(dist.values()) == pytest.approx(1.0, rel=REL)
    # CH = a (from FA) + x from the population
    for (g1, g2), p in dist.items():
        expected = 0.0 if "a" not in (g1, g2) else P[g2 if g1 == "a" else g1]
        assert p == pytest.approx(expected, rel=REL, abs=1e-15)


def test_genotype_distribution_of_untyped_relatives_is_hardy_weinberg():
    dist = bf.genotype_distribution(DUO, {}, AUTO, "CH")
    for (g1, g2), p in dist.items():
        expected = P[g1] ** 2 if g1 == g2 else 2 * P[g1] * P[g2]
        assert p == pytest.approx(expected, rel=REL)


def test_dvi_assignment_likelihood_and_enumeration():
    family = {"name": "F1", "members": DUO, "genotypes": {"FA": ("a", "a")}, "missing": ["CH"]}
    victims = {"V1": {"sex": "male", "genotype": ("a", "b")}, "V2": {"sex": "male", "genotype": ("c", "d")}}
    null = bf.dvi_marker_likelihood([family], victims, AUTO, {"V1": None, "V2": None})
    assert null == pytest.approx(P["a"] ** 2 * 2 * P["a"] * P["b"] * 2 * P["c"] * P["d"], rel=REL)
    one = bf.dvi_marker_likelihood([family], victims, AUTO, {"V1": "CH", "V2": None})
    assert one / null == pytest.approx(1 / (2 * P["a"]), rel=REL)
    assert bf.dvi_marker_likelihood([family], victims, AUTO, {"V1": None, "V2": "CH"}) == 0.0
    with pytest.raises(ValueError, match="twice"):
        bf.dvi_marker_likelihood([family], victims, AUTO, {"V1": "CH", "V2": "CH"})
    pairs = bf.assignments({"V1": ["M1", "M2"], "V2": ["M1", "M2"]})
    # nobody, V1 alone (2), V2 alone (2), both (2 ways)
    assert len(pairs) == 1 + 2 + 2 + 2
    assert len({tuple(sorted(a.items(), key=str)) for a in pairs}) == len(pairs)


def test_log_likelihood_of_impossible_data_is_minus_infinity():
    assert bf.log_marker_likelihood(DUO, {"FA": ("a", "a"), "CH": ("b", "b")}, AUTO) == -math.inf


# ----------------------------------------------------------------------------- reference mutation matrices


def test_reference_stepwise_matrix_by_hand():
    m = bfm.stepwise(["9", "10", "10.3", "11"], 0.03, 0.002, 0.5)
    # row 10: integer neighbours 9 and 11 at distance 1 share rate equally; 10.3 is another class
    assert m[1] == pytest.approx([0.015, 1 - 0.03 - 0.002, 0.002, 0.015], rel=REL)
    # row 10.3: alone in its class, so only rate2, spread over the 3 others
    assert m[2] == pytest.approx([0.002 / 3, 0.002 / 3, 1 - 0.002, 0.002 / 3], rel=REL)
    # row 9: 10 at distance 1 (weight 1/2), 11 at distance 2 (weight 1/4), scaled to sum to rate
    assert m[0] == pytest.approx([1 - 0.032, 0.03 * 2 / 3, 0.002, 0.03 / 3], rel=REL)


def test_reference_onestep_matrix_by_hand():
    m = bfm.onestep(["8", "10", "11"], 0.05)
    assert m == [[1.0, 0.0, 0.0], [0.0, 0.95, 0.05], [0.0, 0.05, 0.95]]


def test_reference_equal_and_proportional_matrices():
    p = list(P.values())
    eq = bfm.equal(4, 0.03)
    assert eq[0] == pytest.approx([0.97, 0.01, 0.01, 0.01], rel=REL)
    pr = np.array(bfm.proportional(p, 0.03))
    np.testing.assert_allclose(pr.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(np.array(p) @ pr, p, rtol=1e-14)  # stationary
    expected_rate = sum(p[i] * (1 - pr[i, i]) for i in range(4))
    assert expected_rate == pytest.approx(0.03, rel=REL)  # overall mutation rate is `rate`
    rnd = np.array(bfm.random(4, np.random.default_rng(1)))
    np.testing.assert_allclose(rnd.sum(axis=1), 1.0, rtol=1e-14)
    assert bfm.trivial(3) == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
