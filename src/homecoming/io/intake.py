"""Intake manifests of remains (CSV/XLSX): the published columns, checked reading, writing.

Parse and write only; nothing here touches the database. One row is one bag or unit as labelled by
the sender. :data:`COLUMNS` is the schema; ``docs/formats/intake.md`` contains
:func:`schema_markdown` verbatim (a test keeps them equal).

:func:`read_intake` checks the whole file and reports every problem at once, each with its row number
(the header is row 1) and column. A duplicate bag number, an unknown kind, a malformed date or a
``part_of`` that names no bag in the file fails the whole file: nothing is imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import IO, Literal

from homecoming.domain.partial_dates import ACCEPTED_FORMATS, AgeRange, PartialDate
from homecoming.io import tables
from homecoming.io.tables import Column, RowChecks, collect_rows, file_problem, read_header, read_records


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
    return tables.schema_markdown(COLUMNS)


class _Checker(RowChecks):
    def __init__(self) -> None:
        super().__init__()
        self.bags: dict[str, int] = {}
        self.labels: dict[str, str] = {}

    def enum(self, row: int, column: str, value: str | None, enum: type[StrEnum]) -> str | None:
        return self.choice(row, column, value, (e.value for e in enum))

    def check(self, row: int, v: dict[str, str | None]) -> IntakeRow | None:
        before = len(self.problems)
        self.cells(row, v, COLUMNS_BY_NAME)
        bag = v.get("bag_number")
        for column in ("bag_number", "part_of", "seal_number"):
            problem = tables.reference_problem(row, column, v.get(column))
            if problem is not None:
                self.problems.append(problem)
        if bag is not None:
            key = tables.reference_key(bag)  # ua-24-0001 = UA-24-0001 = UА-24-0001 (Cyrillic А)
            if key in self.bags:
                self.bad(
                    row,
                    "bag_number",
                    f"duplicates row {self.bags[key]}",
                    bag,
                    "each bag number may appear once; check the label",
                )
            else:
                self.bags[key] = row
                self.labels[key] = bag
        kind = self.enum(row, "kind", v.get("kind"), UnitKind)
        condition = self.enum(row, "condition", v.get("condition"), Condition)
        completeness = self.enum(row, "completeness", v.get("completeness"), Completeness)
        sex = self.enum(row, "apparent_sex", v.get("apparent_sex"), ApparentSex)
        age = self.parsed(row, "apparent_age", v.get("apparent_age"), AgeRange.parse)
        death = self.parsed(row, "date_of_death", v.get("date_of_death"), PartialDate.parse)
        recovery = self.parsed(row, "date_of_recovery", v.get("date_of_recovery"), PartialDate.parse)
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

    def check_links(self, rows: list[IntakeRow]) -> list[IntakeRow]:
        """Check every ``part_of``; the rows with ``part_of`` written as the bag number it names."""
        rows = [
            replace(r, part_of=self.labels.get(tables.reference_key(r.part_of), r.part_of))
            if r.part_of is not None
            else r
            for r in rows
        ]
        kinds = {r.bag_number: r.kind for r in rows}
        containers = (UnitKind.container, UnitKind.commingled_container)
        for r in rows:
            if r.part_of is None:
                continue
            if r.part_of == r.bag_number:
                self.bad(
                    r.row, "part_of", "names the row's own bag", r.part_of, "name the container's bag number"
                )
            elif tables.reference_key(r.part_of) not in self.bags:
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

        return rows


def read_intake(path: Path, *, max_problems: int = 1000) -> list[IntakeRow]:
    """Read and check an intake manifest (.csv UTF-8, comma or semicolon; or .xlsx).

    Returns every row when the file is clean; otherwise raises :class:`ImportFileError` listing every
    problem (at most ``max_problems``) with its row number and column.
    """
    path = Path(path)
    records = read_records(path)
    names = read_header(records, path.name, COLUMNS, empty_row=1)
    checker = _Checker()
    rows = collect_rows(
        records, names, COLUMN_NAMES, checker.check, checker.problems, max_problems=max_problems
    )
    rows = checker.check_links(rows)
    if checker.problems:
        raise tables.rows_error(path.name, checker.problems)
    if not rows:
        hint = "add one row per bag below the header"
        raise file_problem(path.name, "has a header but no rows", hint, problem="has no rows")
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
    header = (*extra, *COLUMN_NAMES)
    records = ([("" if row.get(name) is None else str(row.get(name))) for name in header] for row in rows)
    tables.write_table(header, records, path_or_stream, fmt=fmt, sheet="intake")


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
