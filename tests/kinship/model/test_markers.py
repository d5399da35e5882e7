"""Loci, genotypes, profiles and unknown alleles."""

from __future__ import annotations

import pytest

from homecoming.errors import FrequencyError, MarkerError
from homecoming.kinship import Genotype, Locus, Profile, canonical_allele, reconcile_loci


def test_allele_labels_are_canonical_not_positional() -> None:
    assert canonical_allele("09") == "9" and canonical_allele("9.30") == "9.3"
    assert canonical_allele(31.2) == "31.2"
    locus = Locus("TH01", ("6", "9.3", "7"), (0.3, 0.3, 0.4))
    assert locus.index("9.30") == 1 and locus.index("7") == 2


def test_genotype_parsing() -> None:
    assert Genotype.parse("16/17") == Genotype("16", "17")
    assert Genotype.parse(["16", None]) == Genotype("16", None)
    assert Genotype.parse(None) is None
    with pytest.raises(MarkerError, match="at most two"):
        Genotype.parse("1/2/3")


def test_bad_frequencies_are_named() -> None:
    with pytest.raises(FrequencyError, match=r"marker M: frequencies: do not sum to 1"):
        Locus("M", ("a", "b"), (0.5, 0.6))
    with pytest.raises(FrequencyError, match="allele b"):
        Locus("M", ("a", "b"), (1.5, -0.5))


def test_unknown_allele_error_and_minimum_frequency() -> None:
    locus = Locus("M", ("10", "11"), (0.5, 0.5))
    prof = Profile.from_mapping("POI", {"M": "10/12"})
    with pytest.raises(MarkerError) as err:
        reconcile_loci([locus], [prof])
    assert "12" in str(err.value) and "POI" in str(err.value) and "M" in str(err.value)
    loci, notes = reconcile_loci([locus], [prof], unknown_alleles="minimum", database_size=100)
    new = loci[0]
    assert new.alleles == ("10", "11", "12")
    assert new.frequencies[2] == pytest.approx(0.025 / 1.025, rel=1e-14)
    assert sum(new.frequencies) == pytest.approx(1.0, rel=1e-14)
    assert "12" in notes[0] and "5/2N" in notes[0]


def test_dropout_out_of_range() -> None:
    with pytest.raises(MarkerError, match="drop-out"):
        Profile.from_mapping("S", {}, dropout=1.5)


def test_a_used_locus_or_profile_pickles_as_small_as_a_new_one() -> None:
    """Worker processes and Dask receive loci and profiles by pickle: their caches (allele spaces,
    per-locus allele indices keyed by loci) stay behind. A profile used once carried every locus and
    its spaces with it, and the Dask screen's tasks moved them between workers for minutes."""
    import pickle

    import numpy as np

    from homecoming.kinship import FrequencyTable, Pedigree, genotype_distribution
    from homecoming.kinship.simulate import simulate_profiles

    table = FrequencyTable.builtin("norwegian").normalised()
    loci = table.loci(table.names[:10])
    ped = Pedigree.from_records(
        [("FA", None, None, "male"), ("MO", None, None, "female"), ("MP", "FA", "MO", "male")]
    )
    profiles = simulate_profiles(ped, loci, np.random.default_rng(1), typed=["FA", "MO"])
    before = len(pickle.dumps(profiles)), len(pickle.dumps(loci))
    genotype_distribution(ped, "MP", loci=loci, family=profiles)
    assert profiles["FA"].code_cache and loci[0].space_cache  # the caches are filled ...
    assert (len(pickle.dumps(profiles)), len(pickle.dumps(loci))) == before  # ... and not shipped
    again = pickle.loads(pickle.dumps(profiles["FA"]))
    assert again == profiles["FA"] and again.code_cache == {}
    assert pickle.loads(pickle.dumps(loci[0])).allele_index == loci[0].allele_index
