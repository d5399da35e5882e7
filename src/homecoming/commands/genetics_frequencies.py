"""``homecoming genetics frequencies import FILE``: store an allele-frequency table (and put it in force).

Typer-compatible functions; ``homecoming.cli`` registers them. Django is set up when the command runs
(:mod:`homecoming.commands.support`), so this module stays free of Django imports.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from homecoming.commands import support


def frequencies_import_command(
    file: Path = typer.Argument(
        ..., help="a CSV (marker,allele,frequency), a Familias text database or a EuroForMix table"
    ),
    name: str = typer.Option(..., "--name", help="the table's name"),
    population: str = typer.Option(..., "--population", help="the population it describes"),
    source: str = typer.Option(..., "--source", help="publication or laboratory it comes from"),
    sample_size: int = typer.Option(None, "--sample-size", help="persons typed (N), for the 5/2N rule"),
    rule: str = typer.Option(
        "five_over_2n", "--minimum-rule", help="minimum frequency rule: none, five_over_2n or fixed"
    ),
    minimum: float = typer.Option(None, "--minimum-frequency", help="the value of the fixed rule"),
    layout: str = typer.Option(None, "--layout", help="long, familias or euroformix (default: detected)"),
    normalise: bool = typer.Option(
        False, "--normalise", help="divide each marker by its sum instead of refusing sums other than 1"
    ),
    activate: bool = typer.Option(False, "--activate", help="put the new table in force at once"),
    reason: str = typer.Option("", "--reason", help="why it is put in force (with --activate)"),
    actor: str = typer.Option(None, "--as", help="the user doing the import (for the audit trail)"),
) -> None:
    """Import a frequency table: every bad row is listed and nothing stored, or the whole table is.

    The same frequencies imported before (in any layout, under any name) are refused with exit code 3.
    """
    support.setup_django()
    from homecoming.app.genetics.frequencies import import_table

    support.run(lambda: support.existing(file))
    user = support.run(lambda: support.user(actor))
    text = file.read_text(encoding="utf-8-sig")
    table = support.run(
        lambda: import_table(
            actor=user,
            text=text,
            name=name,
            population=population,
            source=source,
            file_name=file.name,
            sample_size=sample_size,
            minimum_rule=rule,
            minimum_frequency=minimum,
            layout=layout,
            normalise=normalise,
            activate_reason=reason if activate else None,
        )
    )
    alleles = sum(len(a) for a in table.markers.values())
    state = "in force" if activate else "not in force"
    support.out.print(
        f"{table.reference} {escape(table.name)}: {len(table.markers)} markers, {alleles} alleles, "
        f"{table.file_layout} layout, sha256 {table.sha256[:16]}…; {state}"
    )
