"""Every importer imports a file once (issue 10, item 18): the same bytes again are refused and nothing
changes — from the command line and from the upload pages, on SQLite and (PostgreSQL pass) PostgreSQL.

What counts is the content: a renamed copy is the same file. A deliberate re-import needs ``--again``
with a reason, which the audit trail keeps. The register of imported files is insert-only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import translation
from typer.testing import CliRunner

from homecoming.app.audit.models import AuditRecord
from homecoming.app.exchanges.models import ManifestLine, ManifestVersion
from homecoming.app.registry.models import NameForm, Person, StatusAssertion
from homecoming.app.remains.models import IntakeBatch, RemainsUnit
from homecoming.cli import app

pytestmark = pytest.mark.django_db

PERSONS = (
    "external_id,family_name,given_name,patronymic,script,sex,birth_date,status,status_source_type\n"
    "T-1,Шевченко,Тарас,Григорович,cyrillic,male,1990-03-09,missing,family\n"
    "T-2,Коваленко,Олена,Петрівна,cyrillic,female,1995,,\n"
    "T-3,Мельник,Іван,,cyrillic,male,,captive,icrc\n"
)
INTAKE = (
    "bag_number,kind,part_of,seal_number\nC-1,commingled_container,,S-1\nB-1,body,,S-2\nP-1,body_part,C-1,\n"
)
MANIFEST = "category,container_number\nbodies,B1\nbodies,B2\n"
BATCH = ["--facility", "Facility North", "--handed-over-by", "Sender", "--received-by", "Morgue North"]
MANIFEST_ARGS = ["--operation", "REM-2025-09-18", "--from", "RU", "--to", "UA"]


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _persons() -> tuple[int, int, int]:
    return Person.objects.count(), NameForm.objects.count(), StatusAssertion.objects.count()


@pytest.fixture
def registrar(make_user: Callable[..., Any]) -> Any:
    return make_user("registrar", "registrar")


def test_the_same_person_list_twice_is_refused_and_nothing_doubles(tmp_path: Path, registrar: Any) -> None:
    path = _file(tmp_path, "list.csv", PERSONS)
    first = _run("import", "persons", str(path), "--as", "registrar")
    assert first.exit_code == 0, first.output
    counts = _persons()
    assert counts == (3, 3, 2)
    records = AuditRecord.objects.count()
    again = _run("import", "persons", str(path), "--as", "registrar")
    assert again.exit_code == 3, again.output
    assert "was imported on" in again.stderr and "by registrar: 3 persons" in again.stderr
    assert "nothing imported" in again.stderr and "--again" in again.stderr
    assert _persons() == counts and AuditRecord.objects.count() == records


def test_a_renamed_copy_and_a_dry_run_are_refused_too(tmp_path: Path, registrar: Any) -> None:
    assert _run("import", "persons", str(_file(tmp_path, "a.csv", PERSONS))).exit_code == 0
    copy = _file(tmp_path, "b-renamed.csv", PERSONS)
    renamed = _run("import", "persons", str(copy))
    assert renamed.exit_code == 3 and "(as a.csv)" in renamed.stderr, renamed.output
    dry = _run("import", "persons", str(copy), "--dry-run")
    assert dry.exit_code == 3 and "was imported on" in dry.stderr
    assert Person.objects.count() == 3


def test_the_same_rows_in_other_bytes_are_refused(tmp_path: Path, registrar: Any) -> None:
    """CRLF for LF, a BOM, or the list re-saved as XLSX: other bytes, the same persons — refused too."""
    assert (
        _run("import", "persons", str(_file(tmp_path, "a.csv", PERSONS)), "--as", "registrar").exit_code == 0
    )
    counts, records = _persons(), AuditRecord.objects.count()
    crlf = tmp_path / "a-crlf.csv"
    crlf.write_bytes(PERSONS.replace("\n", "\r\n").encode("utf-8"))
    bom = tmp_path / "a-bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + PERSONS.encode("utf-8"))
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in PERSONS.splitlines():
        sheet.append([cell or None for cell in line.split(",")])
    xlsx = tmp_path / "a-resaved.xlsx"
    book.save(xlsx)
    for copy in (crlf, bom, xlsx):
        result = _run("import", "persons", str(copy), "--as", "registrar")
        assert result.exit_code == 3, result.output
        assert "the same rows" in result.stderr and "(as a.csv)" in result.stderr
        assert "nothing imported" in result.stderr and "--again" in result.stderr
        dry = _run("import", "persons", str(copy), "--dry-run")
        assert dry.exit_code == 3, dry.output
    assert _persons() == counts and AuditRecord.objects.count() == records
    reason = "the first list was purged by decision 12"
    again = _run("import", "persons", str(crlf), "--again", reason)
    assert again.exit_code == 0
    # imported again on purpose, but its rows are registered persons (external ids recorded): none twice
    assert "3 already registered" in " ".join(again.output.split())
    assert Person.objects.count() == 3


def test_a_different_file_still_imports(tmp_path: Path, registrar: Any) -> None:
    assert _run("import", "persons", str(_file(tmp_path, "a.csv", PERSONS))).exit_code == 0
    other = PERSONS.replace("T-3,Мельник", "T-4,Мельник")
    assert _run("import", "persons", str(_file(tmp_path, "b.csv", other))).exit_code == 0
    # T-1 and T-2 were imported before (their external ids are recorded): only T-4 is new
    assert Person.objects.count() == 4


def test_again_with_a_reason_imports_once_more_and_the_trail_says_why(tmp_path: Path, registrar: Any) -> None:
    from homecoming.app.audit.models import ImportedFile

    path = _file(tmp_path, "list.csv", PERSONS)
    assert _run("import", "persons", str(path), "--as", "registrar").exit_code == 0
    reason = "first import was purged by decision 12"
    result = _run("import", "persons", str(path), "--as", "registrar", "--again", reason)
    assert result.exit_code == 0, result.output
    assert Person.objects.count() == 3  # its rows are registered persons (external ids recorded): none twice
    files = list(ImportedFile.objects.order_by("occurrence"))
    assert [(f.occurrence, f.again, f.rows, f.imported_by_name) for f in files] == [
        (1, "", 3, "registrar"),
        (2, reason, 3, "registrar"),
    ]
    assert files[0].sha256 == files[1].sha256 and files[0].size == len(PERSONS.encode())
    last = files[1].audit_record
    assert last.action == "import_file" and last.after["sha256"] == files[1].sha256
    assert last.after["again"] == reason and reason in last.reason
    third = _run("import", "persons", str(path))
    assert third.exit_code == 3 and Person.objects.count() == 3


def test_the_register_is_insert_only(tmp_path: Path, registrar: Any) -> None:
    from homecoming.app.audit.models import ImportedFile

    assert _run("import", "persons", str(_file(tmp_path, "a.csv", PERSONS))).exit_code == 0
    for change in (
        lambda: ImportedFile.objects.update(sha256="0" * 64),
        lambda: ImportedFile.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
            change()
    assert ImportedFile.objects.count() == 1


def test_the_same_intake_manifest_twice_is_refused_and_makes_no_second_batch(
    tmp_path: Path, make_user: Callable[..., Any]
) -> None:
    make_user("forensic_examiner", "examiner")
    path = _file(tmp_path, "intake.csv", INTAKE)
    first = _run("import", "intake", str(path), *BATCH, "--as", "examiner")
    assert first.exit_code == 0, first.output
    again = _run("import", "intake", str(path), *BATCH, "--as", "examiner")
    assert again.exit_code == 3, again.output
    batch = IntakeBatch.objects.get()
    assert f"by examiner: 3 units into {batch.reference}" in again.stderr
    assert RemainsUnit.objects.count() == 3


def test_the_same_exchange_manifest_twice_is_refused_even_with_a_reason(tmp_path: Path) -> None:
    assert _run("load-ledger").exit_code == 0
    path = _file(tmp_path, "m.csv", MANIFEST)
    assert _run("import", "manifest", str(path), *MANIFEST_ARGS).exit_code == 0
    again = _run("import", "manifest", str(path), *MANIFEST_ARGS, "--reason", "sent again")
    assert again.exit_code == 3, again.output
    assert "2 manifest lines into REM-2025-09-18 RU → UA v1" in again.stderr
    assert (ManifestVersion.objects.count(), ManifestLine.objects.count()) == (1, 2)


def test_the_intake_upload_page_refuses_a_file_already_imported_into_another_batch(
    make_user: Callable[..., Any],
) -> None:
    from homecoming.app.remains import services

    examiner = make_user("forensic_examiner", "examiner")
    data = {"source": "recovery", "receiving_facility": "F", "handed_over_by": "S", "received_by": "M"}
    one, two = (services.create_batch(actor=examiner, data=data) for _ in range(2))
    client = Client()
    client.force_login(examiner)

    def upload(batch: Any) -> Any:
        return client.post(
            f"/remains/batches/{batch.pk}/import/",
            {"file": SimpleUploadedFile("intake.csv", INTAKE.encode())},
        )

    assert upload(one).status_code == 302
    page = upload(two)
    assert page.status_code == 409
    text = page.content.decode()
    assert "was imported on" in text and "by examiner: 3 rows" in text and "nothing imported" in text
    assert (one.units.count(), two.units.count()) == (3, 0)


def test_the_manifest_upload_page_refuses_the_same_file_again(make_user: Callable[..., Any]) -> None:
    from homecoming.app.exchanges.ledger_data import load_example_ledger
    from homecoming.app.exchanges.models import Operation

    coordinator = make_user("exchange_coordinator", "coordinator")
    load_example_ledger(coordinator)
    op = Operation.objects.get(reference="REM-2025-09-18")
    client = Client()
    client.force_login(coordinator)

    def upload(reason: str) -> Any:
        return client.post(
            f"/exchanges/operations/{op.pk}/manifests/import/",
            {
                "sending": "RU",
                "receiving": "UA",
                "stage": "executed",
                "reason": reason,
                "file": SimpleUploadedFile("m.csv", MANIFEST.encode()),
            },
        )

    assert upload("").status_code == 302
    page = upload("sent again")
    assert page.status_code == 200
    text = page.content.decode()
    assert "was imported on" in text and "by coordinator: 2 rows" in text
    assert (ManifestVersion.objects.count(), ManifestLine.objects.count()) == (1, 2)


def test_the_refusal_reads_in_ukrainian(make_user: Callable[..., Any]) -> None:
    from homecoming.app.remains import services

    examiner = make_user("forensic_examiner", "examiner")
    data = {"source": "recovery", "receiving_facility": "F", "handed_over_by": "S", "received_by": "M"}
    one, two = (services.create_batch(actor=examiner, data=data) for _ in range(2))
    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    client.force_login(examiner)
    try:
        for batch in (one, two):
            page = client.post(
                f"/remains/batches/{batch.pk}/import/",
                {"file": SimpleUploadedFile("intake.csv", INTAKE.encode())},
            )
    finally:
        translation.deactivate()  # the page activated Ukrainian for this thread; later tests expect English
    assert page.status_code == 409 and "вже імпортовано" in page.content.decode()
