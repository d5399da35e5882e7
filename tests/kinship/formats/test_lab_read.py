"""read_lab_file: the reader chosen by format or content; Familias persons as lab profiles; the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

from homecoming.kinship.formats.lab_read import detect_format, lab_file_dict, read_lab_file

HERE = Path(__file__).parent
CMF = HERE / "data" / "cmf" / "homecoming_family.xml"
TABLE = HERE / "data" / "tables" / "reference_table.csv"
FAMS = HERE.parent / "data"


def test_format_is_detected_from_content() -> None:
    assert detect_format(CMF.read_bytes(), "x.txt") == "cmf"
    assert detect_format(CMF.read_text().encode("utf-16"), "x") == "cmf"
    assert detect_format(TABLE.read_bytes(), "x.xml") == "table"
    assert detect_format((FAMS / "KETPex497.fam").read_bytes(), "KETPex497.fam") == "fam"
    assert read_lab_file(CMF.read_bytes(), name="a.bin").format == "cmf"
    assert read_lab_file(TABLE.read_bytes(), name="a.bin").format == "table"


def test_format_asked_for_wins_and_unknown_format_is_a_problem() -> None:
    lab = read_lab_file(CMF.read_bytes(), name="a.xml", format="table")
    assert lab.format == "table" and not lab.ok
    bad = read_lab_file(b"", name="a", format="vcf")
    assert [str(p) for p in bad.problems] == [
        "format: is not a lab-file format (got 'vcf'); use one of cmf, table, fam"
    ]


def test_familias_dvi_file_as_profiles() -> None:
    lab = read_lab_file((FAMS / "KETPex497.fam").read_bytes(), name="KETPex497.fam")
    assert lab.ok and lab.format == "fam"
    got = {p.specimen: p.category for p in lab.profiles}
    assert got == {
        "V1": "unidentified_person",
        "V2": "unidentified_person",
        "V3": "unidentified_person",
        "am1:F": "spouse",  # the missing man's partner, the mother of his child C
        "am1:C": "child",
        "am2:S1": "reference",  # a half-sibling through the missing person's father
        "am2:S2": "reference",
        "am3:S": "sibling",
    }
    assert all("/tmp" not in note for note in lab.notes) and "KETPex497.fam" in lab.notes[0]
    v1 = lab.profiles[0]
    assert len(v1.loci) == 23 and v1.method == "autosomal_str"


def test_bad_familias_file_is_a_problem() -> None:
    lab = read_lab_file(b"not\na\nfam\n", name="bad.fam")
    assert not lab.ok and "bad.fam" in str(lab.problems[0])


def test_json_shape() -> None:
    lab = read_lab_file(CMF.read_bytes(), name="homecoming_family.xml")
    doc = json.loads(json.dumps(lab_file_dict(lab, name="homecoming_family.xml")))
    assert set(doc) == {"file", "format", "sha256", "ok", "header", "notes", "profiles", "problems"}
    p = doc["profiles"][1]
    assert set(p) == {
        "specimen",
        "replicate",
        "category",
        "category_written",
        "kit",
        "method",
        "line",
        "flags",
        "usable",
        "excluded_reason",
        "source_lab",
        "raw",
        "loci",
    }
    assert p["loci"][2] == {
        "locus": "TH01",
        "written_name": "THO1",
        "written": ["9.3", "OL"],
        "used": [],
        "flags": ["off_ladder"],
        "kit": "GlobalFiler",
        "batch": "PLATE-2026-05-04",
    }
