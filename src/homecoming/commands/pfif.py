"""``homecoming export pfif`` and ``homecoming import pfif``: persons and notes as PFIF 1.4 XML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from homecoming.commands import support
from homecoming.errors import InputError


def export_pfif_command(
    file: Path = typer.Argument(..., help="output file (.xml)"),
) -> None:
    """Export every person with its accepted status claims as PFIF 1.4 (what is not disclosed is left
    out: docs/formats/pfif.md)."""
    support.setup_django()
    from homecoming.app.registry.models import Person
    from homecoming.app.registry.pfif import export_records
    from homecoming.io.pfif import write_pfif

    records = []
    with support.progress() as bar:
        task = bar.add_task("exporting", total=Person.objects.filter(purged=False).count())
        for record in export_records():
            records.append(record)
            bar.advance(task)
    try:
        file.write_bytes(write_pfif(records))
    except OSError as exc:
        support.fail(
            InputError(
                f"file: cannot write {file} ({exc.strerror})",
                field="file",
                value=str(file),
                hint="check that the folder exists and is writable",
            )
        )
    notes = sum(len(r.notes) for r in records)
    support.out.print(
        f"exported {len(records)} persons and {notes} notes to {escape(str(file))}", highlight=False
    )


def import_pfif_command(
    file: Path = typer.Argument(
        ...,
        help="a PFIF 1.4 XML document (docs/formats/pfif.md), or a signed bundle of list pfif (a folder or "
        ".zip from `lists sign --list pfif`): verified first, refused whole if it does not verify",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="check the file and report; write nothing"),
    actor: str = typer.Option(None, "--as", help="the user doing the import (for the audit trail)"),
) -> None:
    """Import PFIF 1.4 persons and notes: every problem is named (record, field, value, fix) and nothing
    is written, or every new record is. Records already here (by their ids) are not created again."""
    support.setup_django()
    from homecoming.app.registry.pfif import import_pfif
    from homecoming.app.signed_lists import import_pfif_bundle, is_bundle
    from homecoming.io.tables import check_size

    support.run(lambda: support.existing(file))
    user = support.run(lambda: support.user(actor))
    bundled = is_bundle(file)
    if not bundled:
        support.run(lambda: check_size(file.name, file.stat().st_size))
    with support.progress() as bar:
        task = bar.add_task(f"importing {file.name}", total=None)

        def work() -> Any:
            if bundled:
                return import_pfif_bundle(
                    actor=user, path=file, dry_run=dry_run, progress=lambda n: bar.advance(task, n)
                )
            return import_pfif(
                actor=user,
                data=file.read_bytes(),
                name=file.name,
                dry_run=dry_run,
                progress=lambda n: bar.advance(task, n),
            )

        report = support.run(work)
    verb = "would import" if report.dry_run else "imported"
    support.out.print(
        f"{escape(file.name)}: {report.persons} persons and {report.notes} notes read; {verb} "
        f"{report.new_persons} new persons and {report.new_claims} status claims (submitted for review); "
        f"{report.known_persons} persons and {report.known_notes} notes were here already; "
        f"{report.notes_without_status} notes without a status not kept",
        highlight=False,
    )
