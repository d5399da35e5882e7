"""Manifest lines as CSV (UTF-8) or XLSX: the published column schema, checked reading, writing.

A manifest file holds the lines of one version of one direction of an operation, one row per person or
per body (bag or container number). Reading is all-or-nothing: :func:`read_manifest` returns every line
or raises :class:`ImportFileError` naming each bad row and column (a duplicate bag number, an unknown
category, a malformed date, an unknown outcome, ...). The column table in ``docs/formats/manifests.md``
is :func:`schema_markdown` (a test keeps them equal).

Pure: imports only ``homecoming.domain`` and ``homecoming.errors``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from homecoming.domain.partial_dates import ACCEPTED_FORMATS, PartialDate
from homecoming.errors import ImportFileError, Problem, ValidationError

CONSENTS = ("not_required", "given", "refused", "unknown")
OUTCOMES = (
    "pending",
    "transferred",
    "withdrawn",
    "refused",
    "not_presented",
    "substituted",
    "unexpected_arrival",
)


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    example: str
    required: bool = False
    max_length: int = 300


COLUMNS: tuple[Column, ...] = (
    Column(
        "line_no",
        "line number on the manifest (whole number, unique); empty: the row's position",
        "1",
        max_length=9,
    ),
    Column(
        "category",
        "category code of the agreement (e.g. bodies, wounded_sick)",
        "bodies",
        required=True,
        max_length=40,
    ),
    Column(
        "container_number",
        "bag or container number of remains; unique in the file",
        "BAG-0001",
        max_length=60,
    ),
    Column(
        "person_reference", "reference of the person in the registry, if known", "P-0000001", max_length=20
    ),
    Column("claimed_name", "name as the handing party states it", "PETRENKO Ivan"),
    Column(
        "claimed_birth_date",
        f"birth date as the handing party states it ({ACCEPTED_FORMATS})",
        "1990-05-17",
        max_length=10,
    ),
    Column(
        "claimed_identity",
        "identity document or number as the handing party states it",
        "AB123456",
        max_length=200,
    ),
    Column(
        "claimed_affiliation",
        "affiliation as the handing party states it (force, unit)",
        "Armed Forces of Ukraine",
        max_length=200,
    ),
    Column(
        "eligibility_basis",
        "why the person or body is on the list (the agreement's criterion)",
        "seriously wounded",
    ),
    Column(
        "consent",
        "the prisoner's consent where the Convention requires it: " + " | ".join(CONSENTS),
        "not_required",
        max_length=20,
    ),
    Column("outcome", "what happened at the handover: " + " | ".join(OUTCOMES), "transferred", max_length=20),
    Column("note", "free note", ""),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
COLUMNS_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}


@dataclass(frozen=True)
class ManifestRow:
    """One checked manifest line (text values stripped; empty is "")."""

    line_no: int
    category: str
    container_number: str = ""
    person_reference: str = ""
    claimed_name: str = ""
    claimed_birth_date: str = ""
    claimed_identity: str = ""
    claimed_affiliation: str = ""
    eligibility_basis: str = ""
    consent: str = "not_required"
    outcome: str = "pending"
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def schema_markdown() -> str:
    """The column table of the published format, as Markdown."""
    lines = ["| column | required | description | example |", "| --- | --- | --- | --- |"]
    for c in COLUMNS:
        example = f"`{c.example}`" if c.example else ""
        lines.append(
            f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.description.replace('|', chr(92) + '|')}"
            f" | {example} |"
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- reading


def _fail(name: str, message: str, hint: str) -> ImportFileError:
    return ImportFileError(
        f"{name}: {message}; nothing was imported",
        field="file",
        value=name,
        hint=hint,
        problems=[Problem("file", message, name, hint)],
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_records(name: str, data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(name, f"is not UTF-8 text (byte {exc.start})", "save the file as CSV UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [[c.strip() for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_records(name: str, data: bytes) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _fail(
            name, f"cannot be read as XLSX ({type(exc).__name__})", "save it again as .xlsx"
        ) from None
    try:
        return [[_cell(v) for v in record] for record in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _records(name: str, data: bytes) -> list[list[str]]:
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".txt"):
        return _csv_records(name, data)
    if suffix == ".xlsx":
        return _xlsx_records(name, data)
    raise _fail(name, f"has an unknown extension {suffix!r}", "use a .csv (UTF-8) or .xlsx file")


def _header(record: list[str]) -> tuple[list[str | None], list[Problem]]:
    problems: list[Problem] = []
    names: list[str | None] = []
    seen: set[str] = set()
    for value in record:
        key = value.strip().lstrip("\ufeff").lower()
        if not key:
            names.append(None)
        elif key not in COLUMNS_BY_NAME:
            problems.append(
                Problem(key, "is not a known column", value, "known columns: " + ", ".join(COLUMN_NAMES), 1)
            )
            names.append(None)
        elif key in seen:
            problems.append(Problem(key, "appears twice in the header", value, "keep one of them", 1))
            names.append(None)
        else:
            seen.add(key)
            names.append(key)
    missing = [c.name for c in COLUMNS if c.required and c.name not in seen]
    if missing:
        problems.append(
            Problem(
                "header",
                "required columns are missing: " + ", ".join(missing),
                None,
                "add them to the first row",
                1,
            )
        )
    return names, problems


class _Checker:
    def __init__(self, categories: Collection[str] | None) -> None:
        self.categories = categories
        self.problems: list[Problem] = []
        self.containers: dict[str, int] = {}
        self.line_numbers: dict[int, int] = {}

    def bad(self, row: int, column: str, message: str, value: object, hint: str) -> None:
        self.problems.append(Problem(column, message, value, hint, row))

    def check(self, row: int, position: int, v: Mapping[str, str]) -> ManifestRow | None:
        before = len(self.problems)
        for c in COLUMNS:
            if len(v[c.name]) > c.max_length:
                self.bad(
                    row,
                    c.name,
                    f"is longer than {c.max_length} characters",
                    v[c.name][:40] + "…",
                    "shorten it",
                )
        line_no = self._line_no(row, position, v["line_no"])
        self._category(row, v["category"])
        self._container(row, v["container_number"])
        if v["claimed_birth_date"]:
            try:
                PartialDate.parse(v["claimed_birth_date"])
            except ValidationError:
                self.bad(
                    row,
                    "claimed_birth_date",
                    "is not a date",
                    v["claimed_birth_date"],
                    f"write it as {ACCEPTED_FORMATS}",
                )
        for column, allowed in (("consent", CONSENTS), ("outcome", OUTCOMES)):
            if v[column] and v[column] not in allowed:
                self.bad(
                    row, column, f"is not a known {column}", v[column], "use one of " + ", ".join(allowed)
                )
        if not (v["container_number"] or v["person_reference"] or v["claimed_name"]):
            self.bad(
                row,
                "container_number",
                "the row names neither remains nor a person",
                None,
                "fill container_number (remains) or person_reference or claimed_name",
            )
        if len(self.problems) > before or line_no is None:
            return None
        values = {k: v[k] for k in COLUMN_NAMES if k != "line_no" and v[k]}
        return ManifestRow(line_no=line_no, **values)

    def _line_no(self, row: int, position: int, text: str) -> int | None:
        if not text:
            number = position
        elif not text.isdigit() or int(text) < 1:
            self.bad(
                row, "line_no", "is not a whole number of 1 or more", text, "write 1, 2, 3, … or leave empty"
            )
            return None
        else:
            number = int(text)
        if number in self.line_numbers:
            self.bad(
                row,
                "line_no",
                f"repeats the line number of row {self.line_numbers[number]}",
                text or number,
                "give every line its own number",
            )
            return None
        self.line_numbers[number] = row
        return number

    def _category(self, row: int, code: str) -> None:
        if not code:
            self.bad(row, "category", "is required", None, "write the agreement's category code")
        elif self.categories is not None and code not in self.categories:
            known = ", ".join(sorted(self.categories)) or "none (add categories to the agreement first)"
            self.bad(row, "category", "is not a category of the agreement", code, f"use one of: {known}")

    def _container(self, row: int, number: str) -> None:
        if not number:
            return
        key = number.upper()
        if key in self.containers:
            self.bad(
                row,
                "container_number",
                f"duplicates the bag number of row {self.containers[key]}",
                number,
                "each bag or container number may appear once; correct the number",
            )
        else:
            self.containers[key] = row


def read_manifest(
    name: str, data: bytes, *, categories: Collection[str] | None = None, max_problems: int = 1000
) -> list[ManifestRow]:
    """Read and check a manifest file (``name`` gives the format: .csv or .xlsx).

    ``categories``: the allowed category codes (None: any). Returns every row when the file is clean;
    otherwise raises :class:`ImportFileError` listing every problem with its row number and column.
    """
    records = _records(name, data)
    if not records or not any(records[0]):
        raise _fail(
            name, "has no header row", "put the column names in the first row: " + ", ".join(COLUMN_NAMES)
        )
    names, problems = _header(records[0])
    if problems:
        raise ImportFileError(
            f"{name}: the header row is wrong; nothing was imported",
            field=problems[0].field,
            value=problems[0].value,
            hint=problems[0].hint,
            problems=problems,
        )
    checker = _Checker(categories)
    result: list[ManifestRow] = []
    position = 0
    for number, record in enumerate(records[1:], start=2):
        if not any(record):
            continue
        position += 1
        if len(record) > len(names) and any(record[len(names) :]):
            checker.bad(
                number,
                "row",
                f"has {len(record)} cells but the header has {len(names)}",
                None,
                "remove the extra cells or add their column names",
            )
        values = dict.fromkeys(COLUMN_NAMES, "")
        for key, cell in zip(names, record, strict=False):
            if key:
                values[key] = cell
        line = checker.check(number, position, values)
        if line is not None:
            result.append(line)
        if len(checker.problems) >= max_problems:
            checker.problems.append(
                Problem(
                    "file",
                    f"stopped after {max_problems} problems",
                    None,
                    "fix these and import again",
                    number,
                )
            )
            break
    if checker.problems:
        bad_rows = sorted({p.row for p in checker.problems if p.row is not None})
        first = checker.problems[0]
        raise ImportFileError(
            f"{name}: {len(bad_rows)} bad row{'s' if len(bad_rows) != 1 else ''} "
            f"({', '.join(map(str, bad_rows[:20]))}); nothing was imported",
            field=first.field,
            value=first.value,
            hint=first.hint,
            problems=checker.problems,
        )
    if not result:
        raise _fail(name, "has a header but no rows", "add one row per person or body below the header")
    return result


# ---------------------------------------------------------------- writing


def _row_cells(rows: Iterable[Mapping[str, object]]) -> Iterator[list[str]]:
    for row in rows:
        yield [_cell(row.get(name)) for name in COLUMN_NAMES]


def write_manifest(rows: Iterable[Mapping[str, object]], *, fmt: Literal["csv", "xlsx"]) -> bytes:
    """The rows in the published columns as file content (CSV: UTF-8 with BOM; other keys ignored)."""
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMN_NAMES)
        writer.writerows(_row_cells(rows))
        return buffer.getvalue().encode("utf-8-sig")
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("manifest")
    sheet.append(list(COLUMN_NAMES))
    for cells in _row_cells(rows):
        sheet.append([c or None for c in cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = [
    "COLUMNS",
    "COLUMNS_BY_NAME",
    "COLUMN_NAMES",
    "CONSENTS",
    "OUTCOMES",
    "Column",
    "ManifestRow",
    "read_manifest",
    "schema_markdown",
    "write_manifest",
]
