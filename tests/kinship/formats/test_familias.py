"""Familias .fam files: a hand-made DVI file, write -> read round trips, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from homecoming.errors import CaseFileError
from homecoming.kinship.dvi.joint import pairwise
from homecoming.kinship.formats.dvi import read_dvi_case
from homecoming.kinship.formats.familias import missing_id, read_fam, read_fam_case, write_fam
from shared_data import KINSHIP_CASES

HAND = Path(__file__).parents[1] / "data" / "hand-dvi.fam"
EXCLUSION = KINSHIP_CASES / "dvi-builtin-exclusionExample.json"


def test_hand_made_file_is_read() -> None:
    fam = read_fam(HAND)
    assert fam.version == "3.4.1 (DVI)" and fam.has_dvi and fam.theta == 0.0
    assert [lc.name for lc in fam.loci] == ["M1", "M2"]
    assert fam.loci[0].mutation is None
    mut = fam.loci[1].mutation
    assert mut is not None and mut.female.rate == 0.002 and mut.male.rate == 0.004
    case = read_fam_case(HAND)
    p = case.problem
    assert p.victim_ids == ("V1", "V2") and p.victim_sex == ("male", "female")
    assert p.missing == (missing_id("F1"),)
    ped = p.families[0].pedigree
    assert ped.ids[ped.father[ped.index(missing_id("F1"))]] == "FA"
    assert set(p.families[0].references) == {"MO"}


def test_hand_made_file_lr_by_hand() -> None:
    lr = pairwise(read_fam_case(HAND).problem).lr[:, 0]
    # M1: mother ab, child ac -> 1 / (4 p_a) = 2.5.
    # M2: mother 12/12 (female rate 0.002, equal model: 0.001 to each other allele), untyped father
    # transmits p M_male: P(11) = 0.25 * 0.996 + 0.75 * 0.002, P(10) = 0.5 * 0.996 + 0.5 * 0.002;
    # P(child 10/11) = 0.001 * P(11) + 0.001 * P(10), over 2 * 0.5 * 0.25.
    m2 = (0.001 * (0.25 * 0.996 + 0.75 * 0.002) + 0.001 * (0.5 * 0.996 + 0.5 * 0.002)) / 0.25
    assert lr[0] == pytest.approx(2.5 * m2, rel=1e-12)
    assert lr[1] == 0.0  # V2 is d/d, the mother a/b


def test_round_trip_of_the_hand_made_file(tmp_path: Path) -> None:
    case = read_fam_case(HAND)
    out = write_fam(case.problem, tmp_path / "again.fam")
    again = read_fam_case(out)
    assert again.problem.victim_ids == case.problem.victim_ids
    assert again.problem.missing == case.problem.missing
    assert again.problem.families[0].pedigree.records() == case.problem.families[0].pedigree.records()
    np.testing.assert_array_equal(pairwise(again.problem).lr, pairwise(case.problem).lr)
    out2 = write_fam(again.problem, tmp_path / "third.fam")
    assert out2.read_text() == out.read_text()


def test_round_trip_of_a_dvi_case_keeps_numbers(tmp_path: Path) -> None:
    case = read_dvi_case(EXCLUSION)
    path = write_fam(case.problem, tmp_path / "excl.fam")
    again = read_fam_case(path).problem
    p = case.problem
    assert again.victim_ids == p.victim_ids
    assert again.missing == tuple(missing_id(f.name) for f in p.families)
    for a, b in zip(again.loci, p.loci, strict=True):
        assert (a.name, a.alleles, a.frequencies) == (b.name, b.alleles, b.frequencies)
        assert a.mutation is not None and b.mutation is not None
        for x, y in ((a.mutation.female, b.mutation.female), (a.mutation.male, b.mutation.male)):
            assert (x.model, x.rate) == (y.model, y.rate)  # range/rate2 of an equal model are not kept
    for a, b in zip(again.victims, p.victims, strict=True):
        assert a.genotypes == b.genotypes
    pw, pw2 = pairwise(p, exclusions=False), pairwise(again, exclusions=False)
    assert pw2.loglik_null == pw.loglik_null
    both = ~np.isnan(pw.log_lr) & ~np.isnan(pw2.log_lr)
    assert both.sum() >= 150
    np.testing.assert_allclose(pw2.log_lr[both], pw.log_lr[both], rtol=0, atol=1e-12)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = HAND.read_text()
    assert old in text
    path = tmp_path / "broken.fam"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"b"\n0.2\n', '"b"\n\n', "marker M1: allele b has no frequency"),
        (
            "Parent= FA\n",
            "Parent= XX\nChild= Missing person\nParent= YY\n",
            "cannot decide the sex of parent",
        ),
        ("SystemName= M2\nAllele1= 10", "SystemName= M9\nAllele1= 10", "marker M9 is not in the database"),
        (
            "Child= Missing person\nParent= MO\nChild= Missing person",
            "Child= X1\nParent= MO\nChild= X1",
            "no pedigree links the 'Missing",
        ),
        ('"M2"\n0.002\n0.004\n0\n0\n', '"M2"\n0.002\n0.004\n3\n0\n', "stationary stepwise model"),
        ('"Known relations"', '"Known relationships"', "expected 'Known relations'"),
    ],
)
def test_incomplete_files_name_what_to_fix(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(CaseFileError) as info:
        read_fam_case(_broken(tmp_path, old, new))
    assert message in str(info.value)


def test_family_with_two_missing_cannot_be_written(tmp_path: Path) -> None:
    case = read_dvi_case(KINSHIP_CASES / "dvi-builtin-example1.json")
    with pytest.raises(CaseFileError, match="a Familias DVI family holds exactly one"):
        write_fam(case.problem, tmp_path / "x.fam")


def test_file_without_dvi_section(tmp_path: Path) -> None:
    text = HAND.read_text()
    path = tmp_path / "db.fam"
    path.write_text(text[: text.index("[DVI]")])
    assert [lc.name for lc in read_fam(path).loci] == ["M1", "M2"]
    with pytest.raises(CaseFileError, match=r"no \[DVI\] section"):
        read_fam_case(path)
