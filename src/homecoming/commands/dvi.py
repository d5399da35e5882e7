"""``homecoming dvi CASE.json|FILE.fam``: pairwise LRs, exclusions, joint table and identification."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from homecoming.commands import support
from homecoming.errors import HomecomingError

if TYPE_CHECKING:
    from homecoming.kinship import DviCase

DEFAULT_LIMIT = 1_000_000
"""The engine's default limit, written out so that ``--help`` loads no engine (a test keeps them equal)."""


def _read(path: Path) -> DviCase:
    from homecoming.kinship import read_dvi_case, read_fam_case

    if path.suffix.lower() == ".fam":
        return read_fam_case(path)
    return read_dvi_case(path)


def dvi_command(
    case: Path,
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    limit: int = typer.Option(DEFAULT_LIMIT, "--limit", help="Most assignments enumerated per component."),
    threshold: float = typer.Option(1e4, "--threshold", help="LR needed for an undisputed match."),
    max_incompatible: int = typer.Option(
        2, "--max-incompatible", help="Exclude a pair with more inconsistent markers than this."
    ),
) -> None:
    """Identify the victims of a DVI case (JSON case file or Familias .fam): pairwise LRs, exclusions,
    joint table with flat-prior posteriors, the best assignment, and every victim's conclusion
    (identified, probable, inconclusive, no match, excluded) with the rule that gave it."""
    from homecoming.kinship import jsonable, run_dvi_case

    try:
        result = run_dvi_case(
            _read(case), limit=limit, threshold=threshold, max_incompatible=max_incompatible
        )
    except HomecomingError as exc:
        support.fail_first_line(exc)
    if json_output:
        typer.echo(json.dumps(jsonable(result), indent=1, ensure_ascii=False))
        return
    _render(result)


def _render(result: dict[str, Any]) -> None:
    console = Console()
    for note in result.get("notes", []):
        console.print(f"note: {note}", markup=False, highlight=False)
    pw = result["pairwise_lr"]
    ex = result["exclusion_matrix"]
    table = Table(title=f"{result['case']}: pairwise LR (inconsistent markers without mutation)")
    table.add_column("victim")
    for m in pw["cols"]:
        table.add_column(m, justify="right")
    for v, row, erow in zip(pw["rows"], pw["values"], ex["values"], strict=True):
        table.add_row(
            v,
            *[
                f"{support.number(x)} ({support.number(e)})" if x is not None else "-"
                for x, e in zip(row, erow, strict=True)
            ],
        )
    console.print(table)
    joint = result["joint"]
    n = result["n_assignments"]
    console.print(
        f"assignments: {n['size']:,} ({n['type']}); "
        f"loglik of the null: {support.number(result['loglik_null'])}"
    )
    if "skipped" in joint:
        console.print(f"joint table skipped: {joint['skipped']}")
    else:
        jt = Table(title=f"joint table (top {min(10, len(joint['rows']))} of {joint['n_assignments']:,})")
        for col in ("rank", "assignment", "loglik", "posterior"):
            jt.add_column(col, justify="right" if col != "assignment" else "left")
        for row in joint["rows"][:10]:
            pairs = ", ".join(f"{v}={m}" for v, m in row["pairs"]) or "(nobody identified)"
            jt.add_row(
                str(row["rank"]),
                pairs,
                support.number(row["loglik"]),
                support.number(row["posterior_flat_prior"]),
            )
        console.print(jt)
    ident = result["identification"]
    for comp in ident["components"]:
        if comp["best"]:
            pairs = ", ".join(f"{v}={m}" for v, m in comp["best"])
            post = comp["posterior_best"]
            extra = f", posterior {support.number(post)}" if post is not None else ""
            console.print(
                f"best assignment ({comp['method']}; not an identification): {pairs}{extra}"
                + (f" [{comp['note']}]" if comp["note"] else "")
            )
    _render_conclusions(console, result["conclusions"])


def _render_conclusions(console: Console, block: dict[str, Any]) -> None:
    """Every victim's conclusion with the rule that gave it: only 'identified' names an identity."""
    table = Table(title="conclusions (dviSolve's workflow; only 'identified' is an identification)")
    for col in ("victim", "conclusion", "missing person", "LR", "GLR", "rule"):
        table.add_column(col, justify="right" if col in ("LR", "GLR") else "left")
    for c in block["victims"]:
        who = c["missing"] or (f"(best: {c['best']})" if c["best"] else "")
        table.add_row(
            c["victim"],
            c["conclusion"].replace("_", " "),
            who,
            support.number(c["lr"]) if c["lr"] is not None else "-",
            support.number(c["glr"]) if c["glr"] is not None else "-",
            c["rule"],
        )
    console.print(table)
