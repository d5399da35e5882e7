"""CSV frequency tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from homecoming.errors import FrequencyError
from homecoming.kinship import FrequencyTable
from homecoming.kinship.formats.frequencies import RaisedAllele, frequencies_sha256, read
from homecoming.kinship.formats.frequency_layouts import write_euroformix, write_familias
from shared_data import MISSING, SHARED


def test_builtin_norwegian_table() -> None:
    table = FrequencyTable.builtin("norwegian")
    assert len(table.names) == 35 and "SE33" in table.names
    locus = table.locus("TH01")
    assert "9.3" in locus.alleles
    assert table.id.startswith("forrel_NorwegianFrequencies.csv#sha256:")


def test_bad_rows_are_all_listed(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("marker,allele,frequency\nM,1,0.5\nM,2,abc\nM,3,-0.1\nN,1,0.7\n")
    with pytest.raises(FrequencyError) as err:
        FrequencyTable.from_csv(path)
    text = str(err.value)
    assert "row 3" in text and "abc" in text and "N: frequencies sum to" in text
    assert len(err.value.problems) >= 3


def test_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("marker,allele\nM,1\n")
    with pytest.raises(FrequencyError, match="frequency"):
        FrequencyTable.from_csv(path)


# --- layouts, checks, minimum rule, SHA-256 (kinship.formats.frequencies.read) ---------------------------

FREQ_DIR = SHARED / "data" / "allele-frequencies"  # public tables exported from forrel/dvir (see its README)

EFM = (  # the EuroForMix wide layout (inst/FreqDatabases/*.csv): ';', Allele first, empty = absent
    "Allele;TH01;VWA\n"
    "6;0,25;\n"  # a decimal comma, as European spreadsheets write it
    "9.3;0.25;NA\n"
    "14;;0.5\n"
    "15;0.5;0.5\n"
)
FAMILIAS = "TH01\n6\t0.25\n9.3\t0.25\n15\t0.5\n\nVWA\n14\t0.5\n15\t0.5\n"


@pytest.mark.parametrize("name", sorted(p.name for p in FREQ_DIR.glob("*.csv")) or ["(missing)"])
def test_public_tables_read_in_every_layout_with_one_sha256(name: str) -> None:
    assert FREQ_DIR.is_dir(), MISSING
    text = (FREQ_DIR / name).read_text(encoding="utf-8")
    long = read(text, table_id=name)
    markers = long.table.as_mapping()
    fam = read(write_familias(markers), table_id="f")
    efm = read(write_euroformix(markers), table_id="e")
    assert (long.layout, fam.layout, efm.layout) == ("long", "familias", "euroformix")
    assert long.sha256 == fam.sha256 == efm.sha256
    assert fam.table.as_mapping() == markers == efm.table.as_mapping()


def test_norwegian_table_counts_and_sums() -> None:
    got = read((FREQ_DIR / "forrel_NorwegianFrequencies.csv").read_text(), table_id="nor")
    assert len(got.table.names) == 35
    assert sum(len(a) for a, _f in got.table.markers.values()) == 647
    assert all(abs(s - 1) < 1e-8 for s in got.sums.values()) and got.normalised == ()


def test_euroformix_and_familias_give_the_same_table() -> None:
    efm, fam = read(EFM, table_id="e"), read(FAMILIAS, table_id="f")
    assert efm.layout == "euroformix" and fam.layout == "familias"
    assert efm.table.as_mapping() == {
        "TH01": {"6": 0.25, "9.3": 0.25, "15": 0.5},
        "VWA": {"14": 0.5, "15": 0.5},
    }
    assert efm.sha256 == fam.sha256 == frequencies_sha256(fam.table.as_mapping())
    assert efm.table.locus("TH01").frequencies == (0.25, 0.25, 0.5)


def test_sha256_ignores_order_and_allele_spelling() -> None:
    a = frequencies_sha256({"M": {"9": 0.5, "10": 0.5}, "N": {"1": 1.0}})
    b = frequencies_sha256({"N": {"01": 1.0}, "M": {"10": 0.5, "9.0": 0.5}})
    assert a == b
    assert a != frequencies_sha256({"M": {"9": 0.5, "10": 0.5}, "N": {"2": 1.0}})


def test_every_bad_entry_is_listed_with_row_column_value_and_fix() -> None:
    text = "Allele;TH01;VWA\n6;abc;0.5\n7;-0.2;0.5\n7;0.4;\n8;2;\n"
    with pytest.raises(FrequencyError) as err:
        read(text, table_id="bad")
    texts = [str(p) for p in err.value.problems]
    assert "row 2, TH01: marker TH01, allele 6: not a frequency (got 'abc')" in texts[0]
    assert "write a decimal number between 0 and 1" in texts[0]
    assert any(t.startswith("row 3, TH01") and "'-0.2'" in t for t in texts)
    assert any(t.startswith("row 4, allele") and "allele 7 listed twice" in t for t in texts)
    assert any(t.startswith("row 5, TH01") and "'2'" in t for t in texts)
    assert err.value.message.startswith(f"{len(texts)} problems in frequency table bad")


def test_sums_reported_or_normalised_only_when_asked() -> None:
    text = "Allele;TH01\n6;0.3\n7;0.6\n"
    with pytest.raises(FrequencyError, match=r"marker TH01: frequencies sum to 0\.9, not 1"):
        read(text, table_id="t")
    got = read(text, table_id="t", normalise=True)
    assert got.normalised == ("TH01",) and got.sums["TH01"] == pytest.approx(0.9)
    assert got.table.locus("TH01").frequencies == pytest.approx((1 / 3, 2 / 3))
    with pytest.raises(FrequencyError, match="tolerance"):
        read(text, table_id="t", tolerance=0.2)


def test_minimum_five_over_2n_raises_rare_alleles_then_renormalises() -> None:
    text = "marker,allele,frequency\nM,1,0.5\nM,2,0.499\nM,3,0.001\nN,1,0.5\nN,2,0.5\n"
    got = read(text, table_id="t", minimum_rule="five_over_2n", sample_size=100)
    assert got.minimum == 5 / 200 == 0.025
    assert got.raised == (RaisedAllele("M", "3", 0.001),)
    m = got.table.as_mapping()["M"]  # worked by hand: 3 -> 0.025, sum 1.024, divided by it
    assert m == pytest.approx({"1": 0.5 / 1.024, "2": 0.499 / 1.024, "3": 0.025 / 1.024})
    assert got.table.as_mapping()["N"] == {"1": 0.5, "2": 0.5}
    fixed = read(text, table_id="t", minimum_rule="fixed", fixed_minimum=0.002)
    assert fixed.raised == (RaisedAllele("M", "3", 0.001),) and fixed.minimum == 0.002
    assert fixed.sha256 != got.sha256 != read(text, table_id="t").sha256


def test_minimum_rule_needs_its_parameter() -> None:
    text = "marker,allele,frequency\nM,1,1\n"
    with pytest.raises(FrequencyError, match="5/2N needs the sample size"):
        read(text, table_id="t", minimum_rule="five_over_2n")
    with pytest.raises(FrequencyError, match="minimum_frequency: must be between 0 and 1"):
        read(text, table_id="t", minimum_rule="fixed", fixed_minimum=1.5)


def test_unknown_layout_and_familias_bad_line() -> None:
    with pytest.raises(FrequencyError, match="not a frequency table layout") as err:
        read("<xml/>\n", table_id="t")
    assert "first column is Allele" in err.value.hint
    with pytest.raises(FrequencyError, match=r"row 3, line: marker TH01: expected an allele and a frequency"):
        read("TH01\n6\t0.5\n7 0.25 x\n8\t0.5\n", table_id="t", layout="familias")
    with pytest.raises(FrequencyError, match="lacks column"):
        read("marker,allele,freq\nM,1,1\n", table_id="t", layout="long")
