"""Shared fixtures for the kinship tests (no database needed)."""

from __future__ import annotations

import pytest

from homecoming.kinship import Locus, Pedigree, Profile
from shared_data import KINSHIP_CASES

CASES_DIR = KINSHIP_CASES


@pytest.fixture
def abc() -> Locus:
    return Locus("M1", ("a", "b", "c", "d"), (0.1, 0.2, 0.3, 0.4))


@pytest.fixture
def trio() -> Pedigree:
    """Father FA, mother MO, son CH."""
    return Pedigree.from_records(
        [("FA", None, None, "male"), ("MO", None, None, "female"), ("CH", "FA", "MO", "male")]
    )


@pytest.fixture
def one() -> Pedigree:
    return Pedigree.singleton("X")


def make_profile(sample: str, marker: str, genotype: object) -> Profile:
    return Profile.from_mapping(sample, {marker: genotype})
