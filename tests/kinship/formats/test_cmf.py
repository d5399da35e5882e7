"""CODIS CMF 3.2: the specification's Appendix A, public files, write → read round trips, every bad input."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from homecoming.errors import ValidationError
from homecoming.kinship.formats.cmf import read_cmf, write_cmf
from homecoming.kinship.formats.lab import LabFile, LabLocus, LabProfile

DATA = Path(__file__).parent / "data" / "cmf"
WHEN = datetime(2026, 5, 4, 10, 30)


def read(name: str) -> LabFile:
    return read_cmf((DATA / name).read_bytes(), name=name)


def texts(lab: LabFile) -> list[str]:
    return [str(p) for p in lab.problems]


def cmf(specimens: str, header: str = "<KIT>GlobalFiler</KIT>") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<CODISImportFile xmlns="urn:CODISImportFile-schema">\n'
        "<HEADERVERSION>3.2</HEADERVERSION><MESSAGETYPE>Import</MESSAGETYPE>"
        "<DESTINATIONORI>ORI</DESTINATIONORI><SOURCELAB>LAB</SOURCELAB><SUBMITBYUSERID>u</SUBMITBYUSERID>"
        f"<SUBMITDATETIME>2026-01-01T00:00:00</SUBMITDATETIME>{header}\n{specimens}\n</CODISImportFile>\n"
    ).encode()


def locus(name: str, *values: str, attrs: str = "") -> str:
    alleles = "".join(f"<ALLELE><ALLELEVALUE>{v}</ALLELEVALUE></ALLELE>" for v in values)
    return (
        f"<LOCUS{attrs}><LOCUSNAME>{name}</LOCUSNAME><READINGBY>u</READINGBY>"
        f"<READINGDATETIME>2026-01-01T00:00:00</READINGDATETIME>{alleles}</LOCUS>"
    )


def specimen(sid: str, *loci: str, category: str = "Unidentified Person") -> str:
    head = f"<SPECIMENID>{sid}</SPECIMENID><SPECIMENCATEGORY>{category}</SPECIMENCATEGORY>"
    return f"<SPECIMEN>{head}{''.join(loci)}</SPECIMEN>"


# ---------------------------------------------------------------- files from the specification, public repos


def test_appendix_a_of_the_specification() -> None:
    lab = read("osiris_CODIS-32.AppendixAexample.xml")
    assert (
        lab.format == "cmf" and lab.header["KIT"] == "PowerPlex 16" and lab.header["SOURCELAB"] == "IADCI0000"
    )
    a, b = lab.profiles
    assert (a.specimen, a.line, b.specimen, b.line) == ("IMP_0001A", 12, "IMP_0001B", 160)
    assert a.raw == {
        "SOURCEID": "Yes",
        "CASEID": "FL2004_10_04_ABC",
        "SPECIMENCOMMENT": "Off-ladder allele value observed for FGA.",
    }
    by = {lc.locus: lc for lc in b.loci}
    assert by["CSF1PO"].used == ("<6", "8.2") and by["CSF1PO"].flags == ("below_ladder",)
    assert by["CSF1PO"].kit == "PowerPlex 1.1" and by["CSF1PO"].batch == "GEL2004_10_05_68"
    assert by["D13S317"].used == ("13", ">15") and by["D13S317"].flags == ("above_ladder",)
    assert by["D13S317"].kit == "PowerPlex 16" and by["D13S317"].batch == "GEL2004_10_04_101"  # the header's
    assert by["D18S51"].used == ("11",) and by["D18S51"].flags == ("one_allele",)  # never doubled
    assert by["D16S539"].flags == ("more_than_two",) and by["AMEL"].written_name == "Amelogenin"
    assert by["Penta D"].used == ("7.3", ">17")
    assert b.flags == ("mixture", "partial") and not b.usable
    assert b.excluded_reason == "mixture: more than two alleles at D16S539, D21S11; never used for kinship"
    assert "partial" in a.flags and a.usable and len(a.loci) == 13
    # the spec's own category, a sample of unknown source, is read as remains (the importer then needs a
    # remains sample for it), and kept as written
    assert lab.ok and (a.category, a.category_written) == ("unidentified_person", "Forensic, Unknown")
    assert b.category == "unidentified_person"


def test_casework_categories_of_known_people_stay_problems() -> None:
    for written in ("Convicted Offender", "Arrestee", "Suspect, Known"):
        lab = read_cmf(cmf(specimen("S1", locus("TH01", "6", "9"), category=written)), name="c.xml")
        (problem,) = texts(lab)
        assert problem.endswith(
            "specimen S1, SPECIMENCATEGORY: is not a specimen category Homecoming takes "
            f"(remains, missing persons, relatives, elimination) (got {written!r}); use one of: "
            "Unidentified Person, Missing Person, Biological Mother, Biological Father, Biological Sibling, "
            "Biological Child, Maternal Relative, Paternal Relative, Spouse, Staff, Elimination, Known, Other"
        ), written


def test_smartrank_files() -> None:
    single = read("smartrank_Codis-Single-Profile.xml")
    (p,) = single.profiles
    assert p.specimen == "ABCD1234NL#01" and len(p.loci) == 16 and p.raw["CASEID"] == "2099.12.31.000"
    assert single.ok and p.category == "unidentified_person" and p.usable
    mix = read("smartrank_Codis-Mix-Profile-With-BOM-Header.xml")  # starts with a UTF-8 BOM
    (m,) = mix.profiles
    assert mix.ok and m.specimen == "DUMMYSPECIMENID" and "mixture" in m.flags and not m.usable
    amel = next(lc for lc in m.loci if lc.locus == "AMEL")
    assert amel.written == ("Z", "Z") and amel.used == () and amel.flags == ("amelogenin_unread",)
    assert mix.notes == (
        "amelogenin 'Z' is neither X nor Y: kept as written and flagged amelogenin_unread; "
        "the sex is not read from it",
    )


def test_a_forensic_mixture_is_never_used_even_when_its_loci_look_single() -> None:
    lab = read_cmf(cmf(specimen("M1", locus("TH01", "6", "9"), category="Forensic Mixture")), name="m.xml")
    (p,) = lab.profiles
    assert lab.ok and p.category == "unidentified_person" and p.flags[0] == "mixture"
    assert (
        p.excluded_reason == "mixture: the laboratory's category is Forensic Mixture; never used for kinship"
    )


def test_a_bad_value_at_a_kinship_locus_is_still_a_problem() -> None:
    lab = read_cmf(cmf(specimen("S1", locus("TH01", "Z"), locus("AMEL", "X", "Q"))), name="z.xml")
    (problem,) = texts(lab)  # the amelogenin Q is flagged, the TH01 Z refused
    assert problem.endswith(
        "specimen S1, locus TH01: 'Z' is not an allele value at TH01 (got 'Z'); "
        "write a repeat number (8, 9.3), <n or >n outside the ladder, or OL for off-ladder"
    )
    amel = next(lc for lc in lab.profiles[0].loci if lc.locus == "AMEL") if lab.profiles else None
    assert amel is None or amel.flags == ("amelogenin_unread",)


def test_homecoming_family_file() -> None:
    lab = read("homecoming_family.xml")
    assert lab.ok, texts(lab)
    up, mother, staff = lab.profiles
    assert (up.category, mother.category, staff.category) == ("unidentified_person", "mother", "staff")
    assert up.raw["SPECIMENCOMMENT"] == "Femur fragment & tooth, two extractions"  # &amp; read
    assert up.genotypes() == {
        "D3S1358": ("15", "17"),
        "vWA": ("16",),
        "TH01": ("6", "9.3"),  # 06 -> 6
        "FGA": ("<17", "22"),
        "AMEL": ("X", "Y"),
        "DYS391": ("10",),
    }
    th01 = {lc.locus: lc for lc in up.loci}["TH01"]
    assert th01.batch == "PLATE-2026-05-02" and th01.kit == "GlobalFiler"
    m = {lc.locus: lc for lc in mother.loci}
    assert m["vWA"].written_name == "VWA" and m["vWA"].used == ("16", "16") and m["vWA"].flags == ()
    assert m["TH01"].written == ("9.3", "OL") and m["TH01"].used == () and m["TH01"].flags == ("off_ladder",)
    assert staff.method == "y_str" and staff.kit == "Yfiler Plus"
    assert {lc.locus: lc.used for lc in staff.loci} == {"DYS385": ("11", "14"), "DYS389II": ("29",)}


def test_namespace_prefix_and_no_namespace_read_alike() -> None:
    data = (DATA / "homecoming_family.xml").read_text()
    plain = read_cmf(data.replace(' xmlns="urn:CODISImportFile-schema"', "").encode())
    prefixed = data.replace('xmlns="', 'xmlns:c="').replace("<", "<c:").replace("<c:/", "</c:")
    prefixed = prefixed.replace("<c:?xml", "<?xml").replace("<c:!--", "<!--")
    reference = read("homecoming_family.xml")
    assert plain.profiles == reference.profiles
    assert read_cmf(prefixed.encode()).profiles == reference.profiles


def test_unusual_xml_is_read_the_slow_way_alike() -> None:
    """CDATA makes the reader take the tree path; the profiles are the same."""
    data = (DATA / "homecoming_family.xml").read_text()
    slow = data.replace("<SPECIMENID>UP-0001</SPECIMENID>", "<SPECIMENID><![CDATA[UP-0001]]></SPECIMENID>")
    assert read_cmf(slow.encode()).profiles == read("homecoming_family.xml").profiles


# ---------------------------------------------------------------- round trips


def _same(a: LabProfile, b: LabProfile) -> None:
    strip = [dataclasses.replace(lc, written_name="") for lc in a.loci]
    assert [dataclasses.replace(lc, written_name="") for lc in b.loci] == strip
    assert dataclasses.replace(a, loci=(), line=0, category_written="") == dataclasses.replace(
        b, loci=(), line=0, category_written=""
    )


@pytest.mark.parametrize("name", ["homecoming_family.xml"])
def test_write_then_read_gives_the_same_profiles(name: str) -> None:
    first = read(name)
    data = write_cmf(
        first.profiles,
        source_lab="PARTNERLAB",
        destination_ori="HCLAB0001",
        submitted_by="analyst1",
        submitted_at=WHEN,
        batch_id="PLATE-2026-05-04",
        kit="GlobalFiler",
    )
    again = read_cmf(data, name="written.xml")
    assert again.ok, texts(again)
    assert len(again.profiles) == len(first.profiles)
    for a, b in zip(first.profiles, again.profiles, strict=True):
        _same(a, b)
    assert again.header["SUBMITDATETIME"] == "2026-05-04T10:30:00"
    assert b"<LOCUSNAME>Amelogenin</LOCUSNAME>" in data and b"&lt;17" in data


def test_round_trip_of_every_category_and_flag() -> None:
    loci = (
        LabLocus("D8S1179", "D8S1179", ("12", "13"), ("12", "13")),
        LabLocus("TH01", "TH01", ("9.3",), ("9.3",), ("one_allele",)),
        LabLocus("FGA", "FGA", (">30", "22"), (">30", "22"), ("above_ladder",)),
    )
    from homecoming.kinship.formats.specimens import CMF_CATEGORY, make_profile

    profiles = [
        make_profile(f"S-{c}", c, CMF_CATEGORY[c], kit="", loci=loci, line=0, source_lab="L")
        for c in CMF_CATEGORY
    ]
    data = write_cmf(profiles, source_lab="L", destination_ori="O", submitted_by="u", submitted_at=WHEN)
    again = read_cmf(data)
    assert again.ok and [p.category for p in again.profiles] == list(CMF_CATEGORY)
    for a, b in zip(profiles, again.profiles, strict=True):
        _same(a, b)


def test_writer_refuses_what_cmf_cannot_hold() -> None:
    lc = LabLocus("D8S1179", "D8S1179", ("12",) * 9, ("12",))
    bad = LabProfile("X", "", "", "", "autosomal_str", (lc,), 1)
    with pytest.raises(ValidationError) as err:
        write_cmf([bad, bad], source_lab="L", destination_ori="O", submitted_by="u", submitted_at=WHEN)
    assert [str(p) for p in err.value.problems] == [
        "specimen X: has no CMF specimen category (got ''); set its category",
        "specimen X, locus D8S1179: has more than 8 alleles (got 9)",
        "specimen X: appears twice (got 'X'); specimen ids are unique in a CMF file",
        "specimen X: has no CMF specimen category (got ''); set its category",
        "specimen X, locus D8S1179: has more than 8 alleles (got 9)",
    ]


# ---------------------------------------------------------------- bad input, each named


def test_33_loci_is_a_problem_and_32_is_not() -> None:
    names = [f"DYS{400 + i}" for i in range(33)]
    ok = read_cmf(cmf(specimen("S1", *(locus(n, "10") for n in names[:32]))))
    assert ok.ok, texts(ok)
    bad = read_cmf(cmf(specimen("S1", *(locus(n, "10") for n in names))))
    assert texts(bad) == [
        "row 4, specimen S1: has 33 loci; CMF 3.2 allows at most 32 per specimen (got 33); remove loci "
        "typed twice by overlapping kits, or send each kit in its own CMF file"
    ]


def test_9_alleles_is_a_problem_and_8_is_not() -> None:
    ok = read_cmf(cmf(specimen("S1", locus("D8S1179", *map(str, range(8, 16))))))
    assert ok.ok and ok.profiles[0].flags == ("mixture", "partial")  # partial: one locus of GlobalFiler
    bad = read_cmf(cmf(specimen("S1", locus("D8S1179", *map(str, range(8, 17))))))
    assert texts(bad) == [
        "row 4, specimen S1, locus D8S1179: has 9 alleles; CMF 3.2 allows at most 8 per locus (got 9); "
        "check the locus: a sample with this many alleles is a mixture of many people"
    ]


def test_unknown_locus_names_near_spellings() -> None:
    bad = read_cmf(cmf(specimen("S1", locus("D8S1197", "12"), locus("TH01", "8", "9"))))
    assert texts(bad) == [
        "row 4, specimen S1, locus D8S1197: is not a known locus name (got 'D8S1197'); did you mean "
        "D8S1179, DYS19, D21S11, D18S51? Unknown loci cannot be matched to frequencies; correct the name or "
        "remove the locus"
    ]
    assert [lc.locus for lc in bad.profiles[0].loci] == ["TH01"]


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("8.2.1", "write a repeat number (8, 9.3), <n or >n outside the ladder, or OL for off-ladder"),
        ("abc", "write a repeat number (8, 9.3), <n or >n outside the ladder, or OL for off-ladder"),
        ("X", "X and Y are amelogenin alleles, not TH01 alleles; is the locus name right?"),
    ],
)
def test_bad_allele_values(value: str, hint: str) -> None:
    bad = read_cmf(cmf(specimen("S1", locus("TH01", "8", value))))
    assert texts(bad) == [
        f"row 4, specimen S1, locus TH01: {value!r} is not an allele value at TH01 (got {value!r}); {hint}"
    ]


def test_same_specimen_twice() -> None:
    one = specimen("S1", locus("TH01", "8", "9"))
    bad = read_cmf(cmf(f"{one}\n{one}"))
    assert texts(bad) == [
        "row 5, specimen S1: appears twice (lines 4 and 5); specimen ids are unique in a file (got 'S1'); "
        "remove the duplicate, or give a replicate its own specimen id"
    ]


def test_same_locus_twice_in_a_specimen() -> None:
    bad = read_cmf(cmf(specimen("S1", locus("TH01", "8", "9"), locus("THO1", "8", "9"))))
    assert texts(bad) == [
        "row 4, specimen S1, locus THO1: appears twice in the specimen (got 'THO1'); keep one reading"
    ]


def test_quality_sensors_are_dropped_with_a_note() -> None:
    lab = read_cmf(cmf(specimen("S1", locus("TH01", "8", "9"), locus("IQCS", "10"), locus("QS2", "10"))))
    assert lab.ok and [lc.locus for lc in lab.profiles[0].loci] == ["TH01"]
    assert lab.notes == (
        "quality sensor 'IQCS' is not a locus: left out",
        "quality sensor 'QS2' is not a locus: left out",
    )


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE CODISImportFile [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<CODISImportFile><SPECIMEN><SPECIMENID>&c;</SPECIMENID></SPECIMEN></CODISImportFile>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE CODISImportFile [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CODISImportFile><SPECIMEN><SPECIMENID>&secret;</SPECIMENID></SPECIMEN></CODISImportFile>
"""
HINT = "CMF files have no DOCTYPE: ask the laboratory to export the file again without one"


def test_entity_bomb_is_refused() -> None:
    lab = read_cmf(BOMB, name="bomb.xml")
    assert texts(lab) == [
        "file: declares the entity 'a': entity declarations (an 'entity bomb' or an external entity) are "
        f"refused (got 'bomb.xml'); {HINT}"
    ]
    assert lab.profiles == ()


def test_external_entity_is_refused() -> None:
    lab = read_cmf(EXTERNAL, name="ext.xml")
    assert texts(lab) == [
        "file: declares the entity 'secret': entity declarations (an 'entity bomb' or an external entity) "
        f"are refused (got 'ext.xml'); {HINT}"
    ]


def test_external_dtd_is_refused() -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE CODISImportFile SYSTEM "http://example.org/x.dtd">\n<CODISImportFile/>'
    assert texts(read_cmf(data, name="d.xml")) == [f"file: has a DOCTYPE: refused (got 'd.xml'); {HINT}"]


def test_utf16_without_bom_is_a_problem_and_with_bom_is_read() -> None:
    data = (DATA / "homecoming_family.xml").read_text().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert texts(read_cmf(data.encode("utf-16-le"), name="a.xml")) == [
        "file: is UTF-16 text without a byte-order mark (got 'a.xml'); save the file as UTF-8 (or UTF-16 "
        "with a byte-order mark)"
    ]
    assert read_cmf(data.encode("utf-16"), name="a.xml").profiles == read("homecoming_family.xml").profiles


def test_cp1251_bytes_in_a_utf8_file() -> None:
    data = cmf(specimen("Останки-1", locus("TH01", "8", "9"))).decode().encode("cp1251")
    assert texts(read_cmf(data, name="c.xml")) == [
        "file: is not UTF-8 text: byte 352 (b'\\xce\\xf1\\xf2\\xe0\\xed\\xea\\xe8-') cannot be read "
        "(a file saved as Windows-1251 or Latin-1 but declared UTF-8?) (got 'c.xml'); save the file as "
        "UTF-8, or declare its real encoding in the XML declaration"
    ]
    declared = data.replace(b'encoding="UTF-8"', b'encoding="windows-1251"')
    assert read_cmf(declared).profiles[0].specimen == "Останки-1"


def test_not_well_formed_and_not_cmf() -> None:
    cut = cmf(specimen("S1", locus("TH01", "8", "9")))[:-40]
    assert texts(read_cmf(cut, name="cut.xml"))[0].startswith("file: is not well-formed XML at line 4")
    other = b'<?xml version="1.0"?><persons><p/></persons>'
    assert texts(read_cmf(other, name="p.xml")) == [
        "file: is not a CODIS CMF file: its root element is not CODISImportFile (got 'persons'); export "
        "the profiles from CODIS or the analysis software as CMF 3.2 XML"
    ]


def test_fast_and_tree_readings_agree() -> None:
    """The fast reading is taken for ordinary files and gives what the C tree reading gives."""
    from homecoming.kinship.formats.cmf_scan import (
        HEADER_FIELDS,
        fast_specimens,
        specimen_lines,
        tree_specimens,
    )

    for name in (
        "homecoming_family.xml",
        "osiris_CODIS-32.AppendixAexample.xml",
        "smartrank_Codis-Single-Profile.xml",
    ):
        data = (DATA / name).read_bytes()
        text = data.decode("utf-8-sig")
        start = text.find("<SPECIMEN")
        fast = fast_specimens(text, start)
        assert fast is not None, name
        tree = list(tree_specimens(data, {}, specimen_lines(text)))
        assert [(r.attrs, r.fields, line) for r, line in fast] == [
            (r.attrs, r.fields, line) for r, line in tree
        ]
        for (f, _l), (t, _m) in zip(fast, tree, strict=True):
            assert [lc[1] for lc in f.loci] == [lc[1] for lc in t.loci]
        assert HEADER_FIELDS[0] == "HEADERVERSION"


def test_a_closing_tag_spelled_otherwise_is_read_the_slow_way_alike() -> None:
    data = (DATA / "homecoming_family.xml").read_text()
    odd = data.replace("</LOCUS>", "</LOCUS >", 1).replace("</SPECIMEN>", "</SPECIMEN\n>", 1)
    got = [dataclasses.replace(p, line=0) for p in read_cmf(odd.encode()).profiles]
    assert got == [dataclasses.replace(p, line=0) for p in read("homecoming_family.xml").profiles]
    from homecoming.kinship.formats.cmf_scan import fast_specimens

    assert fast_specimens(odd, odd.find("<SPECIMEN")) is None


def test_a_locus_without_alleles_or_name() -> None:
    empty = locus("TH01").replace("<ALLELE>", "")
    lab = read_cmf(cmf(specimen("S1", empty, locus("vWA", "16", "17"))))
    assert [(lc.locus, lc.written) for lc in lab.profiles[0].loci] == [("TH01", ()), ("vWA", ("16", "17"))]
    nameless = locus("TH01", "8").replace("<LOCUSNAME>TH01</LOCUSNAME>", "")
    bad = read_cmf(cmf(specimen("S1", nameless)))
    assert texts(bad) == [
        "row 4, specimen S1, locus (no LOCUSNAME): is not a known locus name (got ''); use the kit's locus "
        "names (e.g. D8S1179, vWA). Unknown loci cannot be matched to frequencies; correct the name or "
        "remove the locus"
    ]
