"""The CLI's layout: --help loads no engine and no Django; commands share one support module; what the
user gave (a file name with brackets) is printed as given."""

from __future__ import annotations

import ast
import inspect
import json
import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import homecoming

COMMANDS = Path(homecoming.__file__).resolve().parent / "commands"
HEAVY = (
    "numba",
    "numpy",
    "scipy",
    "dask",
    "distributed",
    "django",
    "pandas",
    "homecoming.app",
    "homecoming.kinship",
)

# Runs in a fresh interpreter: every command path's --help, then which heavy modules each one loaded.
HELP_EVERYWHERE = """
import contextlib, io, json, sys
import typer
from homecoming.cli import app

heavy = tuple(sys.argv[1:])
def loaded():
    return sorted(m for m in sys.modules if m in heavy or m.startswith(tuple(h + "." for h in heavy)))

def walk(command, path):
    found = [path]
    if hasattr(command, "list_commands"):
        ctx = type(command).context_class(command)
        for name in command.list_commands(ctx):
            found += walk(command.get_command(ctx, name), [*path, name])
    return found

report = {}
for path in walk(typer.main.get_command(app), []):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        app([*path, "--help"], prog_name="homecoming")
    report[" ".join(["homecoming", *path, "--help"])] = loaded()
print(json.dumps(report))
"""


def test_help_loads_no_engine_no_django_and_no_numerics() -> None:
    run = subprocess.run(
        [sys.executable, "-c", HELP_EVERYWHERE, *HEAVY], capture_output=True, text=True, check=True
    )
    report = json.loads(run.stdout)
    assert {"homecoming --help", "homecoming dvi --help", "homecoming import intake --help"} <= set(report)
    heavy = {command: mods for command, mods in report.items() if mods}
    assert not heavy, f"import these inside the command body, not at the top of its module: {heavy}"


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_no_command_module_imports_the_cli() -> None:
    modules = sorted(COMMANDS.glob("*.py"))
    assert len(modules) > 5
    offenders = [p.name for p in modules if "homecoming.cli" in _imported(p)]
    assert offenders == [], "commands share homecoming.commands.support; only cli.py registers them"


def test_the_dvi_limit_written_in_the_cli_is_the_engines() -> None:
    from homecoming.commands.dvi import DEFAULT_LIMIT
    from homecoming.kinship import identify, run_dvi_case

    assert inspect.signature(run_dvi_case).parameters["limit"].default == DEFAULT_LIMIT
    assert inspect.signature(identify).parameters["limit"].default == DEFAULT_LIMIT


@pytest.mark.django_db  # the command checks the database is set up before it reads the file
def test_an_error_naming_a_file_with_brackets_prints_the_name_as_it_is(tmp_path: Path) -> None:
    """Brackets in a message are text, not Rich markup (``[raw]`` vanished, ``[/b]`` was a traceback)."""
    from typer.testing import CliRunner

    from homecoming.cli import app

    for name in ("list[raw].csv", "list[/b].csv"):
        missing = tmp_path / name
        result = CliRunner().invoke(app, ["import", "persons", str(missing)])
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == f"error: file: {missing} does not exist (check the path)\n"


@pytest.mark.django_db
def test_a_written_file_with_brackets_is_named_as_it_is(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from homecoming.cli import app

    out = tmp_path / "persons[raw].csv"
    result = CliRunner().invoke(app, ["export", "persons", str(out)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"exported 0 persons to {out}\n", "")


@pytest.mark.parametrize(
    ("value", "options", "shown"),
    [
        (1234.5678, {}, "1235"),
        (1.22251234e8, {"digits": 6}, "1.22251e+08"),
        (-4.076356, {"decimals": 2}, "-4.08"),
        (math.nan, {}, "NaN"),
        (math.inf, {"digits": 6}, "Inf"),
        (-math.inf, {"decimals": 2}, "-Inf"),
        (None, {}, "-"),
        (123456, {}, "123456"),  # counts are not rounded
    ],
)
def test_numbers_are_shown_alike_by_every_command(value: object, options: dict[str, int], shown: str) -> None:
    from homecoming.commands.support import number

    assert number(value, **options) == shown


def test_the_screen_table_spells_impossible_numbers_as_the_other_commands_do() -> None:
    """An LR of 0 (log10 -Inf) or 0/0 reads as in ``kinship`` and ``dvi`` (it read ``-inf``, ``nan``)."""
    from rich.console import Console

    from homecoming.commands.screen import _render
    from homecoming.kinship.screen import Candidate

    rows = {
        "V1": (
            Candidate("V1", "F1/M1", 0.0, -math.inf, 3, 15, 1),
            Candidate("V1", "F2/M2", math.nan, math.nan, 0, 15, 2),
        )
    }
    result = SimpleNamespace(
        bodies=["V1"], families=["F1/M1", "F2/M2"], for_body=rows.__getitem__, threshold=None
    )
    console = Console(record=True, width=120)
    _render(result, console)  # type: ignore[arg-type]
    lines = [
        line.split("│")[1:-1] for line in console.export_text().splitlines() if "F" in line and "│" in line
    ]
    assert [[cell.strip() for cell in line] for line in lines] == [
        ["V1", "1", "F1/M1", "0", "-Inf", "3", "15"],
        ["", "2", "F2/M2", "NaN", "NaN", "0", "15"],
    ]
