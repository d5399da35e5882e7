"""Finding the specimens of a CMF file fast: the text is split at its ``</SPECIMEN>`` tags and each locus
is one pattern match; unusual files are read with the C ``iterparse`` instead, with the same result.

Only :mod:`.cmf` uses this, after it has refused any DOCTYPE and checked with expat that the whole file
is well-formed XML. The fast reading gives up (returns None) on what its patterns do not read: CDATA,
processing instructions, empty ``<SPECIMEN/>``-style elements, elements in an order or with a
namespace prefix other than the file's one, a locus holding anything but LOCUSNAME, READINGBY,
READINGDATETIME and ALLELE elements. Every ``</LOCUS>`` of the file must belong to a matched locus.
"""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET  # after cmf.py has refused any DOCTYPE
from collections.abc import Iterator
from dataclasses import dataclass

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
SPECIMEN_TAG = re.compile(r"<(?:[\w.-]++:)?SPECIMEN[\s>]")
_P = r"(?:[\w.-]++:)?"  # an optional namespace prefix (possessive: no backtracking)
HEADER = re.compile(rf"<{_P}({'|'.join(HEADER_FIELDS)})\b[^>/]*>([^<]*)<")
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CLOSE = re.compile(rf"</{_P}SPECIMEN\s*>")

#: a locus as written: (its attributes: parsed, or their text), its name, (its values, or their text)
RawLocus = tuple[dict[str, str] | str, str, list[str] | str]


@dataclass
class Raw:
    """One specimen as written: its attributes, simple fields and loci."""

    attrs: dict[str, str]
    fields: dict[str, str]
    loci: list[RawLocus]


def text_of(value: str) -> str:
    return html.unescape(value).strip() if "&" in value else value.strip()


def attrs_of(text: str) -> dict[str, str]:
    if "=" not in text:
        return {}
    found = _ATTR.finditer(text)
    return {m.group(1): text_of(m.group(2) if m.group(2) is not None else m.group(3)) for m in found}


_VALUE = re.compile(rf"<{_P}ALLELEVALUE\b[^>]*>([^<]*)<")


def values_of(block: str) -> list[str]:
    """The ALLELEVALUEs of a locus's text."""
    return [text_of(v) for v in _VALUE.findall(block)]


def specimen_lines(text: str) -> list[int]:
    """The line of each ``<SPECIMEN`` in order (one pass over the text)."""
    lines: list[int] = []
    line, last = 1, 0
    for found in SPECIMEN_TAG.finditer(text):
        line += text.count("\n", last, found.start())
        last = found.start()
        lines.append(line)
    return lines


# ---------------------------------------------------------------- the fast way


class _Patterns:
    """The tags and patterns for one file's namespace prefix (``""`` or ``"c:"``)."""

    def __init__(self, prefix: str) -> None:
        p = re.escape(prefix)
        self.opening = f"<{prefix}SPECIMEN"
        self.locus_open = f"<{prefix}LOCUS"
        self.locus_close = f"</{prefix}LOCUS>"
        self.name_open = f"<{prefix}LOCUSNAME"
        self.allele_open = f"<{prefix}ALLELE"
        self.specimen = re.compile(rf"<{p}SPECIMEN\b([^>]*)>")
        self.fields = re.compile(rf"<{p}(SPECIMENID|SPECIMENCATEGORY|SPECIMENCOMMENT)\b[^>]*>([^<]*)<")


def fast_specimens(text: str, start: int) -> list[tuple[Raw, int]] | None:
    """Each specimen with the line of its ``<SPECIMEN`` tag; None: read it with :func:`tree_specimens`."""
    body = text[start:]
    if "<![CDATA[" in body or "<?" in body or "/>" in body:
        return None
    if "<!--" in body:
        body = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group().count("\n"), body, flags=re.S)
    first_close = _CLOSE.search(body)
    if first_close is None:
        return None
    close = first_close.group(0)
    patterns = _Patterns(close[2 : close.index("SPECIMEN")])
    found: list[tuple[Raw, int]] = []
    line, close_lines = text.count("\n", 0, start) + 1, close.count("\n")
    for chunk in body.split(close)[:-1]:
        raw = _specimen(patterns, chunk)
        if raw is None:
            return None
        at = _tag(chunk, patterns.opening, 0)
        found.append((raw, line + chunk.count("\n", 0, at)))
        line += chunk.count("\n") + close_lines
    return found


def _specimen(patterns: _Patterns, chunk: str) -> Raw | None:
    """One specimen from its text, cut at its ``</LOCUS>`` tags (string searches only: no pattern runs
    over the loci). A locus is (its attributes' text, its name, the text of its ALLELE elements)."""
    parts = chunk.split(patterns.locus_close)
    if _tag(chunk, patterns.opening, _tag(chunk, patterns.opening, 0) + 1) >= 0:
        return None  # two specimens in one chunk: a closing tag spelled otherwise
    if chunk.count(patterns.name_open) != len(parts) - 1:
        return None  # a locus without its name, or two loci in one part (a closing tag spelled otherwise)
    first = _tag(parts[0], patterns.locus_open, 0)
    head = parts[0] if first < 0 else parts[0][:first]
    opened = patterns.specimen.search(head)
    if opened is None:
        return None
    loci: list[RawLocus] = []
    size = len(patterns.locus_open)
    for part in parts[:-1]:
        i = part.find(patterns.name_open)  # one per part: counted above
        o = part.rfind(patterns.locus_open, 0, i) if i >= 0 else -1
        if o < 0 or part[o + size : o + size + 1] not in _TAG_END:
            return None
        start = part.find(">", i) + 1
        name = part[start : part.find("<", start)]
        b = part.find(patterns.allele_open, start)
        block = part[b:] if b >= 0 else ""
        loci.append(
            (part[o + size : part.find(">", o)], name.strip() if "&" not in name else text_of(name), block)
        )
    fields = {tag: text_of(value) for tag, value in patterns.fields.findall(head)}
    return Raw(attrs_of(opened.group(1)), fields, loci)


def _tag(text: str, opening: str, start: int) -> int:
    """Where the first ``opening`` tag (``<LOCUS``, not ``<LOCUSNAME``) from ``start`` is, or -1."""
    size = len(opening)
    at = text.find(opening, start)
    while at >= 0 and text[at + size : at + size + 1] not in _TAG_END:
        at = text.find(opening, at + 1)
    return at


_TAG_END = (" ", "\t", "\r", "\n", ">")


# ---------------------------------------------------------------- the slow way


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


def tree_specimens(body: bytes, header: dict[str, str], lines: list[int]) -> Iterator[tuple[Raw, int]]:
    """The specimens read with the C ``iterparse``; the header's fields go into ``header``."""
    count = 0
    for _event, elem in ET.iterparse(io.BytesIO(body), events=("end",)):
        local = _local(elem.tag)
        if local == "SPECIMEN":
            count += 1
            fields = {_local(c.tag): text_of(c.text or "") for c in elem if _local(c.tag) != "LOCUS"}
            loci: list[RawLocus] = []
            for locus in elem:
                if _local(locus.tag) != "LOCUS":
                    continue
                parts = {_local(c.tag): c for c in locus}
                name = text_of(parts["LOCUSNAME"].text or "") if "LOCUSNAME" in parts else ""
                values = [text_of(a.text or "") for al in locus if _local(al.tag) == "ALLELE" for a in al]
                loci.append((dict(locus.attrib), name, values))
            yield Raw(dict(elem.attrib), fields, loci), lines[count - 1] if count <= len(lines) else count
            elem.clear()
        elif local in HEADER_FIELDS and not count:
            header[local] = text_of(elem.text or "")
