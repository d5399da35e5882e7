"""``homecoming screen``: screen every body against every family's missing persons (DVI case files).

Both inputs are DVI case files (``kind: "dvi"``): victims are read from ``--victims``, families (each
missing person of each family is one screening target, named ``family/missing``) from ``--families``;
pass the same file to both for one case. ``--dask ADDRESS`` builds the family tables and runs the kernel on
a Dask cluster's workers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from homecoming.commands import support
from homecoming.errors import HomecomingError

if TYPE_CHECKING:
    from homecoming.kinship import Locus, ReferenceFamily, ScreenResult


def screening_targets(path: Path) -> tuple[list[ReferenceFamily], list[Locus], float]:
    """One :class:`ReferenceFamily` per missing person of every family of a DVI case; loci; θ."""
    from homecoming.kinship import Profile, ReferenceFamily, read_dvi_case

    problem = read_dvi_case(path).problem
    targets = []
    for fam in problem.families:
        refs = tuple(
            Profile(node, prof.genotypes, dropout=prof.dropout) for node, prof in fam.references.items()
        )
        targets += [ReferenceFamily(f"{fam.name}/{m}", fam.pedigree, m, refs) for m in fam.missing]
    return targets, list(problem.loci), problem.theta


def _render(result: ScreenResult, console: Console) -> None:
    table = Table(title=f"{len(result.bodies)} bodies x {len(result.families)} missing persons")
    for col in ("body", "rank", "missing person", "LR", "log10 LR", "exclusions", "markers"):
        table.add_column(col, justify="right" if col not in ("body", "missing person") else "left")
    for body in result.bodies:
        rows = result.for_body(body)
        if not rows:
            table.add_row(body, "-", "no compatible family", "", "", "", "")
        for c in rows:
            table.add_row(
                body if c.rank == 1 else "",
                str(c.rank),
                c.family,
                support.number(c.lr),
                support.number(c.log10_lr, decimals=2),
                str(c.exclusions),
                str(c.markers),
            )
    console.print(table)
    if result.threshold is not None:
        console.print(f"{result.n_above_threshold} pairs with LR >= {result.threshold:g}")


def screen_command(
    victims: Path = typer.Option(..., "--victims", help="DVI case file with the victims (bodies)."),
    families: Path = typer.Option(..., "--families", help="DVI case file with the reference families."),
    top: int = typer.Option(10, "--top", help="Best families kept per body (and bodies per family)."),
    threshold: float | None = typer.Option(None, "--threshold", help="Count pairs with LR at or above this."),
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    dask: str | None = typer.Option(
        None, "--dask", help="Dask scheduler (tcp://host:8786): tables and screen run on its workers."
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        help="Processes that build the family tables (more than one block of families); default: all cores.",
    ),
) -> None:
    """Screen every body against every missing person of every family; exact LRs for the shortlist."""
    from homecoming.kinship import family_tables, jsonable, read_dvi_case, screen, screen_dask

    console = Console(stderr=True)
    try:
        targets, loci, theta = screening_targets(families)
        bodies = list(read_dvi_case(victims).problem.victims)
        with support.progress(console=console, transient=False, disable=json_output) as bar:
            build = bar.add_task("family tables", total=len(targets))
            tables = family_tables(
                targets,
                loci=loci,
                bodies=bodies,
                theta=theta,
                scheduler=dask,
                workers=workers or os.cpu_count() or 1,
                progress=lambda k, _n: bar.update(build, completed=k),
            )
            run = bar.add_task("screen", total=len(targets))
            if dask:
                result = screen_dask(
                    tables, bodies, scheduler=dask, top=top, top_bodies=top, threshold=threshold
                )
                bar.update(run, completed=len(targets))
            else:
                result = screen(
                    tables,
                    bodies,
                    top=top,
                    top_bodies=top,
                    threshold=threshold,
                    progress=lambda k, _n: bar.update(run, completed=k),
                )
    except HomecomingError as exc:
        support.fail_first_line(exc)
    if json_output:
        typer.echo(json.dumps(jsonable(result.as_dict()), indent=1, ensure_ascii=False))
        return
    _render(result, Console())
