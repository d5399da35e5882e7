"""Intake manifests of remains (CSV/XLSX): the published columns, checked reading, writing.

Parse and write only; nothing here touches the database. One row is one bag or unit as labelled by
the sender. :data:`COLUMNS` is the schema; ``docs/formats/intake.md`` contains
:func:`schema_markdown` verbatim (a test keeps them equal).

:func:`read_intake` checks the whole file and reports every problem at once, each with its row number
(the header is row 1) and column. A duplicate bag number, an unknown kind, a malformed date or a
``part_of`` that names no bag in the file fails the whole file: nothing is imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Literal

from homecoming.domain.partial_dates import ACCEPTED_FORMATS, AgeRange, PartialDate
from homecoming.errors import ImportFileError, Problem, ValidationError
from homecoming.io.persons import _text_rows


class UnitKind(StrEnum):
    body = "body"
    body_part = "body_part"
    container = "container"
    commingled_container = "commingled_container"


class Condition(StrEnum):
    fresh = "fresh"
    decomposed = "decomposed"
    skeletonised = "skeletonised"
    burnt = "burnt"
    fragmented = "fragmented"
    unknown = "unknown"


class Completeness(StrEnum):
    complete = "complete"
    incomplete = "incomplete"
    fragmentary = "fragmentary"
    unknown = "unknown"


class ApparentSex(StrEnum):
    male = "male"
    female = "female"
    undetermined = "undetermined"


def _choices(enum: type[StrEnum]) -> str:
    return " | ".join(e.value for e in enum)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: str
    example: str
    max_length: int = 200


COLUMNS: tuple[Column, ...] = (
    Column("bag_number", True, "the number on the bag or body label; unique in the file", "UA-24-0173", 64),
    Column("kind", True, f"what the unit is: {_choices(UnitKind)}", "body", 24),
    Column(
        "part_of",
        False,
        "bag_number of the container this unit came from (a row of the same file)",
        "UA-24-0100",
        64,
    ),
    Column("sender_reference", False, "the sending party's own reference for the unit", "RF-7781", 64),
    Column("seal_number", False, "the seal on the bag at handover", "S-000451", 64),
    Column("condition", False, f"state of the remains: {_choices(Condition)}", "decomposed", 16),
    Column("completeness", False, f"{_choices(Completeness)}", "incomplete", 16),
    Column("apparent_sex", False, f"as it appears, before examination: {_choices(ApparentSex)}", "male", 16),
    Column("apparent_age", False, "estimated age: 25-30, 25 or ~25", "25-35", 9),
    Column("date_of_death", False, f"if known: {ACCEPTED_FORMATS}", "2024-03", 10),
    Column("date_of_recovery", False, f"if known: {ACCEPTED_FORMATS}", "2024-05-17", 10),
    Column("place", False, "place of death or recovery", "near Robotyne", 200),
    Column("region", False, "region (oblast) of death or recovery", "Zaporizhzhia", 100),
    Column("notes", False, "free text", "", 2000),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
COLUMNS_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}


@dataclass(frozen=True, kw_only=True)
class IntakeRow:
    """One checked row of an intake manifest."""

    row: int
    bag_number: str
    kind: UnitKind
    part_of: str | None = None
    sender_reference: str = ""
    seal_number: str = ""
    condition: Condition = Condition.unknown
    completeness: Completeness = Completeness.unknown
    apparent_sex: ApparentSex = ApparentSex.undetermined
    apparent_age: AgeRange | None = None
    date_of_death: PartialDate | None = None
    date_of_recovery: PartialDate | None = None
    place: str = ""
    region: str = ""
    notes: str = ""


def schema_markdown() -> str:
    """The column table of the published format, as Markdown."""
    lines = ["| column | required | description | example |", "| --- | --- | --- | --- |"]
    for c in COLUMNS:
        example = f"`{c.example}`" if c.example else ""
        lines.append(
            f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.description.replace('|', chr(92) + '|')} "
            f"| {example} |"
        )
    return "\n".join(lines) + "\n"


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.bags: dict[str, int] = {}

    def bad(self, row: int, column: str, message: str, value: object, hint: str = "") -> None:
        self.problems.append(Problem(column, message, value, hint, row))

    def enum(self, row: int, column: str, value: str | None, enum: type[StrEnum]) -> str | None:
        if value is None:
            return None
        if value.lower() in {e.value for e in enum}:
            return value.lower()
        self.bad(
            row, column, "is not an allowed value", value, "use one of " + ", ".join(e.value for e in enum)
        )
        return None

    def date(self, row: int, column: str, value: str | None) -> PartialDate | None:
        if value is None:
            return None
        try:
            return PartialDate.parse(value, field=column)
        except ValidationError as exc:
            self.problems.extend(Problem(p.field, p.message, p.value, p.hint, row) for p in exc.problems)
            return None

    def age(self, row: int, value: str | None) -> AgeRange | None:
        if value is None:
            return None
        try:
            return AgeRange.parse(value, field="apparent_age")
        except ValidationError as exc:
            self.problems.extend(Problem(p.field, p.message, p.value, p.hint, row) for p in exc.problems)
            return None

    def check(self, row: int, v: dict[str, str | None]) -> IntakeRow | None:
        before = len(self.problems)
        for name, value in v.items():
            column = COLUMNS_BY_NAME[name]
            if value is None and column.required:
                self.bad(row, name, "is required", "", f"fill in the {name}")
            elif value is not None and len(value) > column.max_length:
                self.bad(
                    row,
                    name,
                    f"is longer than {column.max_length} characters",
                    value[:40] + "…",
                    "shorten it",
                )
        bag = v.get("bag_number")
        if bag is not None:
            if bag in self.bags:
                self.bad(
                    row,
                    "bag_number",
                    f"duplicates row {self.bags[bag]}",
                    bag,
                    "each bag number may appear once; check the label",
                )
            else:
                self.bags[bag] = row
        kind = self.enum(row, "kind", v.get("kind"), UnitKind)
        condition = self.enum(row, "condition", v.get("condition"), Condition)
        completeness = self.enum(row, "completeness", v.get("completeness"), Completeness)
        sex = self.enum(row, "apparent_sex", v.get("apparent_sex"), ApparentSex)
        age = self.age(row, v.get("apparent_age"))
        death = self.date(row, "date_of_death", v.get("date_of_death"))
        recovery = self.date(row, "date_of_recovery", v.get("date_of_recovery"))
        if death and recovery and death.earliest() > recovery.latest():
            self.bad(
                row,
                "date_of_recovery",
                f"is before the date of death {death}",
                v.get("date_of_recovery"),
                "check both dates",
            )
        if len(self.problems) > before or bag is None or kind is None:
            return None
        return IntakeRow(
            row=row,
            bag_number=bag,
            kind=UnitKind(kind),
            part_of=v.get("part_of"),
            sender_reference=v.get("sender_reference") or "",
            seal_number=v.get("seal_number") or "",
            condition=Condition(condition or "unknown"),
            completeness=Completeness(completeness or "unknown"),
            apparent_sex=ApparentSex(sex or "undetermined"),
            apparent_age=age,
            date_of_death=death,
            date_of_recovery=recovery,
            place=v.get("place") or "",
            region=v.get("region") or "",
            notes=v.get("notes") or "",
        )

    def check_links(self, rows: list[IntakeRow]) -> None:
        kinds = {r.bag_number: r.kind for r in rows}
        containers = (UnitKind.container, UnitKind.commingled_container)
        for r in rows:
            if r.part_of is None:
                continue
            if r.part_of == r.bag_number:
                self.bad(
                    r.row, "part_of", "names the row's own bag", r.part_of, "name the container's bag number"
                )
            elif r.part_of not in self.bags:
                self.bad(
                    r.row,
                    "part_of",
                    "names no bag_number in this file",
                    r.part_of,
                    "list the container in the file too, or leave part_of empty",
                )
            elif (
                r.part_of in kinds and kinds[r.part_of] not in containers and r.kind is not UnitKind.body_part
            ):
                self.bad(
                    r.row,
                    "part_of",
                    f"names a {kinds[r.part_of].value}, not a container",
                    r.part_of,
                    "only body parts may be part of a body; other units come from a container",
                )


def _header(record: list[str | None]) -> tuple[list[str | None], list[Problem]]:
    problems: list[Problem] = []
    names: list[str | None] = []
    seen: set[str] = set()
    for value in record:
        name = (value or "").strip().lstrip("\ufeff").lower()
        if not name:
            names.append(None)
            continue
        if name not in COLUMNS_BY_NAME:
            problems.append(
                Problem(name, "is not a known column", value, "known columns: " + ", ".join(COLUMN_NAMES), 1)
            )
        elif name in seen:
            problems.append(Problem(name, "appears twice in the header", value, "keep one of them", 1))
        seen.add(name)
        names.append(name if name in COLUMNS_BY_NAME else None)
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


def _fail(path: Path, message: str, hint: str, problems: list[Problem]) -> ImportFileError:
    first = problems[0]
    return ImportFileError(
        f"{path.name}: {message}; nothing was imported",
        field=first.field,
        value=first.value,
        hint=hint or first.hint,
        problems=problems,
    )


def read_intake(path: Path, *, max_problems: int = 1000) -> list[IntakeRow]:
    """Read and check an intake manifest (.csv UTF-8, comma or semicolon; or .xlsx).

    Returns every row when the file is clean; otherwise raises :class:`ImportFileError` listing every
    problem (at most ``max_problems``) with its row number and column.
    """
    path = Path(path)
    records = _text_rows(path)
    first = next(records, None)
    if first is None or not any((c or "").strip() for c in first):
        hint = "put the column names in the first row: " + ", ".join(COLUMN_NAMES)
        raise _fail(
            path, "has no header row", hint, [Problem("file", "has no header row", path.name, hint, 1)]
        )
    names, problems = _header(first)
    if problems:
        raise _fail(path, "the header row is wrong", "", problems)
    checker = _Checker()
    rows: list[IntakeRow] = []
    for number, record in enumerate(records, start=2):
        cells = [(c.strip() or None) if c is not None else None for c in record]
        if not any(cells):
            continue
        if len(cells) > len(names) and any(cells[len(names) :]):
            checker.bad(
                number,
                "row",
                f"has {len(cells)} cells but the header has {len(names)}",
                None,
                "remove the extra cells or add their column names",
            )
        values: dict[str, str | None] = dict.fromkeys(COLUMN_NAMES)
        for name, cell in zip(names, cells, strict=False):
            if name:
                values[name] = cell
        checked = checker.check(number, values)
        if checked is not None:
            rows.append(checked)
        if len(checker.problems) >= max_problems:
            checker.bad(
                number, "file", f"stopped after {max_problems} problems", None, "fix these and import again"
            )
            break
    checker.check_links(rows)
    if checker.problems:
        n = len({p.row for p in checker.problems})
        raise _fail(path, f"{n} bad row{'s' if n != 1 else ''}", "", checker.problems)
    if not rows:
        hint = "add one row per bag below the header"
        raise _fail(path, "has a header but no rows", hint, [Problem("file", "has no rows", path.name, hint)])
    return rows


def row_values(row: IntakeRow) -> dict[str, str]:
    """An :class:`IntakeRow` as the text of each published column."""
    return {
        "bag_number": row.bag_number,
        "kind": row.kind.value,
        "part_of": row.part_of or "",
        "sender_reference": row.sender_reference,
        "seal_number": row.seal_number,
        "condition": row.condition.value,
        "completeness": row.completeness.value,
        "apparent_sex": row.apparent_sex.value,
        "apparent_age": str(row.apparent_age or ""),
        "date_of_death": str(row.date_of_death or ""),
        "date_of_recovery": str(row.date_of_recovery or ""),
        "place": row.place,
        "region": row.region,
        "notes": row.notes,
    }


def _records(rows: Iterable[Mapping[str, object]], extra: tuple[str, ...]) -> Iterator[list[str]]:
    for row in rows:
        yield [("" if row.get(name) is None else str(row.get(name))) for name in (*extra, *COLUMN_NAMES)]


def write_intake(
    rows: Iterable[Mapping[str, object]],
    path_or_stream: Path | str | IO[str] | IO[bytes],
    *,
    fmt: Literal["csv", "xlsx"],
    extra: tuple[str, ...] = (),
) -> None:
    """Write rows in the published columns, preceded by the ``extra`` columns (e.g. reference, state).

    Without ``extra`` the output reads back with :func:`read_intake`. CSV is UTF-8 with a BOM.
    """
    header = [*extra, *COLUMN_NAMES]
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(_records(rows, extra))
        if isinstance(path_or_stream, (str, Path)):
            Path(path_or_stream).write_bytes(buffer.getvalue().encode("utf-8-sig"))
        elif isinstance(path_or_stream, io.TextIOBase):
            path_or_stream.write(buffer.getvalue())
        else:
            path_or_stream.write(buffer.getvalue().encode("utf-8-sig"))  # type: ignore[arg-type]
        return
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("intake")
    sheet.append(header)
    for record in _records(rows, extra):
        sheet.append([cell or None for cell in record])
    book.save(path_or_stream)


__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "ApparentSex",
    "Column",
    "Completeness",
    "Condition",
    "IntakeRow",
    "UnitKind",
    "read_intake",
    "row_values",
    "schema_markdown",
    "write_intake",
]
