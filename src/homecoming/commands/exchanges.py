"""Exchanges commands, Typer-compatible, for the lead to register:

* ``homecoming load-ledger [FILE]`` → :func:`load_ledger_command` (the example 2025 ledger by default);
* ``homecoming import manifest FILE --operation REF --from UA --to RU --stage executed [--dry-run]``
  → :func:`import_manifest_command` (after an import, a line ``disagreement: ...`` for every count where
  the executed manifest and the reported figure now disagree: the ledger keeps the figure);
* ``homecoming ledger show AGREEMENT`` → :func:`ledger_show_command`: the totals each way, and every
  disagreement between a manifest and a figure with the state of its decision;
* ``homecoming ledger decide --operation REF --to UA --use manifest|figure --reason TEXT``
  → :func:`ledger_decide_command`; ``homecoming ledger review ID --accept|--reject [--note TEXT]``
  → :func:`ledger_review_command` (by someone other than who decided).

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
        _echo_disagreements(Operation.objects.filter(reference=operation))


def _echo_disagreements(operations: Any) -> int:
    """One line per count where the executed manifest and the reported figure disagree; how many."""
    from homecoming.app.exchanges import findings

    found = findings.for_operations(operations).of_kind("manifest_disagrees_with_figure")
    for f in found:
        typer.echo(f"disagreement: {f.operation} {f.message}")
    return len(found)


def ledger_show_command(
    agreement: str = typer.Argument(..., help="reference of the agreement, e.g. IST-2025-06"),
) -> None:
    """The ledger of an agreement: quota and totals each way, and every manifest/figure disagreement."""
    support.setup_django()
    from homecoming.app.exchanges import ledger
    from homecoming.app.exchanges.models import Agreement, Operation

    def run() -> Any:
        found = Agreement.objects.select_related("party_a", "party_b").filter(reference=agreement).first()
        if found is None:
            raise NotFound(
                f"no agreement with reference {agreement!r}",
                field="agreement",
                value=agreement,
                hint="see the agreements at /exchanges/",
            )
        return found

    a = support.run(run)
    led = ledger.compute(a)
    typer.echo(f"{a.reference}: {a.title}")
    for s in led.series:
        quota = "all" if s.quota is None else f"{s.quota:,}"
        undated = (
            f"; with undated {'≈ ' if s.approximate else ''}{s.total_with_undated:,}" if s.undated else ""
        )
        typer.echo(
            f"  {s.category} {s.sending} → {s.receiving}: quota {quota}; delivered (dated) {s.delivered:,}"
            f"{undated}"
        )
    if not _echo_disagreements(Operation.objects.filter(agreement=a)):
        typer.echo("no disagreements between manifests and reported figures")


def ledger_decide_command(
    operation: str = typer.Option(..., "--operation", help="reference of the operation, e.g. REM-2025-09-18"),
    receiving: str = typer.Option(..., "--to", help="code of the receiving party of the disputed count"),
    use: str = typer.Option(..., "--use", help="manifest | figure: the evidence the ledger counts"),
    reason: str = typer.Option(..., "--reason", help="why this evidence is the one to count"),
    category: str = typer.Option("", "--category", help="category code, if the agreement has several"),
    actor: str = typer.Option(None, "--as", help="the user deciding (for the audit trail)"),
) -> None:
    """Decide which evidence a disputed count uses; it applies once a second person accepts it."""
    support.setup_django()
    from homecoming.app.exchanges import decisions
    from homecoming.app.exchanges.models import Operation

    def run() -> Any:
        op = Operation.objects.filter(reference=operation).first()
        if op is None:
            raise NotFound(
                f"no operation with reference {operation!r}",
                field="--operation",
                value=operation,
                hint="see the operations at /exchanges/",
            )
        return decisions.decide(
            actor=support.user(actor),
            operation_id=op.pk,
            receiving=receiving,
            category=category,
            use=use,
            reason=reason,
        )

    d = support.run(run)
    typer.echo(
        f"decision {d.pk}: {operation} → {receiving.upper()} uses the {use}; "
        "it applies once a second person accepts it (homecoming ledger review)"
    )


def ledger_review_command(
    decision: int = typer.Argument(..., help="the decision's number"),
    accept: bool = typer.Option(False, "--accept", help="accept the decision"),
    reject: bool = typer.Option(False, "--reject", help="reject it (give --note)"),
    note: str = typer.Option("", "--note", help="why (required to reject)"),
    actor: str = typer.Option(None, "--as", help="the reviewer (not the person who decided)"),
) -> None:
    """Accept or reject a ledger decision."""
    support.setup_django()
    from homecoming.app.exchanges import decisions
    from homecoming.errors import ValidationError

    def run() -> Any:
        if accept == reject:
            raise ValidationError(
                "give exactly one of --accept and --reject",
                field="--accept",
                value="",
                hint="e.g. homecoming ledger review 3 --accept",
            )
        return decisions.review(
            actor=support.user(actor),
            decision_id=decision,
            verdict="accepted" if accept else "rejected",
            note=note,
        )

    r = support.run(run)
    typer.echo(f"decision {decision}: {r.verdict}")


def manifest_link_command(
    operation: str = typer.Option(..., "--operation", help="reference of the operation, e.g. REM-2025-09-18"),
    sending: str = typer.Option(..., "--from", help="code of the sending party, e.g. RU"),
    receiving: str = typer.Option(..., "--to", help="code of the receiving party, e.g. UA"),
    version: int = typer.Option(0, "--version", help="the version's number; default: the current one"),
    choose: list[str] = typer.Option(
        [],
        "--choose",
        help="LINE=REFERENCE: link an uncertain (or matching) line to one of its candidates; "
        "LINE=none leaves it unlinked. Repeat for several lines",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="show what would be linked; write nothing"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
    actor: str = typer.Option(None, "--as", help="the user linking (for the audit trail)"),
) -> None:
    """Link a manifest version's claimed identities to the registry in one step.

    Every line with a claimed name and no registry person is compared with the registered persons by the
    registry's linkage model: a match is linked, an uncertain line is listed with its candidates (link it
    with --choose), a line with no candidate stays unlinked (not in the registry). A link records whom
    the claim names (the line is "said to be" that person), never an identification.
    """
    support.setup_django()
    from homecoming.app.exchanges import linking
    from homecoming.app.exchanges.manifests import current_version
    from homecoming.app.exchanges.models import Manifest
    from homecoming.errors import ValidationError

    def run() -> Any:
        decisions: dict[str, str] = {}
        for item in choose:
            line, sep, value = item.partition("=")
            if not sep or not line.strip() or not value.strip():
                raise ValidationError(
                    f"--choose {item!r} is not LINE=REFERENCE",
                    field="--choose",
                    value=item,
                    hint="e.g. --choose 3=P-0000012 or --choose 3=none",
                )
            decisions[line.strip()] = value.strip()
        manifest = Manifest.objects.filter(
            operation__reference=operation,
            sending_party__code=sending.upper(),
            receiving_party__code=receiving.upper(),
        ).first()
        if manifest is None:
            raise NotFound(
                f"no manifest {sending.upper()} → {receiving.upper()} in operation {operation!r}",
                field="--operation",
                value=operation,
                hint="see the operation's manifests at /exchanges/",
            )
        found = manifest.versions.filter(number=version).first() if version else current_version(manifest)
        if found is None:
            raise NotFound(
                f"the manifest has no version {version}",
                field="--version",
                value=version,
                hint="leave --version out for the current version",
            )
        return linking.link_manifest(
            actor=support.user(actor), version_id=found.pk, decisions=decisions, dry_run=dry_run
        )

    result = support.run(run)
    data = linking.summary(result)
    if as_json:
        import json

        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for line in data["lines"]:
        best = line["candidates"][0] if line["candidates"] else None
        shown = (
            f"{best['reference']} {best['name']} ({100 * best['probability']:.1f}%)"
            + (f" and {len(line['candidates']) - 1} more" if len(line["candidates"]) > 1 else "")
            if best
            else "not in the registry"
        )
        linked = f" → said to be {line['linked_to']}" if line["linked_to"] else ""
        typer.echo(f"line {line['line_no']}: {line['claimed_name']} — {line['kind']}: {shown}{linked}")
    c = data["counts"]
    verb = "would be linked" if result.dry_run else "linked"
    typer.echo(
        f"{data['linked']} lines {verb}; {c['uncertain']} uncertain, {c['none']} not in the registry, "
        f"{c['linked']} linked before, {c['unnamed']} without a claimed name"
        + ("; nothing was written (dry run)" if result.dry_run else "")
    )
