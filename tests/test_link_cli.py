"""``homecoming link`` end to end on small lists, and its refusals of bad input (nothing written)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.io.link_lists import read_link_list, unmix_word

HEADER = "record_id,given_name,patronymic,surname,sex,dob,place_of_birth,service_number,unit\n"
LIST_A = HEADER + (
    "A1,Олександр,Петрович,Шевченко,M,1990-05-17,Полтава,1234567890,в/ч А4009\n"
    "A2,Іван,Петрович,Шевченко,M,1990-05-17,Полтава,,\n"  # his twin
    "A3,Микола,Іванович,Бондаренко,M,1985-01-02,,,\n"
)
LIST_B = HEADER + (
    "B1,Александр,Петрович,Шевченко,M,1990-05-17,Полтава,1234567890,в/ч А4009\n"
    "B2,OLEKSANDR,,SHEVCHENKO,M,1990-05-17,Poltava,1234567890,military unit A4009\n"
    "B3,Николай,Иванович,Бондаренко,M,1985-01-02,,,\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def clusters(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["record_id", "cluster_id"]
    return dict((r[0], r[1]) for r in rows[1:])


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    folder = tmp_path_factory.mktemp("link")
    a, b = write(folder, "a.csv", LIST_A), write(folder, "b.csv", LIST_B)
    out, model = folder / "clusters.csv", folder / "model.json"
    result = CliRunner().invoke(app, ["link", str(a), str(b), "--out", str(out), "--save-model", str(model)])
    assert result.exit_code == 0, result.stderr
    assert "linked 6 records of 2 lists" in result.stdout
    return a, b, out, model


def test_link_writes_one_row_per_record(linked: tuple[Path, Path, Path, Path]) -> None:
    _, _, out, _ = linked
    found = clusters(out)
    assert list(found) == ["A1", "A2", "A3", "B1", "B2", "B3"]
    assert found["A1"] == found["B1"] == found["B2"]
    assert found["A3"] == found["B3"]
    assert found["A2"] != found["A1"]  # the twin stays apart
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not a temporary file's 0600


def test_the_saved_model_has_provenance_and_links_again(linked: tuple[Path, Path, Path, Path]) -> None:
    a, b, out, model = linked
    saved = json.loads(model.read_text(encoding="utf-8"))
    provenance = saved["provenance"]
    assert set(provenance["inputs"]) == {"a.csv", "b.csv"}
    assert len(provenance["inputs"]["a.csv"]["sha256"]) == 64
    assert {"seed", "splink_version", "trained_at", "records_sha256"} <= set(provenance)
    again = out.parent / "again.csv"
    result = CliRunner().invoke(
        app, ["link", str(a), str(b), "--out", str(again), "--model", str(model), "--json"]
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["records"] == 6 and summary["lists"] == {"a.csv": 3, "b.csv": 3}
    assert clusters(again) == clusters(out)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER.replace("unit", "regiment") + "A1,Іван,,Бойко,M,,,,x\n", "regiment: is not a known column"),
        (HEADER + "A1,,,Бойко,M,,,,\n", "row 2, given_name: is required"),
        (HEADER + "A1,Іван,,Шевchenko,M,,,,\n", "mixes Latin and Cyrillic letters in the word 'Шевchenko'"),
        (HEADER + "A1,Іван,,Бойко,M,2025-02-30,,,\n", "row 2, birth_date: is not a real date"),
        (HEADER, "has a header but no rows"),
        (HEADER + "A1,Іван,,Бойко,M,,,,\nA1,Петро,,Бойко,M,,,,\n", "record ids repeat"),
        (HEADER + "A1,Іван,,Бойко,X,,,,\n", "row 2, sex: is not an allowed value"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(tmp_path: Path, text: str, message: str) -> None:
    bad = write(tmp_path, "bad.csv", text)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["link", str(bad), "--out", str(out)])
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert "bad.csv" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no temporary file left either


def test_other_refusals(tmp_path: Path) -> None:
    good = write(tmp_path, "a.csv", LIST_A)
    runner = CliRunner()
    result = runner.invoke(app, ["link", str(good), "--out", str(tmp_path / "o.csv"), "--threshold", "1.2"])
    assert result.exit_code == 2 and "--threshold: must be a probability" in result.stderr
    result = runner.invoke(app, ["link", str(good), "--out", str(tmp_path / "nowhere" / "o.csv")])
    assert result.exit_code == 2 and "--out: the folder" in result.stderr
    not_model = write(tmp_path, "m.json", '{"link_type": "dedupe_only"}')
    result = runner.invoke(
        app, ["link", str(good), "--out", str(tmp_path / "o.csv"), "--model", str(not_model)]
    )
    assert result.exit_code == 2 and "not a Homecoming linkage model" in result.stderr
    result = runner.invoke(app, ["link", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert not (tmp_path / "o.csv").exists()


def test_lists_in_the_published_columns_are_read_too(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "persons.csv",
        "external_id,family_name,given_name,sex,birth_date\nUA-1,Шевченко,Тарас,male,1990\n,Бойко,Іван,,\n",
    )
    rows = read_link_list(path).rows
    assert [r.record_id for r in rows] == ["UA-1", "persons.csv:3"]
    assert rows[0].person.sex == "male" and str(rows[0].person.birth_date) == "1990"


def test_lookalike_letters_are_read_in_the_words_alphabet(tmp_path: Path) -> None:
    assert unmix_word("Сидорoвський") == "Сидоровський"  # Latin o
    assert unmix_word("KOСТИН") == "КОСТИН"  # Latin K and O
    assert unmix_word("Petrо") == "Petro"  # Cyrillic о
    assert unmix_word("Шевchenko") == "Шевchenko"  # n is no lookalike: left for the check to refuse
    path = write(tmp_path, "a.csv", HEADER + "A1,Іван,,Сидорoвський,M,,,,\n")
    listed = read_link_list(path)
    assert listed.rows[0].person.family_name == "Сидоровський"
    assert listed.lookalikes == 1
