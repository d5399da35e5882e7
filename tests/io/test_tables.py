"""The shared reader/writer of tabular files (CSV UTF-8 or XLSX) behind every published format."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from homecoming.errors import ImportFileError, Problem
from homecoming.io.tables import (
    Column,
    RowChecks,
    collect_rows,
    match_header,
    read_header,
    read_records,
    rows_error,
    schema_markdown,
    write_table,
)

# synthetic data only
COLUMNS = (
    Column("tag", True, "the tag | unique", "T-1", 8),
    Column("name", False, "a name", ""),
    Column("count", False, "how many", "3", 4),
)
NAMES = tuple(c.name for c in COLUMNS)
BY_NAME = {c.name: c for c in COLUMNS}


def rows_of(data: bytes, name: str = "t.csv") -> list[list[str | None]]:
    return list(read_records((name, data)))


def check_all(text: str, *, max_problems: int = 100) -> tuple[list[dict[str, str | None]], list[Problem]]:
    records = read_records(("t.csv", text.encode()))
    names = read_header(records, "t.csv", COLUMNS)
    checks = RowChecks()

    def check(row: int, values: dict[str, str | None]) -> dict[str, str | None] | None:
        before = len(checks.problems)
        checks.cells(row, values, BY_NAME)
        return values if len(checks.problems) == before else None

    kept = collect_rows(records, names, NAMES, check, checks.problems, max_problems=max_problems)
    return kept, checks.problems


def test_utf8_with_and_without_bom_and_a_semicolon_delimiter_read_alike() -> None:
    plain = rows_of("tag,name\nA,Шевченко\n".encode())
    assert plain == [["tag", "name"], ["A", "Шевченко"]]
    assert rows_of("tag;name\nA;Шевченко\n".encode("utf-8-sig")) == plain
    assert rows_of(b"tag;name\nA;x,y\n") == [["tag", "name"], ["A", "x,y"]]


def test_bytes_and_a_path_read_alike(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"tag,name\nA,B\n")
    assert list(read_records(path)) == rows_of(b"tag,name\nA,B\n")


def test_xlsx_dates_and_numbers_become_text(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["tag", "count", "when", "at"])
    sheet.append(["A", 17.0, date(1990, 5, 17), datetime(2024, 3, 1, 10, 30)])
    sheet.append(["B", 2.5, datetime(2024, 3, 1), None])
    out = io.BytesIO()
    book.save(out)
    assert rows_of(out.getvalue(), "t.xlsx")[1:] == [
        ["A", "17", "1990-05-17", "2024-03-01T10:30:00"],
        ["B", "2.5", "2024-03-01", None],
    ]
    path = tmp_path / "t.xlsx"
    path.write_bytes(out.getvalue())
    assert list(read_records(path)) == rows_of(out.getvalue(), "t.xlsx")


def test_unreadable_files_are_named_with_the_fix() -> None:
    with pytest.raises(ImportFileError) as info:
        rows_of("tag\nШ\n".encode("cp1251"))
    assert info.value.message == "t.csv: is not UTF-8 text (byte 4); nothing was imported"
    assert info.value.hint == "save the file as CSV UTF-8" and info.value.value == "t.csv"
    with pytest.raises(ImportFileError, match=r"t.xlsx: cannot be read as XLSX"):
        rows_of(b"not a zip", "t.xlsx")
    with pytest.raises(ImportFileError, match=r"t.ods: has an unknown extension '.ods'"):
        read_records(("t.ods", b""))


def test_unknown_twice_and_missing_columns_are_listed_on_row_1() -> None:
    names, problems = match_header([" Name ", "colour", "", "name"], COLUMNS)
    assert names == ["name", None, None, None]
    assert [str(p) for p in problems] == [
        "row 1, colour: is not a known column (got 'colour'); known columns: tag, name, count",
        "row 1, name: appears twice in the header (got 'name'); keep one of them",
        "row 1, header: required columns are missing: tag; add them to the first row",
    ]
    assert match_header(["\ufeffTAG", "count"], COLUMNS) == (["tag", "count"], [])


def test_a_wrong_or_missing_header_raises_one_error() -> None:
    with pytest.raises(ImportFileError) as info:
        check_all("colour\nred\n")
    assert info.value.message == "t.csv: the header row is wrong; nothing was imported"
    assert info.value.field == "colour" and len(info.value.problems) == 2
    with pytest.raises(ImportFileError) as info:
        read_header(iter([["colour"]]), "t.csv", COLUMNS, field="header")
    assert info.value.field == "header" and info.value.value is None
    with pytest.raises(ImportFileError) as info:
        read_header(iter([[" ", None]]), "t.csv", COLUMNS, empty_row=1)
    assert str(info.value.problems[0]) == (
        "row 1, file: has no header row (got 't.csv'); "
        "put the column names in the first row: tag, name, count"
    )


def test_empty_rows_are_skipped_but_counted_and_cells_stripped() -> None:
    kept, problems = check_all("name,tag\n  Ann , A \n,\n\n Bob,B\n")
    assert problems == []
    assert kept == [{"tag": "A", "name": "Ann", "count": None}, {"tag": "B", "name": "Bob", "count": None}]
    _, problems = check_all("tag\nA\n,\n\nTOO-LONG-TAG\n")
    assert [(p.row, p.field) for p in problems] == [(5, "tag")]


def test_extra_cells_are_a_problem_unless_empty() -> None:
    kept, problems = check_all("tag,name\nA,Ann,,\nB,Bob,surplus\n")
    assert [k["tag"] for k in kept] == ["A", "B"]
    assert [str(p) for p in problems] == [
        "row 3, row: has 3 cells but the header has 2; remove the extra cells or add their column names"
    ]


def test_required_and_too_long_cells() -> None:
    _, problems = check_all("tag,count\n,12345\n")
    assert [str(p) for p in problems] == [
        "row 2, tag: is required (got ''); fill in the tag",
        "row 2, count: is longer than 4 characters (got '12345…'); shorten it",
    ]


def test_reading_stops_after_max_problems() -> None:
    _, problems = check_all("tag\n" + "TOO-LONG-TAG\n" * 20, max_problems=5)
    assert len(problems) == 6
    assert str(problems[-1]) == "row 6, file: stopped after 5 problems; fix these and import again"


def test_the_rows_error_counts_and_may_list_the_bad_rows() -> None:
    problems = [Problem("tag", "is required", "", "fill in the tag", row) for row in (2, 5, 5)]
    assert rows_error("t.csv", problems).message == "t.csv: 2 bad rows; nothing was imported"
    listed = rows_error("t.csv", problems[:1], list_rows=True)
    assert listed.message == "t.csv: 1 bad row (2); nothing was imported"
    assert (listed.field, listed.value, listed.hint) == ("tag", "", "fill in the tag")


def test_schema_markdown_escapes_bars() -> None:
    assert schema_markdown(COLUMNS).splitlines() == [
        "| column | required | description | example |",
        "| --- | --- | --- | --- |",
        "| `tag` | yes | the tag \\| unique | `T-1` |",
        "| `name` | no | a name |  |",
        "| `count` | no | how many | `3` |",
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_written_tables_read_back(tmp_path: Path, fmt: str) -> None:
    records = [["A", "Шевченко", ""], ["B", "", "7"]]
    path = tmp_path / f"t.{fmt}"
    write_table(NAMES, records, path, fmt=fmt, sheet="tags")  # type: ignore[arg-type]
    expected = [list(NAMES), ["A", "Шевченко", None], ["B", None, "7"]]
    read = [[c or None for c in r] for r in read_records(path)]
    if fmt == "xlsx":  # a written XLSX has no dimensions: a row read back ends at its last value
        read[1].append(None)
    assert read == expected
    if fmt == "csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbftag,name,count\r\n")
    else:
        assert openpyxl.load_workbook(path).sheetnames == ["tags"]


def test_csv_streams_get_a_bom_only_when_binary() -> None:
    text, binary = io.StringIO(), io.BytesIO()
    write_table(NAMES, [["A", "x", ""]], text, fmt="csv", sheet="tags")
    write_table(NAMES, [["A", "x", ""]], binary, fmt="csv", sheet="tags")
    assert text.getvalue() == "tag,name,count\r\nA,x,\r\n"
    assert binary.getvalue() == "\ufefftag,name,count\r\nA,x,\r\n".encode()


@pytest.mark.parametrize(("column", "formula"), [("birth_date", "=DATE(1990,1,1)"), ("family_name", "=1+1")])
def test_an_xlsx_formula_without_a_saved_value_is_named(tmp_path: Path, column: str, formula: str) -> None:
    """openpyxl writes formulas without the value a spreadsheet program would save: read as empty, the
    birth date would be lost without a word."""
    from homecoming.io.persons import read_persons

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["family_name", "given_name", "birth_date"])
    sheet.append(["Тестенко", "Іван", "1990-01-01"])
    row = {"family_name": "Тестенко", "given_name": "Іван", "birth_date": "1990-01-01", column: formula}
    sheet.append([row["family_name"], row["given_name"], row["birth_date"]])
    path = tmp_path / "formula.xlsx"
    book.save(path)
    letter = "C" if column == "birth_date" else "A"
    with pytest.raises(ImportFileError) as caught:
        read_persons(path)
    assert str(caught.value).startswith(
        f"formula.xlsx: row 3, column {letter} ({column}): a formula without a saved value; save the file "
        "in a spreadsheet program (which saves each formula's value) or type the value; nothing was imported"
    )
    assert caught.value.problems[0].row == 3 and caught.value.problems[0].value == formula


def test_an_xlsx_formula_with_a_saved_value_reads_the_value(tmp_path: Path) -> None:
    """A formula whose value a spreadsheet saved (written here into the sheet XML) reads as that value."""
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["family_name", "given_name", "birth_date"])
    sheet.append(["Тестенко", "Іван", '=CONCAT("1990","-01-01")'])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(saved, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                assert "</f><v /></c>" in text
                data = (
                    text.replace("</f><v /></c>", "</f><v>1990-01-01</v></c>")
                    .replace('<c r="C2"', '<c r="C2" t="str"')
                    .encode()
                )
            dst.writestr(info, data)
    from homecoming.io.persons import read_persons

    rows = read_persons(saved)
    assert str(rows[0].birth_date) == "1990-01-01"
