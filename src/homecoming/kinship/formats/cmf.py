"""CODIS CMF 3.2 XML (the FBI's Common Message Format for STR profiles): read and write.

The layout is that of the *CODIS Interface Specification (CMF 3.2)*, Revision 9, with its Appendix A
example and Appendix B schema (``tests/kinship/formats/data/cmf/README.md`` says where they are public)::

    CODISImportFile (namespace urn:CODISImportFile-schema, or none)
      HEADERVERSION MESSAGETYPE DESTINATIONORI SOURCELAB SUBMITBYUSERID SUBMITDATETIME [BATCHID] [KIT]
      SPECIMEN [SOURCEID CASEID PARTIAL]  (any number)
        SPECIMENID SPECIMENCATEGORY [SPECIMENCOMMENT]
        LOCUS [BATCHID KIT]  (at most 32, names unique)
          LOCUSNAME READINGBY READINGDATETIME
          ALLELE [ALLELEREQUIRED] → ALLELEVALUE  (at most 8)

A locus's kit and batch are its own attributes, else the header's. Specimen ids are unique in a file.

Safety: a CMF file has no DOCTYPE. A file with one is refused before it is parsed further; ``defusedxml``
then names what the DTD holds (entity declarations: an "entity bomb"; external entities or DTDs), so
no entity is ever expanded and nothing outside the file is ever fetched. The body (no DTD, hence no
entities beyond the five XML ones) is parsed with the C ``iterparse``, specimen by specimen, so a file
of 100,000 specimens reads in seconds.

Encoding: the XML declaration's (UTF-8 when none); UTF-16 needs its byte-order mark. Bytes that are
not text in that encoding (Windows-1251 bytes in a UTF-8 file) are a problem naming the byte.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from xml.parsers import expat as pyexpat

import defusedxml.ElementTree
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from homecoming.errors import Problem
from homecoming.kinship.formats.alleles import read_locus
from homecoming.kinship.formats.cmf_scan import (
    HEADER,
    HEADER_FIELDS,
    SPECIMEN_TAG,
    Raw,
    RawLocus,
    attrs_of,
    fast_specimens,
    specimen_lines,
    text_of,
    tree_specimens,
    values_of,
)
from homecoming.kinship.formats.cmf_write import MAX_ALLELES, MAX_LOCI, NAMESPACE
from homecoming.kinship.formats.cmf_write import write_cmf as write_cmf  # re-exported
from homecoming.kinship.formats.lab import LabFile, LabLocus, LabProfile
from homecoming.kinship.formats.specimens import category_of, category_problem, make_profile

__all__ = ["HEADER_FIELDS", "MAX_ALLELES", "MAX_LOCI", "NAMESPACE", "read_cmf", "write_cmf"]

_DECLARED = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


# ---------------------------------------------------------------- reading


def read_cmf(data: bytes, *, name: str = "file.xml") -> LabFile:
    """Every specimen of a CMF 3.2 file and every problem (the reader never raises on content)."""
    sha = hashlib.sha256(data).hexdigest()
    text, problem = _decode(data, name)
    if problem is None:
        problem = _refuse_dtd(text, name)
    if problem is not None:
        return LabFile("cmf", sha, (), (problem,))
    body = data if _is_utf8(data) else _as_utf8(text)
    reader = _Reader(name)
    try:
        pyexpat.ParserCreate().Parse(body, True)  # well-formed? (no handlers: C speed, nothing built)
    except pyexpat.ExpatError as exc:
        message = pyexpat.ErrorString(exc.code) or "not well-formed"
        problem = Problem(
            "file",
            f"is not well-formed XML at line {exc.lineno}, column {exc.offset + 1} ({message})",
            name,
            "the file is damaged or cut short: ask the laboratory to export it again",
        )
        return LabFile("cmf", sha, (), (problem,))
    reader.run(text, body)
    return LabFile(
        "cmf", sha, tuple(reader.profiles), tuple(reader.problems), tuple(reader.notes), reader.header
    )


def _decode(data: bytes, name: str) -> tuple[str, Problem | None]:
    """The file as text, or the problem with its encoding."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    else:
        head = data[:400]
        if len(head) >= 4 and head.count(0) >= len(head) // 4:
            return "", Problem(
                "file",
                "is UTF-16 text without a byte-order mark",
                name,
                "save the file as UTF-8 (or UTF-16 with a byte-order mark)",
            )
        declared = _DECLARED.match(data)
        encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    try:
        return data.decode("utf-8-sig" if encoding in ("utf-8", "utf8") else encoding), None
    except LookupError:
        return "", Problem(
            "file", f"declares an unknown encoding {encoding!r}", name, "save the file as UTF-8"
        )
    except UnicodeDecodeError as exc:
        shown = data[exc.start : exc.start + 8]
        return "", Problem(
            "file",
            f"is not {encoding.upper()} text: byte {exc.start} ({shown!r}) cannot be read "
            "(a file saved as Windows-1251 or Latin-1 but declared UTF-8?)",
            name,
            f"save the file as {encoding.upper()}, or declare its real encoding in the XML declaration",
        )


def _is_utf8(data: bytes) -> bool:
    declared = _DECLARED.match(data)
    return data[:2] not in (b"\xff\xfe", b"\xfe\xff") and (
        declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")
    )


def _as_utf8(text: str) -> bytes:
    """``text`` as UTF-8 bytes, its declaration saying so."""
    text = re.sub(r"""^(\ufeff?<\?xml[^>]*?)encoding\s*=\s*["'][^"']*["']""", r"\1", text, count=1)
    return text.lstrip("\ufeff").encode("utf-8")


def _prolog_end(text: str) -> tuple[int, bool]:
    """Where the root element starts, and whether a DOCTYPE comes before it."""
    i, n = 0, len(text)
    while i < n:
        if text[i] in " \t\r\n\ufeff":
            i += 1
        elif text.startswith("<?", i):
            i = text.find("?>", i) % (n + 1) + 2
        elif text.startswith("<!--", i):
            i = text.find("-->", i) % (n + 1) + 3
        else:
            return i, text.startswith("<!DOCTYPE", i) or text.startswith("<!ENTITY", i)
    return n, False


def _refuse_dtd(text: str, name: str) -> Problem | None:
    """The problem of a file with a DOCTYPE, as defusedxml names what it holds; None without one."""
    start, doctype = _prolog_end(text)
    if not doctype:
        root = re.match(r"<([\w:.-]+)", text[start:])
        if root is None or root.group(1).rpartition(":")[2] != "CODISImportFile":
            found = root.group(1) if root else text[start : start + 40]
            return Problem(
                "file",
                "is not a CODIS CMF file: its root element is not CODISImportFile",
                found,
                "export the profiles from CODIS or the analysis software as CMF 3.2 XML",
            )
        return None
    hint = "CMF files have no DOCTYPE: ask the laboratory to export the file again without one"
    try:
        defusedxml.ElementTree.fromstring(
            _as_utf8(text), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except EntitiesForbidden as exc:
        what = f"declares the entity {exc.name!r}"
        return Problem(
            "file",
            f"{what}: entity declarations (an 'entity bomb' or an external entity) are refused",
            name,
            hint,
        )
    except (ExternalReferenceForbidden, DTDForbidden) as exc:
        return Problem("file", f"refers to an external DTD or entity ({exc}): refused", name, hint)
    except ET.ParseError as exc:
        return Problem("file", f"has a DOCTYPE and is not well-formed XML ({exc})", name, hint)
    return Problem("file", "has a DOCTYPE: refused", name, hint)


class _Reader:
    """The state of one CMF read: header, profiles, problems, notes, ids seen."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.header: dict[str, str] = {}
        self.profiles: list[LabProfile] = []
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.seen: dict[str, int] = {}
        self.cache: dict[RawLocus, LabLocus] = {}

    def run(self, text: str, body: bytes) -> None:
        found = SPECIMEN_TAG.search(text)
        start = found.start() if found else len(text)
        fast = fast_specimens(text, start)
        specimens: Iterable[tuple[Raw, int]]
        if fast is None:
            specimens = tree_specimens(body, self.header, specimen_lines(text))
        else:
            specimens = fast
            self.header.update((m.group(1), text_of(m.group(2))) for m in HEADER.finditer(text, 0, start))
        count = 0
        for raw, line in specimens:
            count += 1
            self.specimen(raw, line)
        if not count:
            self.problems.append(
                Problem("file", "holds no SPECIMEN", self.name, "a CMF file lists at least one specimen")
            )

    def specimen(self, raw: Raw, line: int) -> None:
        sid = raw.fields.get("SPECIMENID", "")
        where = f"specimen {sid or f'#{len(self.profiles) + 1}'}"
        if not sid:
            self.problems.append(
                Problem(where, "has no SPECIMENID", None, "give every specimen its id", line)
            )
        elif sid in self.seen:
            self.problems.append(
                Problem(
                    where,
                    f"appears twice (lines {self.seen[sid]} and {line}); specimen ids are unique in a file",
                    sid,
                    "remove the duplicate, or give a replicate its own specimen id",
                    line,
                )
            )
        else:
            self.seen[sid] = line
        written = raw.fields.get("SPECIMENCATEGORY", "")
        category = category_of(written)
        if category is None:
            self.problems.append(category_problem(written, field=f"{where}, SPECIMENCATEGORY", row=line))
        loci = self.loci(raw, where, line)
        attrs = raw.attrs
        extra = {k: v for k, v in attrs.items() if k in ("SOURCEID", "CASEID")}
        if "SPECIMENCOMMENT" in raw.fields:
            extra["SPECIMENCOMMENT"] = raw.fields["SPECIMENCOMMENT"]
        kits = sorted({lc.kit for lc in loci if lc.kit})
        self.profiles.append(
            make_profile(
                sid,
                category or "",
                written,
                kit="+".join(kits),
                loci=loci,
                line=line,
                partial=attrs.get("PARTIAL", "").lower() in ("true", "1"),
                source_lab=self.header.get("SOURCELAB", ""),
                raw=extra,
            )
        )

    def loci(self, raw: Raw, where: str, line: int) -> list[LabLocus]:
        if len(raw.loci) > MAX_LOCI:
            self.problems.append(
                Problem(
                    where,
                    f"has {len(raw.loci)} loci; CMF 3.2 allows at most {MAX_LOCI} per specimen",
                    len(raw.loci),
                    "remove loci typed twice by overlapping kits, or send each kit in its own CMF file",
                    line,
                )
            )
        loci: list[LabLocus] = []
        names: set[str] = set()
        for written in raw.loci:
            locus = self.cache.get(written) if isinstance(written[2], str) else None  # fast path: all text
            if locus is None:
                locus = self.locus(written, where, line)
                if locus is None:
                    continue
            if locus.locus in names:
                self.problems.append(
                    Problem(
                        f"{where}, locus {locus.written_name}",
                        "appears twice in the specimen",
                        locus.written_name,
                        "keep one reading",
                        line,
                    )
                )
                continue
            names.add(locus.locus)
            loci.append(locus)
        return loci

    def locus(self, written: RawLocus, where: str, line: int) -> LabLocus | None:
        """One locus; a locus read once from the same text is reused (frozen): large files read fast."""
        attrs = attrs_of(written[0]) if isinstance(written[0], str) else written[0]
        name = written[1]
        values = values_of(written[2]) if isinstance(written[2], str) else written[2]
        field = f"{where}, locus {name or '(no LOCUSNAME)'}"
        if len(values) > MAX_ALLELES:
            self.problems.append(
                Problem(
                    field,
                    f"has {len(values)} alleles; CMF 3.2 allows at most {MAX_ALLELES} per locus",
                    len(values),
                    "check the locus: a sample with this many alleles is a mixture of many people",
                    line,
                )
            )
        kit = attrs.get("KIT", "") or self.header.get("KIT", "")
        batch = attrs.get("BATCHID", "") or self.header.get("BATCHID", "")
        got = read_locus(name, values, field=field, row=line, kit=kit, batch=batch)
        self.problems.extend(got.problems)
        if got.note and got.note not in self.notes:
            self.notes.append(got.note)
        if (
            got.locus is not None
            and len(values) <= MAX_ALLELES
            and isinstance(written[0], str)
            and isinstance(written[2], str)
            and len(self.cache) < 100_000
        ):
            self.cache[(written[0], name, written[2])] = got.locus
        return got.locus
