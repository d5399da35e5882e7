"""An XLSX with a cell at column XFD must not make every row 16,384 cells (issue 10 review)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from homecoming.errors import ImportFileError
from homecoming.io.tables import Limits, read_records
from hostile_files import rewrite_sheet


def _far_right(rows: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["given_name", "family_name", "sex"])
    for n in range(2, rows + 2):
        sheet.cell(row=n, column=1, value=f"Name{n}")
        sheet.cell(row=n, column=16384, value="x")  # column XFD
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_declared_dimension_beyond_the_column_limit_is_refused() -> None:
    data = _far_right(200)
    with pytest.raises(ImportFileError) as caught:
        list(read_records(("wide.xlsx", data), Limits(max_cols=100)))
    message = str(caught.value)
    assert message.startswith("wide.xlsx: ")
    assert "16384 columns" in message and "limit of 100 columns" in message
    assert "HOMECOMING_IMPORT_MAX_COLUMNS" in caught.value.hint


def test_without_a_dimension_rows_are_read_only_up_to_the_limit() -> None:
    data = rewrite_sheet(_far_right(200), lambda x: re.sub(rb"<dimension [^>]*/>", b"", x))
    rows = list(read_records(("wide.xlsx", data), Limits(max_cols=100)))
    assert len(rows) == 201
    assert max(len(r) for r in rows) == 3  # the cell at XFD is not read
    assert rows[1][0] == "Name2"


def test_without_a_dimension_a_value_just_past_the_limit_is_refused() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["a", "b"])
    sheet.cell(row=2, column=101, value="x")
    out = io.BytesIO()
    book.save(out)
    data = rewrite_sheet(out.getvalue(), lambda x: re.sub(rb"<dimension [^>]*/>", b"", x))
    with pytest.raises(ImportFileError) as caught:
        list(read_records(("wide.xlsx", data), Limits(max_cols=100)))
    assert "row 2" in str(caught.value) and "column CW" in str(caught.value)
    assert "limit of 100 columns" in str(caught.value)
