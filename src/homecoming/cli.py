"""The ``homecoming`` command line.

Each command parses its arguments, calls one service or core function and renders the result with
Rich. Errors of the ``homecoming.errors`` tree become one line on stderr and the error's exit code.
Commands that need the database set up Django themselves; the numerical ones (``kinship``) do not.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from homecoming.commands.dvi import dvi_command
from homecoming.commands.exchanges import import_manifest_command, load_ledger_command
from homecoming.commands.kinship import kinship_command
from homecoming.commands.remains import import_intake_command
from homecoming.commands.screen import screen_command
from homecoming.errors import HomecomingError

app = typer.Typer(
    help="Homecoming: the missing, prisoners of war and the dead of war.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
import_app = typer.Typer(
    help="Import files (atomic: a file imports whole or not at all).", no_args_is_help=True
)
export_app = typer.Typer(help="Export data as files.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(token_app, name="token")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")


def _django(debug: bool | None = None) -> None:
    if debug is not None:
        os.environ["HOMECOMING_DEBUG"] = "1" if debug else "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.app.settings")
    import django

    django.setup()
    from homecoming.app.audit.context import new_request_id

    new_request_id("cli-")


def _run(fn: Callable[[], T]) -> T:
    """Run ``fn``; turn a Homecoming error (or a configuration error) into one line and an exit code."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return fn()
    except HomecomingError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits
    except ImproperlyConfigured as exc:
        err.print(f"[bold red]configuration error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _fail(exc: HomecomingError) -> None:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def _setup(debug: bool | None = None) -> None:
    _run(lambda: _django(debug))


def _user(username: str | None) -> Any:
    from homecoming.app.accounts.models import User
    from homecoming.errors import NotFound

    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(
            f"no user named {username!r}",
            field="--as",
            value=username,
            hint="create one with 'homecoming createuser'",
        )
    return user


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (and the role groups)."""
    _setup()
    from django.core.management import call_command

    _run(lambda: call_command("migrate", interactive=False, verbosity=1))


@app.command()
def createuser(
    username: str,
    role: str = typer.Option(
        ...,
        "--role",
        help="registrar, exchange_coordinator, forensic_examiner, dna_analyst, "
        "identification_reviewer, family_liaison, auditor, admin",
    ),
    email: str = typer.Option("", "--email"),
    password: str = typer.Option(
        None,
        "--password",
        envvar="HOMECOMING_PASSWORD",
        help="the password (or set HOMECOMING_PASSWORD); asked for when absent",
    ),
) -> None:
    """Create a user with one role."""
    _setup()
    from homecoming.app.accounts import services

    role_value = _run(lambda: services.parse_role(role))
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _run(
        lambda: services.create_user(username=username, password=password, role=role_value, email=email)
    )
    out.print(f"created {user.username} ({role_value.value})")


@token_app.command("create")
def token_create(username: str, name: str = typer.Option("cli", "--name")) -> None:
    """Issue an API token for a user (shown once)."""
    _setup()
    from homecoming.app.accounts.services import issue_token

    user = _run(lambda: _user(username))
    token = issue_token(actor=None, user=user, name=name)
    out.print(token)


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the audit chain; name the first broken record (exit 7) or say it is intact."""
    _setup()
    from homecoming.app.audit import services
    from homecoming.app.audit.models import AuditRecord
    from homecoming.errors import IntegrityError

    total = AuditRecord.objects.count()
    with _progress() as bar:
        task = bar.add_task("verifying", total=total)
        report = services.verify(progress=lambda n: bar.update(task, completed=n))
        bar.update(task, completed=report.checked)
    if not report.ok:
        _fail(
            IntegrityError(
                f"audit chain broken at record #{report.first_broken_seq} (id {report.first_broken_id}): "
                f"{report.problem}; {report.checked - 1} records before it are intact",
                field="seq",
                value=report.first_broken_seq,
                hint="investigate who changed the database",
            )
        )
    out.print(f"audit chain intact: {report.checked} records verified")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@import_app.command("persons")
def import_persons(
    file: Path = typer.Argument(..., help="CSV or XLSX in the published person-list columns (docs/formats)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="check the file and report; write nothing"),
    actor: str = typer.Option(None, "--as", help="the user doing the import (for the audit trail)"),
) -> None:
    """Import a person list: every bad row is reported and nothing is written, or all rows are."""
    _setup()
    from homecoming.app.registry.importing import import_persons as run
    from homecoming.errors import InputError

    if not file.exists():
        _fail(
            InputError(f"file: {file} does not exist", field="file", value=str(file), hint="check the path")
        )
    user = _run(lambda: _user(actor))
    with _progress() as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        report = _run(
            lambda: run(actor=user, path=file, dry_run=dry_run, progress=lambda n: bar.advance(task, n))
        )
    verb = "would import" if report.dry_run else "imported"
    out.print(
        f"{file.name}: {report.rows} rows checked; {verb} {report.persons} persons, "
        f"{report.name_forms} name forms, {report.assertions} status claims (submitted for review)"
    )


@export_app.command("persons")
def export_persons(
    file: Path = typer.Argument(..., help="output file; .csv or .xlsx"),
) -> None:
    """Export all persons in the published person-list columns."""
    _setup()
    from homecoming.app.registry.importing import export_rows
    from homecoming.errors import InputError
    from homecoming.io.persons import write_persons

    fmt = file.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        _fail(
            InputError(
                f"file: cannot tell the format of {file.name}",
                field="file",
                value=str(file),
                hint="name the file .csv or .xlsx",
            )
        )
    count = 0

    def counted() -> Any:
        nonlocal count
        for row in export_rows():
            count += 1
            yield row

    try:
        write_persons(counted(), file, fmt=fmt)  # type: ignore[arg-type]
    except OSError as exc:
        _fail(
            InputError(
                f"file: cannot write {file} ({exc.strerror})",
                field="file",
                value=str(file),
                hint="check that the folder exists and is writable",
            )
        )
    out.print(f"exported {count} persons to {file}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    threads: int = typer.Option(8, "--threads"),
) -> None:
    """Serve the web app and the API (waitress)."""
    _setup()
    from waitress import serve as waitress_serve

    from homecoming.app.wsgi import application

    out.print(f"Homecoming serving at http://{host}:{port}/  (Ctrl-C stops)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="homecoming")


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    persons: int = typer.Option(1000, "--persons", help="how many synthetic persons"),
    fresh: bool = typer.Option(False, "--fresh", help="rebuild the demo database from scratch"),
    no_serve: bool = typer.Option(False, "--no-serve", help="build the database and stop"),
    seed: int = typer.Option(2025, "--seed"),
) -> None:
    """Build a demo database with synthetic persons and serve it (DEBUG on: demo only)."""
    data_dir = Path(os.environ.get("HOMECOMING_DATA_DIR", "var/demo"))
    if fresh and data_dir.exists():
        for f in data_dir.glob("homecoming.sqlite3*"):
            f.unlink()
    os.environ["HOMECOMING_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("HOMECOMING_SECURE_COOKIES", "0")
    _setup(debug=True)
    from django.core.management import call_command

    from homecoming.app.demo import DEMO_PASSWORD, build_demo

    call_command("migrate", interactive=False, verbosity=0)
    with _progress() as bar:
        task = bar.add_task("building demo data", total=persons)
        created = build_demo(persons=persons, seed=seed, progress=lambda n: bar.advance(task, n))
    if created:
        out.print(f"demo database built in {data_dir}: {created} synthetic persons")
    else:
        out.print(f"demo database in {data_dir} already exists (use --fresh to rebuild)")
    out.print(
        f"\n[bold]Open http://{host}:{port}/[/]  log in as [bold]registrar[/] "
        f"(or reviewer, auditor, liaison, coordinator, admin) with password [bold]{DEMO_PASSWORD}[/]\n"
    )
    if not no_serve:
        serve(host=host, port=port, threads=8)


app.command("kinship")(kinship_command)
app.command("dvi")(dvi_command)
app.command("screen")(screen_command)
app.command("load-ledger")(load_ledger_command)
import_app.command("manifest")(import_manifest_command)
import_app.command("intake")(import_intake_command)


@app.command("docs-cli", hidden=True)
def docs_cli() -> None:
    """Print the CLI reference (docs/cli.md) generated from --help."""
    from homecoming.clidocs import render

    sys.stdout.write(render(app))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
