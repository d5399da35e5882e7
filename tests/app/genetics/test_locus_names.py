"""One way a profile's locus name finds the frequency table's (``vWA`` → ``VWA``): the ``.fam`` export, the
next-relative ranking and the missing-frequency check all use ``frequencies.table_marker``."""

from __future__ import annotations

from homecoming.app.genetics.frequencies import table_genotypes, table_marker
from homecoming.kinship.formats.frequencies import FrequencyTable

TABLE = FrequencyTable.builtin("norwegian")


def row(locus: str, *used: str) -> dict[str, object]:
    return {"locus": locus, "used": list(used)}


def test_a_kit_name_finds_the_tables_spelling() -> None:
    assert table_marker(TABLE, "vWA") == "VWA"
    assert table_marker(TABLE, "Penta D") == "PENTA_D"
    assert table_marker(TABLE, "TH01") == "TH01"
    assert table_marker(TABLE, "D99S999") is None


def test_genotypes_of_a_stored_profile_as_the_table_names_them() -> None:
    alleles = TABLE.markers["VWA"][0]
    got = table_genotypes(
        [
            row("AMEL", "X", "Y"),  # the sex: skipped
            row("vWA", alleles[0]),  # one allele read as a homozygote
            row("Penta D", "99.9", TABLE.markers["PENTA_D"][0][0]),  # an allele the table lacks
            row("D99S999", "8", "9"),  # a locus the table lacks
            row("TH01"),  # no allele: skipped
        ],
        TABLE,
    )
    assert got.genotypes == {"VWA": (alleles[0], alleles[0])}
    assert got.gaps == (("PENTA_D", "99.9"), ("D99S999", None))
