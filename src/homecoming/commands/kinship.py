"""``homecoming kinship CASE.json``: run a kinship case file and show the per-marker LRs."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from homecoming.commands import support
from homecoming.errors import HomecomingError

_number = partial(support.number, digits=6)  # six significant digits (the DVI tables show four)


def kinship_command(
    case: Path, json_output: bool = typer.Option(False, "--json", help="Print the result as JSON.")
) -> None:
    """Compute the likelihood ratio of a kinship case file (per marker and total)."""
    from homecoming.kinship import jsonable, run_kinship_case

    try:
        result = run_kinship_case(case)
    except HomecomingError as exc:
        support.fail_first_line(exc)
    if json_output:
        typer.echo(json.dumps(jsonable(result), indent=1, ensure_ascii=False))
        return
    hyps = list(result["loglik_total"])
    table = Table(title=f"{result['case']}: {result['numerator']} vs {result['denominator']}")
    table.add_column("marker")
    table.add_column("LR", justify="right")
    for h in hyps:
        table.add_column(f"loglik {h}", justify="right")
    for row in result["per_marker"]:
        table.add_row(row["marker"], _number(row["lr"]), *[_number(row["loglik"][h]) for h in hyps])
    table.add_row(
        "total",
        _number(result["lr_total"]),
        *[_number(result["loglik_total"][h]) for h in hyps],
        style="bold",
    )
    console = Console()
    console.print(table)
    log10 = result["log10_lr_total"]
    console.print(
        f"LR = {_number(result['lr_total'])}  (log10 LR = {_number(log10)}; "
        f"{result['n_markers']} markers, {result['n_markers_lr_zero']} with LR 0)"
    )
