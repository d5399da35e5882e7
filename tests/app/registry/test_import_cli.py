"""`homecoming import persons` and `homecoming export persons` from the command line.

Row numbers are those a spreadsheet shows (io/persons.py): the header is row 1, the first person row 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from homecoming.app.audit.models import AuditRecord
from homecoming.app.registry.models import NameForm, Person
from homecoming.app.registry.search import Query, search_persons
from homecoming.cli import app
from homecoming.io.persons import read_persons, write_persons
from homecoming.linkage.names import romanize_uk

pytestmark = pytest.mark.django_db

FAMILY = [
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Мельник",
    "Савченко",
    "Лисенко",
    "Руденко",
    "Марченко",
    "Гончаренко",
    "Литвиненко",
    "Приходько",
    "Мороз",
    "Павленко",
    "Кузьменко",
    "Левченко",
    "Поліщук",
    "Сидоренко",
]
GIVEN = [
    "Олександр",
    "Андрій",
    "Сергій",
    "Володимир",
    "Дмитро",
    "Максим",
    "Іван",
    "Богдан",
    "Юрій",
    "Тарас",
    "Микола",
    "Віталій",
    "Василь",
    "Роман",
    "Олег",
    "Петро",
    "Артем",
    "Євген",
    "Ігор",
    "Назар",
]
FATHERS = ["Петрович", "Іванович", "Миколайович", "Васильович", "Олегович"]


def rows(n: int, *, bad_row: int | None = None) -> list[dict[str, object]]:
    """``n`` synthetic persons; the one on spreadsheet row ``bad_row`` has the birth date 1990-13-01."""
    out: list[dict[str, object]] = []
    for i in range(n):
        family, given = FAMILY[i % len(FAMILY)], GIVEN[(i // len(FAMILY)) % len(GIVEN)]
        out.append(
            {
                "external_id": f"T-{i:05d}",
                "family_name": family,
                "given_name": given,
                "patronymic": FATHERS[i % len(FATHERS)],
                "language": "uk",
                "family_name_latin": romanize_uk(family),
                "given_name_latin": romanize_uk(given),
                "sex": "male",
                "birth_date": f"{1970 + i % 35}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "citizenship": "UA",
                "power": "UA",
                "rank": "soldier",
                "unit": f"Unit {100 + i % 50}",
                "service_number": f"SN{i:07d}",
                "identity_document": f"ID{i:06d}",
            }
        )
    if bad_row is not None:
        out[bad_row - 2]["birth_date"] = "1990-13-01"
    return out


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def text(result: Any) -> str:
    """The output with Rich's line wrapping undone."""
    return " ".join(result.output.split())


def lines(result: Any) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "persons.csv"
    write_persons(rows(400), path, fmt="csv")
    return path


def test_one_bad_row_in_five_thousand_imports_nothing_and_names_row_column_and_reason(
    tmp_path: Path, registrar: Any
) -> None:
    path = tmp_path / "list-2718.csv"
    write_persons(rows(5000, bad_row=2718), path, fmt="csv")
    audited = AuditRecord.objects.count()
    result = invoke("import", "persons", str(path), "--as", registrar.username)
    assert result.exit_code == 2, result.output
    assert "list-2718.csv: 1 bad row; nothing was imported" in text(result)
    assert "row 2718" in text(result)
    assert "birth_date" in text(result)
    assert "1990-13-01" in text(result)
    assert "month must be between 1 and 12" in text(result)
    assert Person.objects.count() == 0
    assert AuditRecord.objects.count() == audited


def test_several_bad_rows_are_all_listed(tmp_path: Path) -> None:
    data = rows(50, bad_row=7)
    data[30]["sex"] = "m"
    data[40]["service_number"] = data[10]["service_number"]
    path = tmp_path / "three.csv"
    write_persons(data, path, fmt="csv")
    result = invoke("import", "persons", str(path))
    assert result.exit_code == 2
    assert "three.csv: 3 bad rows; nothing was imported" in text(result)
    assert "row 7, birth_date" in text(result)
    assert "row 32, sex: is not an allowed value (got 'm')" in text(result)
    assert "row 42, service_number: duplicates row 12" in text(result)
    assert Person.objects.count() == 0


def test_dry_run_reports_counts_and_writes_nothing(csv_file: Path) -> None:
    audited = AuditRecord.objects.count()
    result = invoke("import", "persons", str(csv_file), "--dry-run")
    assert result.exit_code == 0, result.output
    summary = "persons.csv: 400 rows checked; would import 400 persons, 800 name forms, 0 status claims"
    assert summary in text(result)
    assert Person.objects.count() == 0 and AuditRecord.objects.count() == audited


def test_a_good_file_imports_every_row_searchable_and_audited(csv_file: Path, registrar: Any) -> None:
    result = invoke("import", "persons", str(csv_file), "--as", registrar.username)
    assert result.exit_code == 0, result.output
    assert "persons.csv: 400 rows checked; imported 400 persons, 800 name forms" in text(result)
    assert Person.objects.count() == 400
    assert NameForm.objects.filter(kind="transliteration", script="latin").count() == 400
    by_number = {p.service_number: p for p in Person.objects.all()}
    for row in rows(400):
        person = by_number[str(row["service_number"])]
        latin = f"{row['family_name_latin']} {row['given_name_latin']}"
        assert person in search_persons(Query(text=latin), limit=500), latin
        assert person in search_persons(Query(text=f"{row['family_name']} {row['given_name']}"), limit=500)
        assert list(search_persons(Query(text=str(row["service_number"])))) == [person]
    imported = AuditRecord.objects.filter(action="import", object_type="registry.person")
    assert imported.count() == 400
    assert set(imported.values_list("object_id", flat=True)) == {str(p.pk) for p in by_number.values()}
    assert set(imported.values_list("actor_id", flat=True)) == {registrar.pk}
    assert AuditRecord.objects.filter(action="import_file", object_id="persons.csv").count() == 1
    verified = invoke("audit", "verify")
    assert verified.exit_code == 0
    assert f"audit chain intact: {AuditRecord.objects.count()} records verified" in text(verified)


def test_an_xlsx_file_imports_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "persons.xlsx"
    write_persons(rows(120), path, fmt="xlsx")
    result = invoke("import", "persons", str(path))
    assert result.exit_code == 0, result.output
    assert "persons.xlsx: 120 rows checked; imported 120 persons" in text(result)
    assert Person.objects.count() == 120
    assert list(search_persons(Query(text="Shevchenko Oleksandr"))) == list(
        Person.objects.filter(service_number="SN0000000")
    )


def test_a_bad_xlsx_row_is_named_too(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    write_persons(rows(30, bad_row=17), path, fmt="xlsx")
    result = invoke("import", "persons", str(path))
    assert result.exit_code == 2
    assert "row 17" in text(result) and "birth_date" in text(result)
    assert Person.objects.count() == 0


IDENTITY = (
    "family_name",
    "given_name",
    "patronymic",
    "family_name_latin",
    "given_name_latin",
    "sex",
    "birth_date",
    "citizenship",
    "power",
    "rank",
    "unit",
    "service_number",
    "identity_document",
)


def test_export_then_import_round_trips_names_and_identity_fields(csv_file: Path, tmp_path: Path) -> None:
    assert invoke("import", "persons", str(csv_file)).exit_code == 0
    out = tmp_path / "out.csv"
    result = invoke("export", "persons", str(out))
    assert result.exit_code == 0, result.output
    assert f"exported 400 persons to {out}" in text(result)
    original = {r.service_number: r for r in read_persons(csv_file)}
    exported = {r.service_number: r for r in read_persons(out)}
    assert exported.keys() == original.keys()
    for number, row in original.items():
        assert [row.values[f] for f in IDENTITY] == [exported[number].values[f] for f in IDENTITY], number
    again = invoke("import", "persons", str(out))
    assert again.exit_code == 0, again.output
    assert "imported 0 persons" in text(again)
    assert "400 already registered (unchanged, skipped); 0 registered but different" in text(again)
    assert Person.objects.count() == 400


def test_export_to_an_unknown_format_is_one_line(tmp_path: Path) -> None:
    result = invoke("export", "persons", str(tmp_path / "out.pdf"))
    assert result.exit_code == 2
    assert lines(result) == ["error: file: cannot tell the format of out.pdf (name the file .csv or .xlsx)"]


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    result = invoke("import", "persons", str(missing))
    assert result.exit_code == 2
    assert lines(result) == [f"error: file: {missing} does not exist (check the path)"]
