"""Manifest lines as CSV (UTF-8) or XLSX: the published column schema, checked reading, writing.

A manifest file holds the lines of one version of one direction of an operation, one row per person or
per body (bag or container number). Reading is all-or-nothing: :func:`read_manifest` returns every line
or raises :class:`ImportFileError` naming each bad row and column (a duplicate bag number, an unknown
category, a malformed date, an unknown outcome, ...). The column table in ``docs/formats/manifests.md``
is :func:`schema_markdown` (a test keeps them equal).

Pure: imports only ``homecoming.domain`` and ``homecoming.errors``.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

from homecoming.domain.partial_dates import ACCEPTED_FORMATS, PartialDate
from homecoming.errors import ValidationError
from homecoming.io import tables

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


class Column(tables.Column):
    """A published column (:class:`homecoming.io.tables.Column`); by default optional, 300 long."""

    def __init__(
        self, name: str, description: str, example: str, required: bool = False, max_length: int = 300
    ) -> None:
        super().__init__(name, required, description, example, max_length)


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
    row: int | None = field(default=None, compare=False)
    """The row of the file it was read from (the header is row 1); None when not read from a file."""

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        del data["row"]
        return data


def schema_markdown() -> str:
    """The column table of the published format, as Markdown."""
    return tables.schema_markdown(COLUMNS)


# ---------------------------------------------------------------- reading


class _Checker(tables.RowChecks):
    def __init__(self, categories: Collection[str] | None) -> None:
        super().__init__()
        self.categories = categories
        self.containers: dict[str, int] = {}
        self.line_numbers: dict[int, int] = {}
        self.position = 0

    def check(self, row: int, cells: Mapping[str, str | None]) -> ManifestRow | None:
        """Check one non-empty row; empty cells are "" here and ``required`` is checked by its rule."""
        before = len(self.problems)
        self.position += 1
        v = {k: c or "" for k, c in cells.items()}
        for c in COLUMNS:
            if len(v[c.name]) > c.max_length:
                self.bad(
                    row,
                    c.name,
                    f"is longer than {c.max_length} characters",
                    v[c.name][:40] + "…",
                    "shorten it",
                )
        line_no = self._line_no(row, self.position, v["line_no"])
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
        return ManifestRow(line_no=line_no, **values, row=row)

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
        problem = tables.reference_problem(row, "container_number", number)
        if problem is not None:
            self.problems.append(problem)
        key = tables.reference_key(number)
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
    records = tables.read_records((name, data))
    names = tables.read_header(records, name, COLUMNS)
    checker = _Checker(categories)
    result = tables.collect_rows(
        records, names, COLUMN_NAMES, checker.check, checker.problems, max_problems=max_problems
    )
    if checker.problems:
        raise tables.rows_error(name, checker.problems, list_rows=True)
    if not result:
        hint = "add one row per person or body below the header"
        raise tables.file_problem(name, "has a header but no rows", hint)
    return result


# ---------------------------------------------------------------- writing


def _cell(value: object) -> str:
    return (tables.cell_text(value) or "").strip()


def write_manifest(rows: Iterable[Mapping[str, object]], *, fmt: Literal["csv", "xlsx"]) -> bytes:
    """The rows in the published columns as file content (CSV: UTF-8 with BOM; other keys ignored)."""
    out = io.BytesIO()
    records = ([_cell(row.get(name)) for name in COLUMN_NAMES] for row in rows)
    tables.write_table(COLUMN_NAMES, records, out, fmt=fmt, sheet="manifest")
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
