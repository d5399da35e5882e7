import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from homecoming.domain.partial_dates import PartialDate
from homecoming.domain.status import PersonStatus, SourceType
from homecoming.errors import ImportFileError
from homecoming.io.persons import COLUMN_NAMES, COLUMNS, read_persons, schema_markdown, write_persons

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats" / "persons.md"

# synthetic persons only
GOOD = (
    "external_id,family_name,given_name,patronymic,sex,birth_date,citizenship,service_number,status,"
    "status_source_type,status_source_date\n"
    "A1,Шевченко,Олександр,Петрович,male,17.05.1990,ua,S-1,captive,icrc,2024-03-01\n"
    "A2,Kovalchuk,Olha,,female,1985,UA,,,,\n"
)


def write(tmp_path: Path, text: str, name: str = "persons.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ImportFileError) as info:
        read_persons(path)
    return [str(p) for p in info.value.problems]


def test_reads_a_clean_file_with_typed_fields(tmp_path: Path) -> None:
    rows = read_persons(write(tmp_path, GOOD))
    first, second = rows
    assert first.row == 2 and second.row == 3
    assert first.family_name == "Шевченко" and first.script == "cyrillic"
    assert first.birth_date == PartialDate(1990, 5, 17)
    assert first.citizenship == "UA"
    assert first.status is PersonStatus.captive and first.status_source_type is SourceType.icrc
    assert first.status_source_date == date(2024, 3, 1)
    assert second.script == "latin" and second.patronymic is None and second.birth_date == PartialDate(1985)
    assert second.values["sex"] == "female"
    assert first.values["birth_date"] == "1990-05-17" and first.values["citizenship"] == "UA"
    assert second.values["script"] == "latin"


def test_bom_and_semicolons(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace(",", ";"), encoding="utf-8-sig")
    assert [r.external_id for r in read_persons(path)] == ["A1", "A2"]


def test_every_row_problem_is_listed_with_row_and_column(tmp_path: Path) -> None:
    text = (
        "external_id,family_name,given_name,sex,birth_date,service_number,status,status_source_type\n"
        "B1,Petrenko,Ivan,male,1990-02-30,S-1,,\n"
        "B1,,Pavlo,m,1990,S-1,confirmed_dead,family\n"
        ",Pavlenko,Ivan,male,1990,,alive,\n"
    )
    with pytest.raises(ImportFileError) as info:
        read_persons(write(tmp_path, text))
    assert info.value.message == "persons.csv: 3 bad rows; nothing was imported"
    assert [str(p) for p in info.value.problems] == [
        "row 2, birth_date: is not a real date: day must be between 1 and 28 in 1990-02 (got '1990-02-30'); "
        "write the date as YYYY, YYYY-MM, YYYY-MM-DD, MM.YYYY, DD.MM.YYYY or DD/MM/YYYY",
        "row 3, family_name: is required (got ''); fill in the family_name",
        "row 3, external_id: duplicates row 2 (got 'B1'); each external_id may appear once in a file",
        "row 3, service_number: duplicates row 2 (got 'S-1'); each service_number may appear once in a file",
        "row 3, sex: is not an allowed value (got 'm'); use one of male, female, unknown",
        "row 3, status_source_type: confirmed_dead needs an official source (got 'family'); use one of "
        "court_decision, forensic_report, icrc, information_bureau_list, or status believed_dead",
        "row 4, status_source_type: is required when status is given (got ''); "
        "say where the status comes from: "
        "family | information_bureau_list | icrc | other_party_list | open_source | returnee_testimony | "
        "forensic_report | court_decision",
    ]


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as info:
        read_persons(write(tmp_path, "surname,given_name\nPetrenko,Ivan\n"))
    assert info.value.message == "persons.csv: the header row is wrong; nothing was imported"
    unknown, missing = (str(p) for p in info.value.problems)
    assert unknown.startswith(
        "row 1, surname: is not a known column (got 'surname'); known columns: external_id,"
    )
    assert missing == "row 1, header: required columns are missing: family_name; add them to the first row"


def test_too_long_value_and_bad_codes(tmp_path: Path) -> None:
    text = "family_name,given_name,citizenship,power,rank\nPetrenko,Ivan,UKR,XX," + "x" * 65 + "\n"
    fix = "use the two-letter code of a country, e.g. UA for Ukraine, PL for Poland"
    assert problems(write(tmp_path, text)) == [
        "row 2, rank: is longer than 64 characters (got '" + "x" * 40 + "…'); shorten it",
        f"row 2, citizenship: is not an ISO 3166-1 alpha-2 country code (got 'UKR'); {fix}",
        # two letters, but no country's: refused too
        f"row 2, power: is not an ISO 3166-1 alpha-2 country code (got 'XX'); {fix}",
    ]


def test_country_codes_are_read_in_any_case_and_stored_upper(tmp_path: Path) -> None:
    rows = read_persons(write(tmp_path, "family_name,given_name,citizenship,power\nPetrenko,Ivan,ua,Pl\n"))
    assert (rows[0].citizenship, rows[0].power) == ("UA", "PL")


def test_not_utf8_and_unknown_extension(tmp_path: Path) -> None:
    cp1251 = write(tmp_path, "family_name,given_name\nШевченко,Іван\n", encoding="cp1251")
    assert problems(cp1251)[0].startswith("file: is not UTF-8 text")
    with pytest.raises(ImportFileError, match=r"persons.ods: has an unknown extension '.ods'"):
        read_persons(write(tmp_path, "x", name="persons.ods"))


def test_max_problems_stops_early(tmp_path: Path) -> None:
    text = "family_name,given_name,sex\n" + "Petrenko,Ivan,x\n" * 50
    with pytest.raises(ImportFileError) as info:
        read_persons(write(tmp_path, text), max_problems=10)
    assert len(info.value.problems) == 11
    assert (
        str(info.value.problems[-1]) == "row 11, file: stopped after 10 problems; fix these and import again"
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trips(tmp_path: Path, fmt: str) -> None:
    rows = read_persons(write(tmp_path, GOOD))
    out = tmp_path / f"export.{fmt}"
    write_persons([r.values for r in rows], out, fmt=fmt)  # type: ignore[arg-type]
    again = read_persons(out)
    assert again == rows


def test_write_accepts_typed_values_and_streams(tmp_path: Path) -> None:
    record = {
        "family_name": "Petrenko",
        "given_name": "Ivan",
        "birth_date": PartialDate(1990, 5),
        "status": PersonStatus.missing,
        "status_source_type": SourceType.family,
        "status_source_date": date(2024, 1, 2),
        "unrelated": "ignored",
    }
    text = io.StringIO()
    write_persons([record], text, fmt="csv")
    header, line = text.getvalue().splitlines()
    assert header.split(",") == list(COLUMN_NAMES)
    assert ",1990-05," in line and ",missing,family,,2024-01-02," in line
    binary = io.BytesIO()
    write_persons([record], binary, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(binary.getvalue())).active
    assert sheet is not None
    column = list(COLUMN_NAMES).index("family_name") + 1
    assert sheet.cell(row=1, column=column).value == "family_name"
    assert sheet.cell(row=2, column=column).value == "Petrenko"


def test_reads_xlsx_dates_and_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["family_name", "given_name", "birth_date", "service_number"])
    sheet.append(["Petrenko", "Ivan", date(1990, 5, 17), 123456])
    path = tmp_path / "persons.xlsx"
    book.save(path)
    (row,) = read_persons(path)
    assert row.birth_date == PartialDate(1990, 5, 17) and row.service_number == "123456"


def test_hundred_thousand_rows_are_all_read_with_their_row_numbers(tmp_path: Path) -> None:
    """Size, not speed: speed is measured by benchmarks/registry.py, never asserted here."""
    lines = [f"X{i},Petrenko,Ivan,male,{1950 + i % 50}-05-17,S{i},missing,family" for i in range(100_000)]
    header = "external_id,family_name,given_name,sex,birth_date,service_number,status,status_source_type"
    path = write(tmp_path, header + "\n" + "\n".join(lines) + "\n")
    rows = read_persons(path)
    assert len(rows) == 100_000 and rows[-1].row == 100_001
    assert rows[-1].service_number == "S99999"


def test_docs_contain_the_generated_schema() -> None:
    assert schema_markdown() in DOC.read_text(encoding="utf-8")
    assert len(schema_markdown().splitlines()) == len(COLUMNS) + 2


HEADER = "family_name,given_name,patronymic,father_name\n"


def test_a_name_needs_a_letter_and_no_digit(tmp_path: Path) -> None:
    found = problems(write(tmp_path, HEADER + "12345,67890,,\nКоваленко976,Іван,,\nШевченко,Олег,-,Петро2\n"))
    assert [p.split("; ")[0] + "; " + p.split("; ")[1].split(" (got")[0] for p in found] == [
        "row 2, family_name: holds no letter; a name needs at least one",
        "row 2, given_name: holds no letter; a name needs at least one",
        "row 3, family_name: holds digits; names do not contain digits",
        "row 4, patronymic: holds no letter; a name needs at least one",
        "row 4, father_name: holds digits; names do not contain digits",
    ]
    assert "(got 'Коваленко976'); remove the digits" in found[2] and "(got '12345')" in found[0]


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u02bc"])
def test_apostrophes_and_hyphens_are_part_of_names(tmp_path: Path, apostrophe: str) -> None:
    name = f"Дем{apostrophe}ян"
    rows = read_persons(write(tmp_path, HEADER + f"Сем{apostrophe}юк-Smith,{name},,\n"))
    assert rows[0].given_name == name and rows[0].script == "cyrillic"
