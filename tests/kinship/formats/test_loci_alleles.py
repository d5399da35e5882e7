"""Locus names, kits and allele values: the rules every lab-file reader shares."""

from __future__ import annotations

import pytest

from homecoming.kinship.formats.alleles import parse_allele, read_locus
from homecoming.kinship.formats.loci import KITS, canonical_locus, is_quality_sensor, kit_named, locus_kind


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("vWA", "vWA"),
        ("VWA", "vWA"),
        ("v-WA", "vWA"),
        ("TH01", "TH01"),
        ("THO1", "TH01"),
        ("th01", "TH01"),
        ("Penta D", "Penta D"),
        ("PentaD", "Penta D"),
        ("PENTA D", "Penta D"),
        ("PENTA_D", "Penta D"),
        ("Penta E", "Penta E"),
        ("AMEL", "AMEL"),
        ("AM", "AMEL"),
        ("Amelogenin", "AMEL"),
        ("D8S1179", "D8S1179"),
        ("D8", "D8S1179"),
        ("D21", "D21S11"),
        ("D18", "D18S51"),
        ("CSF", "CSF1PO"),
        ("TPX", "TPOX"),
        ("TP0X", "TPOX"),
        ("FIBRA", "FGA"),
        ("ACTBP2", "SE33"),
        ("D2S1338", "D2S1338"),
        ("d19s433", "D19S433"),
        ("D22S1045", "D22S1045"),
        ("D6S1043", "D6S1043"),
        ("DYS391", "DYS391"),
        ("Yindel", "Y-indel"),
        ("Y-indel", "Y-indel"),
        ("DYS389I", "DYS389I"),
        ("DYS389 I", "DYS389I"),
        ("DYS389 II", "DYS389II"),
        ("DYS385a/b", "DYS385"),
        ("DYS385 a/b", "DYS385"),
        ("YGATAH4", "YGATAH4"),
        ("Y GATA H4", "YGATAH4"),
        ("Y-GATA-H4", "YGATAH4"),
        ("DYS 643", "DYS643"),
        ("DYS710", "DYS710"),
        ("DXS10135", "DXS10135"),
        ("HPRTB", "HPRTB"),
    ],
)
def test_aliases(written: str, canonical: str) -> None:
    assert canonical_locus(written) == canonical


def test_unknown_and_quality_sensors() -> None:
    assert canonical_locus("D8S1197") is None and canonical_locus("") is None
    for qs in ("QS1", "QS2", "IQCS", "IQCL", "Quality sensor", "quality-sensor 1"):
        assert is_quality_sensor(qs) and canonical_locus(qs) is None
    got = read_locus("D8S1197", ["12"], field="sample A, marker D8S1197", row=7)
    assert got.locus is None and str(got.problems[0]).startswith(
        "row 7, sample A, marker D8S1197: is not a known locus name (got 'D8S1197'); did you mean D8S1179"
    )


def test_kinds_and_kits() -> None:
    assert [locus_kind(x) for x in ("D8S1179", "DYS391", "DXS7132", "AMEL", "Y-indel")] == [
        "autosomal",
        "y",
        "x",
        "amelogenin",
        "y",
    ]
    gf = KITS["GlobalFiler"]
    assert len(gf.loci) == 24 and len(gf.required) == 21 and "SE33" in gf.required
    assert len(KITS["PowerPlex Fusion 6C"].required) == 23 and len(KITS["PowerPlex Fusion 6C"].loci) == 27
    assert len(KITS["Investigator 24plex QS"].required) == 21
    assert len(KITS["VeriFiler Plus"].required) == 23 and "D6S1043" in KITS["VeriFiler Plus"].required
    assert KITS["Yfiler Plus"].method == "y_str" and len(KITS["Yfiler Plus"].required) == 25
    assert len(KITS["PowerPlex Y23"].required) == 22  # DYS385 a/b is one locus of two copies
    assert all(canonical_locus(lc) == lc for kit in KITS.values() for lc in kit.loci)
    assert kit_named("GlobalFiler Express").name == "GlobalFiler"  # type: ignore[union-attr]
    assert kit_named("GlobalFiler_IQC_v1X").name == "GlobalFiler"  # type: ignore[union-attr]
    assert kit_named("Investigator 24plex GO!").name == "Investigator 24plex QS"  # type: ignore[union-attr]
    assert kit_named("PowerPlex 16") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("8", ("8", "")),
        ("08", ("8", "")),
        ("8.2", ("8.2", "")),
        ("9.3", ("9.3", "")),
        ("10.0", ("10", "")),
        ("<6", ("<6", "below_ladder")),
        ("> 15", (">15", "above_ladder")),
        ("OL", (None, "off_ladder")),
        ("8.2.1", None),
        ("abc", None),
        ("X", None),
        ("", None),
    ],
)
def test_allele_values(value: str, expected: tuple[str | None, str] | None) -> None:
    assert parse_allele(value, kind="autosomal") == expected


def test_amelogenin_values() -> None:
    assert parse_allele("x", kind="amelogenin") == ("X", "")
    assert parse_allele("8", kind="amelogenin") is None


def read(name: str, *values: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    got = read_locus(name, list(values), field="f")
    assert got.locus is not None, got.problems
    return got.locus.used, got.locus.flags


def test_one_allele_is_never_doubled_and_two_written_is_a_homozygote() -> None:
    assert read("TH01", "8") == (("8",), ("one_allele",))
    assert read("TH01", "8", "8") == (("8", "8"), ())
    assert read("TH01", "8", "") == (("8",), ("one_allele",))  # an empty second cell
    assert read("TH01", "8", "9", "10") == (("8", "9", "10"), ("more_than_two",))
    assert read("TH01", "OL", "9") == ((), ("off_ladder",))
    assert read("DYS391", "10", "10") == (("10",), ())  # haploid: written twice is one allele
    assert read("DYS385", "11", "14") == (("11", "14"), ())
    assert read("AMEL", "X") == (("X",), ())  # amelogenin is for sex; no kinship flags
