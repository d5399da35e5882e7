"""The file layouts of allele-frequency tables, read into one list of entries (parse only).

Three layouts are read, and :func:`detect_layout` tells them apart:

* ``long``: a CSV with a header naming ``marker``, ``allele`` and ``frequency`` columns, one row per allele
  (extra columns ignored) — the layout of the tables shipped with Homecoming.
* ``familias``: the Familias text database — a marker name on a line of its own, then one
  ``allele<TAB>frequency`` line per allele, markers separated by blank lines (as read by Familias and
  pedtools' ``readFreqDatabase(format = "list")``).
* ``euroformix``: the wide "allelic ladder" table of EuroForMix (``inst/FreqDatabases/*.csv``) and
  strvalidator: a first column ``Allele``, then one column per marker; an empty cell (or ``NA``) means
  the allele is absent at that marker. Separated by ``;``, ``,`` or TAB.

Each reader returns :class:`Entry` rows (line number, column, marker, allele, the value as written) and
the :class:`~homecoming.errors.Problem`\\ s of the layout itself; checking the values is the caller's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from homecoming.errors import Problem

LAYOUTS = ("long", "familias", "euroformix")
_ABSENT = {"", "na", "nan", "-"}


@dataclass(frozen=True)
class Entry:
    """One allele frequency as written: ``row`` is the line number (1-based), ``column`` its header."""

    row: int
    column: str
    marker: str
    allele: str
    value: str


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def detect_layout(text: str) -> str | None:
    """``long``, ``euroformix`` or ``familias`` from the first lines of ``text``; None if none fits."""
    first = _first_line(text)
    if not first:
        return None
    cells = [c.strip().strip('"').lower() for c in first.split(_delimiter(first))]
    if {"marker", "allele", "frequency"} <= set(cells):
        return "long"
    if len(cells) >= 2 and cells[0] in ("allele", "alleles"):
        return "euroformix"
    lines = [line for line in text.splitlines()[:40]]
    blocks = [line for line in lines if line.strip()]
    if len(blocks) >= 2 and len(blocks[1].split()) == 2 and len(first.split("\t")) == 1:
        return "familias"
    return None


def read_long(text: str) -> tuple[list[Entry], list[Problem]]:
    """Rows of a ``marker,allele,frequency`` CSV (any of ``,``, ``;``, TAB)."""
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(_first_line(text)))
    header = [c.strip().lower() for c in next(reader, [])]
    missing = [c for c in ("marker", "allele", "frequency") if c not in header]
    if missing:
        hint = "the header must name marker, allele and frequency"
        return [], [Problem("header", f"lacks column(s) {', '.join(missing)}", header, hint, row=1)]
    im, ia, iv = (header.index(c) for c in ("marker", "allele", "frequency"))
    entries, problems = [], []
    for row_no, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) <= max(im, ia, iv):
            problems.append(
                Problem("row", f"has {len(row)} cells", row, "give marker, allele and frequency", row=row_no)
            )
            continue
        marker, allele = row[im].strip(), row[ia].strip()
        for column, cell in (("marker", marker), ("allele", allele)):
            if not cell:
                problems.append(Problem(column, "is empty", cell, f"write the {column}", row=row_no))
        if marker and allele:
            entries.append(Entry(row_no, "frequency", marker, allele, row[iv].strip()))
    return entries, problems


def read_familias(text: str) -> tuple[list[Entry], list[Problem]]:
    """Blocks of a Familias text database: a marker line, then ``allele<TAB>frequency`` lines."""
    entries, problems = [], []
    marker: str | None = None
    for row_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            marker = None
            continue
        if marker is None:
            marker = line
            continue
        cells = line.split("\t") if "\t" in line else line.split()
        if len(cells) != 2:
            problems.append(
                Problem(
                    "line",
                    f"marker {marker}: expected an allele and a frequency",
                    line,
                    "write 'allele<TAB>frequency', or leave a blank line before the next marker",
                    row=row_no,
                )
            )
            continue
        entries.append(Entry(row_no, "frequency", marker, cells[0].strip(), cells[1].strip()))
    return entries, problems


def read_euroformix(text: str) -> tuple[list[Entry], list[Problem]]:
    """Rows of a wide table: ``Allele`` then one column per marker; empty or ``NA`` cells are absent."""
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(_first_line(text)))
    header = [c.strip() for c in next(reader, [])]
    problems: list[Problem] = []
    markers = header[1:]
    seen: set[str] = set()
    for k, name in enumerate(markers, start=2):
        if not name:
            problems.append(Problem(f"column {k}", "has no marker name", name, "name the marker", row=1))
        elif name.upper() in seen:
            problems.append(Problem(name, "marker column twice", name, "merge the columns", row=1))
        seen.add(name.upper())
    entries: list[Entry] = []
    for row_no, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        allele = row[0].strip()
        if not allele:
            problems.append(Problem("Allele", "is empty", allele, "write the allele", row=row_no))
            continue
        if len(row) - 1 > len(markers):
            extra = row[len(markers) + 1 :]
            if any(c.strip() for c in extra):
                problems.append(
                    Problem("row", "more cells than marker columns", extra, "fix the row", row=row_no)
                )
        for name, cell in zip(markers, row[1:], strict=False):
            if name and cell.strip().lower() not in _ABSENT:
                entries.append(Entry(row_no, name, name, allele, cell.strip()))
    return entries, problems


READERS = {"long": read_long, "familias": read_familias, "euroformix": read_euroformix}


def write_familias(markers: dict[str, dict[str, float]]) -> str:
    """The Familias text database of ``{marker: {allele: frequency}}``."""
    blocks = ["\n".join([m, *(f"{a}\t{f!r}" for a, f in als.items())]) for m, als in markers.items()]
    return "\n\n".join(blocks) + "\n"


def write_euroformix(markers: dict[str, dict[str, float]], *, delimiter: str = ";") -> str:
    """The wide EuroForMix table of ``{marker: {allele: frequency}}`` (alleles in numeric order)."""
    alleles = sorted({a for als in markers.values() for a in als}, key=_allele_key)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["Allele", *markers])
    for a in alleles:
        writer.writerow([a, *(repr(als[a]) if a in als else "" for als in markers.values())])
    return out.getvalue()


def _allele_key(allele: str) -> tuple[int, float, str]:
    try:
        return (0, float(allele), allele)
    except ValueError:
        return (1, 0.0, allele)
