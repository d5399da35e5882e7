"""The Familias files shipped with dvir: single-parent children, ``Missing ...`` persons, dvir's LRs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from homecoming.kinship.dvi.joint import pairwise
from homecoming.kinship.formats.dvi import read_dvi_case
from homecoming.kinship.formats.familias import read_fam, read_fam_case
from shared_data import KINSHIP_CASES

DATA = Path(__file__).parents[1] / "data"
DVIR_FILES = [
    "Ch4-example-4-8-4.fam",
    "Ch4-table-4-4.fam",
    "KETPex497.fam",
    "KETPex498.fam",
    "Solution3_3.fam",
    "dvi-example.fam",
    "exclusionExample.fam",
]


@pytest.mark.parametrize("name", DVIR_FILES)
def test_fam_every_dvir_file_reads_and_says_what_was_added(name: str) -> None:
    # each one was refused before ("has one parent but not the other")
    fam = read_fam(DATA / name)
    assert any("added an untyped founder" in n for n in fam.notes)
    if fam.has_dvi:
        case = read_fam_case(DATA / name)
        assert set(fam.notes) <= set(case.problem.notes)  # the CLI prints the problem's notes
        assert all(f.missing for f in case.problem.families)


def test_fam_added_parent_is_an_untyped_founder_of_the_other_sex() -> None:
    fam = read_fam(DATA / "Ch4-table-4-4.fam")
    ped = fam.pedigrees["H1"]
    v1, v2 = ped.index("V1"), ped.index("V2")
    assert ped.ids[ped.father[v1]] == "R" and ped.ids[ped.mother[v1]] == "added_1"
    assert ped.ids[ped.mother[v2]] == "V1" and ped.ids[ped.father[v2]] == "added_2"
    for added, sex in (("added_1", 2), ("added_2", 1)):
        i = ped.index(added)
        assert ped.is_founder(i) and ped.sex[i] == sex
    assert "pedigree H1: 'V1' has one parent in the file ('R'); added an untyped founder 'added_1'" in (
        " ".join(fam.notes)
    )


def test_fam_missing_male_female_names_are_missing_persons_with_their_sex() -> None:
    fam = read_fam(DATA / "KETPex498.fam")
    (family,) = fam.families
    ped = family.pedigree
    f = "Exercise_4_9_8_am_data"
    sexes = {m: ped.sex[ped.index(m)] for m in family.missing}
    assert sexes[f"{f}:Missing female 2"] == 2
    assert sexes[f"{f}:Missing male 1"] == 1
    assert f"{f}:Missing person" in sexes


def test_fam_single_parent_of_unknown_sex_is_a_question_not_a_refusal() -> None:
    fam = read_fam(DATA / "Solution3_3.fam")
    (q,) = [n for n in fam.notes if "question" in n]
    assert "family Family 4" in q and "'Family 4:Missing person' the father or the mother?" in q


def test_fam_exclusion_example_matches_dvir() -> None:
    # dvir's exclusionExample data set is this file as pedFamilias reads it; the JSON case was made
    # from it by dvir 3.4.2, with pairwiseLR values computed by dvir.
    b = read_fam_case(DATA / "exclusionExample.fam").problem
    a = read_dvi_case(KINSHIP_CASES / "dvi-builtin-exclusionExample.json").problem
    pa, pb = pairwise(a, exclusions=False), pairwise(b, exclusions=False)
    assert pb.loglik_null == pytest.approx(pa.loglik_null, abs=1e-9)
    assert pb.log_lr.shape == pa.log_lr.shape == (16, 15)
    both = ~np.isnan(pa.log_lr) & ~np.isnan(pb.log_lr)  # candidate pairs (sexes) may differ
    assert both.sum() >= 150
    np.testing.assert_allclose(pb.log_lr[both], pa.log_lr[both], rtol=0, atol=1e-9)


def test_fam_dvi_example_pairwise_lr_is_dvirs() -> None:
    # dvir's example1 is dvi-example.fam: M1 = "Missing person", M2/M3 = "Missing male 2/3"
    doc = json.loads((KINSHIP_CASES / "dvi-builtin-example1.json").read_text())
    want = doc["expected"]["pairwise_lr"]
    assert want["function"] == "dvir::pairwiseLR(dvi)" and want["cols"] == ["M1", "M2", "M3"]
    p = read_fam_case(DATA / "dvi-example.fam").problem
    f = "Reference family 1"
    cols = [p.missing.index(f"{f}:{m}") for m in ("Missing person", "Missing male 2", "Missing male 3")]
    assert p.victim_ids == tuple(want["rows"])
    lr = pairwise(p).lr[:, cols]
    np.testing.assert_allclose(lr, np.array(want["values"]), rtol=1e-9, atol=1e-12)
