"""The Typer-compatible commands the lead registers: load-ledger and import manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from homecoming.app.exchanges.models import ManifestVersion, Operation
from homecoming.commands.exchanges import import_manifest_command, load_ledger_command

pytestmark = pytest.mark.django_db


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("load-ledger")(load_ledger_command)
    app.command("import-manifest")(import_manifest_command)
    return app


def test_load_ledger_twice(db: None) -> None:
    runner = CliRunner()
    first = runner.invoke(_app(), ["load-ledger"])
    assert first.exit_code == 0, first.output
    assert "loaded 2 agreements, 4 operations, 13 figures" in first.output
    second = runner.invoke(_app(), ["load-ledger"])
    assert "loaded 0 agreements, 0 operations, 0 figures" in second.output and "IST-2025-06" in second.output
    assert Operation.objects.count() == 4


def test_import_manifest_dry_run_bad_rows_and_import(tmp_path: Path, db: None) -> None:
    runner = CliRunner()
    runner.invoke(_app(), ["load-ledger"])
    bad = tmp_path / "bad.csv"
    bad.write_text("category,container_number\nbodies,B1\nbodies,B1\nkids,B3\n", encoding="utf-8")
    args = ["import-manifest", "--operation", "REM-2025-09-18", "--from", "RU", "--to", "UA"]
    result = runner.invoke(_app(), [*args, str(bad)])
    assert result.exit_code == 2
    good = tmp_path / "good.csv"
    good.write_text("category,container_number\nbodies,B1\nbodies,B2\n", encoding="utf-8")
    dry = runner.invoke(_app(), [*args, str(good), "--dry-run"])
    assert dry.exit_code == 0 and "2 lines checked; nothing was imported" in dry.output
    assert ManifestVersion.objects.count() == 0
    done = runner.invoke(_app(), [*args, str(good)])
    assert done.exit_code == 0 and "imported 2 lines as version 1" in done.output
    missing = runner.invoke(_app(), [*args, str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2


def test_unknown_operation_exits_with_not_found(tmp_path: Path, db: None, capsys: Any) -> None:
    f = tmp_path / "m.csv"
    f.write_text("category,container_number\nbodies,B1\n", encoding="utf-8")
    result = CliRunner().invoke(
        _app(), ["import-manifest", "--operation", "X", "--from", "RU", "--to", "UA", str(f)]
    )
    assert result.exit_code == 5
