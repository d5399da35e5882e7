"""Seeded synthetic populations: families of every kind, planted bodies, partial profiles, mutations."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from homecoming.errors import HypothesisError
from homecoming.kinship import FrequencyTable, Locus, Profile, missing_person_lr
from homecoming.kinship.populations import (
    FAMILY_KINDS,
    family_pedigree,
    induce_mutation,
    make_partial,
    simulate_family,
    simulate_population,
)


def _loci(n: int = 6) -> list[Locus]:
    table = FrequencyTable.builtin("norwegian").normalised()
    return table.loci(table.names[:n])


@pytest.mark.parametrize("kind", FAMILY_KINDS)
def test_every_kind_has_a_missing_person_and_typed_relatives(kind: str) -> None:
    ped, missing, typed = family_pedigree(kind, np.random.default_rng(3))
    assert missing in ped.ids and missing not in typed
    assert typed and all(t in ped.ids for t in typed)
    related = {"parents": {"FA", "MO"}, "spouse_children": {"SP"}, "half_siblings_grand": {"GM", "HS"}}
    assert related.get(kind, set()) <= set(typed)
    if kind in ("parent_siblings", "siblings"):
        assert any(t.startswith("S") for t in typed)
    if kind == "spouse_children":
        kids = [i for i in ped.ids if i.startswith("C")]
        assert kids and all(
            missing in (ped.ids[ped.father[ped.index(c)]], ped.ids[ped.mother[ped.index(c)]]) for c in kids
        )


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(HypothesisError, match="unknown family kind 'cousins'"):
        family_pedigree("cousins", np.random.default_rng(0))


def test_same_seed_same_population_other_seed_other_population() -> None:
    loci = _loci()
    a = simulate_population(loci, np.random.default_rng(11), n_families=6, n_bodies=8, n_planted=4)
    b = simulate_population(loci, np.random.default_rng(11), n_families=6, n_bodies=8, n_planted=4)
    c = simulate_population(loci, np.random.default_rng(12), n_families=6, n_bodies=8, n_planted=4)
    assert a.bodies == b.bodies and a.truth == b.truth and a.families == b.families
    assert a.bodies != c.bodies
    assert len(a.truth) == 4 and len(set(a.truth.values())) == 4
    assert [f.id for f in a.families] == [f"F{k:06d}" for k in range(1, 7)]


def test_planted_bodies_are_their_families_missing_persons() -> None:
    loci = _loci(10)
    pop = simulate_population(loci, np.random.default_rng(5), n_families=5, n_bodies=7, n_planted=5)
    fams = {f.id: f for f in pop.families}
    bodies = {b.sample: b for b in pop.bodies}
    for body, fid in pop.truth.items():
        f = fams[fid]
        lr = missing_person_lr(f.pedigree, f.missing, bodies[body], family=list(f.profiles), loci=loci)
        assert lr.lr > 0  # no mutation models: the true missing person is always consistent


def test_partial_profiles_follow_their_rates() -> None:
    loci = _loci(20)
    pop = simulate_population(
        loci, np.random.default_rng(9), n_families=10, n_bodies=60, untyped=0.2, one_allele=0.3
    )
    calls = [g for b in pop.bodies for g in b.genotypes.values()]
    untyped = sum(g is None for g in calls) / len(calls)
    partial = sum(g is not None and g.a2 is None for g in calls) / len(calls)
    assert 0.15 < untyped < 0.25 and 0.25 < partial < 0.35


def test_make_partial_keeps_seen_alleles() -> None:
    prof = Profile.from_mapping("X", {"M1": "7/9", "M2": "8/8"})
    out = make_partial(prof, np.random.default_rng(1), one_allele=1.0)
    assert out.get("M1") is not None and out.get("M1").a2 is None and out.get("M1").a1 in ("7", "9")
    assert make_partial(prof, np.random.default_rng(1), untyped=1.0).markers == ()


def test_induce_mutation_moves_one_allele_to_a_neighbour() -> None:
    locus = Locus("M1", ("7", "8", "9", "10"), (0.25, 0.25, 0.25, 0.25))
    prof = Profile.from_mapping("X", {"M1": "8/10"})
    for seed in range(10):
        g = induce_mutation(prof, locus, np.random.default_rng(seed)).get("M1")
        assert g is not None
        removed = Counter(prof.get("M1").alleles) - Counter(g.alleles)
        added = Counter(g.alleles) - Counter(prof.get("M1").alleles)
        assert sum(removed.values()) == 1 and sum(added.values()) == 1
        (old,), (new,) = removed, added
        assert abs(locus.index(old) - locus.index(new)) == 1


def test_mutated_planted_bodies_can_be_inconsistent() -> None:
    loci = _loci(8)
    pop = simulate_population(loci, np.random.default_rng(2), n_families=6, n_bodies=6, mutated=1.0)
    fams = {f.id: f for f in pop.families}
    bodies = {b.sample: b for b in pop.bodies}
    zeros = [
        missing_person_lr(
            fams[f].pedigree, "MP", bodies[b], family=list(fams[f].profiles), loci=loci
        ).n_markers_lr_zero
        for b, f in pop.truth.items()
    ]
    assert max(zeros) == 1  # one changed allele excludes at one marker at most, and here does


def test_simulate_family_names_the_body_after_the_family() -> None:
    fam, body = simulate_family("F1", "siblings", _loci(3), np.random.default_rng(4))
    assert body.sample == "F1/MP" and fam.id == "F1" and len(body.markers) == 3
