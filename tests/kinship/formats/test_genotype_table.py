"""GeneMapper-style genotype tables: public and synthetic exports, replicates, spellings, bad tables."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from homecoming.kinship.formats.genotype_table import read_genotype_table
from homecoming.kinship.formats.lab import LabFile

DATA = Path(__file__).parent / "data" / "tables"


def read(name: str, **kwargs: str) -> LabFile:
    return read_genotype_table((DATA / name).read_bytes(), name=name, **kwargs)


def test_strvalidator_genemapper_export() -> None:
    lab = read("strvalidator_set3_head.txt", default_category="staff")
    assert lab.ok, lab.problems
    pos, neg = lab.profiles
    assert (pos.specimen, neg.specimen) == ("01-Pos.ktr.__", "02-Neg.ktr.__")
    assert len(pos.loci) == 17 and neg.loci == ()  # the negative control has no alleles at all
    by = {lc.locus: lc for lc in pos.loci}
    assert by["AMEL"].written == ("OL", "X", "Y") and by["AMEL"].flags == ("off_ladder",)
    assert by["D3S1358"].used == ("16", "17", "18") and "mixture" in pos.flags and not pos.usable
    assert by["TH01"].used == ("6", "9.3")
    assert pos.raw["D3S1358 Dye"] == "B" and pos.raw["D10S1248 Dye"] == "G"
    assert "D3S1358 Size.4" not in pos.raw  # NA (R's missing value) is no value
    assert pos.raw["D3S1358 Height.2"] == "3960" and pos.raw["D3S1358 Size.1"] == "126.69"


def test_genemapper_globalfiler_with_replicates_and_quality_sensors() -> None:
    lab = read("genemapper_globalfiler.txt", default_category="unidentified_person")
    assert lab.ok, lab.problems
    assert [(p.specimen, p.replicate) for p in lab.profiles] == [
        ("PM-0001", 1),
        ("PM-0001", 2),
        ("PM-0002", 1),
    ]
    assert lab.notes == (
        "quality sensor 'IQCS' is not a locus: left out",
        "quality sensor 'IQCL' is not a locus: left out",
        "sample names with a replicate suffix were read as replicates: PM-0001_rep2",
    )
    first, _rep, second = lab.profiles
    assert first.kit == "GlobalFiler" and len(first.loci) == 24 and first.flags == ()
    assert first.category == "unidentified_person" and first.raw["Sample File"] == "PM-0001.hid"
    by = {lc.locus: lc for lc in second.loci}
    assert by["D8S1179"].flags == ("more_than_two",) and second.flags == ("mixture", "partial")
    assert by["TH01"].used == () and by["FGA"].used == ("<17", "22") and by["D3S1358"].used == ("15", "15")
    assert by["Y-indel"].written_name == "Yindel"


def test_r_spellings_and_homozygotes_once_or_twice() -> None:
    lab = read("r_spelling.txt")
    assert lab.ok and lab.notes == ("the table names no specimen category: choose one when importing",)
    a, b = lab.profiles
    assert {lc.locus: lc.used for lc in a.loci}["TH01"] == ("8", "8")
    th01 = {lc.locus: lc for lc in b.loci}["TH01"]
    assert th01.used == ("8",) and th01.flags == ("one_allele",) and th01.written_name == "th01"
    assert a.raw["AMEL Remark"] == "double entry for homozygotes" and a.category == ""


def test_plain_reference_table_with_categories() -> None:
    lab = read("reference_table.csv")
    assert lab.ok, lab.problems
    mother, brother = lab.profiles
    assert (mother.category, brother.category) == ("mother", "sibling")
    assert [lc.locus for lc in mother.loci] == [
        "D3S1358",
        "vWA",
        "D16S539",
        "CSF1PO",
        "TPOX",
        "Penta D",
        "TH01",
        "D8S1179",
    ]


def test_xlsx_reads_like_csv() -> None:
    rows = [line.split(",") for line in (DATA / "reference_table.csv").read_text().splitlines()]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([int(c) if c.isdigit() else c for c in row])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    assert read_genotype_table(out.getvalue(), name="t.xlsx").profiles == read("reference_table.csv").profiles


def test_same_marker_twice_is_the_next_replicate() -> None:
    data = b"Sample Name\tMarker\tAllele 1\tAllele 2\nA\tTH01\t8\t9\nA\tvWA\t16\t17\nA\tTH01\t8\t9.3\n"
    lab = read_genotype_table(data, name="t.txt")
    assert [(p.specimen, p.replicate, len(p.loci)) for p in lab.profiles] == [("A", 1, 2), ("A", 2, 1)]


def test_a_lone_suffix_is_part_of_the_name() -> None:
    lab = read_genotype_table(b"Sample Name,Marker,Allele 1\nVIC-R1,TH01,8\n", name="t.csv")
    assert lab.profiles[0].specimen == "VIC-R1" and lab.profiles[0].replicate == 1


def test_table_without_marker_column() -> None:
    lab = read_genotype_table(b"Sample Name,Allele 1,Allele 2\nA,8,9\n", name="t.csv")
    assert [str(p) for p in lab.problems] == [
        "row 1, Marker: the table has no Marker column (got 'Sample Name, Allele 1, Allele 2'); add a column "
        "'Marker' (or 'Locus') naming the locus of each row; in GeneMapper export the Genotypes table, "
        "which has one"
    ]


def test_bad_rows_are_named() -> None:
    data = b"Sample Name,Marker,Allele 1,Allele 2\nA,TH01,8.2.1,9\nA,D8S1197,12,\n,vWA,16,\nB,TH01,8,9\n"
    assert [str(p) for p in read_genotype_table(data, name="t.csv").problems] == [
        "row 2, sample A, marker TH01: '8.2.1' is not an allele value at TH01 (got '8.2.1'); write a repeat "
        "number (8, 9.3), <n or >n outside the ladder, or OL for off-ladder",
        "row 3, sample A, marker D8S1197: is not a known locus name (got 'D8S1197'); did you mean D8S1179, "
        "DYS19, D21S11, D18S51? Unknown loci cannot be matched to frequencies; correct the name or remove "
        "the locus",
        "row 4, Sample Name: is empty; fill in the Sample Name of the row",
    ]


def test_encodings() -> None:
    text = "Sample Name,Marker,Allele 1\nОстанки-1,TH01,8\n"
    assert read_genotype_table(text.encode("utf-16"), name="t.csv").profiles[0].specimen == "Останки-1"
    assert [str(p) for p in read_genotype_table(text.encode("cp1251"), name="t.csv").problems] == [
        "file: is not UTF-8 text: byte 28 (b'\\xce\\xf1\\xf2\\xe0\\xed\\xea\\xe8-') cannot be read (saved as "
        "Windows-1251 or Latin-1?) (got 't.csv'); save the table as CSV UTF-8 (or tab-separated UTF-8 text)"
    ]
    assert [str(p) for p in read_genotype_table(text.encode("utf-16-le"), name="t.csv").problems] == [
        "file: is UTF-16 text without a byte-order mark (got 't.csv'); save it as CSV UTF-8"
    ]
