"""``homecoming import persons`` and ``homecoming export persons``: person lists as CSV or XLSX files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from homecoming.commands import support
from homecoming.errors import InputError


def import_persons_command(
    file: Path = typer.Argument(
        ...,
        help="CSV or XLSX in the published person-list columns (docs/formats), or a signed bundle (a folder "
        "or .zip from `lists sign`): verified first, refused whole if it does not verify",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="check the file and report; write nothing"),
    actor: str = typer.Option(None, "--as", help="the user doing the import (for the audit trail)"),
    again: str = typer.Option(
        "", "--again", help="import a file imported before once more, on purpose: the reason (audited)"
    ),
    preview_out: Path = typer.Option(
        None,
        "--preview-out",
        help="write what the import does with each row (CSV: row, class, decision, person, probability, "
        "evidence) — with --dry-run, to review a big list in a spreadsheet first",
    ),
    decisions_file: Path = typer.Option(
        None,
        "--decisions",
        help="CSV with columns row,decision: 'new' or the reference of one of the row's candidates, "
        "overriding what the import would do with a matching or uncertain row",
    ),
) -> None:
    """Import a person list: every bad row is reported and nothing is written, or all rows are.

    Rows that are registered persons (by reference, an external id recorded before, or the same name,
    birth date and service number) are never created again: unchanged ones are skipped and counted,
    differing ones are listed as conflicts and nothing is written for them. The registry's linkage model
    then finds the other rows' registered persons: a row it matches (probability >= 0.99, no rival) is
    linked to the person and nobody is created; an uncertain row is registered and the pair queued for
    review. A file imported before (the same bytes, under any name) is refused with exit code 3.
    """
    support.setup_django()
    from homecoming.app.registry.importing import import_persons
    from homecoming.app.signed_lists import import_persons_bundle, is_bundle

    support.run(lambda: support.existing(file))
    user = support.run(lambda: support.user(actor))
    decisions = support.run(lambda: _decisions(decisions_file, file)) if decisions_file else None
    with support.progress() as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        report = support.run(
            lambda: (import_persons_bundle if is_bundle(file) else import_persons)(
                actor=user,
                path=file,
                dry_run=dry_run,
                progress=lambda n: bar.advance(task, n),
                again=again,
                **({"decisions": decisions} if decisions is not None else {}),
            )
        )
    verb = "would import" if report.dry_run else "imported"
    support.out.print(
        f"{escape(file.name)}: {report.rows} rows checked; {verb} {report.persons} persons, "
        f"{report.name_forms} name forms, {report.assertions} status claims (submitted for review); "
        f"{len(report.unchanged)} already registered (unchanged, skipped); "
        f"{len(report.conflicts)} registered but different (conflicts: nothing written for them)"
    )
    for conflict in report.conflicts:
        support.out.print(f"  conflict: {escape(str(conflict))}")
    if report.preview is not None:
        counts = report.preview.counts()
        linked = "would link" if report.dry_run else "linked"
        support.out.print(
            f"linkage model ({escape(report.preview.model_source)}): {counts['match']} rows match a "
            f"registered person ({linked} {len(report.linked)}, nobody created); {counts['uncertain']} "
            f"uncertain ({report.possible_duplicates} pairs for the review queue)"
        )
        if preview_out is not None:
            support.run(lambda: _write_preview(preview_out, report))
            support.out.print(f"wrote the preview of every row to {escape(str(preview_out))}")


def _decisions(path: Path, listed: Path) -> dict[int, str]:
    """Row number -> 'new' or a person id, from a CSV of row,decision (a reference names the person)."""
    import csv

    from homecoming.app.registry.models import Person

    support.existing(path)
    out: dict[int, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for n, record in enumerate(csv.DictReader(handle), start=2):
            row, decision = (record.get("row") or "").strip(), (record.get("decision") or "").strip()
            if not row.isdigit() or not decision:
                raise InputError(
                    f"{path.name}, row {n}: give a row number of {listed.name} and a decision",
                    field="row",
                    value=f"{row},{decision}",
                    hint="columns row,decision; decision: new, or the reference of a candidate of the row",
                )
            if decision.lower() == "new":
                out[int(row)] = "new"
                continue
            pk = Person.objects.filter(reference=decision).values_list("pk", flat=True).first()
            if pk is None:
                raise InputError(
                    f"{path.name}, row {n}: no registered person has the reference {decision}",
                    field="decision",
                    value=decision,
                    hint="give the reference of one of the row's candidates (see --preview-out), or new",
                )
            out[int(row)] = str(pk)
    return out


def _write_preview(path: Path, report: Any) -> None:
    import csv

    from homecoming.app.registry.previewing import NEW

    decided = dict(report.linked)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["row", "class", "decision", "name", "candidate", "probability", "evidence"])
        for r in report.preview.rows:
            decision = decided.get(r.row.row) or (NEW if r.kind in ("new", "uncertain", "match") else "skip")
            if not r.candidates:
                reference = r.recognised.reference if r.recognised else ""
                out.writerow([r.row.row, r.kind, decision, r.name, reference, "", ""])
            for c in r.candidates:
                evidence = "; ".join(f"{comp}: {level} ({w:+.1f})" for comp, level, w in c.evidence)
                out.writerow(
                    [
                        r.row.row,
                        r.kind,
                        decision,
                        r.name,
                        c.person.reference,
                        f"{c.probability:.6f}",
                        evidence,
                    ]
                )


def export_persons_command(
    file: Path = typer.Argument(..., help="output file; .csv or .xlsx"),
) -> None:
    """Export all persons in the published person-list columns, with their references and accepted
    statuses: importing the file again creates no one."""
    support.setup_django()
    from homecoming.app.registry.importing import export_rows
    from homecoming.io.persons import write_persons

    fmt = file.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        support.fail(
            InputError(
                f"file: cannot tell the format of {file.name}",
                field="file",
                value=str(file),
                hint="name the file .csv or .xlsx",
            )
        )
    count = 0

    def counted() -> Iterator[Any]:
        nonlocal count
        for row in export_rows():
            count += 1
            yield row

    try:
        write_persons(counted(), file, fmt=fmt)  # type: ignore[arg-type]
    except OSError as exc:
        support.fail(
            InputError(
                f"file: cannot write {file} ({exc.strerror})",
                field="file",
                value=str(file),
                hint="check that the folder exists and is writable",
            )
        )
    support.out.print(f"exported {count} persons to {escape(str(file))}")
