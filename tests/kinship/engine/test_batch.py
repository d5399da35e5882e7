"""The batched kept-person joints (arrays over many jobs) equal the engine's front door job by job.

:func:`homecoming.kinship.engine.batch.kept_joints` must give bit for bit what
:func:`~homecoming.kinship.engine.marker_results` gives for each (job, marker), and
:func:`~homecoming.kinship.engine.batch.kept_positive` the same positive entries, over a mixed set:
the five simulated family kinds with untyped and partial references, a missing person whose parents
are cousins, two samples on one person, X markers (males and females), several mutation models and
families whose data need a mutation (impossible without it).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from homecoming.kinship import FrequencyTable, Locus, MutationModel, Pedigree, Profile, SexMutation
from homecoming.kinship.engine import Job, marker_results
from homecoming.kinship.engine.batch import kept_joints, kept_positive, typings
from homecoming.kinship.model.markers import Genotype
from homecoming.kinship.populations import FAMILY_KINDS, family_pedigree, induce_mutation, make_partial
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
    loci = table.loci(table.names[:8], mutation=MODELS[model])
    return [*loci[:6], *(replace(lc, chromosome="X") for lc in loci[6:])]


def _jobs(loci: list[Locus], rng: np.random.Generator) -> list[Job]:
    jobs = []
    for kind in FAMILY_KINDS:
        for k in range(4):
            ped, mp, typed = family_pedigree(kind, rng)
            prof = simulate_profiles(ped, loci, rng, typed=list(typed))
            refs = {t: make_partial(prof[t], rng, untyped=0.1, one_allele=0.05 * (k % 2)) for t in typed}
            if k == 3:  # a one-step change in a reference: the family needs a mutation somewhere
                first = typed[0]
                refs[first] = induce_mutation(refs[first], loci[int(rng.integers(6))], rng)  # autosomal
            jobs.append(Job(ped, refs, keep=mp))
    cousins = Pedigree.from_records(COUSINS)
    prof = simulate_profiles(cousins, loci, rng, typed=["GM", "FA", "SIB"])
    jobs.append(Job(cousins, {t: prof[t] for t in ("GM", "FA", "SIB")}, keep="MP"))
    ped, mp, typed = family_pedigree("parents", rng)
    prof = simulate_profiles(ped, loci, rng, typed=list(typed))
    jobs.append(Job(ped, {"FA": [prof["FA"], replace(prof["FA"], sample="FA-2")], "MO": prof["MO"]}, keep=mp))
    # an untyped family, and one whose father carries a drop-out probability
    jobs.append(Job(ped, {}, keep=mp))
    jobs.append(Job(ped, {"FA": replace(prof["FA"], dropout=0.1), "MO": prof["MO"]}, keep=mp))
    return jobs


@pytest.mark.parametrize("model", list(MODELS))
def test_kept_joints_equal_the_front_door_bit_for_bit(model: str) -> None:
    loci = _loci(model)
    jobs = _jobs(loci, np.random.default_rng(7))
    got = kept_joints(jobs, loci)
    want = marker_results(jobs, loci)
    backends = set()
    for m in range(len(loci)):
        assert got[m].shape == (len(jobs), loci[m].n_alleles, loci[m].n_alleles)
        for j in range(len(jobs)):
            res = want[j][m]
            backends.add(res.backend)
            assert res.joint is not None
            assert np.array_equal(got[m][j], res.joint, equal_nan=True), (j, m)
    assert backends == {"compiled", "generic"}  # both paths are exercised


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("lump", [True, False])
def test_kept_positive_equals_the_front_door(model: str, lump: bool) -> None:
    loci = [lc.without_mutation for lc in _loci(model)] if lump else _loci(model)
    jobs = [
        replace(job, named=[()] * len(loci) if lump else None)
        for job in _jobs(loci, np.random.default_rng(8))
    ]
    got = kept_positive(jobs, loci)
    want = marker_results(jobs, loci)
    some = 0
    for m, locus in enumerate(loci):
        for j in range(len(jobs)):
            res = want[j][m]
            assert res.joint is not None
            lower, upper = res.space.expansion(locus)
            flat = res.joint.ravel()
            expected = (flat[lower] > 0) | (flat[upper] > 0)
            assert np.array_equal(got[m][j], expected), (j, m)
            some += int(res.space.lumped)
    assert (some > 0) == lump  # the lumped spaces are really used when asked for
    assert any(not g.all() for g in got) and any(g.any() for g in got)


def test_typings_mark_what_the_compiled_backend_cannot_take() -> None:
    locus = Locus("M", ("8", "9", "10"), (0.2, 0.3, 0.5))
    xlocus = replace(locus, name="X1", chromosome="X")
    ped = Pedigree.from_records(
        [("FA", None, None, "male"), ("MO", None, None, "female"), ("C", "FA", "MO", "unknown")]
    )
    fa = Profile("FA", {"M": Genotype("8", "9"), "X1": Genotype("8", "9")})
    mo = Profile("MO", {"M": Genotype("10"), "X1": Genotype("9", "10")})
    c = Profile("C", {"X1": Genotype("8", "8")})
    typed = typings([Job(ped, {"FA": fa, "MO": mo, "C": c}, keep="C")], [locus, xlocus])
    assert typed.nodes == ((0, 1, 2),)
    codes = typed.codes[0]
    assert codes[0, 0].tolist() == [0, 1]  # the father at M: 8/9
    assert codes[0, 1].tolist() == [-2, -2]  # a heterozygous male on X
    assert codes[1, 0].tolist() == [-2, -2]  # a partial genotype
    assert codes[1, 1].tolist() == [1, 2]
    assert codes[2, 0].tolist() == [-1, -1]  # untyped
    assert codes[2, 1].tolist() == [-2, -2]  # a typed person of unknown sex on X
    with pytest.raises(ValueError, match="other loci"):
        kept_joints([Job(ped, {"FA": fa}, keep="C")], [locus], typed=typed)
