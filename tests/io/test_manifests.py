"""Manifest files: published columns, all-or-nothing reading with every bad row named, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from homecoming.errors import ImportFileError
from homecoming.io.manifests import COLUMN_NAMES, COLUMNS, read_manifest, schema_markdown, write_manifest

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats" / "manifests.md"
HEADER = "line_no,category,container_number,claimed_name,claimed_birth_date,outcome\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def test_the_schema_doc_is_generated_from_the_code() -> None:
    assert schema_markdown() in DOC.read_text(encoding="utf-8")
    assert len(schema_markdown().splitlines()) == len(COLUMNS) + 2


def test_a_clean_file_reads_every_line() -> None:
    rows = read_manifest(
        "m.csv",
        _csv("1,bodies,BAG-1,,,transferred", "2,bodies,BAG-2,PETRENKO Ivan,1990-05,"),
        categories={"bodies"},
    )
    assert [(r.line_no, r.container_number, r.outcome) for r in rows] == [
        (1, "BAG-1", "transferred"),
        (2, "BAG-2", "pending"),
    ]
    assert rows[1].claimed_birth_date == "1990-05"


def test_duplicate_bag_unknown_category_and_bad_date_import_nothing_and_name_each_row() -> None:
    data = _csv(
        "1,bodies,BAG-1,,,transferred",
        "2,bodies,bag-1,,,transferred",
        "3,wounded,BAG-3,,,",
        "4,bodies,BAG-4,X,31.02.1990,",
        "5,bodies,BAG-5,,,lost",
    )
    with pytest.raises(ImportFileError) as info:
        read_manifest("m.csv", data, categories={"bodies"})
    found = {(p.row, p.field) for p in info.value.problems}
    assert found == {(3, "container_number"), (4, "category"), (5, "claimed_birth_date"), (6, "outcome")}
    assert "4 bad rows (3, 4, 5, 6); nothing was imported" in info.value.message
    dup = next(p for p in info.value.problems if p.field == "container_number")
    assert "duplicates the bag number of row 2" in dup.message and dup.value == "bag-1"
    cat = next(p for p in info.value.problems if p.field == "category")
    assert cat.value == "wounded" and "use one of: bodies" in cat.hint


def test_a_row_naming_neither_remains_nor_a_person_is_refused() -> None:
    with pytest.raises(ImportFileError) as info:
        read_manifest("m.csv", _csv("1,bodies,,,,"))
    assert (
        info.value.problems[0].row == 2 and "neither remains nor a person" in info.value.problems[0].message
    )


def test_an_unknown_column_or_missing_category_column_is_named_in_the_header() -> None:
    with pytest.raises(ImportFileError) as info:
        read_manifest("m.csv", b"line_no,colour\n1,red\n")
    fields = {p.field for p in info.value.problems}
    assert fields == {"colour", "header"}
    assert all(p.row == 1 for p in info.value.problems)


def test_empty_file_and_unknown_extension() -> None:
    with pytest.raises(ImportFileError, match="is empty"):
        read_manifest("m.csv", b"")
    with pytest.raises(ImportFileError, match="unknown extension"):
        read_manifest("m.pdf", b"x")
    with pytest.raises(ImportFileError, match="header but no rows"):
        read_manifest("m.csv", HEADER.encode())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_written_files_read_back(fmt: str) -> None:
    rows = [
        {
            "line_no": 1,
            "category": "bodies",
            "container_number": "BAG-1",
            "outcome": "transferred",
            "claimed_affiliation": "Armed Forces; unit 1",
        },
        {"line_no": 2, "category": "wounded_sick", "claimed_name": "SYNTHETIC Name", "consent": "given"},
    ]
    data = write_manifest(rows, fmt=fmt)  # type: ignore[arg-type]
    back = read_manifest(f"m.{fmt}", data, categories={"bodies", "wounded_sick"})
    expected = [
        {**dict.fromkeys(COLUMN_NAMES, ""), "consent": "not_required", "outcome": "pending", **r}
        for r in rows
    ]
    assert [r.as_dict() for r in back] == expected
