"""GeneMapper-style genotype tables (CSV, TSV or XLSX): one row per sample and marker.

Columns are matched ignoring case, spaces and punctuation, so GeneMapper's ``Sample Name``, R's
``Sample.Name`` and ``SampleName`` are one column:

* sample: ``Sample Name`` (else ``Sample File``, ``Sample``, ``Sample ID``, ``Specimen``, ``Specimen ID``);
* ``Marker`` (or ``Locus``): required;
* ``Allele 1`` … ``Allele n``: the alleles (empty cells skipped; a homozygote may be written once or
  twice, see ``alleles.py``);
* optional ``Category`` (or ``Specimen Category``, ``Relation``), ``Kit`` and ``Panel`` (the kit is
  recognised from a panel name such as ``GlobalFiler_Panel_v1``);
* every other column (``Size n``, ``Height n``, ``Dye``, ``Run Name`` …) is kept in ``LabProfile.raw``:
  under its own name when it has one value for the whole sample, else as ``"<locus> <column>"``.

Replicates (``docs/formats/genetics-read.md``): a sample name ending in a replicate suffix (``_rep2``,
``-R2``, `` rep 2``) is replicate 2 of the name without it, when another sample in the file has that
same base name; and a marker met again for a sample without such a suffix starts the sample's next
replicate (the first time a marker is met is replicate 1, the second time replicate 2, ...).

The text encodings read: UTF-8 (with or without BOM) and UTF-16 with its byte-order mark; the
delimiter is the one (tab, semicolon, comma) the header line holds most of.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from homecoming.errors import Problem
from homecoming.kinship.formats.alleles import read_locus
from homecoming.kinship.formats.lab import CATEGORIES, LabFile, LabLocus, LabProfile
from homecoming.kinship.formats.loci import kit_named
from homecoming.kinship.formats.specimens import category_of, category_problem, make_profile

MAX_UNZIPPED = 200 * 1024 * 1024
_SAMPLE = ("samplename", "samplefile", "sample", "sampleid", "specimen", "specimenid")
_MARKER = ("marker", "locus", "markername", "locusname")
_CATEGORY = ("category", "specimencategory", "relation")
_REPLICATE = re.compile(r"^(.*?[^\s_.-])[\s_.-]*(?:rep|r)[\s_.-]*(\d{1,2})$", re.I)


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


# ---------------------------------------------------------------- records


def _records(data: bytes, name: str) -> tuple[list[list[str]], Problem | None]:
    """Every record as text cells, or the problem that stops the file being read."""
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data, name)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        head = data[:400]
        if len(head) >= 4 and head.count(0) >= len(head) // 4:
            return [], Problem(
                "file", "is UTF-16 text without a byte-order mark", name, "save it as CSV UTF-8"
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return [], Problem(
                "file",
                f"is not UTF-8 text: byte {exc.start} ({data[exc.start : exc.start + 8]!r}) cannot be read "
                "(saved as Windows-1251 or Latin-1?)",
                name,
                "save the table as CSV UTF-8 (or tab-separated UTF-8 text)",
            )
    first = text.split("\n", 1)[0]
    delimiter = max(("\t", ";", ","), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)], None
    except csv.Error as exc:
        return [], Problem("file", f"cannot be read as a table ({exc})", name, "save it again as CSV UTF-8")


def _xlsx(data: bytes, name: str) -> tuple[list[list[str]], Problem | None]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED:
            return [], Problem(
                "file", f"unzips to {unzipped} bytes, more than allowed", name, "split the file"
            )
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = [
            [
                "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                for v in r
            ]
            for r in book.worksheets[0].iter_rows(values_only=True)
        ]
        book.close()
        return rows, None
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a broken file
        return [], Problem("file", f"cannot be read as XLSX ({type(exc).__name__})", name, "save it again")


# ---------------------------------------------------------------- columns


@dataclass
class _Columns:
    sample: int = -1
    marker: int = -1
    category: int = -1
    kit: int = -1
    panel: int = -1
    alleles: list[int] = field(default_factory=list)
    other: dict[int, str] = field(default_factory=dict)


def _columns(header: list[str]) -> _Columns:
    cols = _Columns()
    keys = [_key(h) for h in header]
    numbered: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        allele = re.fullmatch(r"allele(\d{1,2})", key)
        if allele:
            numbered.append((int(allele.group(1)), i))
        elif key in _MARKER and cols.marker < 0:
            cols.marker = i
        elif key in _CATEGORY and cols.category < 0:
            cols.category = i
        elif key == "kit" and cols.kit < 0:
            cols.kit = i
        elif key == "panel" and cols.panel < 0:
            cols.panel = i
        elif key and key not in _SAMPLE:
            cols.other[i] = header[i].strip()
    cols.alleles = [i for _n, i in sorted(numbered)]
    samples = [i for name in _SAMPLE for i, key in enumerate(keys) if key == name]
    if samples:
        cols.sample = samples[0]
        cols.other.update({i: header[i].strip() for i in samples[1:]})
    return cols


def _header_problems(cols: _Columns, header: list[str]) -> list[Problem]:
    problems = []
    shown = ", ".join(h for h in header if h.strip())
    if cols.marker < 0:
        problems.append(
            Problem(
                "Marker",
                "the table has no Marker column",
                shown,
                "add a column 'Marker' (or 'Locus') naming the locus of each row; in GeneMapper export the "
                "Genotypes table, which has one",
                1,
            )
        )
    if cols.sample < 0:
        problems.append(
            Problem("Sample Name", "the table has no Sample Name column", shown, "add 'Sample Name'", 1)
        )
    if not cols.alleles:
        problems.append(Problem("Allele 1", "the table has no Allele columns", shown, "add 'Allele 1'", 1))
    return problems


# ---------------------------------------------------------------- samples


def _bases(names: Iterable[str]) -> dict[str, tuple[str, int]]:
    """Sample name → (base name, replicate) for the names whose replicate suffix another name shares."""
    split: dict[str, tuple[str, int]] = {}
    count: dict[str, int] = {}
    for name in dict.fromkeys(names):
        found = _REPLICATE.match(name)
        base = found.group(1) if found else name
        count[base] = count.get(base, 0) + 1
        if found:
            split[name] = (base, int(found.group(2)))
    return {name: got for name, got in split.items() if count.get(got[0], 0) > 1}


@dataclass
class _Sample:
    name: str
    replicate: int
    line: int
    category_written: str = ""
    kit: str = ""
    loci: list[LabLocus] = field(default_factory=list)
    extra: dict[str, dict[str, str]] = field(default_factory=dict)


def read_genotype_table(data: bytes, *, name: str = "table.csv", default_category: str = "") -> LabFile:
    """Every sample of a genotype table and every problem (the reader never raises on content)."""
    sha = hashlib.sha256(data).hexdigest()
    records, problem = _records(data, name)
    if problem is not None:
        return LabFile("table", sha, (), (problem,))
    start = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if start is None:
        return LabFile(
            "table", sha, (), (Problem("file", "is empty", name, "put the column names in row 1"),)
        )
    header = records[start]
    cols = _columns(header)
    problems = _header_problems(cols, header)
    if problems:
        return LabFile("table", sha, (), tuple(problems))
    reader = _TableReader(cols, default_category)
    bases = _bases(r[cols.sample].strip() for r in records[start + 1 :] if len(r) > cols.sample)
    for number, record in enumerate(records[start + 1 :], start=start + 2):
        reader.row(record, number, bases)
    notes = list(reader.notes)
    if any(bases):
        notes.append(
            "sample names with a replicate suffix were read as replicates: " + ", ".join(sorted(bases))
        )
    if cols.category < 0 and not default_category:
        notes.append("the table names no specimen category: choose one when importing")
    profiles = tuple(reader.profile(s) for s in reader.samples.values())
    return LabFile("table", sha, profiles, tuple(reader.problems), tuple(notes))


class _TableReader:
    def __init__(self, cols: _Columns, default_category: str) -> None:
        self.cols = cols
        self.default = default_category
        self.samples: dict[tuple[str, int], _Sample] = {}
        self.seen: dict[tuple[str, str], int] = {}
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def cell(self, record: list[str], index: int) -> str:
        return record[index].strip() if 0 <= index < len(record) else ""

    def row(self, record: list[str], line: int, bases: dict[str, tuple[str, int]]) -> None:
        sample, marker = self.cell(record, self.cols.sample), self.cell(record, self.cols.marker)
        values = [self.cell(record, i) for i in self.cols.alleles]
        if not sample and not marker and not any(values):
            return
        if not sample or not marker:
            missing = "Sample Name" if not sample else "Marker"
            self.problems.append(
                Problem(missing, "is empty", None, f"fill in the {missing} of the row", line)
            )
            return
        where = f"sample {sample}, marker {marker}"
        base, suffix = bases.get(sample, (sample, 0))
        got = read_locus(marker, values, field=where, row=line, kit=self.kit_of(record))
        self.problems.extend(got.problems)
        if got.note and got.note not in self.notes:
            self.notes.append(got.note)
        if got.locus is None:
            return
        if not got.locus.written:  # no call at this marker: the sample is there, the locus is not typed
            key = (base, suffix or 1)
            if key not in self.samples:
                self.samples[key] = _Sample(base, suffix or 1, line, self.cell(record, self.cols.category))
            return
        occurrence = self.seen.get((sample, got.locus.locus), 0) + 1
        self.seen[(sample, got.locus.locus)] = occurrence
        if suffix and occurrence > 1:
            self.problems.append(
                Problem(where, "appears twice for the replicate", marker, "keep one row", line)
            )
            return
        replicate = suffix or occurrence
        entry = self.samples.get((base, replicate))
        if entry is None:
            entry = self.samples[(base, replicate)] = _Sample(base, replicate, line)
            entry.category_written = self.cell(record, self.cols.category)
            entry.kit = got.locus.kit
        entry.loci.append(got.locus)
        for index, column in self.cols.other.items():
            value = self.cell(record, index)
            if value and value != "NA":
                entry.extra.setdefault(column, {})[got.locus.locus] = value

    def kit_of(self, record: list[str]) -> str:
        written = self.cell(record, self.cols.kit)
        if written:
            return written
        panel = kit_named(self.cell(record, self.cols.panel))
        return panel.name if panel else ""

    def profile(self, s: _Sample) -> LabProfile:
        written = s.category_written or self.default
        category = category_of(written) if written else ""
        if category is None:
            self.problems.append(category_problem(written, field=f"sample {s.name}, Category", row=s.line))
        raw: dict[str, str] = {}
        for column, by_locus in s.extra.items():
            if len(set(by_locus.values())) == 1 and len(by_locus) == len(s.loci):
                raw[column] = next(iter(by_locus.values()))
            else:
                raw.update({f"{locus} {column}": v for locus, v in by_locus.items()})
        assert category is None or category == "" or category in CATEGORIES
        return make_profile(
            s.name,
            category or "",
            written,
            kit=s.kit,
            loci=s.loci,
            line=s.line,
            replicate=s.replicate,
            raw=raw,
        )
