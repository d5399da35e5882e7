"""Person lists as CSV or XLSX: the published column schema, reading with full checks, writing.

Parse and write only; nothing here touches the database. :data:`COLUMNS` is the schema; the table in
``docs/formats/persons.md`` is :func:`schema_markdown` (a test keeps them equal).

Reading (:func:`read_persons`) checks the whole file and reports every problem at once, each with
its row number and column. Row numbers are those a spreadsheet shows: the header is row 1, so the
first person is row 2. Wholly empty rows are skipped (but still counted). If anything is wrong,
:class:`ImportFileError` lists the problems and no row is returned: a file is imported whole or
not at all.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from enum import Enum
from pathlib import Path
from typing import IO, Literal

from homecoming.domain.contacts import country_problem
from homecoming.domain.partial_dates import AgeRange, PartialDate
from homecoming.domain.status import OFFICIAL_SOURCES, PersonStatus, SourceType
from homecoming.io.person_columns import (
    COLUMN_NAMES,
    COLUMNS,
    COLUMNS_BY_NAME,
    SOURCE_CHOICES,
    Column,
    schema_markdown,
)
from homecoming.io.tables import (
    RowChecks,
    collect_rows,
    file_problem,
    name_problem,
    read_header,
    read_records,
    reference_key,
    rows_error,
    write_table,
)

Sex = Literal["male", "female", "unknown"]
SEXES: tuple[str, ...] = ("male", "female", "unknown")


@dataclass(frozen=True, kw_only=True)
class PersonRow:
    """One checked row; ``values`` holds the cleaned text of every column (None when empty)."""

    row: int
    values: dict[str, str | None]
    external_id: str | None = None
    reference: str | None = None
    family_name: str = ""
    given_name: str = ""
    patronymic: str | None = None
    script: Literal["cyrillic", "latin"] = "latin"
    language: str | None = None
    family_name_latin: str | None = None
    given_name_latin: str | None = None
    patronymic_latin: str | None = None
    sex: Sex = "unknown"
    birth_date: PartialDate | None = None
    birth_age_range: AgeRange | None = None
    place_of_birth: str | None = None
    citizenship: str | None = None
    father_name: str | None = None
    mother_maiden_name: str | None = None
    power: str | None = None
    force: str | None = None
    unit: str | None = None
    rank: str | None = None
    service_number: str | None = None
    identity_document: str | None = None
    distinguishing_marks: str | None = None
    status: PersonStatus | None = None
    status_source_type: SourceType | None = None
    status_source_name: str | None = None
    status_source_date: date | None = None
    notes: str | None = None


# ---------------------------------------------------------------- checking


#: the columns holding names: a letter each, and no digit (tables.name_problem)
NAME_COLUMNS = (
    "family_name",
    "given_name",
    "patronymic",
    "family_name_latin",
    "given_name_latin",
    "patronymic_latin",
    "father_name",
    "mother_maiden_name",
)
_LANG = re.compile(r"[a-z]{2}")


class _RowChecker(RowChecks):
    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, dict[str, int]] = {"external_id": {}, "reference": {}, "service_number": {}}

    def check(self, row: int, values: dict[str, str | None]) -> PersonRow | None:
        before = len(self.problems)
        self.cells(row, values, COLUMNS_BY_NAME)
        # one problem a cell: not "holds digits" after "starts like a formula" (collect_rows' cell checks)
        named = {p.field for p in itertools.takewhile(lambda p: p.row == row, reversed(self.problems))}
        for column in NAME_COLUMNS:
            found = None if column in named else name_problem(row, column, values.get(column))
            if found is not None:
                self.problems.append(found)
        for key, first_rows in self.seen.items():
            value = values.get(key)
            if value is not None:
                same = reference_key(value)  # ab123456 = AB123456 = АВ123456 (Cyrillic)
                if same in first_rows:
                    self.bad(
                        row,
                        key,
                        f"duplicates row {first_rows[same]}",
                        value,
                        f"each {key} may appear once in a file",
                    )
                else:
                    first_rows[same] = row
        typed = self._typed(row, values)
        return typed if len(self.problems) == before else None

    def _typed(self, row: int, v: dict[str, str | None]) -> PersonRow:
        sex = self.choice(row, "sex", v.get("sex"), SEXES) or "unknown"
        script = self.choice(row, "script", v.get("script"), ("cyrillic", "latin"))
        if script is None:
            names = (v.get("family_name") or "") + (v.get("given_name") or "")
            script = "cyrillic" if any("\u0400" <= ch <= "\u04ff" for ch in names) else "latin"
        codes: dict[str, str | None] = {}
        for name in ("citizenship", "power"):
            value = v.get(name)
            code, problem = country_problem(name, value)
            codes[name] = code or None
            if problem is not None:
                self.bad(row, name, problem.message, value, problem.hint)
        language = v.get("language")
        if language and not _LANG.fullmatch(language.lower()):
            self.bad(row, "language", "is not an ISO 639-1 code", language, "use two letters, e.g. uk or ru")
        age = self.parsed(row, "birth_age_range", v.get("birth_age_range"), AgeRange.parse)
        status = self.choice(row, "status", v.get("status"), (s.value for s in PersonStatus))
        source = self.choice(
            row, "status_source_type", v.get("status_source_type"), (s.value for s in SourceType)
        )
        source_date = self.parsed(row, "status_source_date", v.get("status_source_date"), PartialDate.parse)
        if source_date is not None and source_date.precision != "day":
            self.bad(
                row,
                "status_source_date",
                "needs a full date",
                v.get("status_source_date"),
                "write it as YYYY-MM-DD",
            )
        if v.get("status") and not v.get("status_source_type"):
            self.bad(
                row,
                "status_source_type",
                "is required when status is given",
                "",
                "say where the status comes from: " + SOURCE_CHOICES,
            )
        if status == PersonStatus.confirmed_dead and source and SourceType(source) not in OFFICIAL_SOURCES:
            self.bad(
                row,
                "status_source_type",
                "confirmed_dead needs an official source",
                source,
                "use one of " + ", ".join(sorted(OFFICIAL_SOURCES)) + ", or status believed_dead",
            )
        birth_date = self.parsed(row, "birth_date", v.get("birth_date"), PartialDate.parse)
        v.update(
            sex=sex if v.get("sex") else None,
            script=script,
            language=language.lower() if language else None,
            birth_date=str(birth_date) if birth_date else v.get("birth_date"),
            birth_age_range=str(age) if age else v.get("birth_age_range"),
            citizenship=codes["citizenship"],
            power=codes["power"],
            status=status or v.get("status"),
            status_source_type=source or v.get("status_source_type"),
            status_source_date=str(source_date) if source_date else v.get("status_source_date"),
        )
        simple = {k: v.get(k) for k in _SIMPLE}
        return PersonRow(
            row=row,
            values=v,
            sex=sex,  # type: ignore[arg-type]
            script=script,  # type: ignore[arg-type]
            language=language.lower() if language else None,
            birth_date=birth_date,
            birth_age_range=age,
            citizenship=codes["citizenship"],
            power=codes["power"],
            status=PersonStatus(status) if status else None,
            status_source_type=SourceType(source) if source else None,
            status_source_date=source_date.earliest()
            if source_date and source_date.precision == "day"
            else None,
            family_name=v.get("family_name") or "",
            given_name=v.get("given_name") or "",
            **simple,
        )


_TYPED_ELSEWHERE = {
    "sex",
    "script",
    "language",
    "birth_date",
    "birth_age_range",
    "citizenship",
    "power",
    "status",
    "status_source_type",
    "status_source_date",
    "family_name",
    "given_name",
}
_SIMPLE: tuple[str, ...] = tuple(n for n in COLUMN_NAMES if n not in _TYPED_ELSEWHERE)
assert set(COLUMN_NAMES) <= {f.name for f in fields(PersonRow)}


def read_persons(path: Path, *, max_problems: int = 1000) -> list[PersonRow]:
    """Read and check a person list (.csv UTF-8 with or without BOM, comma or semicolon; or .xlsx).

    Returns every row when the file is clean; otherwise raises :class:`ImportFileError` listing
    every problem (at most ``max_problems``) with row number and column.
    """
    path = Path(path)
    records = read_records(path)
    names = read_header(records, path.name, COLUMNS, field="header")
    checker = _RowChecker()
    result = collect_rows(
        records, names, COLUMN_NAMES, checker.check, checker.problems, max_problems=max_problems
    )
    if checker.problems:
        raise rows_error(path.name, checker.problems)
    if not result:
        raise file_problem(path.name, "has a header but no rows", "add one row per person below the header")
    return result


# ---------------------------------------------------------------- writing


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_persons(
    rows: Iterable[Mapping[str, object]],
    path_or_stream: Path | str | IO[str] | IO[bytes],
    *,
    fmt: Literal["csv", "xlsx"],
) -> None:
    """Write rows in the published columns (keys not in :data:`COLUMNS` are ignored).

    Values are written as text (enums by value, dates ISO, partial dates as "1990-05"), so the
    output reads back with :func:`read_persons`. CSV files are UTF-8 with a BOM (Excel opens them
    correctly); a text stream gets no BOM.
    """
    records = ([_text(row.get(name)) for name in COLUMN_NAMES] for row in rows)
    write_table(COLUMN_NAMES, records, path_or_stream, fmt=fmt, sheet="persons")


__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "SEXES",
    "Column",
    "PersonRow",
    "read_persons",
    "schema_markdown",
    "write_persons",
]
