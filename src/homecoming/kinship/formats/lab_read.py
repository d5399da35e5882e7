"""One front door for lab files: :func:`read_lab_file` picks the reader by the format asked for or by content.

* ``cmf``: CODIS CMF 3.2 XML (:mod:`.cmf`), recognised by ``<CODISImportFile`` near the start;
* ``fam``: Familias ``.fam`` (:func:`.familias.read_fam`), recognised by the name's ``.fam`` suffix;
  every person with DNA becomes a profile: victims of the DVI section are ``unidentified_person``,
  family references get the category their place in the pedigree gives (mother, father, sibling,
  child, spouse of the missing person; ``reference`` otherwise), persons of the main section
  ``reference``;
* ``table``: everything else (GeneMapper-style genotype tables, :mod:`.genotype_table`).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from homecoming.errors import HomecomingError, Problem
from homecoming.kinship.formats.cmf import read_cmf
from homecoming.kinship.formats.familias import FamFile, read_fam
from homecoming.kinship.formats.genotype_table import read_genotype_table
from homecoming.kinship.formats.lab import LabFile, LabLocus, LabProfile
from homecoming.kinship.formats.loci import canonical_locus
from homecoming.kinship.formats.specimens import make_profile
from homecoming.kinship.model.markers import Profile
from homecoming.kinship.model.pedigree import Pedigree

FORMATS = ("cmf", "table", "fam")


def detect_format(data: bytes, name: str) -> str:
    """``cmf``, ``fam`` or ``table`` from the content (and the name's suffix for ``.fam``)."""
    head = data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    if b"CODISImportFile" in head or (
        head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<") and b"<?xml" in head
    ):
        return "cmf"
    if name.lower().endswith(".fam"):
        return "fam"
    return "table"


def read_lab_file(
    data: bytes, *, name: str, format: str | None = None, default_category: str = ""
) -> LabFile:
    """Every profile and every problem of a lab file (``format``: cmf, table, fam; None: detect it).

    ``default_category`` is the category of the samples of a table without a Category column.
    """
    chosen = format or detect_format(data, name)
    if chosen not in FORMATS:
        problem = Problem("format", "is not a lab-file format", chosen, f"use one of {', '.join(FORMATS)}")
        return LabFile(chosen, hashlib.sha256(data).hexdigest(), (), (problem,))
    if chosen == "cmf":
        return read_cmf(data, name=name)
    if chosen == "fam":
        return read_fam_profiles(data, name=name)
    return read_genotype_table(data, name=name, default_category=default_category)


def read_fam_profiles(data: bytes, *, name: str) -> LabFile:
    """The typed persons of a Familias file as lab profiles."""
    sha = hashlib.sha256(data).hexdigest()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name or "file.fam")
        path.write_bytes(data)
        try:
            fam = read_fam(path)
        except HomecomingError as exc:
            text = str(exc).splitlines()[0].replace(str(path), name)
            return LabFile("fam", sha, (), (Problem(exc.field or "file", text, exc.value, exc.hint),))
        notes = tuple(note.replace(str(path), name) for note in fam.notes)
    return LabFile("fam", sha, tuple(_fam_profiles(fam)), (), notes, {"familias_version": fam.version})


def _fam_profiles(fam: FamFile) -> list[LabProfile]:
    out: list[LabProfile] = []
    line = 0
    for profile, _sex in fam.victims:
        line += 1
        out.append(_profile(profile, "unidentified_person", "victim", line))
    for family in fam.families:
        for node, profile in family.references.items():
            line += 1
            category = _relation(family.pedigree, node, family.missing)
            out.append(
                _profile(profile, category, f"{family.name}: {node}", line, specimen=f"{family.name}:{node}")
            )
    in_families = {p.specimen for p in out}
    for person, (_sex, profile) in fam.persons.items():
        if profile.markers and person not in in_families:
            line += 1
            out.append(_profile(profile, "reference", "person", line))
    return out


def _profile(profile: Profile, category: str, written: str, line: int, *, specimen: str = "") -> LabProfile:
    loci = []
    for marker in profile.markers:
        genotype = profile.get(marker)
        if genotype is None:
            continue
        alleles = tuple(a for a in genotype.alleles)
        flags = ("one_allele",) if len(alleles) == 1 else ()
        loci.append(LabLocus(canonical_locus(marker) or marker, marker, alleles, alleles, flags))
    return make_profile(specimen or profile.sample, category, written, kit="", loci=loci, line=line)


def _relation(ped: Pedigree, node: str, missing: tuple[str, ...]) -> str:
    """The category of ``node`` from its place next to the (first) missing person of its pedigree."""
    if not missing or node not in ped.ids or missing[0] not in ped.ids:
        return "reference"
    i, m = ped.ids.index(node), ped.ids.index(missing[0])
    if i in (ped.father[m], ped.mother[m]):
        return "father" if i == ped.father[m] else "mother"
    if m in (ped.father[i], ped.mother[i]):
        return "child"
    if ped.father[i] >= 0 and (ped.father[i], ped.mother[i]) == (ped.father[m], ped.mother[m]):
        return "sibling"
    coparents = {(ped.father[k], ped.mother[k]) for k in range(len(ped.ids))}
    if (i, m) in coparents or (m, i) in coparents:
        return "spouse"
    return "reference"


def lab_file_dict(lab: LabFile, *, name: str = "") -> dict[str, object]:
    """The JSON shape of a lab file (``docs/formats/genetics-read.md``)."""
    return {
        "file": name,
        "format": lab.format,
        "sha256": lab.sha256,
        "ok": lab.ok,
        "header": dict(lab.header),
        "notes": list(lab.notes),
        "profiles": [_profile_dict(p) for p in lab.profiles],
        "problems": [
            {
                "field": p.field,
                "message": p.message,
                "value": p.value,
                "hint": p.hint,
                "row": p.row,
                "text": str(p),
            }
            for p in lab.problems
        ],
    }


def _profile_dict(p: LabProfile) -> dict[str, object]:
    return {
        "specimen": p.specimen,
        "replicate": p.replicate,
        "category": p.category,
        "category_written": p.category_written,
        "kit": p.kit,
        "method": p.method,
        "line": p.line,
        "flags": list(p.flags),
        "usable": p.usable,
        "excluded_reason": p.excluded_reason,
        "source_lab": p.source_lab,
        "raw": dict(p.raw),
        "loci": [
            {
                "locus": lc.locus,
                "written_name": lc.written_name,
                "written": list(lc.written),
                "used": list(lc.used),
                "flags": list(lc.flags),
                "kit": lc.kit,
                "batch": lc.batch,
            }
            for lc in p.loci
        ],
    }
