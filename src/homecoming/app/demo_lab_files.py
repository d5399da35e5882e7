"""The files of ``demo/lab-files/``: a good CMF file for the demo batch, a GeneMapper-style table, a
Familias ``.fam`` and problem files, each meant to show a new user one behaviour of the lab import.

Written from what the genetics demo built (:class:`~homecoming.app.demo_dna.DemoDna`): the specimen ids
are the demo batch's sample references, which carry the year the demo was built (``SM-2026-…``). The
problem files are made by editing good ones, so each has exactly one fault.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from homecoming.app.demo_dna import DEMO_LOCI, FILE_TIME, DemoDna, write_cmf_file
from homecoming.app.remains.references import format_reference
from homecoming.kinship.formats.lab import LabLocus, LabProfile
from homecoming.kinship.model.markers import Genotype, Profile
from homecoming.kinship.model.pedigree import Pedigree

#: loci beyond the kit (three autosomal, nine Y-STRs), enough to pass CMF's limit of 32 loci
EXTRA_LOCI = (
    "D6S1043",
    "PENTA_D",
    "PENTA_E",
    "DYS391",
    "DYS389I",
    "DYS389II",
    "DYS19",
    "DYS390",
    "DYS392",
    "DYS393",
    "DYS437",
    "DYS438",
)


def _replace(profile: LabProfile, **changes: object) -> LabProfile:
    from dataclasses import replace

    return replace(profile, **changes)  # type: ignore[arg-type]


def _genemapper(profiles: list[LabProfile], *, marker_column: str = "Marker") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\r\n")
    writer.writerow(
        ["Sample File", "Sample Name", "Panel", marker_column, "Allele 1", "Allele 2", "Category"]
    )
    for p in profiles:
        for lc in p.loci:
            alleles = [*lc.written, ""][:2]
            row = [f"{p.specimen}.hid", p.specimen, "GlobalFiler_v1X", lc.locus, *alleles]
            writer.writerow([*row, "Unidentified Person"])
    return out.getvalue().encode("utf-8")


def _core(p: LabProfile, name: str) -> Profile:
    return Profile(name, {lc.locus: Genotype(*lc.used) for lc in p.loci})


def _fam(dna: DemoDna) -> bytes:
    """Family 1 of the demo (father and mother typed) and the body that is its missing person."""
    from homecoming.kinship.dvi.joint import DviProblem, Family
    from homecoming.kinship.formats.familias_write import write_fam

    assert dna.table is not None
    father, mother = (p for p in dna.references if p.specimen.startswith("DEMO-RS-00001:"))
    sex = dna.missing_sex[0] if dna.missing_sex else "male"
    ped = Pedigree.from_records(
        [("1", None, None, "male"), ("2", None, None, "female"), ("MP1", "1", "2", sex)]
    )
    refs = {"1": _core(father, "1"), "2": _core(mother, "2")}
    family = Family("DEMO-RS-00001", ped, refs, ("MP1",))
    body = next((p for p in [*dna.bodies, *dna.pending] if dna.truth.get(p.specimen) == 0), dna.pending[0])
    from homecoming.app.genetics.frequencies import kinship_loci

    loci = kinship_loci(dna.table, DEMO_LOCI)
    problem = DviProblem.make(
        [_core(body, body.specimen)], [family], loci=loci, victim_sex={body.specimen: sex}
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = write_fam(problem, Path(tmp) / "family.fam", database="Norwegian (forrel)")
        return path.read_bytes()


def _duplicate_specimen(cmf: bytes) -> bytes:
    text = cmf.decode("utf-8")
    start = text.index("  <SPECIMEN")
    end = text.index("  </SPECIMEN>") + len("  </SPECIMEN>\r\n")
    return (text[:end] + text[start:end] + text[end:]).encode("utf-8")


def _thirty_three_loci(dna: DemoDna) -> bytes:
    base = dna.pending[1]
    extra = tuple(
        LabLocus(n, n, a, a, kit="DEMO-EXTRA")
        for n in EXTRA_LOCI
        for a in [("13",) if n.startswith("DYS") else ("10", "12")]
    )
    room = 32 - len(base.loci)  # 32 loci: the most the writer writes
    profile = _replace(base, loci=base.loci + extra[:room])
    text = write_cmf_file([profile], batch_id="DEMO-PROBLEMS", when=FILE_TIME).decode("utf-8")
    last = text.rindex("    <LOCUS ")  # the last locus (of the extra kit: it has a KIT attribute)
    end = text.index("    </LOCUS>", last) + len("    </LOCUS>\r\n")
    block = text[last:end].replace(f"<LOCUSNAME>{EXTRA_LOCI[room - 1]}<", f"<LOCUSNAME>{EXTRA_LOCI[room]}<")
    return (text[:end] + block + text[end:]).encode("utf-8")


EXTERNAL_ENTITY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE CODISImportFile [
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<CODISImportFile xmlns="urn:CODISImportFile-schema">
  <HEADERVERSION>3.2</HEADERVERSION>
  <MESSAGETYPE>Import</MESSAGETYPE>
  <SOURCELAB>&secret;</SOURCELAB>
</CODISImportFile>
"""


def lab_files(dna: DemoDna, *, year: int) -> dict[str, bytes]:
    """Every file of ``demo/lab-files`` (name -> bytes); see its README."""
    when = FILE_TIME
    files = {"batch-good.xml": write_cmf_file(dna.pending, batch_id="DEMO-LAB-RUN-2", when=when)}
    second_run = [_replace(p, loci=p.loci[:-1]) for p in dna.bodies[:3]]  # the last locus dropped out
    files["batch-second-run-genemapper.txt"] = _genemapper(second_run)
    files["family-1.fam"] = _fam(dna)
    files["problem-33-loci.xml"] = _thirty_three_loci(dna)
    odd = dna.pending[2]
    th01 = next(i for i, lc in enumerate(odd.loci) if lc.locus == "TH01")
    bad = list(odd.loci)
    bad[th01] = LabLocus("TH01", "TH01", ("8.2.1", bad[th01].written[-1]), ("8.2.1", bad[th01].written[-1]))
    files["problem-allele-8.2.1.xml"] = write_cmf_file(
        [_replace(odd, loci=tuple(bad))], batch_id="X", when=when
    )
    unknown = _replace(odd, specimen=format_reference("SM", year, 999_999))
    files["problem-unknown-specimen.xml"] = write_cmf_file([unknown], batch_id="DEMO-PROBLEMS", when=when)
    files["problem-same-specimen-twice.xml"] = _duplicate_specimen(
        write_cmf_file(dna.pending[:2], batch_id="DEMO-PROBLEMS", when=when)
    )
    files["problem-no-marker-column.txt"] = _genemapper(second_run[:1], marker_column="Dye")
    files["problem-external-entity.xml"] = EXTERNAL_ENTITY.encode("utf-8")
    return files


def write_lab_files(dna: DemoDna, folder: Path, *, year: int) -> list[Path]:
    """Write :func:`lab_files` into ``folder`` (the README stays as it is)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in lab_files(dna, year=year).items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written
