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
import os
import re
import unicodedata
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


# ---------------------------------------------------------------- limits


@dataclass(frozen=True)
class Limits:
    """How much a file to import may hold (``docs/settings.md``); beyond them it is refused unread."""

    max_bytes: int = 50 * 1024 * 1024
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_cell_chars: int = 10_000
    max_rows: int = 200_000
    max_cols: int = 100


_LIMIT_VARIABLES = {
    "max_bytes": "HOMECOMING_IMPORT_MAX_BYTES",
    "max_unzipped_bytes": "HOMECOMING_IMPORT_MAX_UNZIPPED_BYTES",
    "max_cell_chars": "HOMECOMING_IMPORT_MAX_CELL_CHARS",
    "max_rows": "HOMECOMING_IMPORT_MAX_ROWS",
    "max_cols": "HOMECOMING_IMPORT_MAX_COLUMNS",
}


def limits() -> Limits:
    """The limits from the environment (``HOMECOMING_IMPORT_MAX_*``), read at each import."""
    values: dict[str, int] = {}
    for key, variable in _LIMIT_VARIABLES.items():
        raw = os.environ.get(variable, "").strip()
        if raw:
            if not raw.isdigit() or int(raw) < 1:
                raise ValueError(f"{variable} must be a whole number of 1 or more, not {raw!r}")
            values[key] = int(raw)
    found = Limits(**values)
    if found.max_cell_chars > _CSV_FIELD_LIMIT:
        raise ValueError(f"HOMECOMING_IMPORT_MAX_CELL_CHARS may be at most {_CSV_FIELD_LIMIT}")
    return found


_CSV_FIELD_LIMIT = 131_072  # the csv module's own limit; a longer cell raises csv.Error


def _size(number: int) -> str:
    return f"{number / 1024 / 1024:.1f} MB" if number >= 1024 * 1024 else f"{number} bytes"


def _column_letter(index: int) -> str:
    """1 -> A, 27 -> AA: the column as a spreadsheet names it."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _checked_records(name: str, records: Iterator[Cells], limit: Limits) -> Iterator[Cells]:
    """``records`` with the row-count and cell-length limits applied (row 1 is the header)."""
    for number, record in enumerate(records, start=1):
        if number > limit.max_rows + 1:
            raise file_problem(
                name,
                f"has more than {limit.max_rows} rows",
                "split the file, or raise HOMECOMING_IMPORT_MAX_ROWS",
                row=number,
            )
        for index, cell in enumerate(record, start=1):
            if cell is not None and len(cell) > limit.max_cell_chars:
                raise _long_cell(name, number, index, limit)
        yield record


def _long_cell(name: str, row: int, column: int, limit: Limits) -> ImportFileError:
    return file_problem(
        name,
        f"row {row}{f', column {_column_letter(column)}' if column else ''}: "
        f"a cell is longer than {limit.max_cell_chars} characters",
        'shorten the cell; a file may also be damaged (a quote " left open joins many rows into one cell)',
        row=row,
    )


def _utf16(data: bytes) -> str | None:
    """ "UTF-16" or "UTF-32" when ``data`` looks like such text (with or without a byte-order mark)."""
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    head = data[:400]
    if len(head) >= 4 and head.count(0) >= len(head) // 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) >= len(head) // 4:
            return "UTF-16"
    return None


def _csv_records(name: str, data: bytes, limit: Limits) -> Iterator[Cells]:
    encoding = _utf16(data)
    if encoding:
        raise file_problem(
            name,
            f"is {encoding} text, not UTF-8",
            "save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8)",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise file_problem(
            name, f"is not UTF-8 text (byte {exc.start})", "save the file as CSV UTF-8"
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row = number + 1
            if "field larger than field limit" in str(exc):
                raise _long_cell(name, row, 0, limit) from None
            if "unexpected end of data" in str(exc):
                raise file_problem(
                    name,
                    f"ends inside a quoted cell of row {row}: "
                    "the file is cut short, or a quote is not closed",
                    "check the end of the file (send it again whole), or close the quote",
                    row=row,
                ) from None
            raise file_problem(
                name,
                f"row {row} cannot be read as CSV ({exc})",
                'a quote inside a quoted cell is written twice (""); save the file again as CSV UTF-8',
                row=row,
            ) from None
        number += 1
        yield list(record)


def _xlsx_unzipped_size(name: str, file: Path | IO[bytes], limit: Limits) -> None:
    """Refuse an XLSX whose parts unzip to more than the limit (read from the zip directory, unparsed)."""
    import zipfile

    try:
        with zipfile.ZipFile(file) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise file_problem(
            name,
            "cannot be read as XLSX (it is not a zip archive, or a damaged one)",
            "save it again as .xlsx",
        ) from None
    finally:
        if not isinstance(file, Path):
            file.seek(0)
    if total > limit.max_unzipped_bytes:
        raise file_problem(
            name,
            f"unzips to {_size(total)}, more than the limit of {_size(limit.max_unzipped_bytes)}",
            "split the file, or raise HOMECOMING_IMPORT_MAX_UNZIPPED_BYTES",
        )


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _xlsx_has_formulas(file: Path | IO[bytes]) -> bool:
    """Whether a worksheet of the XLSX holds a formula (an ``<f>`` element), read from the zip unparsed."""
    import zipfile

    try:
        with zipfile.ZipFile(file) as archive:
            for info in archive.infolist():
                if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                    continue
                with archive.open(info) as part:
                    tail = b""
                    while chunk := part.read(1 << 20):
                        if _FORMULA_TAG.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False  # the workbook's own reading names the damage
    finally:
        if not isinstance(file, Path):
            file.seek(0)
    return False


def _xlsx_formula_rows(file: Path | IO[bytes], width: int) -> Iterator[tuple[object, ...]]:
    """The first sheet's rows as written (formulas as ``=...``), beside the saved values the import reads."""
    import openpyxl

    if isinstance(file, Path):
        data: Path | IO[bytes] = file
    else:
        file.seek(0)  # the other reading of the workbook moves the stream
        data = io.BytesIO(file.read())
        file.seek(0)
    book = openpyxl.load_workbook(data, read_only=True, data_only=False)
    try:
        yield from book.worksheets[0].iter_rows(max_col=width, values_only=True)
    finally:
        book.close()


def _no_saved_values(
    name: str, row: int, values: Sequence[object], written: Sequence[object], header: Sequence[object]
) -> Sequence[object]:
    """Refuse a formula cell without the value a spreadsheet program saves with it: read without it the
    cell is empty, and a birth date ``=DATE(1990,1,1)`` would be lost without a word. Returns the
    header (row 1's values), to name the column."""
    for index, (value, raw) in enumerate(zip(values, written, strict=False)):
        if value is None and raw is not None and (not isinstance(raw, str) or raw.startswith("=")):
            shown = raw if isinstance(raw, str) else f"an array formula ({type(raw).__name__})"
            column = _column_letter(index + 1)
            title = cell_text(header[index]) if index < len(header) else None
            if title:
                column += f" ({title.strip()})"
            fix = (
                "save the file in a spreadsheet program (which saves each formula's value) or type the value"
            )
            raise file_error(
                name,
                f"row {row}, column {column}: a formula without a saved value; {fix}",
                [
                    Problem(
                        "file",
                        f"column {column} holds a formula without a saved value",
                        _shown(str(shown)),
                        fix,
                        row,
                    )
                ],
            )
    return values if row == 1 else header


def _xlsx_records(name: str, file: Path | IO[bytes], limit: Limits) -> Iterator[Cells]:
    import openpyxl

    _xlsx_unzipped_size(name, file, limit)
    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        declared = sheet.max_column  # the sheet's <dimension>; None when it has none
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise file_problem(
            name, f"cannot be read as XLSX ({type(exc).__name__})", "save it again as .xlsx"
        ) from None
    hint = "delete the cells right of the last column (or copy the used columns to a new sheet), "
    hint += "or raise HOMECOMING_IMPORT_MAX_COLUMNS"
    if isinstance(declared, int) and declared > limit.max_cols:
        book.close()
        raise file_problem(
            name,
            f"its sheet spans {declared} columns (to column {_column_letter(declared)}), more than "
            f"the limit of {limit.max_cols} columns",
            hint,
        )
    # openpyxl pads every row to the last column it reads: bound it (a cell at XFD would make each
    # row 16,384 cells). A sheet without a dimension is read one column past the limit, to see a
    # value there; cells further right are not read.
    padded = not (isinstance(declared, int) and declared > 0)
    width = limit.max_cols + 1 if padded else declared
    rows = sheet.iter_rows(max_col=width, values_only=True)
    formulas = _xlsx_formula_rows(file, width) if _xlsx_has_formulas(file) else None
    header: Sequence[object] = ()
    seen = 0  # without a dimension: the longest row so far, to cut the padding at C speed
    number = 0
    try:
        while True:
            try:
                record = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet fails while it is read, not when it is opened
                raise file_problem(
                    name,
                    f"cannot be read as XLSX: the sheet is damaged after row {number} ({type(exc).__name__})",
                    "open it in a spreadsheet and save it again as .xlsx",
                    row=number + 1,
                ) from None
            number += 1
            if len(record) > limit.max_cols and record[limit.max_cols] is not None:
                raise file_problem(
                    name,
                    f"row {number}, column {_column_letter(limit.max_cols + 1)}: a cell beyond "
                    f"the limit of {limit.max_cols} columns",
                    hint,
                    row=number,
                )
            if formulas is not None:
                try:
                    written = next(formulas, ())
                except Exception as exc:  # the formulas' reading of a damaged workbook
                    raise file_problem(
                        name,
                        f"cannot be read as XLSX ({type(exc).__name__})",
                        "open it in a spreadsheet and save it again as .xlsx",
                        row=number,
                    ) from None
                header = _no_saved_values(name, number, record, written, header)
            if padded:  # end the row at its last value, as openpyxl does when it reads rows unbounded
                end = seen if not any(record[seen:]) else len(record)
                while end and record[end - 1] is None:
                    end -= 1
                record = record[:end]
                seen = max(seen, end)
            yield [cell_text(v) for v in record]
    finally:
        book.close()


def check_size(name: str, size: int, limit: Limits | None = None) -> None:
    """Refuse a file of ``size`` bytes beyond the limit — for an upload, before it is read."""
    limit = limit or limits()
    if size > limit.max_bytes:
        raise file_problem(
            name,
            f"is {_size(size)}, more than the limit of {_size(limit.max_bytes)}",
            "split the file, or raise HOMECOMING_IMPORT_MAX_BYTES",
        )


def read_records(source: Source, limit: Limits | None = None) -> Iterator[Cells]:
    """The records of a .csv/.txt (UTF-8, BOM or not; comma or semicolon) or .xlsx (first sheet).

    Cells are text as in the file (not stripped; None for an empty XLSX cell). The extension gives the
    format; an unknown one, or a file beyond the size limits (:func:`limits`), raises at once;
    unreadable content on the first record, or at the record where the file breaks.
    """
    limit = limit or limits()
    name = source_name(source)
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx"):
        raise file_problem(name, f"has an unknown extension {suffix!r}", "use a .csv (UTF-8) or .xlsx file")
    size = source.stat().st_size if isinstance(source, Path) else len(source[1])
    check_size(name, size, limit)
    if size == 0:
        raise file_problem(name, "is empty", "put the column names in row 1 and one record per row")
    if suffix == ".xlsx":
        file = source if isinstance(source, Path) else io.BytesIO(source[1])
        return _checked_records(name, _xlsx_records(name, file, limit), limit)
    data = source.read_bytes() if isinstance(source, Path) else source[1]
    return _checked_records(name, _csv_records(name, data, limit), limit)


# ---------------------------------------------------------------- the header


def match_header(
    record: Sequence[str | None], columns: Sequence[Column]
) -> tuple[list[str | None], list[Problem]]:
    """The column name of each cell of the header (None: empty or wrong), and the header's problems.

    The list of known columns is the hint of the first unknown column only (not once per column).
    """
    known = {c.name for c in columns}
    problems: list[Problem] = []
    names: list[str | None] = []
    seen: set[str] = set()
    unknown = 0
    for value in record:
        key = (value or "").strip().lstrip("\ufeff").lower()
        if not key:
            names.append(None)
        elif key not in known:
            unknown += 1
            hint = "known columns: " + ", ".join(c.name for c in columns) if unknown == 1 else ""
            problems.append(Problem(_shown(key, 40), "is not a known column", _shown(value or ""), hint, 1))
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

    The header must be row 1: a file starting with empty rows is refused, naming the row where the
    column names are. ``empty_row``: the row given to the "has no header row" problem; ``field``: the
    field of the "header row is wrong" error (default: the first problem's).
    """
    record = next(records, None)
    if record is None or not any((c or "").strip() for c in record):
        if record is not None:
            for number, later in enumerate(records, start=2):
                if any((c or "").strip() for c in later):
                    raise file_problem(
                        name,
                        "row 1 is empty: the column names must be in row 1 "
                        f"(found something in row {number})",
                        f"delete the {number - 1} empty row{'s' if number > 2 else ''} "
                        "above the column names",
                        row=1,
                    )
                if number > 100:
                    break
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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")
_WORD = re.compile(r"[^\W\d_]+")
_SCRIPTS = (
    ("Latin", re.compile(r"[A-Za-z\u00c0-\u024f]")),
    ("Cyrillic", re.compile(r"[\u0400-\u052f]")),
    ("Greek", re.compile(r"[\u0370-\u03ff]")),
)


def mixed_script_word(text: str) -> tuple[str, tuple[str, ...]] | None:
    """The first word of ``text`` that mixes Latin, Cyrillic or Greek letters (``"UА"``: Latin U,
    Cyrillic А) and its scripts, or None. Such a word looks like another one and never matches it."""
    if text.isascii() or sum(1 for _, letters in _SCRIPTS if letters.search(text)) < 2:
        return None  # the common case, decided without splitting the text into words
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        scripts = tuple(name for name, letters in _SCRIPTS if letters.search(word))
        if len(scripts) > 1:
            return word, scripts
    return None


_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


def name_problem(row: int | None, column: str, value: str | None) -> Problem | None:
    """A name (family, given, patronymic, a parent's) must hold a letter and no digit: ``12345`` is no
    name, and ``Коваленко976`` would be read as КОВАЛЕНКО by the name keys (digits are dropped there)."""
    if not value:
        return None
    if not _LETTER.search(value):
        return Problem(
            column,
            "holds no letter; a name needs at least one",
            _shown(value),
            "write the name in letters (Cyrillic or Latin), or leave the cell empty if it is unknown",
            row,
        )
    if _DIGIT.search(value):
        return Problem(
            column,
            "holds digits; names do not contain digits",
            _shown(value),
            "remove the digits (a number pasted into the name?); put numbers in their own column, e.g. "
            "service_number",
            row,
        )
    return None


def control_character(text: str) -> str | None:
    """The first control character in ``text`` (TAB, LF and CR excepted), as ``U+0000``, or None."""
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def cell_problems(row: int, values: Mapping[str, str | None]) -> list[Problem]:
    """What no cell of any format may hold: a formula (a spreadsheet would run it), a NUL or another
    control character (a database or a file export cannot hold it), or a word mixing Latin and
    Cyrillic letters (a lookalike that never matches the real word)."""
    found: list[Problem] = []
    for name, value in values.items():
        if value is None:
            continue
        control = control_character(value)
        mixed = mixed_script_word(value)
        if control:
            found.append(
                Problem(
                    name,
                    f"holds the control character {control}",
                    _shown(_CONTROL.sub("\ufffd", value)),
                    "retype the cell; control characters (NUL and others) cannot be stored",
                    row,
                )
            )
        elif looks_like_formula(value):
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
        elif mixed:
            word, scripts = mixed
            found.append(
                Problem(
                    name,
                    f"mixes {' and '.join(scripts)} letters in the word {word!r}",
                    _shown(value),
                    f"retype {word!r} in one alphabet: a lookalike letter from another alphabet makes a "
                    "different word that never matches",
                    row,
                )
            )
    return found


#: Lookalike letters folded to Latin in a comparison key (Cyrillic and Greek capitals, after upper()).
_HOMOGLYPHS = str.maketrans(
    "АВЕКМНОРСТУХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "ABEKMHOPCTYXIJSABEZHIKMNOPTYX",
)


def reference_key(text: str) -> str:
    """How references (bag, service, document numbers, ids) are compared: NFKC, no spaces, upper case,
    lookalike Cyrillic/Greek letters as Latin — ``ua-24-0001``, ``UA-24-0001 `` and ``UА-24-0001``
    (Cyrillic А) are one key."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper().translate(_HOMOGLYPHS)


def reference_problem(row: int, column: str, value: str | None) -> Problem | None:
    """A label a scanner reads (bag, container, seal number) must be Latin letters, digits and
    punctuation: a Cyrillic lookalike prints the same and scans as another code."""
    if value is None:
        return None
    normal = unicodedata.normalize("NFKC", value)
    if normal.isascii():
        return None
    letter = next(ch for ch in normal if not ch.isascii())
    return Problem(
        column,
        f"holds the non-Latin character {letter!r} (U+{ord(letter):04X})",
        value,
        "type the label in Latin letters and digits as printed; a Cyrillic or Greek lookalike (А, В, Е, "
        "К, М, Н, О, Р, С, Т, Х) is another code for a scanner",
        row,
    )


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
    "Limits",
    "RowChecks",
    "SafeCsvWriter",
    "Source",
    "Target",
    "cell_problems",
    "cell_text",
    "check_size",
    "collect_rows",
    "control_character",
    "csv_safe",
    "file_error",
    "file_problem",
    "limits",
    "looks_like_formula",
    "match_header",
    "mixed_script_word",
    "name_problem",
    "read_header",
    "read_records",
    "reference_key",
    "reference_problem",
    "rows_error",
    "schema_markdown",
    "source_name",
    "write_table",
    "xlsx_text",
]
