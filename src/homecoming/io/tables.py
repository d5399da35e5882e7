"""Tabular files (CSV UTF-8 or XLSX) read and written once for every published format.

The formats (``persons``, ``intake``, ``manifests``) keep their own columns and row checks; this module
does the rest: telling CSV from XLSX by the name, UTF-8 with or without BOM, comma or semicolon,
cells as text, matching the header to the known columns, the row loop, one :class:`ImportFileError`
listing every problem, the Markdown column table and writing CSV (UTF-8 with BOM) or XLSX.

Row numbers are those a spreadsheet shows: the header is row 1, so the first data row is row 2.
Wholly empty rows are skipped (but still counted).

Pure: imports only ``homecoming.errors``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Literal, TypeVar

from homecoming.errors import ImportFileError, Problem, ValidationError

T = TypeVar("T")

Source = Path | tuple[str, bytes]
"""A file to read: a path, or a file name (which gives the format) with the content."""

Target = Path | str | IO[str] | IO[bytes]
"""Where to write: a path, a text stream (CSV without BOM) or a binary stream."""

Cells = list[str | None]


@dataclass(frozen=True)
class Column:
    """One published column: ``max_length`` counts characters of the stripped cell."""

    name: str
    required: bool
    description: str
    example: str
    max_length: int = 200


def schema_markdown(columns: Iterable[Column]) -> str:
    """The column table of a published format, as Markdown."""
    lines = ["| column | required | description | example |", "| --- | --- | --- | --- |"]
    for c in columns:
        example = f"`{c.example}`" if c.example else ""
        description = c.description.replace("|", "\\|")
        lines.append(f"| `{c.name}` | {'yes' if c.required else 'no'} | {description} | {example} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- errors


def file_error(
    name: str, message: str, problems: Sequence[Problem], *, hint: str = "", field: str | None = None
) -> ImportFileError:
    """``"<name>: <message>; nothing was imported"`` listing ``problems``.

    The error's field, value and hint are the first problem's; ``hint`` replaces the hint, ``field``
    the field (the value is then None).
    """
    first = problems[0]
    return ImportFileError(
        f"{name}: {message}; nothing was imported",
        field=first.field if field is None else field,
        value=first.value if field is None else None,
        hint=hint or first.hint,
        problems=list(problems),
    )


def file_problem(
    name: str, message: str, hint: str, *, row: int | None = None, problem: str | None = None
) -> ImportFileError:
    """An error about the whole file (column ``file``, value the file name); ``problem``: its own text."""
    return file_error(name, message, [Problem("file", problem or message, name, hint, row)], hint=hint)


def rows_error(name: str, problems: Sequence[Problem], *, list_rows: bool = False) -> ImportFileError:
    """``"<name>: 3 bad rows; …"`` (with ``list_rows``: ``"3 bad rows (2, 5, 9)"``, the first 20)."""
    bad = sorted({p.row for p in problems if p.row is not None})
    message = f"{len(bad)} bad row{'s' if len(bad) != 1 else ''}"
    if list_rows:
        message += f" ({', '.join(map(str, bad[:20]))})"
    return file_error(name, message, problems)


# ---------------------------------------------------------------- reading files into text records


def source_name(source: Source) -> str:
    return source.name if isinstance(source, Path) else source[0]


def cell_text(value: object) -> str | None:
    """An XLSX cell as text: dates ISO (a midnight datetime as its date), 17.0 as "17"."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_records(name: str, data: bytes) -> Iterator[Cells]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise file_problem(
            name, f"is not UTF-8 text (byte {exc.start})", "save the file as CSV UTF-8"
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield list(record)


def _xlsx_records(name: str, file: Path | IO[bytes]) -> Iterator[Cells]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise file_problem(
            name, f"cannot be read as XLSX ({type(exc).__name__})", "save it again as .xlsx"
        ) from None
    try:
        for record in book.worksheets[0].iter_rows(values_only=True):
            yield [cell_text(v) for v in record]
    finally:
        book.close()


def read_records(source: Source) -> Iterator[Cells]:
    """The records of a .csv/.txt (UTF-8, BOM or not; comma or semicolon) or .xlsx (first sheet).

    Cells are text as in the file (not stripped; None for an empty XLSX cell). The extension gives the
    format; an unknown one raises at once, unreadable content on the first record.
    """
    name = source_name(source)
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".txt"):
        return _csv_records(name, source.read_bytes() if isinstance(source, Path) else source[1])
    if suffix == ".xlsx":
        return _xlsx_records(name, source if isinstance(source, Path) else io.BytesIO(source[1]))
    raise file_problem(name, f"has an unknown extension {suffix!r}", "use a .csv (UTF-8) or .xlsx file")


# ---------------------------------------------------------------- the header


def match_header(
    record: Sequence[str | None], columns: Sequence[Column]
) -> tuple[list[str | None], list[Problem]]:
    """The column name of each cell of the header (None: empty or wrong), and the header's problems."""
    known = {c.name for c in columns}
    problems: list[Problem] = []
    names: list[str | None] = []
    seen: set[str] = set()
    for value in record:
        key = (value or "").strip().lstrip("\ufeff").lower()
        if not key:
            names.append(None)
        elif key not in known:
            hint = "known columns: " + ", ".join(c.name for c in columns)
            problems.append(Problem(key, "is not a known column", value, hint, 1))
            names.append(None)
        elif key in seen:
            problems.append(Problem(key, "appears twice in the header", value, "keep one of them", 1))
            names.append(None)
        else:
            seen.add(key)
            names.append(key)
    missing = [c.name for c in columns if c.required and c.name not in seen]
    if missing:
        message = "required columns are missing: " + ", ".join(missing)
        problems.append(Problem("header", message, None, "add them to the first row", 1))
    return names, problems


def read_header(
    records: Iterator[Cells],
    name: str,
    columns: Sequence[Column],
    *,
    empty_row: int | None = None,
    field: str | None = None,
) -> list[str | None]:
    """Take the header from ``records`` and match it, or raise naming every problem.

    ``empty_row``: the row given to the "has no header row" problem; ``field``: the field of the
    "header row is wrong" error (default: the first problem's).
    """
    record = next(records, None)
    if record is None or not any((c or "").strip() for c in record):
        hint = "put the column names in the first row: " + ", ".join(c.name for c in columns)
        raise file_problem(name, "has no header row", hint, row=empty_row)
    names, problems = match_header(record, columns)
    if problems:
        raise file_error(name, "the header row is wrong", problems, field=field)
    return names


# ---------------------------------------------------------------- rows


class RowChecks:
    """The problems of a file's rows, and the checks every format makes of a cell."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def bad(self, row: int, column: str, message: str, value: object, hint: str = "") -> None:
        self.problems.append(Problem(column, message, value, hint, row))

    def cells(self, row: int, values: Mapping[str, str | None], columns: Mapping[str, Column]) -> None:
        """Required cells filled, none longer than its column allows."""
        for name, value in values.items():
            column = columns[name]
            if value is None:
                if column.required:
                    self.bad(row, name, "is required", "", f"fill in the {name}")
            elif len(value) > column.max_length:
                message = f"is longer than {column.max_length} characters"
                self.bad(row, name, message, value[:40] + "…", "shorten it")

    def choice(self, row: int, column: str, value: str | None, options: Iterable[str]) -> str | None:
        """``value`` in lower case if it is one of ``options``; else a problem and None."""
        if value is None:
            return None
        allowed = tuple(options)
        if value.lower() in allowed:
            return value.lower()
        self.bad(row, column, "is not an allowed value", value, "use one of " + ", ".join(allowed))
        return None

    def parsed(self, row: int, column: str, value: str | None, parse: Callable[..., T]) -> T | None:
        """``parse(value, field=column)``; its :class:`ValidationError` problems get the row."""
        if value is None:
            return None
        try:
            return parse(value, field=column)
        except ValidationError as exc:
            self.problems.extend(Problem(p.field, p.message, p.value, p.hint, row) for p in exc.problems)
            return None


def cell_problems(row: int, values: Mapping[str, str | None]) -> list[Problem]:
    """What no cell of any format may hold: a formula (a spreadsheet would run it)."""
    found: list[Problem] = []
    for name, value in values.items():
        if value is None:
            continue
        if looks_like_formula(value):
            found.append(
                Problem(
                    name,
                    "starts like a spreadsheet formula",
                    _shown(value),
                    "remove the leading " + repr(value[0]) + " (a spreadsheet would run the cell as a "
                    "formula); after + or - put a space, or write the number alone",
                    row,
                )
            )
    return found


def _shown(value: str, limit: int = 60) -> str:
    """A cell as an error shows it: at most ``limit`` characters."""
    return value if len(value) <= limit else value[:limit] + "…"


def collect_rows(
    records: Iterable[Cells],
    names: Sequence[str | None],
    columns: Sequence[str],
    check: Callable[[int, dict[str, str | None]], T | None],
    problems: list[Problem],
    *,
    max_problems: int,
) -> list[T]:
    """``check(row number, {column: stripped text or None})`` of every non-empty record after the header.

    Keeps what ``check`` returns (None: the row is bad); adds a problem for cells beyond the header
    and stops once ``problems`` holds ``max_problems``.
    """
    width = len(names)
    result: list[T] = []
    for number, record in enumerate(records, start=2):
        cells = [(c.strip() or None) if c is not None else None for c in record]
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            problems.append(
                Problem(
                    "row",
                    f"has {len(cells)} cells but the header has {width}",
                    None,
                    "remove the extra cells or add their column names",
                    number,
                )
            )
        values: dict[str, str | None] = dict.fromkeys(columns)
        for name, cell in zip(names, cells, strict=False):
            if name:
                values[name] = cell
        before = len(problems)
        problems.extend(cell_problems(number, values))
        checked = check(number, values)
        if checked is not None and len(problems) == before:
            result.append(checked)
        if len(problems) >= max_problems:
            message = f"stopped after {max_problems} problems"
            problems.append(Problem("file", message, None, "fix these and import again", number))
            break
    return result


# ---------------------------------------------------------------- formulas (CSV/XLSX injection)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet takes a cell starting with one of these for a formula (OWASP, CSV injection)."""

_NUMBER = re.compile(r"[+-]?(?:\d[\d ]*(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_PHONE = re.compile(r"\+[\d ()./-]+")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters XLSX (XML 1.0) cannot hold, and no text field should: C0 controls but TAB, LF, CR; DEL."""


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet read ``text`` as a formula? A number (``-5``, ``+1.5``) or a telephone
    number (``+380 67 123 45 67``) is not one; a sign followed by a space (``- see letter``) is not."""
    if not text or text[0] not in FORMULA_STARTS:
        return False
    if _NUMBER.fullmatch(text) or _PHONE.fullmatch(text):
        return False
    return not (text[0] in "+-" and text[1:2] in ("", " "))


def csv_safe(value: object) -> str:
    """A cell for a CSV export: a text a spreadsheet would run as a formula gets a leading ``'``
    (OWASP); numbers stay numbers; characters no file should carry become U+FFFD."""
    text = "" if value is None else str(value)
    text = _ILLEGAL.sub("\ufffd", text)
    if text and text[0] in FORMULA_STARTS and not (_NUMBER.fullmatch(text) or _PHONE.fullmatch(text)):
        return "'" + text
    return text


def xlsx_text(value: str) -> str:
    """A text for an XLSX export: the characters XML cannot hold become U+FFFD (the cell is written as
    a string cell, never a formula, by :func:`write_table`)."""
    return _ILLEGAL.sub("\ufffd", value)


# ---------------------------------------------------------------- writing


def write_table(
    header: Sequence[str],
    records: Iterable[Sequence[str]],
    path_or_stream: Target,
    *,
    fmt: Literal["csv", "xlsx"],
    sheet: str,
) -> None:
    """Write ``header`` and the text ``records``.

    CSV: a path or binary stream gets UTF-8 with a BOM (Excel opens it correctly), a text stream no
    BOM. XLSX: one sheet named ``sheet``; empty cells stay empty.

    Exports are safe to open: every XLSX cell is a string cell (``=...`` is text, never a live
    formula), a CSV cell that a spreadsheet would take for a formula starts with ``'``
    (:func:`csv_safe`), and characters a file cannot carry (NUL, other control characters) become
    U+FFFD, so one bad stored value never breaks an export.
    """
    if fmt == "csv":
        if isinstance(path_or_stream, (str, Path)):
            with open(path_or_stream, "w", encoding="utf-8-sig", newline="") as handle:
                _write_csv(header, records, handle)
        elif isinstance(path_or_stream, io.TextIOBase):
            _write_csv(header, records, path_or_stream)
        else:
            buffer = io.StringIO(newline="")
            _write_csv(header, records, buffer)
            path_or_stream.write(buffer.getvalue().encode("utf-8-sig"))  # type: ignore[arg-type]
        return
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    out = book.create_sheet(sheet)

    def text_cell(value: object) -> WriteOnlyCell | None:
        if value is None or value == "":
            return None
        cell = WriteOnlyCell(out, value=xlsx_text(str(value)))
        cell.data_type = "s"  # openpyxl makes any text starting with "=" a formula
        return cell

    out.append([text_cell(name) for name in header])
    for record in records:
        out.append([text_cell(cell) for cell in record])
    book.save(path_or_stream)


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through :func:`csv_safe` (for exports built by hand)."""

    def __init__(self, handle: IO[str]) -> None:
        self._writer = csv.writer(handle, lineterminator="\r\n")

    def writerow(self, record: Iterable[object]) -> None:
        self._writer.writerow([csv_safe(cell) for cell in record])

    def writerows(self, records: Iterable[Iterable[object]]) -> None:
        for record in records:
            self.writerow(record)


def _write_csv(header: Sequence[str], records: Iterable[Sequence[str]], handle: IO[str]) -> None:
    writer = SafeCsvWriter(handle)
    writer.writerow(header)
    writer.writerows(records)


__all__ = [
    "Column",
    "RowChecks",
    "SafeCsvWriter",
    "Source",
    "Target",
    "cell_problems",
    "cell_text",
    "collect_rows",
    "csv_safe",
    "file_error",
    "file_problem",
    "looks_like_formula",
    "match_header",
    "read_header",
    "read_records",
    "rows_error",
    "schema_markdown",
    "source_name",
    "write_table",
    "xlsx_text",
]
