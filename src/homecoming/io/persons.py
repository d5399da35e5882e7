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

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import IO, Literal

from homecoming.domain.partial_dates import AgeRange, PartialDate
from homecoming.domain.status import OFFICIAL_SOURCES, PersonStatus, SourceType
from homecoming.errors import ImportFileError, Problem, ValidationError
from homecoming.io.person_columns import (
    COLUMN_NAMES,
    COLUMNS,
    COLUMNS_BY_NAME,
    SOURCE_CHOICES,
    Column,
    schema_markdown,
)

Sex = Literal["male", "female", "unknown"]
SEXES: tuple[str, ...] = ("male", "female", "unknown")


@dataclass(frozen=True, kw_only=True)
class PersonRow:
    """One checked row; ``values`` holds the cleaned text of every column (None when empty)."""

    row: int
    values: dict[str, str | None]
    external_id: str | None = None
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


# ---------------------------------------------------------------- reading files into text rows


def _fail(path: Path, message: str, hint: str = "") -> ImportFileError:
    problem = Problem("file", message, path.name, hint)
    return ImportFileError(
        f"{path.name}: {message}; nothing was imported",
        field="file",
        value=path.name,
        hint=hint,
        problems=[problem],
    )


def _csv_rows(path: Path) -> Iterator[list[str | None]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(path, f"is not UTF-8 text (byte {exc.start})", "save the file as CSV UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield list(record)


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(path: Path) -> Iterator[list[str | None]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _fail(
            path, f"cannot be read as XLSX ({type(exc).__name__})", "save it again as .xlsx"
        ) from None
    try:
        sheet = book.worksheets[0]
        for record in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in record]
    finally:
        book.close()


def _text_rows(path: Path) -> Iterator[list[str | None]]:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _csv_rows(path)
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    raise _fail(path, f"has an unknown extension {suffix!r}", "use a .csv (UTF-8) or .xlsx file")


# ---------------------------------------------------------------- checking


def _header(path: Path, record: list[str | None]) -> tuple[list[str | None], list[Problem]]:
    problems: list[Problem] = []
    names: list[str | None] = []
    seen: set[str] = set()
    known = ", ".join(COLUMN_NAMES)
    for value in record:
        name = (value or "").strip().lstrip("\ufeff").lower()
        if not name:
            names.append(None)
            continue
        if name not in COLUMNS_BY_NAME:
            problems.append(Problem(name, "is not a known column", value, f"known columns: {known}", 1))
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


_CODE2 = re.compile(r"[A-Z]{2}")
_LANG = re.compile(r"[a-z]{2}")


class _RowChecker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.seen: dict[str, dict[str, int]] = {"external_id": {}, "service_number": {}}

    def bad(self, row: int, column: str, message: str, value: object, hint: str = "") -> None:
        self.problems.append(Problem(column, message, value, hint, row))

    def enum(self, row: int, column: str, value: str | None, choices: Iterable[str]) -> str | None:
        if value is None:
            return None
        options = tuple(choices)
        if value.lower() in options:
            return value.lower()
        self.bad(row, column, "is not an allowed value", value, "use one of " + ", ".join(options))
        return None

    def partial(self, row: int, column: str, value: str | None) -> PartialDate | None:
        if value is None:
            return None
        try:
            return PartialDate.parse(value, field=column)
        except ValidationError as exc:
            self.problems.extend(Problem(p.field, p.message, p.value, p.hint, row) for p in exc.problems)
            return None

    def check(self, row: int, values: dict[str, str | None]) -> PersonRow | None:
        before = len(self.problems)
        for name, value in values.items():
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
        for key, first_rows in self.seen.items():
            value = values.get(key)
            if value is not None:
                if value in first_rows:
                    self.bad(
                        row,
                        key,
                        f"duplicates row {first_rows[value]}",
                        value,
                        f"each {key} may appear once in a file",
                    )
                else:
                    first_rows[value] = row
        typed = self._typed(row, values)
        return typed if len(self.problems) == before else None

    def _typed(self, row: int, v: dict[str, str | None]) -> PersonRow:
        sex = self.enum(row, "sex", v.get("sex"), SEXES) or "unknown"
        script = self.enum(row, "script", v.get("script"), ("cyrillic", "latin"))
        if script is None:
            names = (v.get("family_name") or "") + (v.get("given_name") or "")
            script = "cyrillic" if any("\u0400" <= ch <= "\u04ff" for ch in names) else "latin"
        codes: dict[str, str | None] = {}
        for name in ("citizenship", "power"):
            value = v.get(name)
            codes[name] = value.upper() if value else None
            if value and not _CODE2.fullmatch(value.upper()):
                self.bad(row, name, "is not an ISO 3166-1 alpha-2 code", value, "use two letters, e.g. UA")
        language = v.get("language")
        if language and not _LANG.fullmatch(language.lower()):
            self.bad(row, "language", "is not an ISO 639-1 code", language, "use two letters, e.g. uk or ru")
        age: AgeRange | None = None
        if v.get("birth_age_range"):
            try:
                age = AgeRange.parse(v["birth_age_range"] or "", field="birth_age_range")
            except ValidationError as exc:
                self.problems.extend(Problem(p.field, p.message, p.value, p.hint, row) for p in exc.problems)
        status = self.enum(row, "status", v.get("status"), (s.value for s in PersonStatus))
        source = self.enum(
            row, "status_source_type", v.get("status_source_type"), (s.value for s in SourceType)
        )
        source_date = self.partial(row, "status_source_date", v.get("status_source_date"))
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
        birth_date = self.partial(row, "birth_date", v.get("birth_date"))
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
    rows = _text_rows(path)
    record = next(rows, None)
    if record is None or not any((c or "").strip() for c in record):
        raise _fail(
            path, "has no header row", "put the column names in the first row: " + ", ".join(COLUMN_NAMES)
        )
    names, problems = _header(path, record)
    if problems:
        raise ImportFileError(
            f"{path.name}: the header row is wrong; nothing was imported",
            field="header",
            hint=problems[0].hint,
            problems=problems,
        )
    checker = _RowChecker()
    result: list[PersonRow] = []
    number = 1
    for number, record in enumerate(rows, start=2):
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
        person = checker.check(number, values)
        if person is not None:
            result.append(person)
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
        bad_rows = len({p.row for p in checker.problems})
        raise ImportFileError(
            f"{path.name}: {bad_rows} bad row{'s' if bad_rows != 1 else ''}; nothing was imported",
            field=checker.problems[0].field,
            value=checker.problems[0].value,
            hint=checker.problems[0].hint,
            problems=checker.problems,
        )
    if not result:
        raise _fail(path, "has a header but no rows", "add one row per person below the header")
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


def _records(rows: Iterable[Mapping[str, object]]) -> Iterator[list[str]]:
    for row in rows:
        yield [_text(row.get(name)) for name in COLUMN_NAMES]


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
    if fmt == "csv":
        if isinstance(path_or_stream, (str, Path)):
            with open(path_or_stream, "w", encoding="utf-8-sig", newline="") as handle:
                _write_csv(rows, handle)
        elif isinstance(path_or_stream, io.TextIOBase):
            _write_csv(rows, path_or_stream)
        else:
            buffer = io.StringIO(newline="")
            _write_csv(rows, buffer)
            path_or_stream.write(buffer.getvalue().encode("utf-8-sig"))  # type: ignore[arg-type]
        return
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("persons")
    sheet.append(list(COLUMN_NAMES))
    for record in _records(rows):
        sheet.append([cell or None for cell in record])
    book.save(path_or_stream)


def _write_csv(rows: Iterable[Mapping[str, object]], handle: IO[str]) -> None:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerows(_records(rows))


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
