"""The Typer-compatible commands the lead registers: load-ledger and import manifest.

Each test reads what the user reads: the one line on stdout on success, the error line(s) on stderr
(naming the field and the value) and the exit code, and checks what was (not) written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

from homecoming.app.exchanges.models import Agreement, ManifestLine, ManifestVersion, Operation
from homecoming.commands.exchanges import import_manifest_command, load_ledger_command

pytestmark = pytest.mark.django_db

LEDGER_REFERENCES = (
    "IST-2025-06, IST-2025-07, REM-2025-06-SUM, REM-2025-07-17, REM-2025-08-19, REM-2025-09-18"
)
IMPORT = ["import-manifest", "--operation", "REM-2025-09-18", "--from", "RU", "--to", "UA"]


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("load-ledger")(load_ledger_command)
    app.command("import-manifest")(import_manifest_command)
    return app


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(_app(), list(args))


def _said(result: Result, code: int, *, out: str = "", err: str = "") -> None:
    """Exit code, stdout and stderr exactly."""
    assert (result.exit_code, result.stdout, result.stderr) == (code, out, err), result.output


def _csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text("category,container_number\n" + text, encoding="utf-8")
    return path


def test_load_ledger_twice_says_what_it_loaded_then_what_was_already_there() -> None:
    _said(_invoke("load-ledger"), 0, out="loaded 2 agreements, 4 operations, 13 figures, 5 statements\n")
    _said(
        _invoke("load-ledger"),
        0,
        out="loaded 0 agreements, 0 operations, 0 figures, 0 statements; "
        f"already there: {LEDGER_REFERENCES}\n",
    )
    assert (Agreement.objects.count(), Operation.objects.count()) == (2, 4)


def test_load_ledger_names_a_missing_file_and_an_unknown_user(tmp_path: Path) -> None:
    missing = tmp_path / "ledger.json"
    _said(
        _invoke("load-ledger", str(missing)),
        2,
        err=f"error: file: {missing} does not exist (check the path)\n",
    )
    _said(
        _invoke("load-ledger", "--as", "ghost"),
        5,
        err="error: no user named 'ghost' (create one with 'homecoming createuser')\n",
    )
    assert not Agreement.objects.exists() and not Operation.objects.exists()


def test_import_manifest_names_every_bad_row_and_imports_nothing(tmp_path: Path) -> None:
    _invoke("load-ledger")
    bad = _csv(tmp_path, "bad.csv", "bodies,B1\nbodies,B1\nkids,B3\n")
    _said(
        _invoke(*IMPORT, str(bad)),
        2,
        err="error: bad.csv: 2 bad rows (3, 4); nothing was imported\n"
        "  - row 3, container_number: duplicates the bag number of row 2 (got 'B1'); "
        "each bag or container number may appear once; correct the number\n"
        "  - row 4, category: is not a category of the agreement (got 'kids'); use one of: bodies\n",
    )
    assert not ManifestVersion.objects.exists()


def test_import_manifest_dry_run_then_import_say_what_was_done(tmp_path: Path) -> None:
    _invoke("load-ledger")
    good = _csv(tmp_path, "good.csv", "bodies,B1\nbodies,B2\n")
    _said(
        _invoke(*IMPORT, str(good), "--dry-run"),
        0,
        out="good.csv: 2 lines checked; nothing was imported (dry run)\n",
    )
    assert not ManifestVersion.objects.exists()
    _said(
        _invoke(*IMPORT, str(good)),
        0,
        out="good.csv: imported 2 lines as version 1 of REM-2025-09-18 RU → UA\n"
        "disagreement: REM-2025-09-18 RU → UA (bodies): KSHPPV (Ukraine) (counted by the receiver) reported "
        "1,000; the executed manifest (version 1) lists 0 delivered; the ledger counts 1,000 — the ledger "
        "keeps the figure until a person decides which evidence the total uses\n",
    )
    version = ManifestVersion.objects.get()
    assert (version.manifest.operation.reference, version.number, version.stage) == (
        "REM-2025-09-18",
        1,
        "executed",
    )
    assert list(ManifestLine.objects.order_by("line_no").values_list("line_no", "container_number")) == [
        (1, "B1"),
        (2, "B2"),
    ]


def test_import_manifest_names_a_missing_file_an_unknown_operation_party_or_stage(tmp_path: Path) -> None:
    _invoke("load-ledger")
    good = _csv(tmp_path, "good.csv", "bodies,B1\n")
    missing = tmp_path / "nope.csv"
    _said(_invoke(*IMPORT, str(missing)), 2, err=f"error: file: {missing} does not exist (check the path)\n")
    _said(
        _invoke("import-manifest", "--operation", "X", "--from", "RU", "--to", "UA", str(good)),
        5,
        err="error: no operation with reference 'X' (see the operations at /exchanges/)\n",
    )
    _said(
        _invoke("import-manifest", "--operation", "REM-2025-09-18", "--from", "XX", "--to", "UA", str(good)),
        5,
        err="error: no party with code 'XX' (known parties: RU, UA)\n",
    )
    _said(
        _invoke(*IMPORT, str(good), "--stage", "weird"),
        2,
        err="error: stage: is not a known stage (got 'weird'); "
        "use one of: proposed, counter_proposal, agreed, executed\n",
    )
    assert not ManifestVersion.objects.exists()
