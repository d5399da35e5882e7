"""``homecoming import persons`` and ``homecoming export persons``: person lists as CSV or XLSX files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from homecoming.commands import support
from homecoming.errors import InputError


def import_persons_command(
    file: Path = typer.Argument(
        ...,
        help="CSV or XLSX in the published person-list columns (docs/formats), or a signed bundle (a folder "
        "or .zip from `lists sign`): verified first, refused whole if it does not verify",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="check the file and report; write nothing"),
    actor: str = typer.Option(None, "--as", help="the user doing the import (for the audit trail)"),
    again: str = typer.Option(
        "", "--again", help="import a file imported before once more, on purpose: the reason (audited)"
    ),
) -> None:
    """Import a person list: every bad row is reported and nothing is written, or all rows are.

    Rows that are registered persons (by reference, an external id recorded before, or the same name,
    birth date and service number) are never created again: unchanged ones are skipped and counted,
    differing ones are listed as conflicts and nothing is written for them. A file imported before (the
    same bytes, under any name) is refused with exit code 3.
    """
    support.setup_django()
    from homecoming.app.registry.importing import import_persons
    from homecoming.app.signed_lists import import_persons_bundle, is_bundle

    support.run(lambda: support.existing(file))
    user = support.run(lambda: support.user(actor))
    with support.progress() as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        report = support.run(
            lambda: (import_persons_bundle if is_bundle(file) else import_persons)(
                actor=user,
                path=file,
                dry_run=dry_run,
                progress=lambda n: bar.advance(task, n),
                again=again,
            )
        )
    verb = "would import" if report.dry_run else "imported"
    support.out.print(
        f"{escape(file.name)}: {report.rows} rows checked; {verb} {report.persons} persons, "
        f"{report.name_forms} name forms, {report.assertions} status claims (submitted for review); "
        f"{len(report.unchanged)} already registered (unchanged, skipped); "
        f"{len(report.conflicts)} registered but different (conflicts: nothing written for them)"
    )
    for conflict in report.conflicts:
        support.out.print(f"  conflict: {escape(str(conflict))}")


def export_persons_command(
    file: Path = typer.Argument(..., help="output file; .csv or .xlsx"),
) -> None:
    """Export all persons in the published person-list columns, with their references and accepted
    statuses: importing the file again creates no one."""
    support.setup_django()
    from homecoming.app.registry.importing import export_rows
    from homecoming.io.persons import write_persons

    fmt = file.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        support.fail(
            InputError(
                f"file: cannot tell the format of {file.name}",
                field="file",
                value=str(file),
                hint="name the file .csv or .xlsx",
            )
        )
    count = 0

    def counted() -> Iterator[Any]:
        nonlocal count
        for row in export_rows():
            count += 1
            yield row

    try:
        write_persons(counted(), file, fmt=fmt)  # type: ignore[arg-type]
    except OSError as exc:
        support.fail(
            InputError(
                f"file: cannot write {file} ({exc.strerror})",
                field="file",
                value=str(file),
                hint="check that the folder exists and is writable",
            )
        )
    support.out.print(f"exported {count} persons to {escape(str(file))}")
