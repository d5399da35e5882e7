"""``homecoming genetics read``: every profile and problem, as a table or JSON; exit 2 on problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from homecoming.cli import app

DATA = Path(__file__).parent / "data"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["genetics", "read", *args], env={"COLUMNS": "300"})
    return result.exit_code, result.output


def test_reads_a_cmf_file_as_tables() -> None:
    code, out = run(str(DATA / "cmf" / "homecoming_family.xml"))
    assert code == 0, out
    assert "homecoming_family.xml: cmf, 3 profile(s)" in out
    assert (
        "REF-0001-M (replicate 1): mother (Biological Mother), kit GlobalFiler, autosomal_str [partial]"
        in out
    )
    assert "THO1" in out and "off_ladder" in out and "<17/22" in out and "no problems" in out


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (
            "osiris_CODIS-32.AppendixAexample.xml",
            "IMP_0001B (replicate 1): unidentified_person (Forensic, Unknown)",
        ),
        ("smartrank_Codis-Single-Profile.xml", "ABCD1234NL#01 (replicate 1): unidentified_person"),
        ("smartrank_Codis-Mix-Profile-With-BOM-Header.xml", "amelogenin_unread"),
    ],
)
def test_the_example_files_of_osiris_and_smartrank_are_read(name: str, shown: str) -> None:
    code, out = run(str(DATA / "cmf" / name))
    assert code == 0, out
    assert shown in out and "no problems" in out


def test_problems_give_exit_code_2_and_are_listed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    text = (DATA / "cmf" / "osiris_CODIS-32.AppendixAexample.xml").read_text()
    bad.write_text(text.replace("Forensic, Unknown", "Convicted Offender"))
    code, out = run(str(bad))
    assert code == 2
    assert (
        "2 problem(s)" in out
        and "specimen IMP_0001B, SPECIMENCATEGORY" in out
        and "use one of: Unidentified" in out
    )


def test_json_output(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("Sample Name,Allele 1\nA,8\n")
    code, out = run(str(table), "--json")
    assert code == 2
    doc = json.loads(out)
    assert doc["format"] == "table" and doc["ok"] is False and doc["profiles"] == []
    assert doc["problems"][0]["field"] == "Marker" and doc["problems"][0]["row"] == 1


def test_format_option_and_missing_file(tmp_path: Path) -> None:
    code, out = run(str(DATA / "tables" / "reference_table.csv"), "--format", "table", "--json")
    assert code == 0 and [p["specimen"] for p in json.loads(out)["profiles"]] == ["MOTHER-17", "BROTHER-17"]
    code, out = run(str(tmp_path / "nope.xml"))
    assert code == 2 and "does not exist" in out
