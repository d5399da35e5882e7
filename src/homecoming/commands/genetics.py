"""``homecoming genetics read FILE``: what a DNA laboratory's file holds, read only (nothing is written)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from homecoming.commands import support
from homecoming.errors import HomecomingError


def read_command(
    file: Path,
    format: str | None = typer.Option(
        None, "--format", help="cmf, table or fam (default: recognised from the content)."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print the profiles and problems as JSON."),
) -> None:
    """Read a lab file (CODIS CMF 3.2 XML, GeneMapper-style genotype table, Familias .fam) and print every
    profile and every problem; writes nothing. The exit code is 2 when the file has problems."""
    from homecoming.kinship.formats.lab_read import lab_file_dict, read_lab_file

    try:
        data = support.existing(file).read_bytes()
    except HomecomingError as exc:
        support.fail_first_line(exc)
    result = lab_file_dict(read_lab_file(data, name=file.name, format=format), name=file.name)
    if json_output:
        typer.echo(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        _render(result, Console(soft_wrap=True))
    if result["problems"]:
        raise typer.Exit(2)


def _render(result: dict[str, Any], console: Console) -> None:
    console.print(f"{result['file']}: {result['format']}, {len(result['profiles'])} profile(s)", markup=False)
    for note in result["notes"]:
        console.print(f"note: {note}", markup=False, highlight=False)
    for p in result["profiles"]:
        flags = f" [{', '.join(p['flags'])}]" if p["flags"] else ""
        title = (
            f"{p['specimen']} (replicate {p['replicate']}): {p['category'] or '-'} "
            f"({p['category_written'] or '-'}), kit {p['kit'] or '-'}, {p['method']}{flags}"
        )
        table = Table(title=escape(title), title_justify="left")
        for column in ("locus", "written as", "alleles as written", "used", "flags"):
            table.add_column(column)
        for lc in p["loci"]:
            cells = (lc["locus"], lc["written_name"], ", ".join(lc["written"]), "/".join(lc["used"]) or "-")
            table.add_row(*(escape(c) for c in cells), ", ".join(lc["flags"]))
        console.print(table)
        if p["excluded_reason"]:
            console.print(f"excluded: {p['excluded_reason']}", markup=False)
    if result["problems"]:
        table = Table(title=f"{len(result['problems'])} problem(s)", title_justify="left")
        for column in ("row", "field", "problem", "value", "how to fix"):
            table.add_column(column)
        for pr in result["problems"]:
            value = "" if pr["value"] is None else str(pr["value"])
            cells = (str(pr["row"] or ""), pr["field"], pr["message"], value, pr["hint"])
            table.add_row(*(escape(c) for c in cells))
        console.print(table)
    else:
        console.print("no problems")
