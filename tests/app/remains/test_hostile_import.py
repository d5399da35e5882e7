"""Issue 10 items 10-11: an intake file against the database, and exports of bad values already stored."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from homecoming.app.remains import importing, services
from homecoming.app.remains.models import RemainsUnit
from homecoming.errors import ImportFileError, ValidationError

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("label", ["bag-1", " BAG-1 ", "ВАG-1"])
def test_a_bag_already_in_the_batch_in_another_case_or_script_refuses_the_file(
    tmp_path: Path, examiner: Any, batch: Any, bag: Any, label: str
) -> None:
    path = tmp_path / "more.csv"
    path.write_text(f"bag_number,kind\n{label},body\nNEW-1,body\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        importing.import_intake(actor=examiner, path=path, batch=batch)
    assert any(p.row == 2 and p.field == "bag_number" for p in caught.value.problems)
    assert caught.value.message.startswith("more.csv: ")
    assert RemainsUnit.objects.count() == 1


def test_a_scanned_label_in_another_case_is_the_same_bag(examiner: Any, batch: Any, bag: Any) -> None:
    with pytest.raises(ValidationError, match="already registered"):
        services.register_unit(actor=examiner, batch=batch, data={"bag_number": "bag-1", "kind": "body"})


def test_exports_survive_a_control_character_and_a_formula_already_stored(examiner: Any, batch: Any) -> None:
    services.register_unit(
        actor=examiner,
        batch=batch,
        data={"bag_number": "B-2", "kind": "body", "place": "=cmd|' /C calc'!A0", "notes": "bad\x07bell"},
    )
    c = client_for(examiner)
    response = c.get(f"/remains/batches/{batch.pk}/export.xlsx")
    assert response.status_code == 200
    cells = [
        cell for row in openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0] for cell in row
    ]
    assert all(cell.data_type != "f" for cell in cells)
    assert "=cmd|' /C calc'!A0" in [cell.value for cell in cells]
    assert "bad\ufffdbell" in [cell.value for cell in cells]
    text = c.get(f"/remains/batches/{batch.pk}/export.csv").content.decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text and "\x07" not in text


def malformed_xlsx() -> bytes:
    """An intake XLSX whose sheet XML breaks after the header (found only while the rows are read)."""
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["bag_number", "kind"], *[[f"B-{i}", "body"] for i in range(20)]]:
        sheet.append(row)
    good = io.BytesIO()
    book.save(good)
    out = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = content.replace(b"</sheetData>", b"<row r=<<<</sheetData>")
            dst.writestr(info, content)
    return out.getvalue()


def test_a_malformed_xlsx_on_the_batch_page_is_a_message_not_a_500(examiner: Any, batch: Any) -> None:
    upload = io.BytesIO(malformed_xlsx())
    upload.name = "broken.xlsx"
    response = client_for(examiner).post(f"/remains/batches/{batch.pk}/import/", {"file": upload})
    assert response.status_code == 422
    assert "the sheet is damaged" in response.content.decode()
    assert RemainsUnit.objects.count() == 0


def test_an_upload_beyond_the_size_limit_is_refused_before_it_is_read(
    examiner: Any, batch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOMECOMING_IMPORT_MAX_BYTES", "100")
    upload = io.BytesIO(b"bag_number,kind\n" + b"B-1,body\n" * 20)
    upload.name = "big.csv"
    response = client_for(examiner).post(f"/remains/batches/{batch.pk}/import/", {"file": upload})
    assert response.status_code == 422
    assert "big.csv: is 196 bytes, more than the limit of 100 bytes" in response.content.decode()
    assert RemainsUnit.objects.count() == 0
