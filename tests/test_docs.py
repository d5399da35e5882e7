"""Documentation that cannot drift: settings, error codes, the CLI reference and the data model.

(docs/formats/persons.md is checked in tests/io/test_persons_io.py.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import homecoming
from homecoming.cli import app

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(homecoming.__file__).resolve().parent
DOCS = ROOT / "docs"


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _variables() -> set[str]:
    """Every environment variable Homecoming reads: HOMECOMING_* literals anywhere, DATABASE_URL."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found |= set(re.findall(r"""["'](HOMECOMING_[A-Z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    settings = (SRC / "app" / "settings.py").read_text(encoding="utf-8")
    found |= set(re.findall(r"""os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""", settings))
    return found


def test_every_setting_is_documented() -> None:
    variables = _variables()
    expected = {"DATABASE_URL", "HOMECOMING_SECRET_KEY", "HOMECOMING_DEBUG", "HOMECOMING_LOGIN_FAILURE_LIMIT"}
    assert expected <= variables, "the scan of the sources found too little"
    text = doc("settings.md")
    missing = sorted(v for v in variables if f"`{v}`" not in text)
    assert not missing, f"docs/settings.md does not describe {', '.join(missing)}: add a row for each"


def test_the_settings_docstring_and_the_settings_page_agree() -> None:
    from homecoming.app import settings

    documented = set(re.findall(r"``((?:HOMECOMING_|DATABASE_)[A-Z_]+)``", settings.__doc__ or ""))
    assert documented, "settings.py lost its table of variables"
    text = doc("settings.md")
    assert not sorted(v for v in documented if f"`{v}`" not in text)


def _error_codes() -> set[str]:
    codes = set(re.findall(r'^\s+code = "([a-z_]+)"', (SRC / "errors.py").read_text(encoding="utf-8"), re.M))
    codes |= set(re.findall(r'_shape\(\s*"([a-z_]+)"', (SRC / "app" / "api.py").read_text(encoding="utf-8")))
    return codes


def test_every_error_code_is_documented() -> None:
    codes = _error_codes()
    assert {"not_found", "edit_conflict", "validation_failed", "not_authenticated"} <= codes
    text = doc("api.md")
    missing = sorted(c for c in codes if f"`{c}`" not in text)
    assert not missing, f"docs/api.md does not explain the error code(s) {', '.join(missing)}"


def test_the_cli_reference_is_current() -> None:
    from homecoming.clidocs import render

    assert (DOCS / "cli.md").read_text(encoding="utf-8") == render(app), (
        "docs/cli.md is out of date: run `make docs` (homecoming docs-cli > docs/cli.md) and commit it"
    )


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import click

    found = [path]
    if hasattr(command, "list_commands"):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                found += _commands(sub, (*path, name))
    return found


def test_every_command_has_a_section_in_the_cli_reference() -> None:
    import typer

    commands = _commands(typer.main.get_command(app))
    assert ("import", "persons") in commands and ("audit", "verify") in commands
    text = doc("cli.md")
    missing = [" ".join(c) for c in commands if f"## `{' '.join(('homecoming', *c))}`" not in text]
    assert not missing, f"docs/cli.md has no section for: {', '.join(missing)} (see homecoming/clidocs.py)"


def test_the_cli_reference_shows_the_real_program_name() -> None:
    text = doc("cli.md")
    assert "Usage: homecoming" in text and "Usage: root" not in text


def test_docs_cli_prints_the_reference() -> None:
    result = CliRunner().invoke(app, ["docs-cli"])
    assert result.exit_code == 0
    assert result.output.startswith("# Command-line reference")


@pytest.mark.django_db
def test_the_data_model_page_names_every_model_and_insert_only_table() -> None:
    from django.apps import apps
    from django.db import connection

    text = doc("data-model.md")
    # every installed Homecoming app, so that a new one is checked as soon as it is in INSTALLED_APPS
    homecoming_apps = [c for c in apps.get_app_configs() if c.name.startswith("homecoming.app.")]
    assert {"accounts", "audit", "registry"} <= {c.label for c in homecoming_apps}, "found too few apps"
    models = [m for c in homecoming_apps for m in c.get_models()]
    missing = sorted(m.__name__ for m in models if f"**{m.__name__}**" not in text)
    assert not missing, f"docs/data-model.md does not describe the model(s) {', '.join(missing)}"
    query = {
        "sqlite": "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE '%no_update'",
        "postgresql": "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND t.tgname LIKE '%insert_only'",
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(query)
        tables = {row[0] for row in cursor.fetchall()}
    ours = sorted(tables & {m._meta.db_table for m in models})
    assert "audit_auditrecord" in ours
    missing = [t for t in ours if f"`{t}`" not in text]
    assert not missing, f"docs/data-model.md does not list the insert-only table(s) {', '.join(missing)}"
