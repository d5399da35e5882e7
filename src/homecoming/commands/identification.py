"""``homecoming worker`` (the background jobs) and ``homecoming identify batch REF`` (screen a batch)."""

from __future__ import annotations

import time
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from homecoming.commands import support
from homecoming.errors import HomecomingError


def worker_command(
    batch: bool = typer.Option(False, "--batch", help="Run the jobs waiting, then exit."),
    interval: float = typer.Option(
        1.0, "--interval", min=0.0, help="Seconds between looks at an empty queue."
    ),
    max_tasks: int | None = typer.Option(None, "--max-tasks", min=1, help="Exit after this many jobs."),
) -> None:
    """Run background jobs (screening runs, the families' e-mails and SMS) from the database queue; a job a
    killed worker left is run again from the start (its results are written all at once, so none were
    half-written), and messages waiting in the outbox are queued again."""
    support.setup_django()
    from django.core.management import call_command

    from homecoming.app.identification import jobs

    again = support.run(jobs.recover_abandoned)
    for reference in again:
        support.err.print(f"queued again (its worker stopped): {reference}", markup=False)
    from homecoming.app.messaging.delivery import requeue_waiting

    messages = support.run(requeue_waiting)
    if messages:
        support.err.print(f"{messages} message(s) to families queued for sending", markup=False)
    call_command(
        "db_worker",
        worker_id=jobs.worker_id(),
        interval=interval,
        batch=batch,
        max_tasks=max_tasks,
        reload=False,
        startup_delay=False,
        verbosity=1,
    )


def identify_batch_command(
    reference: str = typer.Argument(..., help="The intake batch's reference."),
    scope: str = typer.Option("domestic", "--scope", help="Consent scope of the families screened."),
    top: int = typer.Option(10, "--top", help="Best missing persons kept per body."),
    threshold: float = typer.Option(1e4, "--threshold", help="LR of an undisputed match."),
    limit: int = typer.Option(1_000_000, "--limit", help="Most assignments enumerated per component."),
    wait: bool = typer.Option(False, "--wait", help="Show the progress and the result (a worker must run)."),
    username: str | None = typer.Option(None, "--as", help="The user starting the run (audited)."),
) -> None:
    """Screen an intake batch against every family in scope, as a background job of ``homecoming worker``;
    with ``--wait``, follow it with a progress bar and print each body's conclusion."""
    support.setup_django()
    from homecoming.app.identification import screening

    def start() -> Any:
        actor = support.user(username)
        batch = screening.batch_by_reference(reference)
        return screening.start_run(
            actor=actor, batch=batch, scope=scope, top=top, threshold=threshold, limit=limit
        )

    run = support.run(start)
    support.out.print(f"{run.reference}: queued (batch {reference}, scope {scope})", markup=False)
    if wait:
        run = _follow(run.pk)
        _render(run)


def _follow(run_pk: int) -> Any:
    from homecoming.app.identification.models_screening import RunStatus, ScreeningRun

    with support.progress(transient=False) as bar:
        task = bar.add_task("queued", total=None)
        while True:
            run = ScreeningRun.objects.get(pk=run_pk)
            bar.update(task, description=run.stage or run.status, completed=run.done, total=run.total or None)
            if run.status in (RunStatus.done, RunStatus.failed):
                return run
            time.sleep(0.5)


def _render(run: Any) -> None:
    from homecoming.app.identification.models_screening import RunStatus

    if run.status == RunStatus.failed:
        support.fail(HomecomingError(f"{run.reference} failed: {run.error}"))
    s = run.summary
    console = Console()
    console.print(
        f"{run.reference}: {s['bodies']} bodies x {s['missing_persons']} missing persons "
        f"({s['tables_cached']} family tables cached, {s['tables_built']} built)",
        markup=False,
    )
    table = Table(title=f"{run.reference}: conclusions")
    for col in ("body", "units", "conclusion", "family", "missing", "LR", "P(pairing)"):
        table.add_column(col)
    for c in run.conclusions.select_related("unit", "family", "missing", "profile"):
        table.add_row(
            c.profile.reference,
            ", ".join(c.group),
            c.conclusion,
            c.family.reference if c.family else "-",
            c.missing.code if c.missing else "-",
            support.number(c.lr),
            support.number(c.pairing_probability),
        )
    console.print(table)
    for note in s.get("notes", []):
        console.print(f"note: {note}", markup=False)
