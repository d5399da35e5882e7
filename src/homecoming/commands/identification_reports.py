"""``homecoming identification rederive REPORT``: recompute a comparison report from its stored inputs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from homecoming.commands import support

if TYPE_CHECKING:
    from homecoming.app.identification.rederive import Rederived


def rederive_command(
    report: str = typer.Argument(..., help="The comparison report's reference (CR-0000001) or id."),
    evidence: int | None = typer.Option(
        None, "--evidence", min=1, help="The evidence version (default: the report's current one)."
    ),
    all_rows: bool = typer.Option(
        False, "--all", help="List every number compared, not only those that differ."
    ),
    username: str | None = typer.Option(None, "--as", help="The user asking (audited)."),
) -> None:
    """Recompute every number of a report's evidence from its stored inputs (the frequency table, profiles,
    family and parameters it used) through the functions used at proposal, and compare each one bit for
    bit. Exit 0 when every number is identical, 1 when one differs (each named, stored and recomputed)."""
    support.setup_django()
    from homecoming.app.audit import services as audit
    from homecoming.app.identification.rederive import find_report, rederive

    def go() -> Rederived:
        actor = support.user(username)
        found = find_report(report)
        got = rederive(found, evidence)
        audit.record(
            actor=actor,
            action="rederive",
            obj=found,
            after={
                "evidence": got.evidence,
                "identical": got.identical,
                "differences": [d.name for d in got.differences],
            },
        )
        return got

    got = support.run(go)
    rows = got.compared if all_rows else got.differences
    n = len(got.compared)
    if rows:
        table = Table(title=f"{got.report}, evidence {got.evidence}")
        for col in ("number", "stored", "recomputed", ""):
            table.add_column(col, overflow="fold")
        for c in rows:
            table.add_row(c.name, c.stored, c.recomputed, "identical" if c.same else "DIFFERS")
        support.out.print(table)
    if got.identical:
        support.out.print(
            f"{got.report} evidence {got.evidence}: identical ({n} numbers recomputed)",
            markup=False,
        )
        return
    k = len(got.differences)
    support.out.print(
        f"{got.report} evidence {got.evidence}: DIFFERS ({k} of {n} numbers)",
        markup=False,
    )
    raise typer.Exit(1)
