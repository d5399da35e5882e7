"""The batched screening rows (θ = 0) equal the general per-family path, entry by entry."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from homecoming.kinship import FrequencyTable, Locus, MutationModel, Pedigree, Profile, SexMutation
from homecoming.kinship.distributions import _inbred, marker_distributions, plain_family_rows
from homecoming.kinship.model.alleles import lumped_space
from homecoming.kinship.populations import FAMILY_KINDS, family_pedigree, make_partial
from homecoming.kinship.screen import _family_rows
from homecoming.kinship.simulate import simulate_profiles

MODELS = {
    "none": None,
    "equal": SexMutation.same(MutationModel.make("equal", rate=0.01)),
    "stepwise": SexMutation.same(MutationModel.make("stepwise", rate=0.01, range=0.5, rate2=1e-6)),
}

COUSINS = [
    ("GF", None, None, "male"),
    ("GM", None, None, "female"),
    ("A", "GF", "GM", "male"),
    ("B", "GF", "GM", "female"),
    ("SA", None, None, "female"),
    ("SB", None, None, "male"),
    ("FA", "A", "SA", "male"),
    ("MO", "SB", "B", "female"),
    ("MP", "FA", "MO", "male"),
    ("SIB", "FA", "MO", "female"),
]


def _loci(model: str) -> list[Locus]:
    table = FrequencyTable.builtin("norwegian").normalised()
    loci = table.loci(table.names[:7], mutation=MODELS[model])
    return [*loci[:5], *(replace(lc, chromosome="X") for lc in loci[5:])]  # two X markers


def _jobs(loci: list[Locus], rng: np.random.Generator) -> list[tuple[Pedigree, str, dict[str, Profile]]]:
    jobs = []
    for kind in FAMILY_KINDS:
        for _ in range(3):
            ped, mp, typed = family_pedigree(kind, rng)
            prof = simulate_profiles(ped, loci, rng, typed=list(typed))
            refs = {t: make_partial(prof[t], rng, untyped=0.1, one_allele=0.1) for t in typed}
            jobs.append((ped, mp, refs))
    cousins = Pedigree.from_records(COUSINS)
    prof = simulate_profiles(cousins, loci, rng, typed=["GM", "FA", "SIB"])
    jobs.append((cousins, "MP", {t: prof[t] for t in ("GM", "FA", "SIB")}))
    # two samples on one person and an allele seen only by the missing person's relatives
    ped, mp, typed = family_pedigree("parents", rng)
    prof = simulate_profiles(ped, loci, rng, typed=list(typed))
    jobs.append((ped, mp, {"FA": [prof["FA"], replace(prof["FA"], sample="FA-2")], "MO": prof["MO"]}))
    return jobs


@pytest.mark.parametrize("model", list(MODELS))
def test_batched_rows_equal_the_general_path(model: str) -> None:
    loci = _loci(model)
    jobs = _jobs(loci, np.random.default_rng(31))
    sizes = [lc.n_alleles * (lc.n_alleles + 1) // 2 for lc in loci]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    mutated = MODELS[model] is not None
    rows, ok = plain_family_rows(jobs, loci=loci, offsets=offsets, consistency=mutated)
    general = marker_distributions(jobs, loci=loci)
    plain = marker_distributions(jobs, loci=[replace(lc, mutation=None) for lc in loci]) if mutated else None
    for j in range(len(jobs)):
        want, want_ok = _family_rows(general[j], loci, offsets, None if plain is None else plain[j], None)
        assert np.array_equal(np.isneginf(rows[j]), np.isneginf(want)), j
        finite = np.isfinite(want)
        np.testing.assert_allclose(rows[j][finite], want[finite], rtol=1e-12, atol=0)
        if mutated:
            assert ok is not None and want_ok is not None
            assert np.array_equal(ok[j], want_ok), j
        else:
            assert ok is None
    if mutated:  # the exclusions are not vacuous: some genotypes need a mutation, others are impossible
        assert ok is not None and (ok == 0).any() and (ok == 1).any()
        assert (np.isfinite(rows) & (ok == 0)).any()


def test_the_cousins_missing_person_is_inbred_and_the_others_are_not() -> None:
    assert _inbred(Pedigree.from_records(COUSINS), Pedigree.from_records(COUSINS).index("MP"))
    rng = np.random.default_rng(3)
    for kind in FAMILY_KINDS:
        ped, mp, _typed = family_pedigree(kind, rng)
        assert not _inbred(ped, ped.index(mp)), kind


def test_unseen_alleles_expand_to_the_lumped_allele() -> None:
    locus = Locus("M", ("8", "9", "10", "11", "12"), (0.1, 0.2, 0.3, 0.25, 0.15))
    space = lumped_space(locus, {1, 3})  # alleles 9 and 11 named: lumped 0, 1; others 2
    lower, upper = space.expansion(locus)
    lumped = [2, 0, 2, 1, 2]
    rows, cols = np.tril_indices(5)
    assert lower.tolist() == [lumped[r] * 3 + lumped[c] for r, c in zip(rows, cols, strict=True)]
    assert upper.tolist() == [lumped[c] * 3 + lumped[r] for r, c in zip(rows, cols, strict=True)]
    assert lower[(rows == 3) & (cols == 1)].tolist() == [1 * 3 + 0]  # genotype 9/11
    assert lower[(rows == 4) & (cols == 2)].tolist() == [2 * 3 + 2]  # 10/12: both unseen
