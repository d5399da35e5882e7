"""``homecoming import intake FILE``: register a whole intake batch of remains from a manifest.

Typer-compatible functions; ``homecoming.cli`` registers them. Django is set up when the command runs
(:mod:`homecoming.commands.support`), so this module stays free of Django imports.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from homecoming.commands import support


def _batch_data(
    operation: str | None,
    facility: str,
    handed_over_by: str,
    received_by: str,
    declared: int | None,
    counted: int | None,
    transport: str,
    vehicles: int | None,
    received_at: datetime | None,
) -> dict[str, Any]:
    from homecoming.app.exchanges.models import Operation
    from homecoming.errors import NotFound

    data: dict[str, Any] = {
        "receiving_facility": facility,
        "handed_over_by": handed_over_by,
        "received_by": received_by,
        "transport": transport,
        "vehicles": vehicles,
        "containers_declared": declared,
        "containers_counted": counted,
        "received_at": received_at,
    }
    if operation:
        op = Operation.objects.filter(reference=operation).first()
        if op is None:
            raise NotFound(
                f"no operation {operation}",
                field="--operation",
                value=operation,
                hint="give the operation's reference as shown on its page",
            )
        data["operation"] = op
    else:
        data["source"] = "recovery"
    return {k: v for k, v in data.items() if v not in (None, "")}


def import_intake_command(
    file: Path = typer.Argument(
        ..., help="CSV or XLSX in the published intake columns (docs/formats/intake.md)"
    ),
    batch: str = typer.Option(None, "--batch", help="add to this existing batch (IB-YYYY-NNNNNN-CC)"),
    operation: str = typer.Option(
        None, "--operation", help="new batch: the operation it came from (reference)"
    ),
    facility: str = typer.Option("", "--facility", help="new batch: the receiving facility"),
    handed_over_by: str = typer.Option("", "--handed-over-by", help="new batch: who hands over (signs)"),
    received_by: str = typer.Option("", "--received-by", help="new batch: who receives (signs)"),
    declared: int = typer.Option(None, "--declared", help="new batch: containers declared by the sender"),
    counted: int = typer.Option(None, "--counted", help="new batch: containers counted on receipt"),
    transport: str = typer.Option("convoy", "--transport", help="new batch: convoy, train or other"),
    vehicles: int = typer.Option(None, "--vehicles", help="new batch: vehicles or wagons"),
    received_at: datetime = typer.Option(None, "--received-at", help="new batch: when (default: now)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="check the file (and the batch); write nothing"),
    actor: str = typer.Option(None, "--as", help="the user doing the import (for the audit trail)"),
    again: str = typer.Option(
        "", "--again", help="import a file imported before once more, on purpose: the reason (audited)"
    ),
) -> None:
    """Register an intake batch from a manifest: every bad row is reported and nothing written, or all are.

    A file imported before (the same bytes, under any name) is refused with exit code 3.
    """

    support.setup_django()
    from homecoming.app.remains.importing import import_intake
    from homecoming.app.remains.services import get_batch

    support.run(lambda: support.existing(file))
    user = support.run(lambda: support.user(actor))
    target = support.run(lambda: get_batch(batch)) if batch else None
    data = (
        None
        if target
        else support.run(
            lambda: _batch_data(
                operation,
                facility,
                handed_over_by,
                received_by,
                declared,
                counted,
                transport,
                vehicles,
                received_at,
            )
        )
    )
    with support.progress() as bar:
        task = bar.add_task(f"registering {file.name}", total=None)
        report = support.run(
            lambda: import_intake(
                actor=user,
                path=file,
                batch=target,
                batch_data=data,
                dry_run=dry_run,
                progress=lambda n: bar.advance(task, n),
                again=again,
            )
        )
    verb = "would register" if report.dry_run else "registered"
    support.out.print(
        f"{escape(file.name)}: {report.rows} rows checked; {verb} {report.units} units in {report.batch}"
    )
