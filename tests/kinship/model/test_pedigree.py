"""Pedigree construction and validation: every problem listed at once, named."""

from __future__ import annotations

import pytest

from homecoming.errors import PedigreeError
from homecoming.kinship import Pedigree


def test_friendly_constructor_and_indices() -> None:
    ped = Pedigree.from_records(
        [
            {"id": "FA", "sex": "male"},
            {"id": "MO", "sex": "female"},
            {"id": "CH", "father": "FA", "mother": "MO", "sex": "unknown"},
            {"id": "LONE"},
        ]
    )
    assert ped.index("CH") == 2 and ped.father[2] == 0 and ped.mother[2] == 1
    assert ped.founders == (0, 1, 3)
    assert len(ped.components) == 2


def test_validate_lists_every_problem() -> None:
    with pytest.raises(PedigreeError) as err:
        Pedigree.from_records(
            [
                ("A", None, None, "female"),
                ("A", None, None, "male"),
                ("B", "A", "GHOST", "male"),
                ("C", "X", None, "female"),
            ]
        )
    text = str(err.value)
    assert "duplicate" in text and "GHOST" in text and "one parent" in text
    assert len(err.value.problems) >= 4


def test_father_of_female_sex_and_cycle() -> None:
    with pytest.raises(PedigreeError, match="father FA has sex female"):
        Pedigree.from_records(
            [("FA", None, None, "female"), ("MO", None, None, "female"), ("CH", "FA", "MO", "male")]
        )
    cyclic = Pedigree(ids=("A", "B", "M"), father=(1, 0, -1), mother=(2, 2, -1), sex=(1, 1, 2))
    problems = cyclic.problems()
    assert any("own ancestor" in p.message for p in problems)
    with pytest.raises(PedigreeError, match="own ancestor"):
        cyclic.validate()


def test_unknown_id_lookup_names_members() -> None:
    ped = Pedigree.singleton("X")
    with pytest.raises(PedigreeError, match="no person 'Y'"):
        ped.index("Y")
