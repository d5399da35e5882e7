"""Intake manifests: the published columns, every bad row named, nothing returned from a bad file."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from homecoming.domain.partial_dates import AgeRange, PartialDate
from homecoming.errors import ImportFileError
from homecoming.io.intake import (
    COLUMN_NAMES,
    UnitKind,
    read_intake,
    row_values,
    schema_markdown,
    write_intake,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats" / "intake.md"

GOOD = (
    "bag_number,kind,part_of,seal_number,condition,apparent_sex,apparent_age,date_of_death,date_of_recovery,region\n"
    "C-1,commingled_container,,S-1,fragmented,,,,2024-05-17,Zaporizhzhia\n"
    "B-1,body,,S-2,decomposed,male,25-35,2024-03,17.05.2024,Donetsk\n"
    "P-1,body_part,C-1,,,,,,,\n"
)


def write(tmp_path: Path, text: str, name: str = "intake.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ImportFileError) as info:
        read_intake(path)
    assert "nothing was imported" in info.value.message
    return [str(p) for p in info.value.problems]


def test_a_clean_manifest_reads_into_typed_rows(tmp_path: Path) -> None:
    container, body, part = read_intake(write(tmp_path, GOOD))
    assert (container.row, body.row, part.row) == (2, 3, 4)
    assert container.kind is UnitKind.commingled_container and container.seal_number == "S-1"
    assert body.apparent_age == AgeRange(25, 35) and body.date_of_death == PartialDate(2024, 3)
    assert body.date_of_recovery == PartialDate(2024, 5, 17)
    assert part.part_of == "C-1" and part.condition.value == "unknown"


def test_duplicate_bag_unknown_kind_and_bad_date_are_each_named_by_row_and_column(tmp_path: Path) -> None:
    text = (
        "bag_number,kind,date_of_recovery,apparent_age\n"
        "A-1,body,2024-05-17,\n"
        "A-1,body,2024-05-18,\n"
        "A-2,skeleton,,\n"
        "A-3,body,2024-13-01,\n"
        "A-4,body,,40-30\n"
        ",body_part,,\n"
    )
    found = problems(write(tmp_path, text))
    assert (
        "row 3, bag_number: duplicates row 2 (got 'A-1'); each bag number may appear once; "
        "check the label" in found
    )
    assert any(p.startswith("row 4, kind: is not an allowed value (got 'skeleton')") for p in found)
    assert any(p.startswith("row 5, date_of_recovery: is not a real date") for p in found)
    assert any(p.startswith("row 6, apparent_age:") for p in found)
    assert any(p.startswith("row 7, bag_number: is required") for p in found)
    assert len(found) == 5


def test_part_of_must_name_a_container_in_the_file(tmp_path: Path) -> None:
    text = "bag_number,kind,part_of\nB-1,body,\nB-2,body,B-1\nB-3,body_part,Z-9\nB-4,body_part,B-4\n"
    found = problems(write(tmp_path, text))
    assert any(p.startswith("row 3, part_of: names a body, not a container") for p in found)
    assert any(p.startswith("row 4, part_of: names no bag_number in this file") for p in found)
    assert any(p.startswith("row 5, part_of: names the row's own bag") for p in found)


def test_header_problems_stop_before_the_rows(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "bag,kind,colour\nA,body,red\n"))
    assert any("bag: is not a known column" in p for p in found)
    assert any("required columns are missing: bag_number" in p for p in found)


def test_a_file_with_no_rows_or_an_unknown_extension_is_refused(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "bag_number,kind\n")) == [
        "file: has no rows (got 'intake.csv'); add one row per bag below the header"
    ]
    with pytest.raises(ImportFileError, match="unknown extension"):
        read_intake(write(tmp_path, GOOD, "intake.ods"))


def test_csv_and_xlsx_round_trip(tmp_path: Path) -> None:
    rows = read_intake(write(tmp_path, GOOD))
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"out.{fmt}"
        write_intake([row_values(r) for r in rows], out, fmt=fmt)  # type: ignore[arg-type]
        again = read_intake(out)
        assert [row_values(r) for r in again] == [row_values(r) for r in rows]
    book = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    assert [c.value for c in next(book.worksheets[0].iter_rows())] == list(COLUMN_NAMES)
    book.close()
    stream = io.StringIO()
    write_intake([row_values(rows[0])], stream, fmt="csv", extra=("reference",))
    assert stream.getvalue().splitlines()[0] == "reference," + ",".join(COLUMN_NAMES)


def test_the_published_format_document_contains_the_generated_column_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert schema_markdown() in text
    for name in COLUMN_NAMES:
        assert f"`{name}`" in text
