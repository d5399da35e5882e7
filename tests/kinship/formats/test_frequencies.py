"""CSV frequency tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from homecoming.errors import FrequencyError
from homecoming.kinship import FrequencyTable


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
