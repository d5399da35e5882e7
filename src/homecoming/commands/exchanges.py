"""Exchanges commands, Typer-compatible, for the lead to register:

* ``homecoming load-ledger [FILE]`` → :func:`load_ledger_command` (the example 2025 ledger by default);
* ``homecoming import manifest FILE --operation REF --from UA --to RU --stage executed [--dry-run]``
  → :func:`import_manifest_command`.

Each sets Django up (:mod:`homecoming.commands.support`), calls one service and prints one line; a
Homecoming error becomes one line on stderr and the error class's exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from homecoming.commands import support
from homecoming.errors import NotFound


def load_ledger_command(
    file: Path | None = typer.Argument(None, help="a ledger JSON file; default: the example 2025 ledger"),
    actor: str = typer.Option(None, "--as", help="the user doing the load (for the audit trail)"),
) -> None:
    """Load the example 2025 ledger (agreement, operations, sourced figures); loading twice adds nothing."""
    support.setup_django()
    from homecoming.app.exchanges.ledger_data import load_example_ledger

    def run() -> Any:
        if file is not None:
            support.existing(file)
        return load_example_ledger(support.user(actor), file=file)

    summary = support.run(run)
    skipped = f"; already there: {', '.join(summary.skipped)}" if summary.skipped else ""
    typer.echo(
        f"loaded {summary.agreements} agreements, {summary.operations} operations, "
        f"{summary.figures} figures, {summary.statements} statements{skipped}"
    )


def import_manifest_command(
    file: Path = typer.Argument(
        ..., help="CSV or XLSX in the published manifest columns (docs/formats/manifests.md)"
    ),
    operation: str = typer.Option(..., "--operation", help="reference of the operation, e.g. REM-2025-09-18"),
    sending: str = typer.Option(..., "--from", help="code of the sending party, e.g. RU"),
    receiving: str = typer.Option(..., "--to", help="code of the receiving party, e.g. UA"),
    stage: str = typer.Option("executed", "--stage", help="proposed | counter_proposal | agreed | executed"),
    reason: str = typer.Option("", "--reason", help="why the current version is superseded"),
    dry_run: bool = typer.Option(False, "--dry-run", help="check the file and report; write nothing"),
    actor: str = typer.Option(None, "--as", help="the user doing the import (for the audit trail)"),
    again: str = typer.Option(
        "", "--again", help="import a file imported before once more, on purpose: the reason (audited)"
    ),
) -> None:
    """Import a manifest version: every bad row is named and nothing is written, or all lines are.

    A file imported before (the same bytes, under any name) is refused with exit code 3.
    """
    support.setup_django()
    from homecoming.app.exchanges.manifests import import_manifest
    from homecoming.app.exchanges.models import Operation

    def run() -> dict[str, Any]:
        support.existing(file)
        op = Operation.objects.filter(reference=operation).first()
        if op is None:
            raise NotFound(
                f"no operation with reference {operation!r}",
                field="--operation",
                value=operation,
                hint="see the operations at /exchanges/",
            )
        return import_manifest(
            actor=support.user(actor),
            operation=op,
            sending=sending,
            receiving=receiving,
            stage=stage,
            name=file.name,
            data=file.read_bytes(),
            reason=reason,
            dry_run=dry_run,
            again=again,
        )

    result = support.run(run)
    if result["dry_run"]:
        typer.echo(f"{file.name}: {result['lines']} lines checked; nothing was imported (dry run)")
    else:
        typer.echo(
            f"{file.name}: imported {result['lines']} lines as version {result['version']} of "
            f"{operation} {sending.upper()} → {receiving.upper()}"
        )
