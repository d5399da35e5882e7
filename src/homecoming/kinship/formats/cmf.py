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
import html
import io
import re
import xml.etree.ElementTree as ET  # the body only, after the DOCTYPE check below
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from xml.parsers import expat as pyexpat
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from homecoming.errors import Problem, ValidationError
from homecoming.kinship.formats.alleles import read_locus
from homecoming.kinship.formats.lab import LabFile, LabLocus, LabProfile
from homecoming.kinship.formats.specimens import CMF_CATEGORY, category_of, category_problem, make_profile

NAMESPACE = "urn:CODISImportFile-schema"
MAX_LOCI = 32
MAX_ALLELES = 8
HEADER_FIELDS = (
    "HEADERVERSION",
    "MESSAGETYPE",
    "DESTINATIONORI",
    "SOURCELAB",
    "SUBMITBYUSERID",
    "SUBMITDATETIME",
    "BATCHID",
    "KIT",
)
_DECLARED = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_SPECIMEN_TAG = re.compile(r"<(?:[\w.-]++:)?SPECIMEN[\s>]")


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


def _specimen_lines(text: str) -> list[int]:
    """The line of each ``<SPECIMEN`` in order (one pass over the text)."""
    lines: list[int] = []
    line, last = 1, 0
    for found in _SPECIMEN_TAG.finditer(text):
        line += text.count("\n", last, found.start())
        last = found.start()
        lines.append(line)
    return lines


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


@dataclass
class _Raw:
    """One specimen as written: its attributes, simple fields and loci (attributes, name, allele values)."""

    attrs: dict[str, str] | None  # None: no SPECIMEN tag seen (the fast reading gives up)
    fields: dict[str, str]
    loci: list[tuple[dict[str, str], str, list[str]]]


_P = r"(?:[\w.-]++:)?"  # an optional namespace prefix (possessive: no backtracking)
_HEADER = re.compile(rf"<{_P}({'|'.join(HEADER_FIELDS)})\b[^>/]*>([^<]*)<")
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CLOSE = re.compile(rf"</{_P}SPECIMEN\s*>")


def _text(value: str) -> str:
    return html.unescape(value).strip() if "&" in value else value.strip()


def _attrs_of(text: str) -> dict[str, str]:
    if "=" not in text:
        return {}
    return {
        m.group(1): _text(m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTR.finditer(text)
    }


def _fast_specimens(text: str, start: int) -> Iterator[tuple[_Raw, int]] | None:
    """The specimens read by splitting at their closing tags (the file is well-formed XML: expat checked
    it before), or None when the file uses what this does not read (CDATA, processing instructions,
    empty elements, closing tags spelled in more than one way)."""
    body = text[start:]
    if "<![CDATA[" in body or "<?" in body or re.search(rf"<{_P}(?:SPECIMEN|LOCUS|ALLELE)\b[^>]*/>", body):
        return None
    if "<!--" in body:
        body = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group().count("\n"), body, flags=re.S)
    closes = {m.group(0) for m in _CLOSE.finditer(body)}
    if len(closes) != 1:
        return None
    close = closes.pop()
    prefix = close[2 : close.index("SPECIMEN")]
    chunks = body.split(close)[:-1]
    token = re.compile(_TOKEN.replace("PREFIX", re.escape(prefix)))
    found = list(_with_lines(token, f"<{prefix}SPECIMEN", chunks, text.count("\n", 0, start) + 1, close))
    names = sum(1 for raw, _line in found for _a, name, _v in raw.loci if name)
    values = sum(len(v) for raw, _line in found for _a, _n, v in raw.loci)
    if (
        any(raw.attrs is None for raw, _line in found)
        or 2 * names != body.count("LOCUSNAME>")
        or 2 * values != body.count("ALLELEVALUE>")
    ):
        return None  # a specimen or element spelled otherwise (another namespace prefix): the slow way
    return iter(found)


def _with_lines(
    token: re.Pattern[str], opening: str, chunks: list[str], line: int, close: str
) -> Iterator[tuple[_Raw, int]]:
    """Each chunk's specimen and the line its ``<SPECIMEN`` tag is on."""
    close_lines = close.count("\n")
    for chunk in chunks:
        at = chunk.find(opening)
        yield _fast_specimen(token, chunk), line + chunk.count("\n", 0, max(at, 0))
        line += chunk.count("\n") + close_lines


#: the tags read, after the one namespace prefix the file uses (``PREFIX`` is replaced by it)
_TOKEN = (
    r"<PREFIX(SPECIMENCATEGORY|SPECIMENCOMMENT|SPECIMENID|SPECIMEN|LOCUSNAME|LOCUS|ALLELEVALUE)"
    r"\b([^>]*)>([^<]*)"
)


def _fast_specimen(token: re.Pattern[str], chunk: str) -> _Raw:
    """One specimen from its text: a single pass over its tags."""
    raw = _Raw(None, {}, [])
    values: list[str] = []
    for tag, attrs, value in token.findall(chunk):
        if tag == "ALLELEVALUE":
            values.append(value.strip() if "&" not in value else _text(value))
        elif tag == "LOCUSNAME" and raw.loci:
            raw.loci[-1] = (raw.loci[-1][0], _text(value), values)
        elif tag == "LOCUS":
            values = []
            raw.loci.append((_attrs_of(attrs), "", values))
        elif tag == "SPECIMEN":
            raw.attrs = _attrs_of(attrs)
        elif tag != "LOCUSNAME":
            raw.fields[tag] = _text(value)
    return raw


def _tree_specimens(body: bytes, header: dict[str, str], lines: list[int]) -> Iterator[tuple[_Raw, int]]:
    """The specimens read with the C ``iterparse`` (the slower path for unusual files)."""
    count = 0
    for _event, elem in ET.iterparse(io.BytesIO(body), events=("end",)):
        local = _local(elem.tag)
        if local == "SPECIMEN":
            count += 1
            fields = {_local(c.tag): _text(c.text or "") for c in elem if _local(c.tag) != "LOCUS"}
            loci = []
            for locus in elem:
                if _local(locus.tag) != "LOCUS":
                    continue
                parts = {_local(c.tag): c for c in locus}
                name = _text(parts["LOCUSNAME"].text or "") if "LOCUSNAME" in parts else ""
                values = [_text(a.text or "") for al in locus if _local(al.tag) == "ALLELE" for a in al]
                loci.append((dict(locus.attrib), name, values))
            yield _Raw(dict(elem.attrib), fields, loci), lines[count - 1] if count <= len(lines) else count
            elem.clear()
        elif local in HEADER_FIELDS and not count:
            header[local] = _text(elem.text or "")


class _Reader:
    """The state of one CMF read: header, profiles, problems, notes, ids seen."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.header: dict[str, str] = {}
        self.profiles: list[LabProfile] = []
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.seen: dict[str, int] = {}
        self.cache: dict[tuple[str, tuple[str, ...], str, str], LabLocus] = {}

    def run(self, text: str, body: bytes) -> None:
        start = (_SPECIMEN_TAG.search(text) or re.search(r"\Z", text)).start()  # type: ignore[union-attr]
        specimens = _fast_specimens(text, start)
        if specimens is None:
            specimens = _tree_specimens(body, self.header, _specimen_lines(text))
        else:
            self.header.update((m.group(1), _text(m.group(2))) for m in _HEADER.finditer(text, 0, start))
        count = 0
        for raw, line in specimens:
            count += 1
            self.specimen(raw, line)
        if not count:
            self.problems.append(
                Problem("file", "holds no SPECIMEN", self.name, "a CMF file lists at least one specimen")
            )

    def specimen(self, raw: _Raw, line: int) -> None:
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
        attrs = raw.attrs or {}
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

    def loci(self, raw: _Raw, where: str, line: int) -> list[LabLocus]:
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
        header_kit, header_batch = self.header.get("KIT", ""), self.header.get("BATCHID", "")
        for attrs, written_name, values in raw.loci:
            if len(values) > MAX_ALLELES:
                field = f"{where}, locus {written_name or '(no LOCUSNAME)'}"
                self.problems.append(
                    Problem(
                        field,
                        f"has {len(values)} alleles; CMF 3.2 allows at most {MAX_ALLELES} per locus",
                        len(values),
                        "check the locus: a sample with this many alleles is a mixture of many people",
                        line,
                    )
                )
            kit = attrs.get("KIT", "") or header_kit if attrs else header_kit
            batch = attrs.get("BATCHID", "") or header_batch if attrs else header_batch
            locus = self.locus(written_name, values, kit, batch, where, line)
            if locus is None:
                continue
            if locus.locus in names:
                self.problems.append(
                    Problem(
                        f"{where}, locus {written_name}",
                        "appears twice in the specimen",
                        written_name,
                        "keep one reading",
                        line,
                    )
                )
                continue
            names.add(locus.locus)
            loci.append(locus)
        return loci

    def locus(
        self, name: str, values: list[str], kit: str, batch: str, where: str, line: int
    ) -> LabLocus | None:
        """One locus; a locus read once is reused (frozen), which makes large files fast."""
        key = (name, tuple(values), kit, batch)
        found = self.cache.get(key)
        if found is not None:
            return found
        field = f"{where}, locus {name or '(no LOCUSNAME)'}"
        got = read_locus(name, values, field=field, row=line, kit=kit, batch=batch)
        self.problems.extend(got.problems)
        if got.note and got.note not in self.notes:
            self.notes.append(got.note)
        if got.locus is not None and len(self.cache) < 100_000:
            self.cache[key] = got.locus
        return got.locus


# ---------------------------------------------------------------- writing

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
