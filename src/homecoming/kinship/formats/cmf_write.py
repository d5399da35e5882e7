"""Writing CODIS CMF 3.2 files (the layout :mod:`.cmf` reads)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from homecoming.errors import Problem, ValidationError
from homecoming.kinship.formats.lab import LabProfile
from homecoming.kinship.formats.specimens import CMF_CATEGORY

NAMESPACE = "urn:CODISImportFile-schema"
MAX_LOCI = 32
MAX_ALLELES = 8

#: the CMF name written for a canonical locus name where CODIS spells it otherwise
CMF_LOCUS = {"AMEL": "Amelogenin"}


def write_cmf(
    profiles: Iterable[LabProfile],
    *,
    source_lab: str,
    destination_ori: str,
    submitted_by: str,
    submitted_at: datetime,
    batch_id: str = "",
    kit: str = "",
) -> bytes:
    """A CMF 3.2 file (UTF-8) of ``profiles``; raises ValidationError listing every profile CMF cannot hold.

    Loci are written under their canonical names, alleles as the laboratory wrote them; READINGBY and
    READINGDATETIME (which the reader does not keep) are ``submitted_by`` and ``submitted_at``.
    """
    profiles = list(profiles)
    problems = _write_problems(profiles)
    if problems:
        raise ValidationError.from_problems(problems, "the profiles to write as CMF", listed=None)
    when = submitted_at.replace(microsecond=0, tzinfo=None).isoformat()
    header = {
        "HEADERVERSION": "3.2",
        "MESSAGETYPE": "Import",
        "DESTINATIONORI": destination_ori,
        "SOURCELAB": source_lab,
        "SUBMITBYUSERID": submitted_by,
        "SUBMITDATETIME": when,
        "BATCHID": batch_id,
        "KIT": kit,
    }
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<CODISImportFile xmlns="{NAMESPACE}">']
    out += [f"  <{k}>{escape(v)}</{k}>" for k, v in header.items() if v]
    for profile in profiles:
        out.extend(_specimen_xml(profile, submitted_by, when, batch_id, kit))
    out.append("</CODISImportFile>")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def _write_problems(profiles: list[LabProfile]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for p in profiles:
        where = f"specimen {p.specimen}"
        if p.specimen in seen:
            problems.append(
                Problem(where, "appears twice", p.specimen, "specimen ids are unique in a CMF file")
            )
        seen.add(p.specimen)
        if p.category not in CMF_CATEGORY:
            problems.append(Problem(where, "has no CMF specimen category", p.category, "set its category"))
        if len(p.loci) > MAX_LOCI:
            problems.append(Problem(where, f"has more than {MAX_LOCI} loci", len(p.loci), "split by kit"))
        problems += [
            Problem(f"{where}, locus {lc.locus}", f"has more than {MAX_ALLELES} alleles", len(lc.written))
            for lc in p.loci
            if len(lc.written) > MAX_ALLELES
        ]
    return problems


def _specimen_xml(p: LabProfile, user: str, when: str, batch_id: str, kit: str) -> Iterator[str]:
    attrs = _attrs({k: p.raw.get(k, "") for k in ("SOURCEID", "CASEID")})
    if "partial" in p.flags:
        attrs += ' PARTIAL="true"'
    yield f"  <SPECIMEN{attrs}>"
    yield f"    <SPECIMENID>{escape(p.specimen)}</SPECIMENID>"
    yield f"    <SPECIMENCATEGORY>{escape(CMF_CATEGORY[p.category])}</SPECIMENCATEGORY>"
    if p.raw.get("SPECIMENCOMMENT"):
        yield f"    <SPECIMENCOMMENT>{escape(p.raw['SPECIMENCOMMENT'])}</SPECIMENCOMMENT>"
    for lc in p.loci:
        own = {"BATCHID": lc.batch if lc.batch != batch_id else "", "KIT": lc.kit if lc.kit != kit else ""}
        yield f"    <LOCUS{_attrs(own)}>"
        yield f"      <LOCUSNAME>{escape(CMF_LOCUS.get(lc.locus, lc.locus))}</LOCUSNAME>"
        yield f"      <READINGBY>{escape(user)}</READINGBY>"
        yield f"      <READINGDATETIME>{when}</READINGDATETIME>"
        for value in lc.written or lc.used:
            yield f"      <ALLELE><ALLELEVALUE>{escape(value)}</ALLELEVALUE></ALLELE>"
        yield "    </LOCUS>"
    yield "  </SPECIMEN>"


def _attrs(values: Mapping[str, str]) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in values.items() if v)
