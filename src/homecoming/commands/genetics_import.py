"""``homecoming genetics import``: a laboratory file's profiles into the database, whole or not at all."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from homecoming.commands import support


def import_lab_file_command(
    file: Path = typer.Argument(..., help="the laboratory file: CMF 3.2 XML, genotype table, Familias .fam"),
    format: str = typer.Option(
        None, "--format", help="cmf, table or fam (default: told by the file's name and content)"
    ),
    batch: str = typer.Option(
        None, "--batch", help="intake batch reference (IB-…): every post-mortem sample must belong to it"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="check and compare; write nothing"),
    again: str = typer.Option(
        "", "--again", help="import a file imported before once more, on purpose: the reason (audited)"
    ),
    actor: str = typer.Option(None, "--as", help="the user doing the import (for the audit trail)"),
) -> None:
    """Import a laboratory file: every problem of the file and against the database is listed and nothing
    is written, or every profile is (on its sample, reference sample or as an elimination profile).

    New post-mortem profiles are compared with the elimination profiles and with every other
    post-mortem profile. A file imported before (the same bytes) is refused with exit code 3.
    """
    support.setup_django()
    from homecoming.app.genetics.importing import import_lab_file

    support.run(lambda: support.existing(file))
    user = support.run(lambda: support.user(actor))
    data = file.read_bytes()
    with support.progress() as bar:
        task = bar.add_task(f"importing {file.name}", total=None)

        def advance(stage: str, n: int) -> None:
            bar.update(task, description=f"{file.name}: {stage}", advance=n)

        report = support.run(
            lambda: import_lab_file(
                actor=user,
                data=data,
                name=file.name,
                format=format,
                batch=batch,
                dry_run=dry_run,
                again_reason=again,
                progress=advance,
            )
        )
    table = Table(
        title=f"{escape(file.name)} ({report.format})" + (" — dry run, nothing written" if dry_run else "")
    )
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, n in report.counts.items():
        table.add_row(name.replace("_", " "), str(n))
    support.out.print(table)
    support.out.print(f"allele frequencies: {escape(report.frequency_table)}")
    if not report.dry_run:
        support.out.print(f"imported as {report.lab_file}")
