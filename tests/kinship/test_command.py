"""The ``homecoming kinship CASE.json`` command (wrapped in a local Typer app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from homecoming.commands.kinship import kinship_command
from shared_data import KINSHIP_CASES

CASE = KINSHIP_CASES / "kin-004-parent-child-true.json"


def app() -> typer.Typer:
    a = typer.Typer()
    a.command()(kinship_command)
    return a


def test_json_output() -> None:
    result = CliRunner().invoke(app(), [str(CASE), "--json"])
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    want = json.loads(CASE.read_text())["expected"]
    assert out["lr_total"] == pytest.approx(want["lr_total"], rel=1e-9)


def test_table_output() -> None:
    result = CliRunner().invoke(app(), [str(CASE)])
    assert result.exit_code == 0 and "D3S1358" in result.stdout and "total" in result.stdout


def test_bad_file_one_line_and_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    result = CliRunner().invoke(app(), [str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
